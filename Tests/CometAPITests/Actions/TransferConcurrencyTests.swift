import CometAPI
import Foundation
import Testing

/// A simulated link: throughput as a function of the transfers in flight and of time, and whether
/// the server refuses (429) at that many. Stepped in `step` milliseconds; files of `fileBytes`.
private struct SimulatedLink {
    var throughput: (_ inFlight: Int, _ now: Int64) -> Double  // bytes per second
    var refuses: (_ inFlight: Int) -> Bool = { _ in false }
    var retryAfterMilliseconds: Int64? = nil
    var fileBytes: Double = 65_536

    /// Runs `controller` for `milliseconds` and returns the limit at each step.
    func run(_ controller: inout TransferConcurrency, from start: Int64 = 0, for milliseconds: Int64,
             step: Int64 = 10) -> [Int] {
        var bytes = 0.0
        var history: [Int] = []
        var now = start
        while now < start + milliseconds {
            now += step
            let inFlight = controller.limit
            if refuses(inFlight) {
                controller.throttled(retryAfterMilliseconds: retryAfterMilliseconds, at: now)
            } else if controller.pauseRemaining(at: now) == 0 {
                bytes += throughput(inFlight, now) * Double(step) / 1000
            }
            controller.record(bytes: Int64(bytes), files: Int(bytes / fileBytes), at: now)
            history.append(controller.limit)
        }
        return history
    }
}

/// `perStream` bytes per second per transfer, up to `link` in all.
private func capped(perStream: Double, link: Double) -> (Int, Int64) -> Double {
    { n, _ in min(Double(n) * perStream, link) }
}

@Suite("TransferConcurrency: adaptive parallelism (pure, simulated links)")
struct TransferConcurrencyTests {
    static let mb = 1_000_000.0

    @Test func aRisingThenFlatLinkSettlesNearTheSmallestLimitThatFillsIt() {
        // 8 MB/s per stream, 100 MB/s link: 13 streams fill it.
        var c = TransferConcurrency(.adaptive(cap: 32), now: 0)
        let link = SimulatedLink(throughput: capped(perStream: 8 * Self.mb, link: 100 * Self.mb))
        let history = link.run(&c, for: 20_000)
        // 16 (100 MB/s) → 32 (no growth: back to 16); probes of 20 are undone.
        #expect(history.max() == 32)
        let tail = history.suffix(1500)  // the last 15 s
        #expect(Set(tail) == [16, 20])
        #expect(tail.filter { $0 == 16 }.count > tail.count * 3 / 4)
        #expect(c.limit == 16 || c.limit == 20)
        #expect(c.backOffs == 0)
    }

    @Test func slowStartDoublesEveryRampWindow() {
        // A far server's small files: 2 MB/s per transfer, a 1000 MB/s link: every doubling pays.
        var c = TransferConcurrency(.adaptive(cap: 32), now: 0)
        let link = SimulatedLink(throughput: capped(perStream: 2 * Self.mb, link: 1000 * Self.mb))
        let history = link.run(&c, for: 1_000)  // history[i] is the limit at (i + 1) × 10 ms
        #expect(history.prefix(12).allSatisfy { $0 == 16 })  // the first ramp window, 125 ms
        #expect(history.firstIndex(of: 32).map { ($0 + 1) * 10 } == 130)  // from 8 with 250 ms windows: 500 ms
        #expect(history.last == 32)
        // Once growth stops, windows are the steady 250 ms: the limit holds at the cap.
        #expect(c.limit == 32)
    }

    @Test func aLinkThatMoreTransfersDoNotSpeedUpStaysAtTheStart() {
        // Loopback-like: CPU-bound, the same throughput at any parallelism.
        var c = TransferConcurrency(.adaptive(cap: 32), now: 0)
        let link = SimulatedLink(throughput: { _, _ in 900 * Self.mb })
        let history = link.run(&c, for: 10_000)
        #expect(history.max() == 32)  // one doubling tried, undone
        #expect(Set(history.suffix(800)) == [16, 20])  // held at 16, probing 20 now and then
        #expect(history.suffix(800).filter { $0 == 16 }.count > 600)
    }

    @Test func aFarLinkGrowsToTheCap() {
        // 50 ms paths with slow streams: every transfer adds throughput up to 40 of them.
        var c = TransferConcurrency(.adaptive(cap: 32), now: 0)
        let link = SimulatedLink(throughput: capped(perStream: 2 * Self.mb, link: 80 * Self.mb))
        let history = link.run(&c, for: 5_000)
        #expect(history.last == 32)
        // 16 → 32 after the first ramp window: at the cap within 130 ms.
        #expect(history.prefix(13).contains(32))
        #expect(c.lookahead == 4)
        #expect(c.mayStart(inFlight: 35, at: 5_000))
        #expect(!c.mayStart(inFlight: 36, at: 5_000))
    }

    @Test func aLinkThatImprovesIsFollowedUpwards() {
        // 50 MB/s for 10 s (7 streams of 8 MB/s fill it: the start of 16 holds), then 200 MB/s (25 streams).
        var c = TransferConcurrency(.adaptive(cap: 32), now: 0)
        let link = SimulatedLink(throughput: { n, now in min(Double(n) * 8 * Self.mb, (now < 10_000 ? 50 : 200) * Self.mb) })
        let before = link.run(&c, for: 10_000)
        #expect(Set(before.suffix(600)).isSubset(of: [16, 20]))
        let after = link.run(&c, from: 10_000, for: 10_000)
        #expect(after.suffix(500).allSatisfy { $0 >= 25 })
        #expect(c.limit >= 25)
    }

    @Test func a429StormHalvesTheLimitAndItStaysUnderTheServersBound() {
        // The server refuses when more than 6 transfers run; each runs at 8 MB/s.
        var c = TransferConcurrency(.adaptive(cap: 32), now: 0)
        var link = SimulatedLink(throughput: capped(perStream: 8 * Self.mb, link: 1000 * Self.mb))
        link.refuses = { $0 > 6 }
        link.retryAfterMilliseconds = 200
        let history = link.run(&c, for: 30_000)
        #expect(c.backOffs >= 2)
        // After the first second: never above one more than the bound (the probe that meets a 429).
        let tail = history.dropFirst(100)
        #expect(tail.max()! <= 7)
        // Additive increase from the halved limit: on average well above half the bound.
        let mean = Double(tail.reduce(0, +)) / Double(tail.count)
        #expect(mean >= 4.0)
        #expect((3...7).contains(c.limit))
    }

    @Test func retryAfterPausesNewStartsUntilItEnds() {
        var c = TransferConcurrency(.adaptive(cap: 32), now: 0)
        c.throttled(retryAfterMilliseconds: 2_000, at: 1_000)
        #expect(c.limit == 8)
        #expect(!c.mayStart(inFlight: 0, at: 1_000))
        #expect(!c.mayStart(inFlight: 0, at: 2_999))
        #expect(c.pauseRemaining(at: 2_500) == 500)
        #expect(c.mayStart(inFlight: 7, at: 3_000))
        #expect(!c.mayStart(inFlight: 8, at: 3_000))
        // Many transfers that saw the same storm halve the limit once per window, not once each.
        c.throttled(retryAfterMilliseconds: nil, at: 3_100)
        c.throttled(retryAfterMilliseconds: nil, at: 3_150)
        c.throttled(retryAfterMilliseconds: nil, at: 3_200)
        #expect(c.limit == 4)
        #expect(c.backOffs == 2)
        // A Retry-After longer than the longest pause is capped (30 s).
        c.throttled(retryAfterMilliseconds: 3_600_000, at: 4_000)
        #expect(c.pauseRemaining(at: 4_000) == 30_000)
        #expect(c.limit == 2)
        c.throttled(retryAfterMilliseconds: nil, at: 5_000)
        #expect(c.limit == 1)
        c.throttled(retryAfterMilliseconds: nil, at: 6_000)
        #expect(c.limit == 1)  // never below one
    }

    @Test func aFixedParallelismNeverAdaptsButHonoursRetryAfter() {
        var c = TransferConcurrency(.fixed(3), now: 0)
        var link = SimulatedLink(throughput: capped(perStream: 2 * Self.mb, link: 80 * Self.mb))
        link.refuses = { _ in false }
        let history = link.run(&c, for: 5_000)
        #expect(Set(history) == [3])
        c.throttled(retryAfterMilliseconds: 1_000, at: 6_000)
        #expect(c.limit == 3)
        #expect(c.lookahead == 0)
        #expect(!c.mayStart(inFlight: 0, at: 6_500))
        #expect(c.mayStart(inFlight: 2, at: 7_000))
        #expect(!c.mayStart(inFlight: 3, at: 7_000))
    }

    @Test func aSmallCapBoundsEverything() {
        var c = TransferConcurrency(.adaptive(cap: 4), now: 0)
        #expect(c.limit == 4)  // the initial 16 is capped
        let link = SimulatedLink(throughput: capped(perStream: 1 * Self.mb, link: 100 * Self.mb))
        let history = link.run(&c, for: 3_000)
        #expect(history.max() == 4)
        #expect(c.lookahead == 1)
    }

    @Test func throttleSignalsKeepOnly429And503WithTheirRetryAfter() {
        let s = ThrottleSignals()
        s.report(status: 429, retryAfter: "2")
        s.report(status: 500, retryAfter: "1")
        s.report(status: 503, retryAfter: nil)
        s.report(status: 404, retryAfter: nil)
        #expect(s.drain() == [.init(status: 429, retryAfterMilliseconds: 2_000), .init(status: 503, retryAfterMilliseconds: nil)])
        #expect(s.drain().isEmpty)
    }
}
