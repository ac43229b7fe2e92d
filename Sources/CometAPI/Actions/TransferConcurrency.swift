import Foundation

/// How many transfers of a download run at once.
public enum TransferParallelism: Sendable, Hashable, CustomStringConvertible {
    /// Exactly this many (at least 1): `arty download --parallel N`, `[download] parallel = N`.
    case fixed(Int)
    /// Adapted to the link by ``TransferConcurrency``, between 1 and `cap` (the per-host cap).
    case adaptive(cap: Int)

    /// The per-host cap of the adaptive mode unless told otherwise: 32 transfers (and as many
    /// connections, ``CurlTransportOptions/maxConnectionsPerHost``). On a 50 ms path with about
    /// 8 MB/s per TCP stream, 400 files of 64 KiB need about 24 streams in flight to get 3× past a
    /// client that runs 8; 32 leaves room and stays far below what servers commonly refuse.
    public static let defaultCap = 32

    /// The default: adaptive up to ``defaultCap``.
    public static let `default` = TransferParallelism.adaptive(cap: defaultCap)

    /// `8` or `adaptive (up to 32)`, as `arty config` and help texts show it.
    public var description: String {
        switch self {
        case .fixed(let n): "\(n)"
        case .adaptive(let cap): "adaptive (up to \(cap))"
        }
    }
}

/// The pure controller of a download's parallelism: how many transfers may be in flight now.
///
/// It samples throughput over windows of ``Settings/windowMilliseconds`` (bytes per second and
/// files per second, from cumulative counters and the caller's clock, so tests drive time by hand)
/// and adapts the limit:
/// - **Growth.** It starts at ``Settings/initialLimit`` and doubles the limit after every window
///   whose throughput rose by at least ``Settings/gainThreshold`` over the previous limit's
///   (slow start), up to the cap. While it doubles, windows are the shorter
///   ``Settings/rampWindowMilliseconds``: a download of a second or two on a far server would
///   otherwise spend half its time reaching the limit that fills the link.
/// - **Shrinking when more does not help.** When a larger limit brought no such rise, it goes back
///   to the previous limit and holds there (steady state). Every ``Settings/probeEveryWindows``
///   windows it tries one step more (a quarter of the limit, at least 1); a probe that pays off
///   resumes growth, one that does not is undone. So a link that improves is followed upwards, and
///   a flat link ends near the smallest limit that fills it.
/// - **Back-off.** A `429 Too Many Requests` or `503 Service Unavailable` (``throttled(retryAfterMilliseconds:at:)``)
///   halves the limit (at most once per window, however many transfers saw it: they were all in
///   flight at the same moment) and, with `Retry-After`, pauses new starts until then. After a
///   back-off, probes are one transfer at a time and never double (additive increase,
///   multiplicative decrease), until ``Settings/congestionMemoryWindows`` windows pass without one.
///
/// ``TransferParallelism/fixed(_:)`` never adapts (the limit stays N) but still honours `Retry-After`.
/// Windows that overlap a pause or a limit change are not judged.
public struct TransferConcurrency: Sendable, Hashable {
    /// Tuning; the defaults suit both loopback and far servers.
    public struct Settings: Sendable, Hashable {
        /// The limit of the first window: 16. On loopback more transfers cost nothing measurable
        /// (BENCHMARKS.md); on a far server, 400 small files were 0.25 s slower starting from 8.
        public var initialLimit: Int
        /// The largest limit (the per-host cap).
        public var cap: Int
        /// Length of a throughput window, in milliseconds.
        public var windowMilliseconds: Int64
        /// Length of a window during the first growth (slow start), in milliseconds: 125, a few round
        /// trips of a far server (long enough for the transfers a doubling adds to deliver bytes).
        public var rampWindowMilliseconds: Int64
        /// A rise of throughput counts as growth from this fraction on (0.1 = 10 %).
        public var gainThreshold: Double
        /// In steady state, windows between two probes of a larger limit.
        public var probeEveryWindows: Int
        /// Windows without a 429/503 after which growth may double again.
        public var congestionMemoryWindows: Int
        /// The longest pause a `Retry-After` can impose, in milliseconds.
        public var maxPauseMilliseconds: Int64

        public init(initialLimit: Int = 16, cap: Int = TransferParallelism.defaultCap, windowMilliseconds: Int64 = 250,
                    rampWindowMilliseconds: Int64 = 125,
                    gainThreshold: Double = 0.1, probeEveryWindows: Int = 4, congestionMemoryWindows: Int = 40,
                    maxPauseMilliseconds: Int64 = 30_000) {
            self.cap = max(1, cap)
            self.initialLimit = min(max(1, initialLimit), self.cap)
            self.windowMilliseconds = max(1, windowMilliseconds)
            self.rampWindowMilliseconds = max(1, rampWindowMilliseconds)
            self.gainThreshold = max(0, gainThreshold)
            self.probeEveryWindows = max(1, probeEveryWindows)
            self.congestionMemoryWindows = max(1, congestionMemoryWindows)
            self.maxPauseMilliseconds = max(0, maxPauseMilliseconds)
        }
    }

    /// Throughput of one window.
    public struct Rate: Sendable, Hashable {
        /// Bytes per second.
        public var bytesPerSecond: Double
        /// Files finished per second.
        public var filesPerSecond: Double

        public init(bytesPerSecond: Double, filesPerSecond: Double) {
            self.bytesPerSecond = bytesPerSecond
            self.filesPerSecond = filesPerSecond
        }
    }

    /// What the controller is doing.
    public enum Phase: Sendable, Hashable {
        /// Never adapts (``TransferParallelism/fixed(_:)``).
        case fixed
        /// Measuring the first window.
        case starting
        /// Doubling while throughput grows.
        case growing
        /// Holding the limit; probing now and then.
        case steady
        /// Trying one step more than the steady limit.
        case probing
    }

    public let settings: Settings
    /// Transfers that may be in flight now (at least 1, at most the cap).
    public private(set) var limit: Int
    public private(set) var phase: Phase
    /// New transfers wait until this time (milliseconds of the caller's clock); nil when not paused.
    public private(set) var pausedUntil: Int64?
    /// Times the limit was halved for a 429/503.
    public private(set) var backOffs = 0

    private var windowStart: Int64
    private var windowBytes: Int64 = 0
    private var windowFiles = 0
    /// The window is not judged (it overlapped a pause or a limit change).
    private var windowSpoiled = false
    /// The limit before the current trial and its throughput.
    private var previous: (limit: Int, rate: Rate)?
    private var steadyWindows = 0
    private var lastBackOff: Int64?
    private var windowsSinceBackOff = Int.max
    private var lastBytes: Int64 = 0
    private var lastFiles = 0

    /// - Parameters:
    ///   - parallelism: fixed or adaptive (whose cap replaces ``Settings/cap``).
    ///   - settings: tuning of the adaptive mode.
    ///   - now: the caller's clock, in milliseconds.
    public init(_ parallelism: TransferParallelism, settings: Settings = Settings(), now: Int64) {
        switch parallelism {
        case .fixed(let n):
            self.settings = settings
            limit = max(1, n)
            phase = .fixed
        case .adaptive(let cap):
            var s = settings
            s.cap = max(1, cap)
            s.initialLimit = min(s.initialLimit, s.cap)
            self.settings = s
            limit = s.initialLimit
            phase = .starting
        }
        windowStart = now
    }

    /// Transfers allowed in flight beyond ``limit`` once the limit is the cap, where every further
    /// transfer waits inside libcurl for one of the cap's connections. libcurl gives a connection
    /// that a response just freed to the next queued transfer in the same pass, so that request
    /// goes out without waiting for a new Swift task to be scheduled, its file opened and its
    /// handle submitted (over HTTP/2 the extra streams go out at once on the shared connection).
    /// Below the cap an extra transfer would only be one more connection, which is what the
    /// limit itself decides, so there are none. Never in the fixed mode.
    public var lookahead: Int {
        phase != .fixed && limit >= settings.cap ? max(1, settings.cap / 8) : 0
    }

    /// Whether one more transfer may start now, with `inFlight` running.
    public func mayStart(inFlight: Int, at now: Int64) -> Bool {
        if let pausedUntil, now < pausedUntil { return false }
        return inFlight < limit + lookahead
    }

    /// Milliseconds until new transfers may start again (0 when not paused).
    public func pauseRemaining(at now: Int64) -> Int64 {
        guard let pausedUntil else { return 0 }
        return max(0, pausedUntil - now)
    }

    /// Records progress: `bytes` and `files` are cumulative (bytes received so far, files finished
    /// so far) at time `now`. Closes the window once ``Settings/windowMilliseconds`` (during the first
    /// growth, ``Settings/rampWindowMilliseconds``) have passed and adapts the limit from its throughput.
    public mutating func record(bytes: Int64, files: Int, at now: Int64) {
        windowBytes += max(0, bytes - lastBytes)
        windowFiles += max(0, files - lastFiles)
        lastBytes = bytes
        lastFiles = files
        if let pausedUntil, now < pausedUntil { windowSpoiled = true }
        let elapsed = now - windowStart
        let ramping = (phase == .starting || phase == .growing) && !congested
        guard elapsed >= (ramping ? settings.rampWindowMilliseconds : settings.windowMilliseconds) else { return }
        let rate = Rate(bytesPerSecond: Double(windowBytes) * 1000 / Double(elapsed),
                        filesPerSecond: Double(windowFiles) * 1000 / Double(elapsed))
        let judged = !windowSpoiled
        startWindow(at: now)
        if windowsSinceBackOff < Int.max { windowsSinceBackOff += 1 }
        guard phase != .fixed, judged else { return }
        judge(rate, at: now)
    }

    /// A server answered 429 or 503 (`Retry-After` in milliseconds when it said): halves the limit
    /// (once per window) and pauses new starts for `retryAfterMilliseconds` (capped by
    /// ``Settings/maxPauseMilliseconds``).
    public mutating func throttled(retryAfterMilliseconds: Int64?, at now: Int64) {
        if let wait = retryAfterMilliseconds, wait > 0 {
            let until = now + min(wait, settings.maxPauseMilliseconds)
            pausedUntil = max(pausedUntil ?? until, until)
        }
        windowSpoiled = true
        guard phase != .fixed else { return }
        windowsSinceBackOff = 0
        if let last = lastBackOff, now - last < settings.windowMilliseconds { return }
        lastBackOff = now
        backOffs += 1
        setLimit(max(1, limit / 2), at: now)
        previous = nil
        phase = .steady
        steadyWindows = 0
    }

    private var congested: Bool { windowsSinceBackOff < settings.congestionMemoryWindows }

    /// True when `rate` is a real rise over `base`: bytes per second up by the threshold, or files
    /// per second up by it with bytes per second not down by as much (many tiny files).
    private func grew(_ rate: Rate, over base: Rate) -> Bool {
        let g = 1 + settings.gainThreshold
        if rate.bytesPerSecond >= base.bytesPerSecond * g, rate.bytesPerSecond > 0 { return true }
        return rate.filesPerSecond >= base.filesPerSecond * g && rate.filesPerSecond > 0
            && rate.bytesPerSecond >= base.bytesPerSecond / g
    }

    private mutating func judge(_ rate: Rate, at now: Int64) {
        switch phase {
        case .fixed:
            return
        case .starting:
            grow(from: rate, at: now)
        case .growing, .probing:
            guard let previous else { return settle(at: now) }
            if grew(rate, over: previous.rate) {
                if congested {
                    // After a back-off: keep the step won, no doubling.
                    self.previous = nil
                    phase = .steady
                    steadyWindows = 0
                } else {
                    grow(from: rate, at: now)
                }
            } else {
                setLimit(previous.limit, at: now)
                settle(at: now)
            }
        case .steady:
            steadyWindows += 1
            guard steadyWindows >= settings.probeEveryWindows, limit < settings.cap else { return }
            previous = (limit, rate)
            let step = congested ? 1 : max(1, limit / 4)
            setLimit(min(settings.cap, limit + step), at: now)
            phase = .probing
        }
    }

    /// Doubles the limit from here (or holds at the cap).
    private mutating func grow(from rate: Rate, at now: Int64) {
        guard limit < settings.cap else {
            previous = nil
            return settle(at: now)
        }
        previous = (limit, rate)
        setLimit(min(settings.cap, congested ? limit + 1 : limit * 2), at: now)
        phase = congested ? .probing : .growing
    }

    private mutating func settle(at now: Int64) {
        previous = nil
        phase = .steady
        steadyWindows = 0
    }

    private mutating func setLimit(_ value: Int, at now: Int64) {
        let clamped = min(max(1, value), settings.cap)
        if clamped != limit {
            limit = clamped
            windowSpoiled = false
            startWindow(at: now)  // the next window measures the new limit only
        }
    }

    private mutating func startWindow(at now: Int64) {
        windowStart = now
        windowBytes = 0
        windowFiles = 0
        windowSpoiled = false
        if let pausedUntil, now >= pausedUntil { self.pausedUntil = nil }
        if let pausedUntil, now < pausedUntil { windowSpoiled = true }
    }

    public static func == (a: TransferConcurrency, b: TransferConcurrency) -> Bool {
        a.settings == b.settings && a.limit == b.limit && a.phase == b.phase && a.pausedUntil == b.pausedUntil
            && a.backOffs == b.backOffs
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(settings)
        hasher.combine(limit)
        hasher.combine(phase)
        hasher.combine(pausedUntil)
    }
}

/// The 429/503 answers seen by a download's transfers, for its ``TransferConcurrency``: the
/// download binds one to ``current`` around its transfers, and ``CometClient`` (and the S3
/// client) report each such answer to the one bound where they run. Lock-guarded.
public final class ThrottleSignals: @unchecked Sendable {
    /// The signals of the download whose transfer runs in this task; nil outside a download.
    @TaskLocal public static var current: ThrottleSignals?

    /// One 429 or 503 answer.
    public struct Event: Sendable, Hashable {
        /// The HTTP status (429 or 503).
        public var status: Int
        /// Its `Retry-After` in milliseconds; nil when absent or unreadable.
        public var retryAfterMilliseconds: Int64?

        public init(status: Int, retryAfterMilliseconds: Int64?) {
            self.status = status
            self.retryAfterMilliseconds = retryAfterMilliseconds
        }
    }

    private let lock = NSLock()
    private var events: [Event] = []

    public init() {}

    /// Whether `status` asks the client to slow down (429 Too Many Requests, 503 Service Unavailable).
    public static func isThrottle(status: Int) -> Bool { status == 429 || status == 503 }

    /// Records an answer with `status` when it is a 429 or 503; `retryAfter` is the header's value
    /// (delta-seconds or an HTTP date, ``RetryPolicy/parseRetryAfter(_:now:)``).
    public func report(status: Int, retryAfter: String?) {
        guard Self.isThrottle(status: status) else { return }
        let ms = retryAfter.flatMap { RetryPolicy.parseRetryAfter($0) }.map { Int64(min($0, 86_400) * 1000) }
        lock.withLock { events.append(Event(status: status, retryAfterMilliseconds: ms)) }
    }

    /// The events reported since the last call, oldest first.
    public func drain() -> [Event] {
        lock.withLock {
            let e = events
            events.removeAll()
            return e
        }
    }
}
