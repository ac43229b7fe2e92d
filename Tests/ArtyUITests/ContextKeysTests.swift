@testable import ArtyUI
import CometAPI
import Testing

/// Context-aware keys (issue 14): the keymap's predicate per pane and selection, the footer and help
/// that follow it, and the info message of a key that cannot act.
@Suite struct ContextKeysTests {
    /// The footer keys of the bindings that act on `h`'s state, as `d`, `a`, ….
    func hintKeys(_ h: Harness) -> [String] { Keymap.hints(in: h.state).map(\.key) }

    /// The commands whose bindings act on `h`'s state, among the pane-dependent ones.
    func acting(_ h: Harness) -> Set<Command> {
        let contextual: Set<Command> = [.download, .editAliases, .editTags, .bump, .mark, .compare, .preview, .toggleTree,
                                        .markAsset, .markRange]
        return Set(Keymap.bindings(in: h.state).map(\.command)).intersection(contextual)
    }

    @Test func workspacesPaneHasNoActionKeys() async {
        let h = await Harness()
        #expect(h.state.current.key.level == .workspaces)
        #expect(acting(h).isEmpty)
        #expect(hintKeys(h) == ["l", "h", "/", "s", "r", "y", "?", "q", "J"])
        #expect(!h.frame().line(23).contains("d download"))
        #expect(h.frame().line(23).contains("J jobs"))
    }

    @Test func artifactsPaneDownloadsAndTagsOnly() async {
        var h = await Harness()
        await h.press(.enter)
        #expect(h.state.current.key == .artifacts(workspace: "mnist-team"))
        #expect(acting(h) == [.download, .editTags])
    }

    @Test func versionsPaneHasEveryVersionAction() async {
        let h = await versionsHarness()
        #expect(acting(h) == [.download, .editAliases, .editTags, .bump, .mark, .compare])
        #expect(Array(hintKeys(h).suffix(7)) == ["d", "a", "t", "b", "m", "c", "J"])
        let footer = h.frame(Size(width: 132, height: 43)).line(42)
        #expect(footer.contains("d download  a alias  t tag  b bump  m mark  c diff  J jobs"))
    }

    @Test func assetsPaneDownloadsPreviewsAndTogglesTheTree() async {
        var h = await versionsHarness()
        await h.press(.enter)
        #expect(h.state.current.key.level == .assets)
        #expect(acting(h) == [.download, .preview, .markAsset, .markRange, .toggleTree])
        #expect(Array(hintKeys(h).suffix(5)) == ["d", "J", "p", "Space", "T"])
    }

    @Test func compareActsAnywhereOnceTwoVersionsAreMarked() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.press(.char("m"), .char("j"), .char("m"), .enter)
        #expect(h.state.marks.count == 2)
        #expect(h.state.current.key.level == .assets)
        #expect(acting(h) == [.download, .preview, .markAsset, .markRange, .toggleTree, .compare])
    }

    @Test func readOnlyHidesTheKeysThatWrite() async {
        let h = await versionsHarness(context: BrowserContext(serverLabel: "x", userName: "a", readOnly: true))
        #expect(acting(h) == [.download, .mark, .compare])
        #expect(Keymap.mutating == [.editAliases, .editTags, .bump])
        let footer = h.frame(Size(width: 132, height: 43)).line(42)
        #expect(footer.contains("d download  m mark  c diff"))
        #expect(!footer.contains("alias") && !footer.contains("bump") && !footer.contains("t tag"))
    }

    @Test func helpListsOnlyTheKeysThatAct() async {
        var h = await Harness(size: Size(width: 132, height: 43))
        await h.press(.char("?"))
        let help = h.text
        #expect(help.contains("Move down"))
        #expect(!help.contains("Bump: new major/minor/patch version"))
        #expect(!help.contains("Edit the version's aliases"))
        var v = await versionsHarness(size: Size(width: 132, height: 43))
        await v.press(.char("?"))
        #expect(v.text.contains("Bump: new major/minor/patch version"))
        #expect(v.text.contains("Edit the version's aliases"))
        #expect(!v.text.contains("Preview the asset"))
    }

    @Test func aKeyThatCannotActSaysWhyAsInformation() async {
        var h = await Harness()
        await h.press(.char("b"))
        #expect(h.state.message == StatusMessage("Bump works on a version: open an artifact's versions first", kind: .info))
        #expect(h.overlay == nil)
        #expect(h.effects.allSatisfy { if case .planDownload = $0 { false } else { true } })
        #expect(h.frame().line(22).hasPrefix("Bump works on a version"))
        #expect(!h.frame().line(22).contains("✗ error"))
        await h.press(.char("d"))
        #expect(h.state.message?.kind == .info)
        #expect(h.state.message?.text.hasPrefix("Download works on an artifact") == true)
        await h.press(.char("T"))
        #expect(h.state.message == StatusMessage("T shows a version's assets as a folder tree: open a version first", kind: .info))
    }

    @Test func readOnlyRefusalIsInformationToo() async {
        var h = await versionsHarness(context: BrowserContext(serverLabel: "x", userName: "a", readOnly: true))
        await h.press(.char("a"))
        #expect(h.overlay == nil)
        #expect(h.state.message == StatusMessage("Read-only session: aliases, tags and bumps are disabled (d still downloads)", kind: .info))
        // Off its pane, the key says where it acts first.
        await h.press(.char("h"), .char("h"), .char("b"))
        #expect(h.state.current.key.level == .workspaces)
        #expect(h.state.message == StatusMessage("Bump works on a version: open an artifact's versions first", kind: .info))
    }

    @Test func downloadOnAnArtifactPlansItsLatestVersion() async {
        var h = await Harness()
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter)
        guard case .artifact(let a)? = h.selected else { Issue.record("no artifact selected"); return }
        #expect(a.name == "mnist-digits")
        #expect(a.latestVersion == "2.1.0")
        await h.press(.char("d"))
        #expect(h.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                              assets: nil, destination: "./mnist-digits-2.1.0"))
        await h.answerPlan()
        guard case .download(let d)? = h.overlay else { Issue.record("no dialog"); return }
        #expect(d.plan.version.version == "2.1.0")
        #expect(d.assets == nil)
        #expect(h.text.contains("Download latest version mnist-digits:2.1.0"))
    }
}
