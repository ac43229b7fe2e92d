import Foundation

/// Runs a list of jobs (one per index) with a bounded number in flight: the parallel upload loop
/// of ``VersionCopier/log(_:progress:)`` and ``VersionCopier/bump(_:progress:)``.
///
/// Indices start in order (0, 1, 2, ...), at most `limit` at once; a new one starts each time
/// one ends. The first job to throw stops the others: no new job starts, the running ones are
/// cancelled and awaited, and the error is rethrown as ``BoundedTasks/Failure`` naming its index.
/// When the calling task is cancelled, no new job starts and the call ends with the first job's
/// error (a ``CancellationError`` or the transport's cancellation) or a ``CancellationError``.
enum BoundedTasks {
    /// The first job that failed: its index and its error as thrown.
    struct Failure: Error {
        var index: Int
        var error: any Error
    }

    /// Runs `body(0)` … `body(count - 1)`, at most `limit` (clamped to at least 1) at once, and
    /// returns their results in index order.
    /// - Throws: ``Failure`` for the first job that threw; ``CancellationError`` when the calling
    ///   task was cancelled before every job ran.
    static func map<T: Sendable>(count: Int, limit: Int,
                                 _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        guard count > 0 else { return [] }
        var results = [T?](repeating: nil, count: count)
        var failure: Failure?
        await withTaskGroup(of: (Int, Result<T, any Error>).self) { group in
            var next = 0
            func addNext() {
                guard next < count, failure == nil, !Task.isCancelled else { return }
                let index = next
                next += 1
                group.addTask {
                    do { return (index, .success(try await body(index))) } catch { return (index, .failure(error)) }
                }
            }
            for _ in 0..<max(1, limit) { addNext() }
            while let (index, result) = await group.next() {
                switch result {
                case .success(let value):
                    results[index] = value
                case .failure(let error):
                    // Later failures are the other jobs' answers to the cancellation below.
                    if failure == nil {
                        failure = Failure(index: index, error: error)
                        group.cancelAll()
                    }
                }
                addNext()
            }
        }
        if let failure { throw failure }
        try Task.checkCancellation()
        return results.map { $0! }
    }
}
