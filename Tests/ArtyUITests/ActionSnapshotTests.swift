@testable import ArtyUI
import CometAPI
import Testing

/// The action overlays rendered as text (80×24, and the minimum 40×10 for the download dialog and a failed job).
@Suite struct ActionSnapshotTests {
    @Test(arguments: [Size(width: 80, height: 24), Size.minimum])
    func downloadConfirm(size: Size) async {
        var h = await versionsHarness(size: size)
        await h.press(.char("d"))
        await h.answerPlan(existing: ["README.md": .file(size: 1_204)])
        assertSnapshot(h.text, named: "download-confirm-\(size.width)x\(size.height)")
    }

    @Test func labelEditorWithAnAliasMove() async {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("a"))
        await h.type("production")
        assertSnapshot(h.text, named: "alias-editor-80x24")
        await h.press(.enter)
        await h.answerReview { details in
            if let i = details.versions.firstIndex(where: { $0.version == "2.0.0" }) { details.versions[i].aliases.append("hot") }
        }
        assertSnapshot(h.text, named: "alias-review-80x24")
        // The smallest terminal: the review keeps the change and the others' change visible.
        var small = await versionsHarness(select: "2.0.0", size: Size.minimum)
        await small.press(.char("a"))
        await small.type("cold")
        await small.press(.enter)
        await small.answerReview { details in
            if let i = details.versions.firstIndex(where: { $0.version == "2.0.0" }) { details.versions[i].aliases.append("hot") }
        }
        assertSnapshot(small.text, named: "alias-review-40x10")
    }

    @Test func bumpPreview() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.press(.char("b"))
        assertSnapshot(h.text, named: "bump-preview-80x24")
        var small = await versionsHarness(select: "2.0.0", size: Size.minimum)
        await small.press(.char("b"))
        assertSnapshot(small.text, named: "bump-refused-40x10")
    }

    @Test func jobsView() async {
        var h = await versionsHarness()
        await h.press(.char("d"))
        await h.answerPlan()
        await h.press(.right, .enter)
        let files = [
            FileProgress(path: "README.md", bytes: 1_204, totalBytes: 1_204, state: .done),
            FileProgress(path: "data/test.csv", bytes: 824_438, totalBytes: 1_648_877, state: .transferring),
            FileProgress(path: "data/train.csv", bytes: 2_097_152, totalBytes: 9_912_422, state: .transferring),
            FileProgress(path: "images/sample_0.jpg", bytes: 0, totalBytes: 24_051, state: .queued),
        ]
        let done = files.reduce(0) { $0 + $1.bytes }
        await h.send(.jobUpdated(id: 1, progress: DownloadProgress(files: files, bytesDone: done, totalBytes: 11_586_554,
                                                                   bytesPerSecond: 2_097_152, etaMilliseconds: 4_200)))
        assertSnapshot(h.text, named: "jobs-status-80x24")
        await h.press(.char("J"))
        assertSnapshot(h.text, named: "jobs-view-80x24")
        await h.press(.char("q"), .char("q"))
        assertSnapshot(h.text, named: "quit-confirm-80x24")
    }

    /// A failed download kept in the jobs view: its status, summary and each failed file with its reason.
    @Test(arguments: [Size(width: 80, height: 24), Size.minimum])
    func jobsViewWithAFailedJob(size: Size) async {
        var h = await JobOutcomeTests.downloading(size: size)
        await h.send(.jobFinished(id: 1, outcome: JobOutcomeTests.failedDownload))
        assertSnapshot(h.text, named: "jobs-failed-status-\(size.width)x\(size.height)")
        await h.press(.char("J"))
        assertSnapshot(h.text, named: "jobs-failed-view-\(size.width)x\(size.height)")
    }

    /// Issue 14: a marked row under the cursor shows both `›` and `*` (the gutter widens while marks exist).
    @Test func marksBesideTheCursor() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.press(.char("m"), .char("j"), .char("m"), .char("k"))
        #expect(h.text.contains("›*2.1.0"))
        #expect(h.text.contains(" *2.0.0"))
        assertSnapshot(h.text, named: "marks-80x24")
    }

    @Test func diffView() async {
        var h = await versionsHarness(select: "2.1.0")
        await h.press(.char("m"), .char("j"), .char("c"))
        let old = try! await h.service.assets(workspace: "mnist-team", name: "mnist-digits", selector: .version("2.0.0"))
        let new = try! await h.service.assets(workspace: "mnist-team", name: "mnist-digits", selector: .version("2.1.0"))
        await h.send(.compared(.success(VersionDiff.compare(from: "2.0.0", old: old, to: "2.1.0", new: new))))
        assertSnapshot(h.text, named: "diff-80x24")
    }
}
