@testable import ArtyUI
import CometAPI
import Testing

extension Harness {
    /// Types `:LINE` and Enter.
    mutating func command(_ line: String) async {
        await press(.char(":"))
        await type(line)
        await press(.enter)
    }

    var messageText: String? { state.message?.text }
}

let mnistAssetsKey = ListingKey.assets(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0", versionId: "c41d7788a")

/// The `:` command line in the reducer: keys, history, goto, and each command through its key's path.
@Suite struct CommandLineReducerTests {
    // MARK: The line

    @Test func colonOpensTheLineEscClosesItAndEnterRuns() async {
        var h = await Harness()
        await h.press(.char(":"))
        #expect(h.state.commandLine == CommandLineState())
        await h.type("sort nme")
        await h.press(.left, .left, .char("a"))  // the readline keys of the text field
        #expect(h.state.commandLine?.field.text == "sort name")
        await h.press(.escape)
        #expect(h.state.commandLine == nil)
        #expect(h.messageText == nil)
        // Backspace on an empty line closes it too.
        await h.press(.char(":"), .backspace)
        #expect(h.state.commandLine == nil)
        await h.command("frobnicate")
        #expect(h.state.message?.kind == .error)
        #expect(h.messageText?.hasPrefix(":frobnicate: unknown command 'frobnicate'") == true)
    }

    @Test func historyRecallsEarlierCommandsNewestFirst() async {
        var h = await Harness()
        await h.command("sort name")
        await h.command("help")
        await h.press(.escape)  // closes the help
        await h.press(.char(":"))
        await h.type("dr")
        await h.press(.up)
        #expect(h.state.commandLine?.field.text == "help")
        await h.press(.up)
        #expect(h.state.commandLine?.field.text == "sort name")
        await h.press(.up)  // no older one: the field keeps its text
        #expect(h.state.commandLine?.field.text == "sort name")
        await h.press(.down, .down)
        #expect(h.state.commandLine?.field.text == "dr")  // back to the draft
    }

    /// Another client added a version, an artifact and an alias after this session listed them: the
    /// goto reads the listing again (once) instead of failing or landing on a stale `latest`.
    @Test func gotoReadsAStaleListingAgainBeforeGivingUp() async {
        var h = await Harness()
        await h.command("goto mnist-team/mnist-digits:2.1.0")
        #expect(h.state.current.key == mnistAssetsKey)
        // Meanwhile: 9.0.0 with the alias "fresh" appears on the server, and a new artifact.
        var entry = h.service.data["mnist-team"]!.first { $0.details.artifact.name == "mnist-digits" }!
        let fresh = ArtifactVersion(artifactVersionId: "fresh9", version: "9.0.0", aliases: ["fresh"], sizeInBytes: 1, state: .closed)
        entry.details.versions.append(fresh)
        entry.assets["9.0.0"] = [Asset(assetId: "n1", logicalPath: "new.csv", size: 1)]
        h.service.data["mnist-team"] = h.service.data["mnist-team"]!.map { $0.details.artifact.name == "mnist-digits" ? entry : $0 }
        let newArtifact = ArtifactDetails(artifact: Artifact(artifactId: "n", name: "brand-new", type: "model", latestVersion: "1.0.0"),
                                          versions: [ArtifactVersion(artifactVersionId: "bn1", version: "1.0.0", sizeInBytes: 0, state: .closed)])
        h.service.data["mnist-team"]!.append((newArtifact, ["1.0.0": []]))
        await h.command("goto mnist-team/mnist-digits:9.0.0/new.csv")
        #expect(h.selected?.id == "new.csv")
        await h.command("goto mnist-team/mnist-digits:fresh")
        #expect(h.state.current.key.path == ["mnist-team", "mnist-digits", "9.0.0"])
        await h.command("goto mnist-team/mnist-digits")
        await h.command("goto mnist-team/brand-new:1.0.0")
        #expect(h.state.current.key.path == ["mnist-team", "brand-new", "1.0.0"])
        // Still missing after one fresh read: the goto gives up with the name.
        await h.command("goto mnist-team/nothing-here:1.0.0")
        #expect(h.messageText?.contains("no artifact 'nothing-here' in workspace 'mnist-team'") == true)
    }

    @Test func tabCompletesShowsCandidatesAndLoadsWhatItNeeds() async {
        var h = await Harness(resolveLoads: false)
        await h.resolvePending()
        await h.press(.char(":"))
        await h.type("goto mnist-team/")
        await h.press(.tab)
        // The artifacts of mnist-team are requested (the preview may already be loading them).
        #expect(h.state.listings[.artifacts(workspace: "mnist-team")]?.pendingRequest != nil)
        #expect(h.messageText == "Loading the artifacts of mnist-team to complete… (Tab again)")
        await h.resolvePending()
        await h.press(.tab)
        #expect(h.state.commandLine?.field.text == "goto mnist-team/")
        #expect(h.state.commandLine?.candidates == ["café-données", "empty-artifact", "evil\u{1B}[31mred\u{07}", "mnist-digits", "resnet50-🚀"])
        await h.type("mn")
        #expect(h.state.commandLine?.candidates == [])  // an edit hides them
        await h.press(.tab)
        #expect(h.state.commandLine?.field.text == "goto mnist-team/mnist-digits:")
        // Completing in the middle keeps the text after the cursor.
        await h.press(.escape, .char(":"))
        await h.type("bu major")
        await h.press(.home, .right, .right, .tab)
        #expect(h.state.commandLine?.field.text == "bump  major")
    }

    // MARK: goto

    @Test func gotoReachesAnAssetThreeLevelsDownInOneStep() async {
        var h = await Harness()
        await h.command("goto mnist-team/mnist-digits:production/data/test.csv")
        #expect(h.state.panes.map(\.key) == [.workspaces, .artifacts(workspace: "mnist-team"),
                                            .versions(workspace: "mnist-team", artifact: "mnist-digits"), mnistAssetsKey])
        #expect(h.state.panes.map(\.selectedID) == ["mnist-team", "mnist-digits", "2.1.0", "data/test.csv"])
        #expect(h.selected?.id == "data/test.csv")
        #expect(h.state.pendingGoto == nil)
        #expect(h.messageText == "data/test.csv (production → 2.1.0) · $ arty ls mnist-team/mnist-digits:2.1.0")
        #expect(h.state.lastEquivalent == "arty ls mnist-team/mnist-digits:2.1.0")
    }

    @Test func gotoWaitsForEachListingOnItsWay() async {
        var h = await Harness(resolveLoads: false)
        await h.resolvePending()
        await h.command("mnist-team/mnist-digits/README.md")  // a bare reference; no version: the latest
        #expect(h.state.pendingGoto?.waitingFor == .artifacts(workspace: "mnist-team"))
        #expect(h.state.current.key == .artifacts(workspace: "mnist-team"))
        await h.resolvePending()
        #expect(h.state.pendingGoto?.waitingFor == .versions(workspace: "mnist-team", artifact: "mnist-digits"))
        #expect(h.state.current.key == .versions(workspace: "mnist-team", artifact: "mnist-digits"))
        await h.resolvePending()
        #expect(h.state.pendingGoto?.waitingFor == mnistAssetsKey)
        await h.resolvePending()
        #expect(h.state.pendingGoto == nil)
        #expect(h.state.current.key == mnistAssetsKey)
        #expect(h.selected?.id == "README.md")
    }

    @Test func aKeyDuringAGotoTakesOver() async {
        var h = await Harness(resolveLoads: false)
        await h.resolvePending()
        await h.command("goto mnist-team/mnist-digits:2.1.0")
        await h.press(.char("h"))
        #expect(h.state.pendingGoto == nil)
        await h.resolvePending()
        #expect(h.state.current.key == .workspaces)
    }

    @Test func gotoStopsWithAClearMessageAtAnUnknownName() async {
        func run(_ line: String) async -> Harness {
            var h = await Harness()
            await h.command(line)
            #expect(h.state.message?.kind == .error, "\(line)")
            #expect(h.state.pendingGoto == nil)
            return h
        }
        var h = await run("goto mnist-team/nope")
        #expect(h.messageText == "goto: no artifact 'nope' in workspace 'mnist-team'")
        #expect(h.state.current.key == .artifacts(workspace: "mnist-team"))
        h = await run("goto mnist-team/mnist-digits:9.9.9")
        #expect(h.messageText == "goto: no version '9.9.9' in mnist-team/mnist-digits")
        #expect(h.state.current.key == .versions(workspace: "mnist-team", artifact: "mnist-digits"))
        h = await run("goto mnist-team/mnist-digits:gold")
        #expect(h.messageText == "goto: no version has alias 'gold' in mnist-team/mnist-digits")
        h = await run("goto mnist-team/mnist-digits:2.1.0/data/nope.csv")
        #expect(h.messageText == "goto: no asset 'data/nope.csv' in mnist-team/mnist-digits:2.1.0")
        #expect(h.state.current.key == mnistAssetsKey)
        h = await run("goto restricted/x")
        #expect(h.messageText == "goto: no workspace 'restricted' (or no access): HTTP 403 from artifacts/get-all: no access to workspace restricted")
        h = await run("goto ghost/x")
        #expect(h.messageText?.hasPrefix("goto: no workspace 'ghost'") == true)
        h = await run("goto mnist-team/mnist-digits:")
        #expect(h.messageText == ":goto mnist-team/mnist-digits:: 'mnist-team/mnist-digits:' ends with ':' but gives no version or alias.")
    }

    @Test func gotoAFolderInTheTreeViewOpensItsFolders() async {
        var h = await Harness()
        await h.command("goto mnist-team/mnist-digits:2.1.0")
        await h.press(.char("T"))  // the tree view
        await h.press(.char("h"), .char("h"))
        await h.command("goto mnist-team/mnist-digits:2.1.0/data/train.csv")
        #expect(h.state.panes.map(\.folder) == [nil, nil, nil, "", "data"])
        #expect(h.state.panes[3].selectedID == "data/")
        #expect(h.selected?.id == "data/train.csv")
    }

    // MARK: Commands through their keys' paths

    @Test func downloadIntoAFolderAndItsEquivalent() async {
        var h = await versionsHarness()
        await h.command("download '/tmp/my data'")
        #expect(h.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                              assets: nil, destination: "/tmp/my data"))
        await h.answerPlan()
        await h.press(.tab, .char("y"))  // PRESERVE, confirm
        guard case .startDownload? = h.lastEffect else { Issue.record("no download started"); return }
        #expect(h.state.lastEquivalent == "arty download mnist-team/mnist-digits:2.1.0 '/tmp/my data' --overwrite preserve")
        #expect(h.messageText?.hasSuffix(" · $ arty download mnist-team/mnist-digits:2.1.0 '/tmp/my data' --overwrite preserve") == true)
        #expect(h.state.jobs.last?.equivalent == h.state.lastEquivalent)
        // Done: the status line says so, with the command.
        let id = h.state.jobs.last!.id
        await h.send(.jobFinished(id: id, outcome: JobOutcome(status: .done, summary: "Downloaded 4 files")))
        #expect(h.messageText == "Downloaded 4 files · $ arty download mnist-team/mnist-digits:2.1.0 '/tmp/my data' --overwrite preserve")
    }

    @Test func downloadOfAnAssetByKeyPrintsItsAssetOption() async {
        var h = await Harness()
        await h.command("goto mnist-team/mnist-digits:2.1.0/data/test.csv")
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.char("y"))
        #expect(h.state.lastEquivalent == "arty download mnist-team/mnist-digits:2.1.0 --asset data/test.csv")
    }

    @Test func commandsThatCannotActHereSayWhyAsTheirKeysDo() async {
        var h = await Harness()
        await h.command("download")
        #expect(h.messageText == Keymap.binding(for: .download)?.whyNot)
        await h.command("alias add prod")
        #expect(h.messageText == "Aliases belong to a version: open an artifact's versions first")
        await h.command("bump minor")
        #expect(h.messageText == "Bump works on a version: open an artifact's versions first")
        #expect(h.state.message?.kind == .info)
        #expect(h.state.overlay == nil)

        var ro = await versionsHarness(context: BrowserContext(serverLabel: "x", userName: "alice", readOnly: true))
        for line in ["alias add prod", "tag rm raw", "bump major"] {
            await ro.command(line)
            #expect(ro.messageText == "Read-only session: aliases, tags and bumps are disabled (d still downloads)", "\(line)")
            #expect(ro.state.overlay == nil)
        }
        await ro.command("download")
        #expect(ro.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                               assets: nil, destination: "./mnist-digits-2.1.0"))
    }

    @Test func aliasAddIsReviewedThenWrittenWithItsEquivalent() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.command("alias add production")
        guard case .labels(let dialog)? = h.overlay else { Issue.record("no editor"); return }
        #expect(dialog.checking)
        #expect(dialog.text == "staging, production")
        #expect(h.lastEffect == .reviewLabels(workspace: "mnist-team", artifactName: "mnist-digits"))
        await h.answerReview()
        guard case .labels(let reviewed)? = h.overlay, let review = reviewed.review else { Issue.record("no review"); return }
        #expect(review.delta == LabelDelta(add: ["production"]))
        #expect(review.moves.map(\.alias) == ["production"])
        await h.press(.char("y"))
        guard case .applyLabels(let edit, "mnist-team", "mnist-digits", _)? = h.lastEffect else { Issue.record("nothing written"); return }
        #expect(edit.delta == LabelDelta(add: ["production"]))
        #expect(h.state.lastEquivalent == "arty alias mnist-team/mnist-digits:2.0.0 add production")
        await h.send(.labelsApplied(StatusMessage("aliases of 2.0.0: [staging] → [staging, production]"), refresh: []))
        #expect(h.messageText == "aliases of 2.0.0: [staging] → [staging, production] · $ arty alias mnist-team/mnist-digits:2.0.0 add production")
    }

    @Test func aliasAndTagRemovalAndNoOps() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.command("alias rm staging")
        #expect(h.messageText == "Nothing to change: version 2.1.0 has no alias staging")
        #expect(h.overlay == nil)
        await h.command("alias add production")
        #expect(h.messageText == "Nothing to change: version 2.1.0 already has alias production")
        await h.command("tag rm v2")
        await h.answerReview()
        await h.press(.char("y"))
        guard case .applyLabels(let edit, _, _, _)? = h.lastEffect else { Issue.record("nothing written"); return }
        #expect(edit.kind == .versionTag)
        #expect(edit.delta == LabelDelta(remove: ["v2"]))
        #expect(h.state.lastEquivalent == "arty tag mnist-team/mnist-digits:2.1.0 remove v2")
        // On the artifacts pane, tags are the artifact's.
        await h.press(.char("h"))
        await h.command("tag add 'hand written'")
        await h.answerReview()
        await h.press(.char("y"))
        guard case .applyLabels(let artifactEdit, _, _, _)? = h.lastEffect else { Issue.record("nothing written"); return }
        #expect(artifactEdit.kind == .artifactTag)
        #expect(h.state.lastEquivalent == "arty tag mnist-team/mnist-digits --artifact add 'hand written'")
    }

    @Test func bumpOpensTheDialogWithTheKindAndItsEquivalent() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.command("bump major")
        guard case .bump(let dialog)? = h.overlay else { Issue.record("no bump dialog"); return }
        #expect(dialog.kind == .major)
        await h.press(.char("y"))
        #expect(h.lastEffect == .startBump(jobID: 1, workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                           kind: .major, withAliases: false))
        #expect(h.state.lastEquivalent == "arty bump mnist-team/mnist-digits:2.1.0 major")
        #expect(h.messageText?.hasSuffix("$ arty bump mnist-team/mnist-digits:2.1.0 major") == true)
    }

    @Test func sortByANamedField() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.command("sort size")
        #expect(h.state.current.sort == SortOrder(field: .size, reversed: true))  // the direction stays
        #expect(h.selected?.id == "2.0.0")  // the selection stays
        await h.command("sort date asc")
        #expect(h.state.current.sort == SortOrder(field: .added, reversed: false))
        await h.command("sort type")
        #expect(h.messageText == "The versions pane sorts by version, date, size")
        #expect(h.state.current.sort == SortOrder(field: .added, reversed: false))
    }

    @Test func quitAndHelp() async {
        var h = await Harness()
        await h.command("help")
        #expect(h.overlay == .help(offset: 0))
        await h.press(.escape)
        await h.command("q")
        #expect(h.state.quitRequested)
    }

    @Test func helpListsTheCommandsAndTheLastActionAsACommand() async {
        var h = await Harness(size: Size(width: 132, height: 80))
        await h.command("goto mnist-team/mnist-digits:staging")
        await h.press(.char("?"))
        let text = h.text
        #expect(text.contains("Command line (:): :goto WS[/ARTIFACT[:VERSION|ALIAS][/PATH]]"))
        #expect(text.contains("Last action as a command: $ arty ls"))
        #expect(text.contains("mnist-team/mnist-digits:2.0.0  "))  // wrapped onto the next line
    }

    @Test func labelEquivalentsQuoteAndJoin() {
        let both = CLIEquivalent.labels(kind: .alias, workspace: "ws", artifact: "my model", version: "1.0.0",
                                        delta: LabelDelta(add: ["prod"], remove: ["old"]))
        #expect(both == "arty alias 'ws/my model:1.0.0' add prod && arty alias 'ws/my model:1.0.0' remove old")
        let comma = CLIEquivalent.labels(kind: .versionTag, workspace: "ws", artifact: "a", version: "1.0.0", delta: LabelDelta(add: ["x,y"]))
        #expect(comma == #"arty tag ws/a:1.0.0 add '"x,y"'"#)  // the CLI reads each argument as a label list
        #expect(CLIEquivalent.bump(workspace: "ws", artifact: "a", version: "1.0.0", kind: .patch, withAliases: true)
            == "arty bump ws/a:1.0.0 patch --with-aliases")
        #expect(CLIEquivalent.download(workspace: "ws", artifact: "a", version: "1.0.0", destination: "./a-1.0.0", assets: nil,
                                       strategy: .overwrite, includeRemote: true)
            == "arty download ws/a:1.0.0 --overwrite overwrite --include-remote=s3")
        // Marked assets: one --asset each (the CLI's option is repeatable).
        #expect(CLIEquivalent.download(workspace: "ws", artifact: "a", version: "1.0.0", destination: "out",
                                       assets: ["d/x.csv", "my file.txt"], strategy: .fail, includeRemote: false)
            == "arty download ws/a:1.0.0 out --asset d/x.csv --asset 'my file.txt'")
        // A leading `-` would read as an option: `--asset=PATH`, and `--` before labels.
        #expect(CLIEquivalent.download(workspace: "ws", artifact: "a", version: "1.0.0", destination: "./a-1.0.0",
                                       assets: ["-lead.txt"], strategy: .fail, includeRemote: false)
            == "arty download ws/a:1.0.0 --asset=-lead.txt")
        #expect(CLIEquivalent.labels(kind: .versionTag, workspace: "ws", artifact: "a", version: "1.0.0", delta: LabelDelta(add: ["-neg"]))
            == "arty tag ws/a:1.0.0 add -- -neg")
    }
}

