@testable import ArtyUI
import CometAPI
import Testing

@Suite struct ReducerTests {
    @Test func startLoadsWorkspacesAndPreviewOfTheFirst() async {
        let h = await Harness()
        #expect(h.effects.first == .loadWorkspaces(requestID: 1))
        #expect(h.selected == .workspace("mnist-team"))
        #expect(h.effects.contains(.loadArtifacts(workspace: "mnist-team", requestID: 2)))
        #expect(h.state.listings[.artifacts(workspace: "mnist-team")]?.entries?.count == 5)
    }

    @Test func startLoadsAccountWhenUserUnknown() async {
        let h = await Harness(context: BrowserContext(serverLabel: "x"))
        #expect(h.effects.first == .loadAccount)
    }

    @Test func initialWorkspaceOpensItsArtifacts() async {
        let h = await Harness(context: BrowserContext(serverLabel: "x", userName: "a", initialWorkspace: "vision"))
        #expect(h.state.panes.map(\.key) == [.workspaces, .artifacts(workspace: "vision")])
        #expect(h.state.selectedEntry(of: h.state.panes[0]) == .workspace("vision"))
    }

    @Test func movementStopsAtTheEnds() async {
        var h = await Harness()
        await h.press(.char("k"))
        #expect(h.selected == .workspace("mnist-team"))
        await h.press(.char("j"), .down)
        #expect(h.selected == .workspace("vision"))
        await h.press(.char("G"))
        #expect(h.selected == .workspace("研究チーム"))
        await h.press(.char("j"), .pageDown)
        #expect(h.selected == .workspace("研究チーム"))
        await h.press(.char("g"))
        #expect(h.selected == .workspace("mnist-team"))
        await h.press(.pageDown)
        #expect(h.selected == .workspace("研究チーム"))
        await h.press(.pageUp)
        #expect(h.selected == .workspace("mnist-team"))
    }

    @Test func drillInAndOut() async {
        var h = await Harness()
        await h.press(.char("l"))
        #expect(h.state.current.key == .artifacts(workspace: "mnist-team"))
        await h.press(.char("G"), .char("k"), .right)
        #expect(h.state.current.key == .versions(workspace: "mnist-team", artifact: "mnist-digits"))
        #expect(h.selected?.name == "2.2.0-rc.1")  // newest first
        await h.press(.char("j"), .enter)
        #expect(h.state.current.key == .assets(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                               versionId: "c41d7788a"))
        #expect(h.state.visibleEntries(of: h.state.current)?.count == 5)
        await h.press(.enter)  // an asset has no children: Enter opens its preview
        #expect(h.state.panes.count == 4)
        #expect(h.state.preview?.asset.logicalPath == h.selected?.name)
        await h.press(.char("h"))  // closes the preview
        #expect(h.state.preview == nil)
        #expect(h.state.panes.count == 4)
        await h.press(.char("h"), .left)
        #expect(h.state.current.key == .artifacts(workspace: "mnist-team"))
        #expect(h.selected?.name == "mnist-digits")  // the parent keeps its selection
        await h.press(.char("h"), .char("h"))
        #expect(h.state.panes.count == 1)
    }

    @Test func filterTypingNarrowsEnterKeepsSecondEnterDrillsIn() async {
        var h = await Harness()
        await h.press(.enter, .char("/"))
        #expect(h.state.filterEditing)
        await h.type("RES")
        #expect(h.state.visibleEntries(of: h.state.current)?.map(\.name) == ["resnet50-🚀"])
        await h.press(.backspace)
        #expect(h.state.current.filter == "RE")
        #expect(h.state.visibleEntries(of: h.state.current)?.map(\.name) == ["evil\u{1B}[31mred\u{07}", "resnet50-🚀"])
        await h.press(.enter)
        #expect(!h.state.filterEditing)
        #expect(h.state.current.filter == "RE")
        #expect(h.selected?.name == "evil\u{1B}[31mred\u{07}")  // the first match
        await h.press(.char("j"), .enter)
        #expect(h.state.current.key == .versions(workspace: "mnist-team", artifact: "resnet50-🚀"))
        await h.press(.char("h"))
        #expect(h.state.current.filter == "RE")  // kept on the pane
        await h.press(.escape)
        #expect(h.state.current.filter.isEmpty)
        #expect(h.selected?.name == "resnet50-🚀")  // selection survives clearing
        #expect(h.state.visibleEntries(of: h.state.current)?.count == 5)
    }

    @Test func escWhileTypingClearsTheFilter() async {
        var h = await Harness()
        await h.press(.char("/"))
        await h.type("vis")
        #expect(h.selected == .workspace("vision"))
        await h.press(.escape)
        #expect(!h.state.filterEditing)
        #expect(h.state.current.filter.isEmpty)
        #expect(h.selected == .workspace("vision"))
    }

    /// Issue 14: the filter is edited through the text field: at the cursor, with readline keys.
    @Test func theFilterIsEditedAtTheCursor() async {
        var h = await Harness()
        await h.press(.char("/"))
        await h.type("vsion")
        #expect(h.state.visibleEntries(of: h.state.current)?.count == 0)
        await h.press(.left, .left, .left, .left)
        #expect(h.state.current.filter == "vsion")  // moving the cursor filters nothing anew
        await h.type("i")
        #expect(h.state.current.filter == "vision")
        #expect(h.state.filterField.cursor == 2)
        #expect(h.selected == .workspace("vision"))
        await h.press(.ctrl("e"))
        await h.type(" x")
        await h.press(.ctrl("w"))
        #expect(h.state.current.filter == "vision ")
        await h.press(.ctrl("a"), .delete)
        #expect(h.state.current.filter == "ision ")
        await h.press(.ctrl("k"))
        #expect(h.state.current.filter.isEmpty)
        #expect(h.state.visibleEntries(of: h.state.current)?.count == h.state.listings[.workspaces]?.entries?.count)
        #expect(h.state.filterEditing)
        // `/` again opens an empty field (issue 14); `↑` brings the kept filter back, cursor at its end.
        await h.type("mn")
        await h.press(.enter, .char("/"))
        #expect(h.state.filterField == TextField())
        await h.press(.up)
        #expect(h.state.filterField == TextField("mn"))
    }

    @Test func keysTypedIntoTheFilterAreNotCommands() async {
        var h = await Harness()
        await h.press(.char("/"))
        await h.type("q")
        #expect(!h.state.quitRequested)
        #expect(h.state.current.filter == "q")
    }

    @Test func sortCyclesFieldsAndReverses() async {
        var h = await Harness()
        await h.press(.enter)
        #expect(h.state.current.sort == SortOrder(field: .name))
        await h.press(.char("s"))
        #expect(h.state.current.sort.field == .type)
        await h.press(.char("s"))
        #expect(h.state.current.sort.field == .size)
        #expect(h.state.visibleEntries(of: h.state.current)?.first?.name == "empty-artifact")
        await h.press(.char("S"))
        #expect(h.state.visibleEntries(of: h.state.current)?.first?.name == "resnet50-🚀")
        #expect(h.state.message?.text == "Sorted by size ↓")
        await h.press(.char("s"))
        #expect(h.state.current.sort.field == .updated)
        await h.press(.char("s"))
        #expect(h.state.current.sort.field == .name)
    }

    @Test func versionsSortSemanticallyNewestFirst() {
        let versions = ["1.10.0", "1.2.0", "2.0.0-rc.1", "2.0.0", "not-semver"].map {
            Entry.version(ArtifactVersion(artifactVersionId: $0, version: $0))
        }
        let sorted = Sorting.sorted(versions, by: .defaultOrder(for: .versions)).map(\.name)
        #expect(sorted == ["2.0.0", "2.0.0-rc.1", "1.10.0", "1.2.0", "not-semver"])
    }

    @Test func staleResultsAreDropped() async {
        var h = await Harness(resolveLoads: false)
        #expect(h.pending.map(\.0) == [.workspaces])
        await h.press(.char("r"))  // a second request supersedes the first
        #expect(h.effects.contains(.cancel(requestID: 1)))
        let old = await BrowserApp.load(.workspaces, service: h.service)
        await h.send(.loaded(.workspaces, requestID: 1, result: .success([.workspace("stale")], artifact: nil)))
        #expect(h.state.listings[.workspaces]?.entries == nil)
        await h.send(.loaded(.workspaces, requestID: 2, result: old))
        #expect(h.state.listings[.workspaces]?.entries?.count == 4)
    }

    @Test func movingAwayCancelsThePreviewLoad() async {
        var h = await Harness(resolveLoads: false)
        await h.resolvePending()  // workspaces
        let first = h.pending.first
        #expect(first?.0 == .artifacts(workspace: "mnist-team"))
        // To the last workspace: mnist-team is three rows away, too far to stay as a prefetch.
        await h.press(.char("G"))
        #expect(h.effects.contains(.cancel(requestID: first!.1)))
        #expect(h.state.listings[.artifacts(workspace: "mnist-team")] == nil)
        // The late answer for the left selection is ignored.
        await h.send(.loaded(first!.0, requestID: first!.1, result: .success([], artifact: nil)))
        #expect(h.state.listings[.artifacts(workspace: "mnist-team")] == nil)
    }

    @Test func failuresAreShownAndRetried() async {
        var h = await Harness()
        await h.press(.char("j"), .enter)
        let key = ListingKey.artifacts(workspace: "restricted")
        #expect(h.state.listings[key]?.error?.contains("HTTP 403") == true)
        #expect(h.text.contains("Press r to retry"))
        await h.press(.char("r"))
        #expect(h.effects.last == .loadArtifacts(workspace: "restricted", requestID: h.state.nextRequestID - 1))
        #expect(h.state.message?.kind == .error)
    }

    @Test func tooSmallIgnoresEverythingButQuit() async {
        var h = await Harness(size: Size(width: 30, height: 8))
        await h.press(.enter, .char("/"), .char("?"), .char("j"))
        #expect(h.state.panes.count == 1)
        #expect(!h.state.filterEditing)
        #expect(h.state.overlay == nil)
        #expect(h.selected == .workspace("mnist-team"))
        await h.send(.resized(Size(width: 80, height: 24)))
        await h.press(.char("j"))
        #expect(h.selected == .workspace("restricted"))
        await h.send(.resized(Size(width: 30, height: 8)))
        await h.press(.char("q"))
        #expect(h.state.quitRequested)
    }

    @Test func helpOpensAndAnyKeyCloses() async {
        var h = await Harness()
        await h.press(.char("?"))
        #expect(h.state.overlay == .help(offset: 0))
        await h.press(.char("j"))
        #expect(h.state.overlay == .help(offset: 1))
        await h.press(.char("x"))
        #expect(h.state.overlay == nil)
        #expect(h.selected == .workspace("mnist-team"))
    }

    @Test func copyProducesReferences() async {
        var h = await Harness()
        await h.press(.char("y"))
        #expect(h.effects.last == .copyToClipboard("mnist-team"))
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter, .char("y"))
        #expect(h.effects.last == .copyToClipboard("mnist-team/mnist-digits"))
        await h.press(.enter, .char("j"), .char("y"))
        #expect(h.effects.last == .copyToClipboard("mnist-team/mnist-digits:2.1.0"))
        await h.press(.enter, .char("G"), .char("k"), .char("y"))
        #expect(h.effects.last == .copyToClipboard("s3://comet-demo/mnist/raw.tar.gz"))
        await h.send(.copied(text: "s3://comet-demo/mnist/raw.tar.gz", ok: true))
        #expect(h.state.message == StatusMessage("Copied s3://comet-demo/mnist/raw.tar.gz"))
    }

    @Test func infoMessagesExpireErrorsStay() async {
        var h = await Harness()
        await h.press(.char("s"))
        #expect(h.state.message != nil)
        await h.send(.tick(nowMillis: h.state.nowMillis + 6_000))
        #expect(h.state.message == nil)
        await h.send(.showMessage(StatusMessage("boom", kind: .error)))
        await h.send(.tick(nowMillis: h.state.nowMillis + 60_000))
        #expect(h.state.message?.text == "boom")
    }

    @Test func jobsAreTrackedUntilFinished() async {
        var h = await Harness()
        let job = Job(id: 7, title: "mnist-digits:2.1.0", done: 50, total: 200)
        await h.send(.jobProgress(job, finished: false))
        #expect(h.state.jobs == [job])
        #expect(h.frame().line(22).contains("⇣ 25% · mnist-digits:2.1.0"))
        await h.send(.jobProgress(job, finished: true))
        #expect(h.state.jobs.isEmpty)
    }
}

@Suite struct KeymapTests {
    @Test func noKeyIsBoundTwice() {
        let keys = Keymap.browse.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
    }

    @Test func everyCommandHasABinding() {
        #expect(Set(Keymap.browse.map(\.command)) == Set(Command.allCases))
    }

    @Test func helpAndFooterComeFromTheTable() async {
        var h = await versionsHarness(size: Size(width: 132, height: 43))
        let footer = h.frame().line(42)
        let hints = Keymap.hints(in: h.state)
        #expect(hints.count == 16)
        // All but the last (`: cmd`, shown where there is room after the pane's own keys) fit in 132 columns.
        for hint in hints.dropLast() { #expect(footer.contains("\(hint.key) \(hint.label)")) }
        let acting = Keymap.bindings(in: h.state)
        await h.press(.char("?"))
        let text = h.text
        for binding in acting {
            #expect(text.contains(binding.help), "\(binding.help)")
        }
        // The others (preview, tree: assets only) are left out.
        for binding in Keymap.browse where !acting.contains(binding) {
            #expect(!text.contains(binding.help), "\(binding.help)")
        }
    }
}

@Suite struct TypeaheadTests {
    @Test func keysTypedWhileThePaneLoadsReplayWhenItsRowsArrive() async {
        var h = await Harness(resolveLoads: false)
        #expect(h.state.currentIsLoading)
        await h.press(.char("j"), .down)
        #expect(h.state.typeahead == [.char("j"), .down])
        h.resolveLoads = true
        await h.resolvePending()
        #expect(h.state.typeahead.isEmpty)
        #expect(h.selected == .workspace("vision"))
    }

    @Test func drillInTypedAheadOpensTheRowOnceLoaded() async {
        var h = await Harness(resolveLoads: false)
        await h.press(.char("l"))
        #expect(h.state.panes.count == 1)
        h.resolveLoads = true
        await h.resolvePending()
        #expect(h.state.current.key == .artifacts(workspace: "mnist-team"))
    }

    @Test func quitIsNeverQueued() async {
        var h = await Harness(resolveLoads: false)
        await h.press(.char("j"), .char("q"))
        #expect(h.state.quitRequested)
        #expect(h.state.typeahead == [.char("j")])
    }
}
