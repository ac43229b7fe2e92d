@testable import ArtyUI
import CometAPI
import Testing

/// Finished jobs (issue 11, finding 5): the status line names the first failed file and its
/// reason, and the jobs view keeps finished jobs until dismissed.
@Suite struct JobOutcomeTests {
    /// The engine's conflict failure for `path` (FAIL over an existing file with other content).
    static func conflict(_ path: String) -> DownloadSummary.Failure {
        DownloadSummary.Failure(path: path, reason: ActionError.existingFileDiffers(path: path).userMessage)
    }

    /// A download summary of mnist-digits:2.1.0 where `failed` failed and the rest of `paths` arrived.
    static func summary(failed: [DownloadSummary.Failure], downloaded: [String], cancelled: Bool = false) -> DownloadSummary {
        DownloadSummary(destination: "./mnist-digits-2.1.0", workspace: "mnist-team", artifact: "mnist-digits", version: "2.1.0",
                        downloaded: downloaded, kept: [], failed: failed, remote: [], remoteManifest: nil,
                        bytesTransferred: 25_255, cancelled: cancelled)
    }

    /// The versions pane with a download of mnist-digits:2.1.0 (4 files) running as job 1.
    static func downloading(size: Size = Size(width: 80, height: 24)) async -> Harness {
        var h = await versionsHarness(size: size)
        await h.press(.char("d"))
        await h.answerPlan(existing: ["data/test.csv": .file(size: 1_648_877)])
        await h.press(.right, .enter)
        return h
    }

    static let failedDownload = JobOutcome.download(
        summary(failed: [conflict("data/test.csv")], downloaded: ["README.md", "images/sample_0.jpg"]), planned: 4)

    @Test func aFailedDownloadNamesTheFileAndTheReasonOnTheStatusLine() async {
        var h = await Self.downloading()
        #expect(Self.failedDownload.status == .failed)
        await h.send(.jobFinished(id: 1, outcome: Self.failedDownload))
        #expect(h.state.message?.kind == .error)
        #expect(h.state.message?.text
                == "mnist-digits:2.1.0: 1 of 4 files failed — data/test.csv: exists with different content (Tab: PRESERVE or OVERWRITE)")
        let line = render(h.state, size: Size(width: 132, height: 43)).line(41)
        #expect(line.hasPrefix("✗ error: mnist-digits:2.1.0: 1 of 4 files failed — data/test.csv: exists with different content (Tab: PRESERVE or OVERWRITE)"))
    }

    @Test func aNarrowStatusLineCutsTheReasonBeforeTheFileName() async {
        var h = await Self.downloading()
        await h.send(.jobFinished(id: 1, outcome: Self.failedDownload))
        // 80 columns: the head and the file whole, the reason cut.
        let wide = render(h.state, size: Size(width: 80, height: 24)).line(22).trimmingCharacters(in: .whitespaces)
        #expect(wide == "✗ error: mnist-digits:2.1.0: 1 of 4 files failed — data/test.csv: exists with d…")
        // 40 columns: no room for the reason; the head is cut, the file name stays whole.
        let narrow = render(h.state, size: Size.minimum).line(8).trimmingCharacters(in: .whitespaces)
        #expect(narrow == "✗ error: mnist-digits:2.1.…data/test.csv")
        #expect(DisplayWidth.of(narrow) <= 40)
    }

    @Test func aDownloadThatFailedAsAWholeSaysWhy() async {
        var h = await Self.downloading()
        await h.send(.jobFinished(id: 1, outcome: .failed("Cannot write to './mnist-digits-2.1.0': it is a file.")))
        #expect(h.state.message == StatusMessage(segments: [
            TextSegment("mnist-digits:2.1.0: download failed — ", priority: 1),
            TextSegment("Cannot write to './mnist-digits-2.1.0': it is a file.", priority: 0)], kind: .error))
        #expect(h.state.finishedJobs.first?.status == .failed)
    }

    @Test func aFailedBumpNamesTheAssetItWasCopying() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.press(.char("b"), .right, .enter)
        let label = h.state.jobs[0].label
        #expect(label == "bump mnist-digits 2.1.0 → 2.2.0")
        let files = [FileProgress(path: "README.md", bytes: 2_408, totalBytes: 2_408, state: .done),
                     FileProgress(path: "data/train.csv", bytes: 0, totalBytes: 19_824_844, state: .failed("HTTP 500: disk full")),
                     FileProgress(path: "data/test.csv", bytes: 0, totalBytes: 3_297_754, state: .queued)]
        await h.send(.jobUpdated(id: 1, progress: DownloadProgress(files: files, bytesDone: 2_408, totalBytes: 23_124_006,
                                                                   bytesPerSecond: nil, etaMilliseconds: nil)))
        await h.send(.jobFinished(id: 1, outcome: .failed("HTTP 500: disk full")))
        #expect(h.state.message?.text == "bump mnist-digits 2.1.0 → 2.2.0: failed — data/train.csv: HTTP 500: disk full")
        #expect(h.state.finishedJobs[0].outcome?.failures == [DownloadSummary.Failure(path: "data/train.csv", reason: "HTTP 500: disk full")])
        // A bump that failed before copying anything names no file.
        var h2 = await versionsHarness(select: "2.1.0")
        await h2.press(.char("b"), .right, .enter)
        await h2.send(.jobFinished(id: 1, outcome: .failed("Version 2.2.0 of mnist-digits exists already.")))
        #expect(h2.state.message?.text == "bump mnist-digits 2.1.0 → 2.2.0: failed — Version 2.2.0 of mnist-digits exists already.")
    }

    @Test func finishedJobsStayInTheViewUntilDismissed() async {
        var h = await Self.downloading()
        await h.press(.char("J"))
        #expect(h.overlay == .jobs(selected: 0))
        await h.send(.jobFinished(id: 1, outcome: Self.failedDownload))
        #expect(h.state.jobs.isEmpty)
        #expect(h.state.jobList.map(\.id) == [1])
        #expect(h.text.contains("✗ failed · Downloaded 2 files"))
        #expect(h.text.contains("✗ data/test.csv"))
        // x on a finished job dismisses it (no cancel effect).
        let effects = h.effects.count
        await h.press(.char("x"))
        #expect(h.effects.count == effects)
        #expect(h.state.jobList.isEmpty)
        #expect(h.state.message?.text == "Dismissed mnist-digits:2.1.0 → ./mnist-digits-2.1.0 (failed)")
        #expect(h.overlay == .jobs(selected: 0))
    }

    @Test func xCancelsARunningJobAndDClearsOnlyTheFinishedOnes() async {
        var h = await Self.downloading()
        await h.send(.jobFinished(id: 1, outcome: .download(Self.summary(failed: [], downloaded: ["README.md"]), planned: 1)))
        #expect(h.state.finishedJobs.map(\.status) == [.done])
        // A second download, still running: listed first.
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.right, .enter)
        await h.press(.char("J"))
        #expect(h.state.jobList.map(\.id) == [2, 1])
        #expect(h.text.contains("Jobs (1 running, 1 finished)"))
        await h.press(.char("x"))
        #expect(h.lastEffect == .cancelJob(id: 2))
        await h.press(.char("D"))
        #expect(h.state.finishedJobs.isEmpty)
        #expect(h.state.jobs.map(\.id) == [2])
        #expect(h.state.message?.text == "Cleared 1 finished job")
    }

    @Test func theSelectionFollowsAJobThatFinishesWhileTheViewIsOpen() async {
        var h = await Self.downloading()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.right, .enter, .char("J"), .char("j"))
        #expect(h.overlay == .jobs(selected: 1))  // job 2
        await h.send(.jobFinished(id: 1, outcome: Self.failedDownload))
        #expect(h.state.jobList.map(\.id) == [2, 1])
        #expect(h.overlay == .jobs(selected: 0))  // still job 2
        await h.send(.jobFinished(id: 2, outcome: JobOutcome(status: .cancelled, summary: "Download cancelled after 0 files")))
        #expect(h.state.jobList.map(\.id) == [2, 1])
        #expect(h.overlay == .jobs(selected: 0))  // job 2 heads the finished ones
    }

    @Test func quittingWithOnlyFinishedJobsDoesNotAsk() async {
        var h = await Self.downloading()
        await h.send(.jobFinished(id: 1, outcome: Self.failedDownload))
        await h.press(.char("q"))
        #expect(h.overlay != .confirmQuit)
        #expect(h.state.quitRequested)
    }

    @Test func atMostFiftyFinishedJobsAreKeptNewestFirst() async {
        var h = await Harness()
        for n in 1...55 {
            _ = h.state.startJob(kind: .download, title: "job \(n)", total: nil, refresh: []) { _ in [] }
            await h.send(.jobFinished(id: n, outcome: JobOutcome(status: .done, summary: "done \(n)")))
        }
        #expect(h.state.finishedJobs.count == BrowserState.finishedJobLimit)
        #expect(h.state.finishedJobs.first?.id == 55)
        #expect(h.state.finishedJobs.last?.id == 6)
    }

    @Test func theJobsKeysAreOneTableForDispatchHelpAndFooter() async {
        #expect(Keymap.jobsCommand(for: .char("x")) == .cancelOrDismiss)
        #expect(Keymap.jobsCommand(for: .char("D")) == .clearFinished)
        #expect(Keymap.jobsCommand(for: .escape) == .close)
        #expect(Keymap.jobsHints == "j/k select · x cancel/dismiss · D clear finished · Esc/J/q close")
        let keys = Keymap.jobs.flatMap { $0.keys }
        #expect(Set(keys).count == keys.count)
        var h = await Harness(size: Size(width: 132, height: 43))
        await h.press(.char("?"), .char("j"), .char("j"), .char("j"), .char("j"), .char("j"), .char("j"))  // the jobs line is below the fold
        #expect(h.text.contains("D clear all finished jobs"))
    }
}

@Suite struct TextFitSegmentsTests {
    let segments = [TextSegment("cats:2.0.0: 1 of 4 files failed — ", priority: 1), TextSegment("data/x.csv", priority: 2),
                    TextSegment(": exists with different content", priority: 0)]

    @Test func wideEnoughKeepsEverything() {
        #expect(TextFit.fit(segments, to: 200) == "cats:2.0.0: 1 of 4 files failed — data/x.csv: exists with different content")
    }

    @Test func theLowestPriorityIsCutFirstThenTheNext() {
        #expect(TextFit.fit(segments, to: 52) == "cats:2.0.0: 1 of 4 files failed — data/x.csv: exist…")
        #expect(TextFit.fit(segments, to: 45) == "cats:2.0.0: 1 of 4 files failed — data/x.csv…")
        #expect(TextFit.fit(segments, to: 20) == "cats:2.0.…data/x.csv")
        #expect(TextFit.fit(segments, to: 8) == "data/x.…")
        #expect(TextFit.fit(segments, to: 0) == "")
    }
}
