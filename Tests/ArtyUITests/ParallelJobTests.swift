@testable import ArtyUI
import CometAPI
import Testing

/// A bump copies several assets at once (issue 12): the jobs view lists every file in flight,
/// downloading and uploading, before the queued and finished ones.
@Suite struct ParallelJobTests {
    @Test func theJobsViewShowsSeveralFilesOfABumpInFlight() async throws {
        var h = await versionsHarness(select: "2.0.0")
        await h.press(.char("b"), .tab, .right, .enter)  // patch (2.0.1), then the Bump button
        #expect(h.state.jobs.first?.kind == .bump)
        let files = [
            FileProgress(path: "a/done.bin", bytes: 2_000, totalBytes: 2_000, state: .done),
            FileProgress(path: "b/down.bin", bytes: 300, totalBytes: 2_000, state: .transferring),
            FileProgress(path: "c/up-1.bin", bytes: 1_500, totalBytes: 2_000, state: .uploading),
            FileProgress(path: "d/up-2.bin", bytes: 1_200, totalBytes: 2_000, state: .uploading),
            FileProgress(path: "e/queued.bin", bytes: 0, totalBytes: 2_000, state: .queued),
        ]
        await h.send(.jobUpdated(id: 1, progress: DownloadProgress(files: files, bytesDone: 5_000, totalBytes: 10_000,
                                                                   bytesPerSecond: nil, etaMilliseconds: nil)))
        await h.press(.char("J"))
        let lines = h.text.split(separator: "\n").map(String.init)
        func row(_ path: String) -> Int? { lines.firstIndex { $0.contains(path) } }
        let inFlight = ["b/down.bin", "c/up-1.bin", "d/up-2.bin"].compactMap(row)
        try #require(inFlight.count == 3, "\(lines)")
        #expect(lines[inFlight[1]].contains("uploading") && lines[inFlight[2]].contains("uploading"))
        #expect(lines[inFlight[0]].contains("downloading"))
        let queued = try #require(row("e/queued.bin")), done = try #require(row("a/done.bin"))
        #expect(inFlight.allSatisfy { $0 < queued && $0 < done })
    }
}
