import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AssetDownloading {
    /// False unless the conformer implements ``downloadAssetRange(assetId:artifactVersionId:range:into:progress:)``.
    public var servesRanges: Bool { false }

    /// Not supported by default: conformers that serve ranges implement it and ``servesRanges``.
    public func downloadAssetRange(assetId: String, artifactVersionId: String?, range: ClosedRange<Int64>,
                                   into target: FileRangeTarget, progress: ProgressHandler?) async throws -> RangeDownloadOutcome {
        throw CometAPIError.transport(code: -1, message: "byte ranges are not supported here", operation: "Downloading asset \(assetId)")
    }
}

extension CometClient {
    public var servesRanges: Bool { true }

    public func downloadAssetRange(assetId: String, artifactVersionId: String?, range: ClosedRange<Int64>,
                                   into target: FileRangeTarget, progress: ProgressHandler?) async throws -> RangeDownloadOutcome {
        try await downloadAssetRange(assetId: assetId, artifactVersionId: artifactVersionId, experimentKey: "",
                                     range: range, into: target, progress: progress)
    }
}

/// How a segmented download of one file ended (``ArtifactDownloader``'s per-file path, issue 12).
enum SegmentedResult: Sendable {
    /// Every byte is in `.part` (the progress record removed); `transferred` bytes came in this run.
    /// `digest`: the hex digest of the whole `.part` in the algorithm of the entry's checksum, computed
    /// while the ranges arrived (nil when there is no checksum to verify, or it could not be).
    case complete(transferred: Int64, digest: String?)
    /// Do it as one stream instead, from scratch (`.part` removed): the server refused a range or
    /// answered for another size.
    case singleStream
    case cancelled
    /// Gave up; `.part` kept or removed as ``DownloadOptions/keepPartialFiles`` says.
    case failed(String)
}

extension ArtifactDownloader {
    /// Fetches `entry` (a local asset of `entry.expectedSize` bytes) into `part` as ``RangePlan`` segments
    /// in parallel, each written in place and resumed on its own from its last written byte.
    ///
    /// The ranges (up to ``SegmentPolicy/maxInFlight``) are asked for at once, so none waits a round
    /// trip for the first answer; that answer decides (``RangeSupport``): ranges honoured, the rest
    /// follow as these end; a `200` without `Accept-Ranges`, its body is the whole file and the one
    /// stream (the other requests are cut at their first header: a body that does not start at their
    /// range is never written); anything else, one stream from scratch. Progress is recorded in a
    /// ``RangeTrailer`` after the asset's bytes in `part` before any request goes out (so no byte ever
    /// lands out of order unrecorded), and the trailer is cut off once complete.
    ///
    /// Segments are started in file order, so the file's finished prefix grows during the download;
    /// when the entry has a checksum, that prefix is hashed as it grows (one reader at a time) and the
    /// digest is returned, leaving verification only the last ranges to read. Verification (size,
    /// checksum) is the caller's, as for a single stream.
    func segmentedTransfer(_ entry: DownloadEntry, index: Int, part: String, versionId: String,
                           tracker: ProgressTracker) async -> SegmentedResult {
        let size = entry.expectedSize
        let assetVersion = entry.asset.artifactVersionId ?? versionId
        let identity = RangeTrailer.identity(assetId: entry.asset.assetId, versionId: assetVersion, checksum: entry.checksum?.lowercased())
        let fresh = RangePlan(size: size, count: options.segments.segmentCount(forSize: size))
        var plan = fresh
        var trailerWritten = false
        switch SafeFileSystem.kind(of: part) {
        case .file(let onDisk) where onDisk < size:
            let tailLength = Int(min(onDisk, RangeTrailer.length(segments: RangeTrailer.maxRecordedSegments)))
            if let tail = Self.readBytes(part, at: onDisk - Int64(tailLength), count: tailLength),
               RangeTrailer.recordLength(tail: tail, fileSize: onDisk) == nil {
                plan = fresh.merging(prefix: onDisk)  // an interrupted single stream: its bytes count
            } else {
                SafeFileSystem.removeFile(part)  // another asset's segmented download: holes, not a prefix
            }
        case .file(let onDisk) where onDisk > size && onDisk - size <= 1 << 20:
            if let bytes = Self.readBytes(part, at: size, count: Int(onDisk - size)),
               let recorded = RangeTrailer.decode(bytes, size: size, identity: identity) {
                plan = recorded
                trailerWritten = true
            } else {
                SafeFileSystem.removeFile(part)
            }
        case .missing: break
        default: SafeFileSystem.removeFile(part)
        }
        if SafeFileSystem.kind(of: part) == .missing {
            let fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else {
                return .failed("Cannot create \(part): \(String(cString: strerror(errno)))")
            }
            close(fd)
        }
        let before = plan.completedBytes
        let counts = SegmentBytes(committed: before)
        // Record the plan before any request: a range may land before the first answer is read.
        guard trailerWritten || Self.writeTrailer(plan, identity: identity, part: part, size: size) else {
            let reason = "Cannot record the download's progress in \(part): \(String(cString: strerror(errno)))"
            SafeFileSystem.removeFile(part)
            return .failed(reason)
        }
        trailerWritten = true
        tracker.set(index, bytes: before, state: .transferring)

        enum Event: Sendable {
            case head(RangeSupport)
            case noHead
            case attempt(segment: Int, written: Int64, result: Result<RangeDownloadOutcome, any Error>)
            /// The prefix digest after a hashing step (nil: it failed; verification reads the file).
            case hashed(RunningDigest?)
        }
        let client = self.client
        let assetId = entry.asset.assetId
        let retryDelay = options.retryDelayMilliseconds
        @Sendable func attempt(_ segment: Int, range: ClosedRange<Int64>, afterDelay: Bool,
                               onHead: (@Sendable (Int, [HTTPHeader]) -> Void)?) async -> Event {
            if afterDelay { try? await Task.sleep(for: .milliseconds(retryDelay)) }
            let target = FileRangeTarget(path: part, offset: range.lowerBound, onResponseHead: onHead)
            let result: Result<RangeDownloadOutcome, any Error>
            do {
                try Task.checkCancellation()
                result = .success(try await client.downloadAssetRange(
                    assetId: assetId, artifactVersionId: assetVersion, range: range, into: target,
                    progress: { p in tracker.set(index, bytes: counts.inFlight(segment, p.completedBytes)) }))
            } catch {
                result = .failure(error)
            }
            return .attempt(segment: segment, written: target.bytesWritten, result: result)
        }

        var support: RangeSupport?
        var outcome: SegmentedResult?
        // The running digest of the finished prefix; nil while a hashing step holds it, or when there is
        // nothing to verify.
        let algorithm = entry.checksum.flatMap { FileDigest.algorithm(ofHex: $0.lowercased()) }
        var digest: RunningDigest? = algorithm.map { RunningDigest($0) }
        var hashing = false
        var attempts = [Int](repeating: 1, count: plan.segments.count)
        var running = Set<Int>()
        await withTaskGroup(of: Event.self) { group in
            guard let probe = plan.firstIncomplete else { return }
            let (heads, headSink) = AsyncStream<RangeSupport>.makeStream()
            let onHead: @Sendable (Int, [HTTPHeader]) -> Void = { status, headers in
                headSink.yield(RangeSupport.decide(status: status, headers: headers, expectedSize: size))
                headSink.finish()
            }
            group.addTask {
                for await decision in heads { return .head(decision) }
                return .noHead
            }
            func stop(_ result: SegmentedResult) {
                if outcome == nil { outcome = result }
                headSink.finish()
                group.cancelAll()
            }
            func launch(_ segment: Int, afterDelay: Bool) {
                guard let range = plan.nextRange(segment: segment) else { return }
                running.insert(segment)
                // Until the server's answer is known, every request reports its head; the first decides.
                let head = support == nil ? onHead : nil
                group.addTask { await attempt(segment, range: range, afterDelay: afterDelay, onHead: head) }
            }
            /// Starts waiting segments while fewer than ``SegmentPolicy/maxInFlight`` run.
            func launchMore() {
                for segment in plan.incomplete where !running.contains(segment) && running.count < max(1, options.segments.maxInFlight) {
                    launch(segment, afterDelay: false)
                }
            }
            /// Hashes the finished prefix further when it grew (one step at a time, in file order).
            func hashMore() {
                guard !hashing, outcome == nil, support == .ranges, let current = digest,
                      plan.contiguousPrefix > current.bytesHashed else { return }
                let end = plan.contiguousPrefix
                hashing = true
                digest = nil
                group.addTask {
                    var next = current
                    do { try next.update(file: part, to: end) } catch { return .hashed(nil) }
                    return .hashed(next)
                }
            }
            /// Acts on the first answer's verdict (from its head, or from its end when that came first).
            func decide(_ decision: RangeSupport) {
                guard outcome == nil, support == nil else { return }
                support = decision
                switch decision {
                case .ranges:
                    launchMore()
                case .wholeBody:
                    // The server ignores Range: only a request from byte 0 gets bytes (the whole file);
                    // the others are refused at their head and are not asked again.
                    if plan.segments[probe].start + plan.segments[probe].written != 0 { stop(.singleStream) }
                case .mismatch:
                    stop(.singleStream)
                }
            }
            launchMore()
            while let event = await group.next() {
                switch event {
                case .noHead:
                    continue
                case .head(let decision):
                    decide(decision)
                case .hashed(let next):
                    hashing = false
                    digest = next
                    hashMore()
                case .attempt(let segment, let written, let result):
                    running.remove(segment)
                    plan.record(written, segment: segment)
                    counts.commit(segment, written)
                    if trailerWritten { _ = Self.writeTrailer(plan, identity: identity, part: part, size: size) }
                    if outcome != nil { continue }
                    if Task.isCancelled { stop(.cancelled); continue }
                    if case .success(let answer) = result, support == nil {
                        decide(RangeSupport.decide(status: answer.status, headers: answer.headers, expectedSize: size))
                        if outcome != nil { continue }
                    }
                    switch result {
                    case .success(let answer) where answer.refused && support == .wholeBody && segment != probe:
                        continue  // a range the server answered with the whole file: the probe's stream has it
                    case .success(let answer) where answer.refused:
                        stop(.singleStream)
                    case .success(let answer) where answer.status == 200 && support != .ranges:
                        // The server ignored Range: the one stream wrote the whole body from byte 0.
                        guard written == size else {
                            stop(.failed(ActionError.verificationFailed(
                                path: entry.path.relativePath, detail: "\(written) bytes received, \(size) expected").userMessage))
                            continue
                        }
                        outcome = .complete(transferred: written, digest: nil)
                    case .success:
                        if plan.isComplete, running.isEmpty {
                            outcome = .complete(transferred: plan.completedBytes - before, digest: nil)
                        } else if plan.segments[segment].isComplete {
                            if support == .ranges { launchMore(); hashMore() }
                        } else {
                            // A short answer: ask again for the rest of this range.
                            guard attempts[segment] < options.maxAttempts else {
                                stop(.failed("The server sent part of a range of \(entry.path.relativePath) and then nothing more."))
                                continue
                            }
                            attempts[segment] += 1
                            launch(segment, afterDelay: true)
                        }
                    case .failure(let error):
                        if Self.isCancellation(error) { stop(.cancelled); continue }
                        if support == .wholeBody, Self.isResumable(error) {
                            stop(.singleStream)  // a server that ignores Range: the single-stream path resumes it
                            continue
                        }
                        guard attempts[segment] < options.maxAttempts, Self.isResumable(error) else {
                            stop(.failed(Self.message(error)))
                            continue
                        }
                        // Only this range again, from its own last written byte.
                        attempts[segment] += 1
                        tracker.set(index, state: .retrying(attempt: attempts[segment]), force: true)
                        launch(segment, afterDelay: true)
                    }
                }
                if outcome != nil { headSink.finish() }
            }
        }
        if Task.isCancelled {
            if case .complete = outcome {} else { outcome = .cancelled }
        }
        switch outcome ?? .failed("The download of \(entry.path.relativePath) stopped with ranges missing.") {
        case .complete(let transferred, _):
            // Cut the progress record off: the `.part` now holds exactly the asset's bytes (or, after a
            // whole-body answer, what it sent: verification judges).
            guard truncate(part, off_t(size)) == 0 else {
                return .failed("Cannot finish \(part): \(String(cString: strerror(errno)))")
            }
            // The prefix hashed during the download, finished over the last ranges.
            var hex: String?
            if support == .ranges, var rest = digest, (try? rest.update(file: part, to: size)) != nil, rest.bytesHashed == size {
                hex = rest.hex
            }
            return .complete(transferred: transferred, digest: hex)
        case .singleStream:
            SafeFileSystem.removeFile(part)
            return .singleStream
        case .cancelled:
            if !options.keepPartialFiles { SafeFileSystem.removeFile(part) }
            return .cancelled
        case .failed(var reason):
            let kept = plan.completedBytes
            if options.keepPartialFiles, kept > 0, trailerWritten || kept == plan.contiguousPrefix {
                reason += " (\(kept) bytes kept in \((part as NSString).lastPathComponent) for the next run)"
            } else {
                SafeFileSystem.removeFile(part)
            }
            return .failed(reason)
        }
    }

    /// Writes `plan`'s ``RangeTrailer`` after the asset's `size` bytes of `part`; false when it could not.
    static func writeTrailer(_ plan: RangePlan, identity: [UInt8], part: String, size: Int64) -> Bool {
        let bytes = RangeTrailer.encode(plan, identity: identity)
        let fd = open(part, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return bytes.withUnsafeBytes { raw in pwrite(fd, raw.baseAddress, raw.count, off_t(size)) == raw.count }
    }

    /// `count` bytes of `path` at `offset`, nil when they cannot all be read.
    static func readBytes(_ path: String, at offset: Int64, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return n == count ? out : nil
    }
}

/// The bytes of one segmented file for its progress: those committed by finished attempts plus those
/// of the attempts in flight. Lock-guarded (progress arrives on the transport's thread).
final class SegmentBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var committed: Int64
    private var inFlight: [Int: Int64] = [:]

    init(committed: Int64) { self.committed = committed }

    /// Segment `segment`'s attempt has `bytes` so far; returns the file's total.
    func inFlight(_ segment: Int, _ bytes: Int64) -> Int64 {
        lock.withLock {
            inFlight[segment] = bytes
            return committed + inFlight.values.reduce(0, +)
        }
    }

    /// Segment `segment`'s attempt ended with `written` bytes on disk.
    func commit(_ segment: Int, _ written: Int64) {
        lock.withLock {
            inFlight[segment] = nil
            committed += written
        }
    }
}
