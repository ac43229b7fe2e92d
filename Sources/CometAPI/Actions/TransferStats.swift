import Foundation

/// Transfer rate and ETA from timed byte counts: a pure value, fed with samples by the executors
/// and testable with injected times.
///
/// The rate is measured over a sliding window (default 5 000 ms) of `(time, total bytes)` samples.
public struct TransferStats: Sendable, Hashable {
    /// One observation: bytes transferred so far at a time in milliseconds (any monotonic origin).
    public struct Sample: Sendable, Hashable {
        public var milliseconds: Int64
        public var bytes: Int64
        public init(milliseconds: Int64, bytes: Int64) {
            self.milliseconds = milliseconds
            self.bytes = bytes
        }
    }

    /// Bytes expected in all.
    public var totalBytes: Int64
    /// Window of the rate, in milliseconds.
    public var windowMilliseconds: Int64
    /// Samples kept (those inside the window, plus the one just before it).
    public private(set) var samples: [Sample] = []

    public init(totalBytes: Int64, windowMilliseconds: Int64 = 5_000) {
        self.totalBytes = totalBytes
        self.windowMilliseconds = windowMilliseconds
    }

    /// Records that `bytes` (cumulative) were done at `milliseconds`.
    public mutating func record(bytes: Int64, at milliseconds: Int64) {
        samples.append(Sample(milliseconds: milliseconds, bytes: bytes))
        let cutoff = milliseconds - windowMilliseconds
        while samples.count > 2, samples[1].milliseconds <= cutoff { samples.removeFirst() }
    }

    /// Bytes done at the last sample.
    public var bytesDone: Int64 { samples.last?.bytes ?? 0 }

    /// Bytes per second over the window; nil until two samples at different times exist.
    public var bytesPerSecond: Double? {
        guard let first = samples.first, let last = samples.last, last.milliseconds > first.milliseconds else { return nil }
        return Double(last.bytes - first.bytes) * 1000 / Double(last.milliseconds - first.milliseconds)
    }

    /// Estimated milliseconds until ``totalBytes``; 0 when done, nil when the rate is unknown or zero.
    public var etaMilliseconds: Int64? {
        let remaining = totalBytes - bytesDone
        if remaining <= 0 { return 0 }
        guard let rate = bytesPerSecond, rate > 0 else { return nil }
        return Int64((Double(remaining) / rate * 1000).rounded(.up))
    }

    /// Fraction done in 0...1 (1 for an empty transfer).
    public var fraction: Double {
        totalBytes > 0 ? min(1, Double(bytesDone) / Double(totalBytes)) : 1
    }
}

/// Lets at most one event through per interval (default 100 ms: ≤ 10 redraws per second);
/// `force` events (a file finished, failed) always pass. Pure: the caller passes the time.
public struct ProgressThrottle: Sendable, Hashable {
    public var intervalMilliseconds: Int64
    public private(set) var lastEmitted: Int64?

    public init(intervalMilliseconds: Int64 = 100) { self.intervalMilliseconds = intervalMilliseconds }

    /// True when an event at `milliseconds` should be emitted (and records it).
    public mutating func shouldEmit(at milliseconds: Int64, force: Bool = false) -> Bool {
        if !force, let last = lastEmitted, milliseconds - last < intervalMilliseconds { return false }
        lastEmitted = milliseconds
        return true
    }
}

/// Milliseconds of a monotonic clock, for ``TransferStats`` samples.
public func monotonicMilliseconds() -> Int64 {
    Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
}
