@testable import CometAPI
import Foundation
import Testing

/// A tracker over `sizes` (one file each, `f0`, `f1`, ...) with its reports collected; `clock`
/// holds the time in milliseconds, set by hand.
private func makeTracker(sizes: [Int64], interval: Int64 = 100, clock: LockedBox<Int64>)
    -> (ProgressTracker, LockedBox<[DownloadProgress]>) {
    let reports = LockedBox<[DownloadProgress]>([])
    let files = sizes.enumerated().map { FileProgress(path: "f\($0.offset)", bytes: 0, totalBytes: $0.element, state: .queued) }
    let tracker = ProgressTracker(files: files, intervalMilliseconds: interval, clock: { clock.value }) { p in
        reports.mutate { $0.append(p) }
    }
    return (tracker, reports)
}

@Suite("Progress tracker")
struct ProgressTrackerTests {
    @Test func reportsAtMostOncePerIntervalAndAlwaysWhenForced() {
        let clock = LockedBox<Int64>(0)
        let (tracker, reports) = makeTracker(sizes: [1_000], interval: 100, clock: clock)
        for (t, bytes) in [(0, 10), (50, 20), (99, 30), (100, 40), (150, 50)] as [(Int64, Int64)] {
            clock.value = t
            tracker.set(0, bytes: bytes)
        }
        #expect(reports.value.map(\.bytesDone) == [10, 40])  // t = 0 and t = 100
        clock.value = 160
        tracker.set(0, state: .verifying, force: true)       // forced: reported though 60 ms after the last
        clock.value = 200
        tracker.emit(force: false)                           // 40 ms after the forced one: held back
        clock.value = 260
        tracker.emit(force: false)
        #expect(reports.value.count == 4)
        #expect(reports.value[2].files[0].state == .verifying)
        #expect(reports.value.map(\.bytesDone) == [10, 40, 50, 50])
    }

    @Test func zeroIntervalReportsEveryChange() {
        let clock = LockedBox<Int64>(0)
        let (tracker, reports) = makeTracker(sizes: [3], interval: 0, clock: clock)
        tracker.set(0, bytes: 1)
        tracker.set(0, bytes: 2)
        tracker.finish(0, as: .done)
        #expect(reports.value.map(\.bytesDone) == [1, 2, 3])
    }

    @Test func totalsAcrossFileStates() {
        let clock = LockedBox<Int64>(0)
        let (tracker, _) = makeTracker(sizes: [100, 200, 300, 0], clock: clock)
        #expect(tracker.snapshot().totalBytes == 600)
        #expect(tracker.snapshot().bytesDone == 0)
        tracker.set(0, bytes: 40, state: .transferring)
        tracker.finish(1, as: .kept)                       // kept counts all its bytes as done
        tracker.set(2, bytes: 120, state: .transferring)
        tracker.set(2, state: .failed("checksum differs"))  // failed keeps the bytes it had
        tracker.finish(3, as: .done)                       // an empty file (a remote link in a bump)
        var p = tracker.snapshot()
        #expect(p.bytesDone == 40 + 200 + 120)
        #expect(p.filesFinished == 3)
        #expect(p.files.map(\.bytes) == [40, 200, 120, 0])
        // A retry restarts from the partial file's size: bytes may go back.
        tracker.set(0, bytes: 10, state: .retrying(attempt: 2), force: true)
        #expect(tracker.snapshot().bytesDone == 10 + 200 + 120)
        tracker.cancelUnfinished()
        p = tracker.snapshot()
        #expect(p.files.map(\.state) == [.cancelled, .kept, .failed("checksum differs"), .done])
        #expect(p.filesFinished == 4)
        #expect(p.bytesDone == 330)
        #expect(p.totalBytes == 600)
    }

    @Test func rateAndETAFromInjectedSamples() throws {
        let clock = LockedBox<Int64>(0)
        let (tracker, reports) = makeTracker(sizes: [6_000, 4_000], interval: 0, clock: clock)
        clock.value = 1_000
        tracker.set(0, bytes: 0, state: .transferring)
        #expect(reports.value.last?.bytesPerSecond == nil)  // one sample: no rate yet
        #expect(reports.value.last?.etaMilliseconds == nil)
        clock.value = 2_000
        tracker.set(0, bytes: 1_000)
        tracker.set(1, bytes: 1_000)                        // same millisecond, both files add up
        var p = try #require(reports.value.last)
        #expect(p.bytesDone == 2_000)
        #expect(p.bytesPerSecond == 2_000)                  // 2,000 bytes over 1 s
        #expect(p.etaMilliseconds == 4_000)                 // 8,000 bytes left at 2,000 B/s
        // The rate follows the last 5 s: the sample at 1 000 ms leaves the window.
        clock.value = 8_000
        tracker.set(0, bytes: 3_000)
        clock.value = 9_000
        tracker.set(0, bytes: 4_500)
        p = try #require(reports.value.last)
        #expect(p.bytesDone == 5_500)
        #expect(p.bytesPerSecond == 500)                    // 5,500 − 2,000 bytes from 2 000 to 9 000 ms
        #expect(p.etaMilliseconds == 9_000)                 // 4,500 bytes left at 500 B/s
        clock.value = 9_500
        tracker.finish(0, as: .done)
        tracker.finish(1, as: .done)
        p = try #require(reports.value.last)
        #expect(p.bytesDone == 10_000)
        #expect(p.etaMilliseconds == 0)
    }

    @Test func transferredAndComparedCountSeparatelyFromProgress() {
        let (tracker, _) = makeTracker(sizes: [10], clock: LockedBox<Int64>(0))
        tracker.addTransferred(7)
        tracker.addCompared(3)
        tracker.addTransferred(2)
        #expect(tracker.transferred == 9)
        #expect(tracker.compared == 3)
        #expect(tracker.snapshot().bytesDone == 0)
    }

    @Test func parallelUpdatesAddUp() async {
        let sizes = [Int64](repeating: 1_000, count: 8)
        let (tracker, _) = makeTracker(sizes: sizes, clock: LockedBox<Int64>(0))
        await withTaskGroup(of: Void.self) { group in
            for file in sizes.indices {
                group.addTask {
                    for bytes in stride(from: Int64(10), through: 1_000, by: 10) { tracker.set(file, bytes: bytes) }
                    tracker.finish(file, as: .done)
                }
            }
        }
        let p = tracker.snapshot()
        #expect(p.bytesDone == 8_000)
        #expect(p.filesFinished == 8)
    }
}

/// The window rule of ``TransferStats`` written the plain way (one removal per sample), as the
/// specification the bulk-dropping implementation must match.
private struct PlainWindow {
    var samples: [TransferStats.Sample] = []
    let window: Int64

    mutating func record(bytes: Int64, at ms: Int64) {
        samples.append(.init(milliseconds: ms, bytes: bytes))
        while samples.count > 2, samples[1].milliseconds <= ms - window { samples.removeFirst() }
    }
}

@Suite("Transfer statistics window")
struct TransferStatsWindowTests {
    @Test func keepsTheSameSamplesAsOneByOneRemoval() {
        var stats = TransferStats(totalBytes: 1 << 40, windowMilliseconds: 1_000)
        var plain = PlainWindow(window: 1_000)
        var ms: Int64 = 0, bytes: Int64 = 0
        var seed: UInt64 = 42
        for step in 0..<5_000 {
            // Bursts of samples at the same millisecond, gaps of up to 1.5 windows.
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let r = Int64(seed >> 33)
            ms += step % 50 == 0 ? r % 1_500 : r % 3
            bytes += r % 16_384
            stats.record(bytes: bytes, at: ms)
            plain.record(bytes: bytes, at: ms)
            #expect(stats.samples == plain.samples, "step \(step)")
            if stats.samples != plain.samples { return }
        }
        #expect(stats.bytesDone == bytes)
    }

    @Test func equalityIgnoresSamplesThatLeftTheWindow() {
        var long = TransferStats(totalBytes: 100, windowMilliseconds: 10)
        for ms in Int64(0)...200 { long.record(bytes: ms / 10, at: ms) }
        var short = TransferStats(totalBytes: 100, windowMilliseconds: 10)
        for ms in Int64(189)...200 { short.record(bytes: ms / 10, at: ms) }
        // At 200 ms the window starts at 190 ms: 189 has left it (190 is the sample at its start).
        #expect(long.samples.map(\.milliseconds) == Array(190...200))
        #expect(long == short)
        #expect(long.hashValue == short.hashValue)
        #expect(long.bytesPerSecond == short.bytesPerSecond)
        short.record(bytes: 21, at: 201)
        #expect(long != short)
    }
}
