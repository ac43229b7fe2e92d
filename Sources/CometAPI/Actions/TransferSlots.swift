import Foundation

/// A counting semaphore for async tasks: at most `capacity` holders at once; waiters resume in the
/// order they came (FIFO). ``ArtifactDownloader`` shares one between every request of a download
/// (whole files and the ranges of segmented ones), so no more requests reach libcurl than it has
/// connections for: a request queued inside libcurl has its connect timeout running while it waits
/// (curl issue 4486), and a request waiting here has not started. Thread-safe.
public final class TransferSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var free: Int
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var lastID: UInt64 = 0

    /// - Parameter capacity: holders at once (at least 1).
    public init(capacity: Int) { free = max(1, capacity) }

    /// Free slots now, for tests.
    public var available: Int { lock.withLock { free } }
    /// Tasks waiting for a slot now, for tests.
    public var waiting: Int { lock.withLock { waiters.count } }

    /// Waits for a slot. Pair every successful call with one ``release()``.
    /// - Throws: `CancellationError` when the task is cancelled while waiting (no slot is then held).
    public func acquire() async throws {
        let id = lock.withLock { lastID += 1; return lastID }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.lock()
                if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if free > 0 {
                    free -= 1
                    lock.unlock()
                    continuation.resume()
                } else {
                    waiters.append((id, continuation))
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            if let i = waiters.firstIndex(where: { $0.id == id }) {
                let waiter = waiters.remove(at: i)
                lock.unlock()
                waiter.continuation.resume(throwing: CancellationError())
            } else {
                lock.unlock()
            }
        }
    }

    /// Gives a slot back: to the longest waiter, else to the pool.
    public func release() {
        lock.lock()
        if waiters.isEmpty {
            free += 1
            lock.unlock()
        } else {
            let waiter = waiters.removeFirst()
            lock.unlock()
            waiter.continuation.resume()
        }
    }

    /// Runs `body` holding a slot.
    public func withSlot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }
}

/// An ``AssetDownloading`` whose every request (a whole asset or one range) holds one of `slots`.
struct SlotLimitedDownloads: AssetDownloading {
    let inner: any AssetDownloading
    let slots: TransferSlots

    var servesRanges: Bool { inner.servesRanges }

    func downloadAsset(assetId: String, artifactVersionId: String?, experimentKey: String, to path: String,
                       resumeFrom: Int64, progress: ProgressHandler?) async throws -> DownloadOutcome {
        try await slots.withSlot {
            try await inner.downloadAsset(assetId: assetId, artifactVersionId: artifactVersionId, experimentKey: experimentKey,
                                          to: path, resumeFrom: resumeFrom, progress: progress)
        }
    }

    func downloadAssetRange(assetId: String, artifactVersionId: String?, range: ClosedRange<Int64>,
                            into target: FileRangeTarget, progress: ProgressHandler?) async throws -> RangeDownloadOutcome {
        try await slots.withSlot {
            try await inner.downloadAssetRange(assetId: assetId, artifactVersionId: artifactVersionId, range: range,
                                               into: target, progress: progress)
        }
    }
}
