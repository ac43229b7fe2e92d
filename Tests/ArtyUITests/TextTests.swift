@testable import ArtyUI
import Testing

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("abc", 3), ("研究チーム", 10), ("模型权重", 8), ("e\u{301}", 1), ("cafe\u{301}", 4),
        ("🚀", 2), ("👩‍💻", 2), ("한국어", 6), ("ｆｕｌｌ", 8), ("\u{200B}", 0), ("�", 1), ("…", 1),
    ])
    func widths(text: String, cells: Int) {
        #expect(DisplayWidth.of(text) == cells)
    }

    @Test func truncationKeepsWideCharactersWhole() {
        #expect(TextFit.truncate("研究チーム", to: 6) == "研究…")
        #expect(DisplayWidth.of(TextFit.truncate("研究チーム", to: 6)) == 5)
        #expect(TextFit.truncate("abcdef", to: 4) == "abc…")
        #expect(TextFit.truncate("abc", to: 3) == "abc")
        #expect(TextFit.truncate("abc", to: 0) == "")
    }

    @Test func paddingAlignsByCells() {
        #expect(TextFit.pad("研究", to: 6) == "研究  ")
        #expect(TextFit.pad("1 B", to: 6, align: .right) == "   1 B")
    }

    @Test func wrapBreaksAtSpacesAndHardBreaksLongWords() {
        #expect(TextFit.wrap("press r to retry", to: 8) == ["press r", "to retry"])
        #expect(TextFit.wrap("s3://bucket/key", to: 6) == ["s3://b", "ucket/", "key"])
    }

    @Test(arguments: [
        ("a very long folder name/file.csv", 21, "a very long…/file.csv"),
        ("data/file.csv", 13, "data/file.csv"),
        ("data/file.csv", 12, "da…/file.csv"),
        ("data/file.csv", 10, "…/file.csv"),
        ("data/file.csv", 9, "…file.csv"),
        ("data/file.csv", 8, "fil….csv"),
        ("a_really_long_file_name.csv", 10, "a_re…e.csv"),
        ("some/long/folder/", 10, "s…/folder/"),
        ("研究/データ/表.csv", 10, "研…/表.csv"),
        ("研究/データ/表.csv", 11, "研…/表.csv"),  // 研究 would straddle: one cell short, never split
        ("cafe\u{301}-données/very/long/path/x.csv", 12, "cafe\u{301}-…/x.csv"),
        ("模型权重模型权重.bin", 9, "模型….bin"),
        ("x/y.csv", 1, "…"),
        ("x/y.csv", 0, ""),
    ])
    func middleCutKeepsTheFileName(path: String, width: Int, cut: String) {
        #expect(TextFit.middle(path, to: width) == cut)
        #expect(DisplayWidth.of(TextFit.middle(path, to: width)) <= width)
    }

    @Test func pathsWrapAfterSlashesAndNothingIsCut() {
        #expect(TextFit.wrapPath("data/images/train/sample_0001.jpg", to: 12) == ["data/images/", "train/", "sample_0001.", "jpg"])
        #expect(TextFit.wrapPath("images/dogs/a very long name.jpg", to: 12) == ["images/dogs/", "a very long", "name.jpg"])
        #expect(TextFit.wrapPath("abc", to: 10) == ["abc"])
        #expect(TextFit.wrapPath("", to: 5) == [""])
        #expect(TextFit.wrapPath("研究/データ/表.csv", to: 7) == ["研究/", "データ/", "表.csv"])
        let long = "a/" + String(repeating: "x", count: 50) + "/file.csv"
        #expect(TextFit.wrapPath(long, to: 16).joined() == long)
    }
}

@Suite struct SanitizerTests {
    @Test func controlCharactersBecomeVisibleEscapes() {
        #expect(Sanitizer.clean("evil\u{1B}[31mred\u{07}") == "evil\\x1b[31mred\\x07")
        #expect(Sanitizer.clean("a\nb\tc\r") == "a\\nb\\tc\\r")
        #expect(Sanitizer.clean("c1\u{9B}x") == "c1\\x9bx")
        #expect(Sanitizer.clean("\u{7F}") == "\\x7f")
        #expect(Sanitizer.clean("ok 研究 🚀 e\u{301}") == "ok 研究 🚀 e\u{301}")
        #expect(Sanitizer.clean("bad \u{FFFD} bytes") == "bad \u{FFFD} bytes")
    }

    @Test func framesNeverHoldRawEscapes() {
        var frame = Frame(size: Size(width: 20, height: 1))
        frame.put("x\u{1B}]52;c;AAAA\u{07}", x: 0, y: 0)
        #expect(!frame.cells.contains { $0.grapheme.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(frame.line(0) == "x\\x1b]52;c;AAAA\\x07")
    }
}

@Suite struct FormattingTests {
    @Test(arguments: [
        (Int64(0), "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (12_040_551, "11.5 MiB"),
        (2_147_483_648, "2.0 GiB"), (1_048_575, "1.0 MiB"), (-1, "?"),
    ])
    func sizes(bytes: Int64, text: String) {
        #expect(Formatting.size(bytes) == text)
    }

    @Test func addedIsRelativeWithinAMonthThenAnISODate() {
        let now = FakeArtifactService.sampleNowMillis  // 2026-11-29 12:00 UTC
        #expect(Formatting.added(now - 30_000, now: now) == "just now")
        #expect(Formatting.added(now - 5 * 60_000, now: now) == "5m ago")
        #expect(Formatting.added(now - 3 * 3_600_000, now: now) == "3h ago")
        #expect(Formatting.added(now - 2 * 86_400_000, now: now) == "2d ago")
        #expect(Formatting.added(now - 64 * 86_400_000, now: now) == "2026-09-26")
        #expect(Formatting.added(nil, now: now) == "-")
        #expect(Formatting.isoDateTime(now) == "2026-11-29 12:00 UTC")
        #expect(Formatting.isoDate(0) == "1970-01-01")
    }
}

@Suite struct FrameTests {
    @Test func wideCharactersTakeTwoCellsAndStayWhole() {
        var frame = Frame(size: Size(width: 6, height: 1))
        #expect(frame.put("研究x", x: 0, y: 0) == 5)
        #expect(frame[x: 1, y: 0].isContinuation)
        frame.put("a", x: 1, y: 0)  // overwriting half of 研 blanks the other half
        #expect(frame.line(0) == " a究x")
        var clipped = Frame(size: Size(width: 3, height: 1))
        clipped.put("a研究", x: 0, y: 0)
        #expect(clipped.line(0) == "a研")
        var edge = Frame(size: Size(width: 2, height: 1))
        edge.put("a研", x: 0, y: 0)  // no room for the whole wide character
        #expect(edge.line(0) == "a")
    }

    @Test func layoutDropsParentFirstThenPreview() {
        #expect(Layout(width: 132).parent != nil && Layout(width: 132).preview != nil)
        #expect(Layout(width: 80).parent != nil)
        #expect(Layout(width: 60).parent == nil && Layout(width: 60).preview != nil)
        #expect(Layout(width: 40).parent == nil && Layout(width: 40).preview == nil)
        for width in [40, 56, 60, 72, 80, 100, 132, 200] {
            let l = Layout(width: width)
            let total = (l.parent?.width ?? 0) + l.current.width + (l.preview?.width ?? 0) + l.separators.count
            #expect(total == width, "width \(width)")
        }
    }
}

@Suite struct TextTailTests {
    @Test func theTailFitsTheWidthByDisplayCells() {
        #expect(TextFit.tail("abcdef", to: 3) == "def")
        #expect(TextFit.tail("abc", to: 10) == "abc")
        #expect(TextFit.tail("日本語", to: 5) == "本語")  // 2 cells each; the third would straddle
        #expect(TextFit.tail("x", to: 0) == "")
    }
}
