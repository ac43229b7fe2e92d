import Foundation

// Progress of the actions engine's jobs (downloads, bumps, folder logs), in one place: the
// reported values (``FileTransferState``, ``FileProgress``, ``DownloadProgress``), the pure parts
// (``TransferStats`` for rate and ETA, ``ProgressThrottle``) and ``ProgressTracker``, which every
// executor feeds. Times are milliseconds of a monotonic clock; sizes are bytes.

/// Where one file of a download stands.
public enum FileTransferState: Sendable, Hashable, CustomStringConvertible {
    case queued
    case transferring
    /// Sending the file's bytes to the server (a folder log, the second half of a bump's copy).
    case uploading
    /// Retrying after a dropped connection (attempt number, from 2).
    case retrying(attempt: Int)
    case verifying
    /// Downloaded and renamed to its final name.
    case done
    /// An existing file was kept (PRESERVE, or FAIL with identical content).
    case kept
    case failed(String)
    case cancelled

    public var isFinished: Bool {
        switch self {
        case .done, .kept, .failed, .cancelled: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .queued: "queued"
        case .transferring: "downloading"
        case .uploading: "uploading"
        case .retrying(let n): "retrying (attempt \(n))"
        case .verifying: "verifying"
        case .done: "done"
        case .kept: "kept existing"
        case .failed(let why): "failed: \(why)"
        case .cancelled: "cancelled"
        }
    }
}

/// Progress of one file, in bytes.
public struct FileProgress: Sendable, Hashable {
    /// The file's logical path.
    public var path: String
    /// Bytes done so far (a bump counts each local file's bytes twice: downloaded, then uploaded).
    public var bytes: Int64
    /// Bytes expected in all (0 for a remote link).
    public var totalBytes: Int64
    public var state: FileTransferState

    public init(path: String, bytes: Int64, totalBytes: Int64, state: FileTransferState) {
        self.path = path
        self.bytes = bytes
        self.totalBytes = totalBytes
        self.state = state
    }
}

/// A progress report of a whole download (or a bump's copy): per-file and total bytes, rate, ETA.
public struct DownloadProgress: Sendable, Hashable {
    /// One row per planned file, in plan order.
    public var files: [FileProgress]
    /// Bytes on disk so far over all files (kept files count as done).
    public var bytesDone: Int64
    /// Sum of the files' ``FileProgress/totalBytes``.
    public var totalBytes: Int64
    /// Bytes per second over the last seconds; nil until measurable.
    public var bytesPerSecond: Double?
    /// Estimated milliseconds left; nil while unknown.
    public var etaMilliseconds: Int64?

    /// Files finished (done, kept, failed or cancelled).
    public var filesFinished: Int { files.filter(\.state.isFinished).count }

    public init(files: [FileProgress], bytesDone: Int64, totalBytes: Int64, bytesPerSecond: Double?, etaMilliseconds: Int64?) {
        self.files = files
        self.bytesDone = bytesDone
        self.totalBytes = totalBytes
        self.bytesPerSecond = bytesPerSecond
        self.etaMilliseconds = etaMilliseconds
    }
}

/// Transfer rate and ETA from timed byte counts: a pure value, fed with samples by the executors
/// and testable with injected times.
///
/// The rate is measured over a sliding window (default 5 000 ms) of `(time, total bytes)` samples.
/// Recording is amortized O(1): a fast transfer records a sample per curl progress callback
/// (thousands per second), so samples leaving the window are dropped in bulk, not one by one.
public struct TransferStats: Sendable, Hashable {
    /// One observation: bytes transferred so far at a time in milliseconds (any monotonic origin).
    public struct Sample: Sendable, Hashable {
        /// When, in milliseconds of a monotonic clock.
        public var milliseconds: Int64
        /// Bytes done by then (cumulative).
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
    /// Recorded samples; those before `start` have left the window and wait to be dropped.
    private var storage: [Sample] = []
    private var start = 0

    /// Samples kept (those inside the window, plus the one just before it), oldest first.
    public var samples: [Sample] { Array(storage[start...]) }

    public init(totalBytes: Int64, windowMilliseconds: Int64 = 5_000) {
        self.totalBytes = totalBytes
        self.windowMilliseconds = windowMilliseconds
    }

    /// Records that `bytes` (cumulative) were done at `milliseconds`.
    public mutating func record(bytes: Int64, at milliseconds: Int64) {
        storage.append(Sample(milliseconds: milliseconds, bytes: bytes))
        let cutoff = milliseconds - windowMilliseconds
        while storage.count - start > 2, storage[start + 1].milliseconds <= cutoff { start += 1 }
        if start >= 64, start * 2 >= storage.count {
            storage.removeFirst(start)
            start = 0
        }
    }

    /// Bytes done at the last sample.
    public var bytesDone: Int64 { storage.last?.bytes ?? 0 }

    /// Shortest span of samples a rate is derived from, in milliseconds: over the first moments a
    /// transfer fills socket and file buffers in a burst, and a rate (and ETA) read from a few
    /// milliseconds of it overstated the speed (seen in the TUI's jobs view: 22 KiB/s at a 16 KiB/s pace).
    public static let minimumSpanMilliseconds: Int64 = 500

    /// Bytes per second over the window; nil until the samples span ``minimumSpanMilliseconds``.
    public var bytesPerSecond: Double? {
        guard start < storage.count, let last = storage.last,
              last.milliseconds - storage[start].milliseconds >= Self.minimumSpanMilliseconds else { return nil }
        let first = storage[start]
        return Double(last.bytes - first.bytes) * 1000 / Double(last.milliseconds - first.milliseconds)
    }

    /// Equal when the totals, windows and kept ``samples`` are.
    public static func == (a: TransferStats, b: TransferStats) -> Bool {
        a.totalBytes == b.totalBytes && a.windowMilliseconds == b.windowMilliseconds && a.storage[a.start...] == b.storage[b.start...]
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(totalBytes)
        hasher.combine(windowMilliseconds)
        for sample in storage[start...] { hasher.combine(sample) }
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
    /// The interval of every job's progress reports unless told otherwise: 100 ms.
    public static let defaultIntervalMilliseconds: Int64 = 100

    /// Minimum time between two unforced events, in milliseconds (0 lets every event through).
    public var intervalMilliseconds: Int64
    /// Time of the last event let through, in milliseconds; nil before the first.
    public private(set) var lastEmitted: Int64?

    public init(intervalMilliseconds: Int64 = ProgressThrottle.defaultIntervalMilliseconds) {
        self.intervalMilliseconds = intervalMilliseconds
    }

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

/// The one progress reporter of the actions engine: per-file state and bytes, their totals, the
/// rate and ETA (``TransferStats``) and the throttling of reports (``ProgressThrottle``), shared by
/// ``ArtifactDownloader`` (download jobs), ``VersionCopier/bump(_:progress:)`` (bump jobs) and
/// ``VersionCopier/log(_:progress:)`` (folder logs).
///
/// Every change records a `(time, bytes done)` sample; a ``DownloadProgress`` report goes to the
/// handler at most once per interval, and always for a `force`d change (a file started, finished,
/// failed or is retried). The handler runs outside the lock, on the caller's thread (curl calls
/// progress on its own thread), so a report never blocks the transfers.
///
/// A small lock-guarded class (the transfers run in parallel); its clock is injectable, so tests
/// drive time by hand.
final class ProgressTracker: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [FileProgress]
    private var stats: TransferStats
    private var throttle: ProgressThrottle
    /// Milliseconds of a monotonic clock (any origin).
    private let clock: @Sendable () -> Int64
    private let handler: (@Sendable (DownloadProgress) -> Void)?
    private var transferredBytes: Int64 = 0
    private var comparedBytes: Int64 = 0
    /// Sum of `files[].bytes`, kept incrementally (progress callbacks are frequent).
    private var doneBytes: Int64 = 0

    /// - Parameters:
    ///   - files: one row per planned file, in plan order; their `totalBytes` add up to the
    ///     reports' ``DownloadProgress/totalBytes``.
    ///   - intervalMilliseconds: minimum time between two unforced reports, in milliseconds.
    ///   - clock: the time of samples and throttling, in milliseconds of a monotonic clock.
    ///   - handler: receives the reports; nil records without reporting.
    init(files: [FileProgress], intervalMilliseconds: Int64 = ProgressThrottle.defaultIntervalMilliseconds,
         clock: @escaping @Sendable () -> Int64 = monotonicMilliseconds,
         handler: (@Sendable (DownloadProgress) -> Void)?) {
        self.files = files
        self.stats = TransferStats(totalBytes: files.reduce(0) { $0 + $1.totalBytes })
        self.throttle = ProgressThrottle(intervalMilliseconds: intervalMilliseconds)
        self.clock = clock
        self.handler = handler
    }

    /// Bytes done across all files (received so far, and whole files finished or kept).
    var bytesDone: Int64 { lock.withLock { doneBytes } }

    /// Bytes moved into files now in place (see ``DownloadSummary/bytesTransferred``).
    var transferred: Int64 { lock.withLock { transferredBytes } }

    /// Adds `n` bytes to ``transferred``.
    func addTransferred(_ n: Int64) { lock.withLock { transferredBytes += n } }

    /// Bytes fetched only to compare with an existing file (see ``DownloadSummary/bytesCompared``).
    var compared: Int64 { lock.withLock { comparedBytes } }

    /// Adds `n` bytes to ``compared``.
    func addCompared(_ n: Int64) { lock.withLock { comparedBytes += n } }

    /// Sets file `index`'s bytes done (cumulative, not a delta) and/or state, records a sample and
    /// reports when the interval has passed or `force` is set.
    func set(_ index: Int, bytes: Int64? = nil, state: FileTransferState? = nil, force: Bool = false) {
        let report: DownloadProgress? = lock.withLock {
            if let bytes { setBytes(index, bytes) }
            if let state { files[index].state = state }
            return recordAndReport(force: force)
        }
        if let report { handler?(report) }
    }

    /// Ends file `index` in `state` with all of its ``FileProgress/totalBytes`` counted as done (a
    /// file done or kept, or fetched to compare with an existing one), and always reports.
    func finish(_ index: Int, as state: FileTransferState) {
        let report: DownloadProgress? = lock.withLock {
            setBytes(index, files[index].totalBytes)
            files[index].state = state
            return recordAndReport(force: true)
        }
        if let report { handler?(report) }
    }

    /// Marks every file not finished yet as cancelled (bytes stay as they are); reports as an
    /// unforced change.
    func cancelUnfinished() {
        let report: DownloadProgress? = lock.withLock {
            for i in files.indices where !files[i].state.isFinished { files[i].state = .cancelled }
            return recordAndReport(force: false)
        }
        if let report { handler?(report) }
    }

    /// Reports the current state if the interval has passed or `force` is set (no new sample).
    func emit(force: Bool) {
        let report = lock.withLock { throttle.shouldEmit(at: clock(), force: force) ? makeSnapshot() : nil }
        if let report { handler?(report) }
    }

    /// The current state, whatever the throttle says.
    func snapshot() -> DownloadProgress { lock.withLock { makeSnapshot() } }

    // MARK: - Under the lock

    private func setBytes(_ index: Int, _ bytes: Int64) {
        doneBytes += bytes - files[index].bytes
        files[index].bytes = bytes
    }

    private func recordAndReport(force: Bool) -> DownloadProgress? {
        let now = clock()
        stats.record(bytes: doneBytes, at: now)
        return throttle.shouldEmit(at: now, force: force) ? makeSnapshot() : nil
    }

    private func makeSnapshot() -> DownloadProgress {
        DownloadProgress(files: files, bytesDone: doneBytes, totalBytes: stats.totalBytes,
                         bytesPerSecond: stats.bytesPerSecond, etaMilliseconds: stats.etaMilliseconds)
    }
}
