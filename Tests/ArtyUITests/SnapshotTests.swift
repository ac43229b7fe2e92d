@testable import ArtyUI
import CometAPI
import Testing

/// Screens rendered as text at the common sizes and the minimum size (40×10).
@Suite struct SnapshotTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 132, height: 43), Size.minimum]

    static func name(_ screen: String, _ size: Size) -> String { "\(screen)-\(size.width)x\(size.height)" }

    @Test(arguments: sizes) func workspacesPane(size: Size) async {
        let h = await Harness(size: size)
        assertSnapshot(h.text, named: Self.name("workspaces", size))
    }

    @Test(arguments: sizes) func artifactsPane(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.enter)  // mnist-team
        assertSnapshot(h.text, named: Self.name("artifacts", size))
    }

    @Test(arguments: sizes) func versionsPane(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.enter)
        await h.press(.char("/"))
        await h.type("mnist")
        await h.press(.enter, .enter)  // versions of mnist-digits, newest first
        await h.press(.char("j"))  // 2.1.0 (production, latest)
        assertSnapshot(h.text, named: Self.name("versions", size))
    }

    @Test(arguments: sizes) func assetsPane(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter, .enter, .char("j"), .enter)  // assets of 2.1.0
        await h.press(.char("G"), .char("k"))  // the remote asset raw/mnist.tar.gz
        #expect(h.selected?.name == "raw/mnist.tar.gz")
        assertSnapshot(h.text, named: Self.name("assets", size))
    }

    @Test(arguments: sizes) func localAssetDetails(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter, .enter, .char("j"), .enter, .char("/"))
        await h.type("train")
        await h.press(.enter)
        assertSnapshot(h.text, named: Self.name("asset-details", size))
    }

    @Test(arguments: sizes) func helpOverlay(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.char("?"))
        assertSnapshot(h.text, named: Self.name("help", size))
    }

    @Test(arguments: sizes) func loadingState(size: Size) async {
        let h = await Harness(size: size, resolveLoads: false)
        assertSnapshot(h.text, named: Self.name("loading", size))
    }

    @Test(arguments: sizes) func emptyStates(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.enter, .char("j"))  // mnist-team › empty-artifact: no versions
        assertSnapshot(h.text, named: Self.name("empty-versions", size))
        await h.press(.char("h"), .char("G"), .char("k"))  // vision: no artifacts
        await h.press(.enter)
        assertSnapshot(h.text, named: Self.name("empty-artifacts", size))
    }

    @Test(arguments: sizes) func errorState(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.char("j"), .enter)  // restricted: artifacts/get-all fails
        assertSnapshot(h.text, named: Self.name("error", size))
    }

    @Test(arguments: sizes) func wideCharacterNames(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.char("G"), .enter)  // 研究チーム
        assertSnapshot(h.text, named: Self.name("wide-cjk", size))
        await h.press(.char("h"), .char("g"), .enter, .char("/"))
        await h.type("É")  // matches "cafe\u{301}-données": case-insensitive, canonically equivalent
        await h.press(.enter)
        #expect(h.selected?.name == "cafe\u{301}-données")
        assertSnapshot(h.text, named: Self.name("wide-mixed", size))
    }

    @Test(arguments: sizes) func filterWhileTyping(size: Size) async {
        var h = await Harness(size: size)
        await h.press(.enter, .char("/"))
        await h.type("E")
        assertSnapshot(h.text, named: Self.name("filtering", size))
    }

    @Test func tooSmall() async {
        let h = await Harness(size: Size(width: 30, height: 8))
        assertSnapshot(h.text, named: "too-small-30x8")
        #expect(h.text.contains("terminal too small"))
        #expect(h.text.contains("30×8"))
    }

    @Test func noCellSpillsPastTheScreen() async {
        // Every row of every screen is exactly the frame's width in cells.
        var h = await Harness(size: Size(width: 80, height: 24))
        await h.press(.char("G"), .enter)
        let frame = h.frame()
        for y in 0..<frame.size.height {
            let width = (0..<frame.size.width).reduce(0) { $0 + max(frame[x: $1, y: y].width, frame[x: $1, y: y].isContinuation ? 0 : 1) }
            #expect(width == 80, "row \(y)")
        }
    }
}
