@testable import ArtyUI
import CometAPI
import Testing

/// Opens the versions of mnist-team/mnist-digits (newest first) and selects `version`.
func versionsHarness(select version: String = "2.1.0", size: Size = Size(width: 80, height: 24),
                     context: BrowserContext = BrowserContext(serverLabel: "local registry", userName: "alice")) async -> Harness {
    var h = await Harness(size: size, context: context)
    await h.press(.enter, .char("/"))
    await h.type("mnist")
    await h.press(.enter, .enter)
    while case .version(let v)? = h.selected, v.version != version {
        let before = h.selected
        await h.press(.char("j"))
        if h.selected == before { break }
    }
    return h
}

extension Harness {
    /// Answers the last `planDownload` effect as the app would, from the fake's assets (nothing exists at the destination).
    mutating func answerPlan(existing: [String: ExistingFile] = [:]) async {
        guard case .planDownload(let ws, let artifact, let version, let chosen, let destination, _)? =
            effects.last(where: { if case .planDownload = $0 { true } else { false } }) else {
            Issue.record("no planDownload effect")
            return
        }
        let v = try! await service.artifactVersion(workspace: ws, name: artifact, selector: .version(version))
        var assets = try! await service.assets(workspace: ws, name: artifact, selector: .version(version))
        if let chosen { assets = assets.filter { chosen.contains($0.logicalPath) } }
        let plan = DownloadPlan.make(workspace: ws, artifactName: artifact, version: v, assets: assets,
                                     destination: destination, existing: existing)
        await send(.downloadPlanned(.success(plan), assets: chosen))
    }

    /// Answers the last `reviewLabels` effect as the app would: the fake's artifact, changed by
    /// `meanwhile` (another client writing while the editor was open).
    mutating func answerReview(meanwhile: (inout ArtifactDetails) -> Void = { _ in }) async {
        guard case .reviewLabels(let ws, let artifact)? = effects.last(where: { if case .reviewLabels = $0 { true } else { false } }) else {
            Issue.record("no reviewLabels effect")
            return
        }
        var details = try! await service.artifactDetails(workspace: ws, name: artifact)
        meanwhile(&details)
        await send(.labelsReviewed(.success(details)))
    }

    var overlay: Overlay? { state.overlay }
    var lastEffect: Effect? { effects.last }
}

@Suite struct ActionReducerTests {
    // MARK: Download

    @Test func downloadOpensTheConfirmDialogWithCancelFocused() async throws {
        var h = await versionsHarness()
        await h.press(.char("d"))
        #expect(h.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                              assets: nil, destination: "./mnist-digits-2.1.0"))
        await h.answerPlan()
        guard case .download(let d)? = h.overlay else { Issue.record("no dialog"); return }
        #expect(d.focus == .cancel)
        #expect(d.strategy == .fail)
        #expect(d.plan.entries.count == 4)
        #expect(d.plan.remote.map(\.logicalPath) == ["raw/mnist.tar.gz"])
    }

    @Test func tabCyclesTheStrategyAndCancelWritesNothing() async throws {
        var h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        var seen: [OverwriteStrategy] = []
        for _ in 0..<3 {
            await h.press(.tab)
            if case .download(let d)? = h.overlay { seen.append(d.strategy) }
        }
        #expect(seen == [.preserve, .overwrite, .fail])
        let count = h.effects.count
        await h.press(.enter)  // Cancel has the focus
        #expect(h.overlay == nil)
        #expect(h.effects.count == count)
        #expect(h.state.jobs.isEmpty)
        #expect(h.state.message?.text.contains("cancelled") == true)
    }

    @Test func confirmStartsABackgroundJob() async throws {
        var h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.tab, .right, .enter)  // PRESERVE, focus Download, confirm
        guard case .startDownload(let id, let plan, let strategy)? = h.lastEffect else {
            Issue.record("no startDownload: \(String(describing: h.lastEffect))"); return
        }
        #expect(id == 1)
        #expect(strategy == .preserve)
        #expect(plan.destination == "./mnist-digits-2.1.0")
        #expect(h.overlay == nil)
        #expect(h.state.jobs.map(\.id) == [1])
        #expect(h.state.jobs[0].total == plan.totalBytes)
    }

    /// Issue 14: the destination is edited through the text field.
    @Test func theDestinationIsEditedAtTheCursor() async throws {
        var h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.char("e"), .ctrl("u"))
        await h.type("/tmp/ou")
        await h.press(.home, .right, .right, .right, .right, .right)
        await h.type("my-")
        await h.press(.end)
        await h.type("t")
        guard case .download(let d)? = h.overlay else { Issue.record("dialog closed"); return }
        #expect(d.editedDestination == "/tmp/my-out")
        await h.press(.left, .left, .left, .ctrl("w"))
        guard case .download(let d2)? = h.overlay else { Issue.record("dialog closed"); return }
        #expect(d2.editedDestination == "out")  // readline's ^W: back to the previous space
        await h.press(.enter)
        #expect(h.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                              assets: nil, destination: "out"))
    }

    /// Issue 14: the alias editor's field edits at the cursor, with readline's keys.
    @Test func theLabelEditorEditsAtTheCursor() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"), .ctrl("u"))
        await h.type("foo")
        await h.press(.left, .left)
        await h.type("x")
        guard case .labels(let l)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(l.text == "fxoo")
        #expect(l.field.cursor == 2)
        await h.press(.end)
        await h.type(", best one")
        await h.press(.ctrl("w"))
        guard case .labels(let l2)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(l2.text == "fxoo, best ")
        await h.press(.ctrl("a"), .delete, .ctrl("e"), .backspace)
        guard case .labels(let l3)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(l3.text == "xoo, best")
        await h.press(.left, .ctrl("k"))
        guard case .labels(let l4)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(l4.text == "xoo, bes")
        await h.press(.ctrl("u"))
        guard case .labels(let l5)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(l5.text.isEmpty)
        #expect(l5.focus == .cancel)  // ← → moved the cursor, not the buttons
    }

    /// Issue 14: a field longer than the dialog scrolls so the cursor (`▏`) is always drawn.
    @Test func aLongFieldIsDrawnAroundItsCursor() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"), .ctrl("u"))
        let long = String(repeating: "abcdefghij", count: 9) + "XYZ"  // 93 cells; the field has 64
        await h.type(long)
        #expect(h.text.contains("XYZ▏"))
        #expect(!h.text.contains("> abcdefghij"))
        await h.press(.home)
        #expect(h.text.contains("> ▏abcdefghij"))
        #expect(!h.text.contains("XYZ"))
        await h.press(.right, .right)
        #expect(h.text.contains("> ab▏cdefghij"))
        // The destination field scrolls the same way.
        await h.press(.escape, .char("d"))
        await h.answerPlan()
        await h.press(.char("e"), .ctrl("u"))
        await h.type("/tmp/out")
        await h.press(.left, .left)
        #expect(h.text.contains("/tmp/o▏ut"))
    }

    @Test func editingTheDestinationReplans() async throws {
        var h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.char("e"))
        for _ in 0..<30 { await h.press(.backspace) }
        await h.type("/tmp/out")
        await h.press(.enter)
        #expect(h.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                              assets: nil, destination: "/tmp/out"))
        await h.answerPlan(existing: ["README.md": .file(size: 3)])
        guard case .download(let d)? = h.overlay else { Issue.record("no dialog"); return }
        #expect(d.plan.destination == "/tmp/out")
        #expect(d.plan.existingEntries.map(\.path.relativePath) == ["README.md"])
        #expect(d.conflicts == 1)  // FAIL with a different size
    }

    @Test func downloadOfOneAssetAndRefusalOfARemoteOne() async throws {
        var h = await versionsHarness()
        await h.press(.enter, .char("/"))
        await h.type("test")
        await h.press(.enter, .char("d"))
        #expect(h.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                              assets: ["data/test.csv"], destination: "./mnist-digits-2.1.0"))
        await h.answerPlan()
        guard case .download(let d)? = h.overlay else { Issue.record("no dialog"); return }
        #expect(d.plan.entries.map(\.path.relativePath) == ["data/test.csv"])
        await h.press(.escape, .escape, .char("G"), .char("k"))
        #expect(h.selected?.name == "raw/mnist.tar.gz")
        let count = h.effects.count
        await h.press(.char("d"))
        #expect(h.effects.count == count)
        #expect(h.state.message?.kind == .error)
    }

    @Test func plannerFailureGoesToTheStatusLine() async {
        var h = await versionsHarness()
        await h.send(.downloadPlanned(.failure(ActionFailure("HTTP 404: no such version")), assets: nil))
        #expect(h.overlay == nil)
        #expect(h.state.message == StatusMessage("Cannot download: HTTP 404: no such version", kind: .error))
    }

    // MARK: Read-only and services without writes

    @Test func readOnlyRefusesEditsButAllowsDownloads() async {
        var h = await versionsHarness(context: BrowserContext(serverLabel: "x", userName: "a", readOnly: true))
        for key in ["a", "t", "b"] {
            await h.press(.char(Character(key)))
            #expect(h.overlay == nil, "\(key) opened a dialog")
            #expect(h.state.message?.kind == .info)  // a key that cannot act says why, never as an error
            #expect(h.state.message?.text.contains("Read-only") == true)
        }
        await h.press(.char("d"))
        #expect(h.lastEffect == .planDownload(workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                                              assets: nil, destination: "./mnist-digits-2.1.0"))
    }

    @Test func aServiceWithoutWritesSaysSo() async {
        var h = await versionsHarness(context: BrowserContext(serverLabel: "x", userName: "a", canWrite: false, canDownload: false))
        await h.press(.char("a"))
        #expect(h.overlay == nil)
        #expect(h.state.message?.text.contains("cannot write") == true)
        await h.press(.char("d"))
        #expect(h.state.message?.text.contains("cannot download") == true)
    }

    // MARK: Labels

    @Test func aliasEditReviewsTheMoveThenWrites() async throws {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"))
        guard case .labels(let l)? = h.overlay else { Issue.record("no editor"); return }
        // A separator after the current labels: typing adds a label (finding 1: `stagingcold`).
        #expect(l.text == "staging, ")
        await h.type("production")
        await h.press(.enter)
        // Enter reads the server's labels first; the review waits for them.
        #expect(h.lastEffect == .reviewLabels(workspace: "mnist-team", artifactName: "mnist-digits"))
        guard case .labels(let checking)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(checking.checking)
        #expect(checking.review == nil)
        await h.answerReview()
        guard case .labels(let reviewed)? = h.overlay, let review = reviewed.review else { Issue.record("no review"); return }
        #expect(review.delta == LabelDelta(add: ["production"]))
        #expect(review.after == ["staging", "production"])
        #expect(review.moves.map(\.description) == ["production: 2.1.0 → 2.0.0"])
        #expect(review.concurrentLines.isEmpty)
        #expect(reviewed.focus == .cancel)
        await h.press(.right, .enter)
        guard case .applyLabels(let edit, let ws, let artifact, let refresh)? = h.lastEffect else {
            Issue.record("no applyLabels"); return
        }
        #expect(edit == review)
        #expect((ws, artifact) == ("mnist-team", "mnist-digits"))
        #expect(refresh.contains(.versions(workspace: "mnist-team", artifact: "mnist-digits")))
        #expect(h.overlay == nil)
        // The write answered: the panes reload from the server.
        let count = h.effects.count
        await h.send(.labelsApplied(StatusMessage("Saved"), refresh: refresh))
        #expect(h.effects.dropFirst(count).contains { if case .loadVersions = $0 { true } else { false } })
    }

    /// Finding 1 of issue 11: `hot` was added by someone else while the editor was open; the review
    /// says so, and the edit written is the user's change only.
    @Test func theReviewShowsWhatOthersChangedMeanwhile() async throws {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"))
        await h.type("cold")
        await h.press(.enter)
        await h.answerReview { details in
            if let i = details.versions.firstIndex(where: { $0.version == "2.0.0" }) { details.versions[i].aliases.append("hot") }
        }
        guard case .labels(let l)? = h.overlay, let review = l.review else { Issue.record("no review"); return }
        #expect(review.before == ["staging", "hot"])
        #expect(review.after == ["staging", "hot", "cold"])
        #expect(review.concurrentLines == ["hot was added by someone else; kept"])
        #expect(h.text.contains("hot was added by someone else; kept"))
        #expect(h.text.contains("Add") && h.text.contains("cold"))
        await h.press(.right, .enter)
        guard case .applyLabels(let edit, _, _, _)? = h.lastEffect else { Issue.record("no applyLabels"); return }
        #expect(edit.delta == LabelDelta(add: ["cold"]))
    }

    /// `q` while a label write is in flight waits for it (an alias move cut short could leave the alias
    /// on two versions); `q` again quits at once.
    @Test func quitWaitsForALabelWriteInFlight() async throws {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"))
        await h.type("cold")
        await h.press(.enter)
        await h.answerReview()
        await h.press(.right, .enter)
        guard case .applyLabels(_, _, _, let refresh)? = h.lastEffect else { Issue.record("no applyLabels"); return }
        #expect(h.state.labelWritesInFlight == 1)
        await h.press(.char("q"))
        #expect(!h.state.quitRequested)
        #expect(h.state.message?.text.hasPrefix("Saving labels") == true)
        await h.send(.labelsApplied(StatusMessage("Saved"), refresh: refresh))
        #expect(h.state.quitRequested)
        #expect(h.state.labelWritesInFlight == 0)

        var twice = await versionsHarness(select: "2.0.0")
        await twice.press(.char("a"))
        await twice.type("cold")
        await twice.press(.enter)
        await twice.answerReview()
        await twice.press(.right, .enter, .char("q"))
        #expect(!twice.state.quitRequested)
        await twice.press(.char("q"))
        #expect(twice.state.quitRequested)
    }

    /// Finding 4 of issue 11: a tag with a space is one tag; Enter without a change writes nothing.
    @Test func aTagWithASpaceStaysOneTag() throws {
        let version = ArtifactVersion(artifactVersionId: "v", version: "1.0.0", tags: ["bad tag", "a,b"])
        let details = ArtifactDetails(artifact: Artifact(artifactId: "x", name: "cats", type: "dataset"), versions: [version])
        var dialog = LabelDialog(kind: .versionTag, workspace: "ws", artifactName: "cats", details: details, version: version)
        #expect(dialog.text == #"bad tag, "a,b", "#)
        #expect(try dialog.delta().isEmpty)
        dialog.text += "new one"
        #expect(try dialog.delta() == LabelDelta(add: ["new one"]))
        dialog.text = "a"
        #expect(try dialog.delta() == LabelDelta(add: ["a"], remove: ["bad tag", "a,b"]))
        dialog.text = #""open"#
        #expect(throws: ActionError.self) { try dialog.delta() }
    }

    @Test func enterWithoutAChangeSaysSoAndWritesNothing() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"), .enter)
        guard case .labels(let l)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(l.error?.hasPrefix("Nothing changed") == true)
        #expect(!h.effects.contains { if case .reviewLabels = $0 { true } else { false } })
    }

    @Test func escapeInTheReviewGoesBackAndAnInvalidAliasIsRefused() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"))
        await h.type("latest")
        await h.press(.enter)
        guard case .labels(let l)? = h.overlay else { Issue.record("no editor"); return }
        #expect(l.review == nil)
        #expect(l.error?.contains("reserved") == true)
        for _ in 0..<6 { await h.press(.backspace) }
        await h.type("x")
        await h.press(.enter)
        await h.answerReview()
        await h.press(.escape)
        guard case .labels(let back)? = h.overlay else { Issue.record("editor closed"); return }
        #expect(back.review == nil)
        #expect(back.text == "staging, x")
        await h.press(.escape)
        #expect(h.overlay == nil)
        #expect(!h.effects.contains { if case .applyLabels = $0 { true } else { false } })
    }

    @Test func versionTagsAndArtifactTags() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.press(.char("t"))
        guard case .labels(let l)? = h.overlay else { Issue.record("no editor"); return }
        #expect(l.kind == .versionTag)
        #expect(l.text == "normalized, v2, ")
        await h.press(.escape, .char("h"))  // back to the artifacts pane
        await h.press(.char("t"))
        guard case .labels(let a)? = h.overlay else { Issue.record("no editor"); return }
        #expect(a.kind == .artifactTag)
        #expect(a.artifactName == "mnist-digits")
        #expect(a.text == "images, handwriting, ")
        for _ in 0..<"handwriting, ".count { await h.press(.backspace) }
        await h.press(.enter)
        await h.answerReview()
        guard case .labels(let r)? = h.overlay, let review = r.review else { Issue.record("no review"); return }
        #expect(review.kind == .artifactTag)
        #expect(review.delta == LabelDelta(remove: ["handwriting"]))
        #expect(review.after == ["images"])
    }

    // MARK: Bump

    @Test func bumpPreviewCyclesKindsAndRefusesAnExistingVersion() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("b"))
        guard case .bump(let b)? = h.overlay else { Issue.record("no bump dialog"); return }
        #expect(b.kind == .minor)
        guard case .failure(let error) = b.outcome else { Issue.record("2.1.0 exists"); return }
        #expect(error == .versionExists(artifact: "mnist-digits", version: "2.1.0"))
        await h.press(.right, .enter)
        #expect(h.state.message?.kind == .error)
        #expect(!h.effects.contains { if case .startBump = $0 { true } else { false } })
        await h.press(.tab)  // patch
        guard case .bump(let p)? = h.overlay, case .success(let plan) = p.outcome else { Issue.record("patch refused"); return }
        #expect(plan.preview == "2.0.0 → 2.0.1")
        await h.press(.char(" "), .enter)
        guard case .startBump(let id, let ws, let artifact, let version, let kind, let aliases)? = h.lastEffect else {
            Issue.record("no startBump"); return
        }
        #expect(id == 1)
        #expect((ws, artifact, version) == ("mnist-team", "mnist-digits", "2.0.0"))
        #expect(kind == .patch)
        #expect(aliases)
        #expect(h.state.jobs.first?.kind == .bump)
    }

    // MARK: Jobs and quitting

    static func progress(done: Int64, total: Int64) -> DownloadProgress {
        DownloadProgress(files: [FileProgress(path: "data/train.csv", bytes: done, totalBytes: total, state: .transferring)],
                         bytesDone: done, totalBytes: total, bytesPerSecond: 1_048_576, etaMilliseconds: 4_000)
    }

    @Test func jobProgressCancelAndFinish() async {
        var h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.right, .enter)
        await h.send(.jobUpdated(id: 1, progress: Self.progress(done: 500, total: 1_000)))
        #expect(h.state.jobs[0].done == 500)
        #expect(Render.percent(h.state.jobs[0]) == 50)
        await h.send(.jobUpdated(id: 9, progress: Self.progress(done: 1, total: 2)))  // unknown job: ignored
        #expect(h.state.jobs.count == 1)
        await h.press(.char("J"))
        #expect(h.overlay == .jobs(selected: 0))
        // Esc closes the view and cancels nothing, as everywhere else.
        let effectsBefore = h.effects.count
        await h.press(.escape)
        #expect(h.overlay == nil)
        #expect(!h.state.jobs[0].cancelling)
        #expect(h.effects.count == effectsBefore)
        await h.press(.char("J"), .char("x"))
        #expect(h.lastEffect == .cancelJob(id: 1))
        #expect(h.state.jobs[0].cancelling)
        await h.send(.jobFinished(id: 1, outcome: JobOutcome(status: .cancelled, summary: "Download cancelled after 0 files")))
        #expect(h.state.jobs.isEmpty)
        #expect(h.state.finishedJobs.map(\.status) == [.cancelled])
        #expect(h.state.message?.text == "Download cancelled after 0 files")
        #expect(h.overlay == .jobs(selected: 0))  // still on the (now cancelled) job
        await h.press(.escape)
        #expect(h.overlay == nil)
    }

    @Test func theStatusLineLeadsWithProgressAndTheHintsWithJ() async {
        var h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.right, .enter)
        await h.send(.jobUpdated(id: 1, progress: Self.progress(done: 500, total: 1_000)))
        let summary = Render(state: h.state, size: Size(width: 100, height: 30)).jobsSummary()
        #expect(summary.hasPrefix("⇣ 50% · ETA 0:04 · 1.0 MiB/s · "))
        #expect(!summary.contains(" → "))
        let frame = render(h.state, size: Size(width: 100, height: 30))
        #expect(frame.line(29).hasPrefix("J jobs"))
        #expect(frame.line(28).contains("⇣ 50% · ETA 0:04"))
    }

    @Test func aFinishedBumpRefreshesTheVersions() async {
        var h = await versionsHarness()
        await h.press(.char("b"), .right, .enter)
        #expect(h.state.jobs.count == 1)
        let count = h.effects.count
        await h.send(.jobFinished(id: 1, outcome: JobOutcome(status: .done, summary: "Created mnist-digits:2.2.0")))
        #expect(h.effects.dropFirst(count).contains { if case .loadVersions("mnist-team", "mnist-digits", _) = $0 { true } else { false } })
    }

    @Test func quitAsksWhileJobsRun() async {
        var h = await versionsHarness()
        await h.press(.char("q"))
        #expect(h.state.quitRequested)  // no jobs: quits at once
        h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.right, .enter, .char("q"))
        #expect(h.overlay == .confirmQuit)
        #expect(!h.state.quitRequested)
        await h.press(.char("n"))
        #expect(h.overlay == nil)
        #expect(!h.state.quitRequested)
        await h.press(.char("q"), .char("y"))
        #expect(h.state.quitRequested)
        #expect(h.lastEffect == .cancelJob(id: 1))
    }

    // MARK: Compare

    @Test func markTwoVersionsAndCompare() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.press(.char("c"))
        #expect(h.state.message == StatusMessage("Mark two versions with m, then c compares them", kind: .info))
        await h.press(.char("m"), .char("j"), .char("m"))
        #expect(h.state.marks.map(\.version) == ["2.1.0", "2.0.0"])
        #expect(h.text.contains("*2.1.0"))  // marked, not selected
        await h.press(.char("c"))
        guard case .compare(let from, let to)? = h.lastEffect else { Issue.record("no compare"); return }
        #expect((from.version, to.version) == ("2.0.0", "2.1.0"))  // older first
        let old = try! await h.service.assets(workspace: "mnist-team", name: "mnist-digits", selector: .version("2.0.0"))
        let new = try! await h.service.assets(workspace: "mnist-team", name: "mnist-digits", selector: .version("2.1.0"))
        let diff = VersionDiff.compare(from: "2.0.0", old: old, to: "2.1.0", new: new)
        await h.send(.compared(.success(diff)))
        #expect(h.overlay == .diff(diff, offset: 0))
        await h.press(.char("x"))  // any other key closes
        #expect(h.overlay == nil)
        #expect(h.state.marks.isEmpty)  // issue 14: a started compare used the marks up
        #expect(!h.text.contains("*"))
        await h.press(.char("m"))  // the selected row shows the cursor and the mark
        #expect(h.state.marks.map(\.version) == ["2.0.0"])
        #expect(h.text.contains("›*2.0.0"))
        await h.press(.char("m"))  // m again on a marked version unmarks it
        #expect(h.state.marks.isEmpty)
    }

    @Test func oneMarkComparesWithTheSelection() async {
        var h = await versionsHarness(select: "1.0.0")
        await h.press(.char("m"), .char("k"), .char("c"))
        guard case .compare(let from, let to)? = h.lastEffect else { Issue.record("no compare"); return }
        #expect((from.version, to.version) == ("1.0.0", "1.1.0"))
    }

    @Test func newKeysAreInTheKeymapAndHelp() async {
        for (key, command) in [("d", Command.download), ("a", .editAliases), ("t", .editTags), ("b", .bump),
                               ("m", .mark), ("c", .compare), ("J", .jobs)] {
            #expect(Keymap.command(for: .char(Character(key))) == command)
        }
        var h = await versionsHarness(size: Size(width: 132, height: 43))
        await h.press(.char("?"))
        #expect(h.text.contains("Download (artifact: its latest version)"))
    }
}

@Suite struct InboxTests {
    @Test func progressOfAJobIsCoalescedOtherActionsKeepTheirOrder() {
        let inbox = Inbox()
        let p1 = ActionReducerTests.progress(done: 1, total: 10)
        let p2 = ActionReducerTests.progress(done: 5, total: 10)
        let p3 = ActionReducerTests.progress(done: 2, total: 4)
        inbox.post(.jobUpdated(id: 1, progress: p1))
        inbox.post(.showMessage(StatusMessage("a")))
        inbox.post(.jobUpdated(id: 2, progress: p3))
        inbox.post(.jobUpdated(id: 1, progress: p2))
        inbox.post(.jobFinished(id: 2, outcome: JobOutcome(status: .done, summary: "done")))
        #expect(inbox.drain() == [.jobUpdated(id: 1, progress: p2), .showMessage(StatusMessage("a")),
                                  .jobUpdated(id: 2, progress: p3), .jobFinished(id: 2, outcome: JobOutcome(status: .done, summary: "done"))])
        #expect(inbox.drain().isEmpty)
    }
}
