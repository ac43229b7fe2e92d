import Foundation

/// Streams one asset to a file with optional Range resume: what ``ArtifactDownloader`` needs from
/// a client. ``CometClient`` conforms (`GET experiment/asset/get-asset`, reference §2.7).
public protocol AssetDownloading: Sendable {
    /// See ``CometClient/downloadAsset(assetId:artifactVersionId:experimentKey:to:resumeFrom:progress:)``.
    func downloadAsset(assetId: String, artifactVersionId: String?, experimentKey: String, to path: String,
                       resumeFrom: Int64, progress: ProgressHandler?) async throws -> DownloadOutcome
    /// True when ``downloadAssetRange(assetId:artifactVersionId:range:into:progress:)`` works, so big
    /// files may be fetched in segments (default false).
    var servesRanges: Bool { get }
    /// One byte range of an asset written in place (see
    /// ``CometClient/downloadAssetRange(assetId:artifactVersionId:experimentKey:range:into:progress:)``).
    func downloadAssetRange(assetId: String, artifactVersionId: String?, range: ClosedRange<Int64>,
                            into target: FileRangeTarget, progress: ProgressHandler?) async throws -> RangeDownloadOutcome
}

extension CometClient: AssetDownloading {}

/// Settings of ``ArtifactDownloader``.
public struct DownloadOptions: Sendable, Hashable {
    /// How many transfers run at once: adaptive up to a per-host cap (the default), or fixed.
    public var parallelism: TransferParallelism
    /// What to do with files that exist already.
    public var strategy: OverwriteStrategy
    /// Attempts per file, the first included; each retry resumes from the `.part` file's size.
    public var maxAttempts: Int
    /// Pause before a retry, in milliseconds.
    public var retryDelayMilliseconds: Int
    /// Minimum time between two progress reports, in milliseconds (100 = at most 10 per second).
    public var progressIntervalMilliseconds: Int64
    /// Keep each unfinished file's `NAME.part` so that the next run resumes it: on cancellation (the
    /// CLI's Ctrl-C) and when a transfer fails with an error answer or a broken connection (a 403 after
    /// an interrupted run must not throw away what the earlier run fetched). Bytes that fail
    /// verification are always removed. False (the default, the TUI's Cancel) removes them all.
    /// Either way no partial file ever has its final name.
    public var keepPartialFiles = false
    /// Tuning of the adaptive mode (window, initial limit, probing); its cap is ``parallelism``'s.
    public var adaptiveSettings = TransferConcurrency.Settings()
    /// Which files are fetched as several byte ranges in parallel (when the server honours `Range`),
    /// and in how many; ``SegmentPolicy/off`` for one stream per file. Remote objects (`s3://`) are
    /// always one stream.
    public var segments: SegmentPolicy = .default

    /// The fixed count earlier versions ran by default, and still the adaptive mode's starting
    /// point: on the 1,000-file benchmark over loopback 8 beat 4 by 5–15 % and 16 gained nothing
    /// more (BENCHMARKS.md).
    public static let defaultParallelTransfers = 8

    /// - Parameter parallelTransfers: a fixed number of transfers at once (at least 1); nil for
    ///   ``TransferParallelism/default`` (adaptive up to 32).
    public init(parallelTransfers: Int? = nil, strategy: OverwriteStrategy = .fail, maxAttempts: Int = 5,
                retryDelayMilliseconds: Int = 250,
                progressIntervalMilliseconds: Int64 = ProgressThrottle.defaultIntervalMilliseconds) {
        self.parallelism = parallelTransfers.map { .fixed(max(1, $0)) } ?? .default
        self.strategy = strategy
        self.maxAttempts = max(1, maxAttempts)
        self.retryDelayMilliseconds = retryDelayMilliseconds
        self.progressIntervalMilliseconds = progressIntervalMilliseconds
    }

    /// Options with `parallelism` (``TransferParallelism/fixed(_:)`` or ``TransferParallelism/adaptive(cap:)``).
    public init(parallelism: TransferParallelism, strategy: OverwriteStrategy = .fail) {
        self.init(strategy: strategy)
        self.parallelism = parallelism
    }
}

/// The outcome of a download, for the footer summary, `arty download` and `--json`.
public struct DownloadSummary: Sendable, Hashable, Encodable {
    public struct Failure: Sendable, Hashable, Encodable {
        public var path: String
        public var reason: String
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }
    public var destination: String
    public var workspace: String
    public var artifact: String
    /// The concrete version downloaded.
    public var version: String
    /// Logical paths downloaded (renamed into place), sorted.
    public var downloaded: [String]
    /// Logical paths of existing files kept (PRESERVE, FAIL with identical content, or up to date).
    public var kept: [String]
    /// The part of ``kept`` known to be up to date from the destination's ``DownloadRecord``: kept
    /// with no transfer and without reading them, sorted.
    public var unchanged: [String] = []
    /// Files that failed (conflicts, verification, transfer errors) and assets refused by planning.
    public var failed: [Failure]
    /// Remote assets, listed and never fetched.
    public var remote: [RemoteAssetEntry]
    /// Path of `remote-assets.json` when written.
    public var remoteManifest: String?
    /// Bytes transferred over the network into files now in place (downloaded files only: a kept
    /// file never counts, not even when it was fetched to compare with the existing one).
    public var bytesTransferred: Int64
    /// Bytes fetched only to compare with an existing same-size file (overwrite strategy fail, no
    /// checksum known) and then thrown away; 0 otherwise.
    public var bytesCompared: Int64 = 0
    /// True when the download was cancelled before finishing.
    public var cancelled: Bool

    /// True when nothing failed and the download was not cancelled.
    public var succeeded: Bool { failed.isEmpty && !cancelled }

    public init(destination: String, workspace: String, artifact: String, version: String, downloaded: [String],
                kept: [String], unchanged: [String] = [], failed: [Failure], remote: [RemoteAssetEntry], remoteManifest: String?,
                bytesTransferred: Int64, bytesCompared: Int64 = 0, cancelled: Bool) {
        self.destination = destination
        self.workspace = workspace
        self.artifact = artifact
        self.version = version
        self.downloaded = downloaded
        self.kept = kept
        self.unchanged = unchanged
        self.failed = failed
        self.remote = remote
        self.remoteManifest = remoteManifest
        self.bytesTransferred = bytesTransferred
        self.bytesCompared = bytesCompared
        self.cancelled = cancelled
    }
}

/// Runs a ``DownloadPlan``: parallel transfers, each streamed to `NAME.part`, resumed with
/// `Range` after a dropped connection, verified (size, and checksum when the asset's metadata has
/// one), then atomically renamed. Nothing is ever written outside the destination and no symlink
/// below it is followed. A failed or cancelled file leaves no final-named file, and its `.part` only
/// with ``DownloadOptions/keepPartialFiles`` (never bytes that failed verification).
///
/// Afterwards the destination's ``DownloadRecord`` (`.arty/downloads.json`) records each file
/// written, or proved to hold its asset's bytes, with its identity, so that the next download of
/// the same content transfers nothing (``DownloadRecordStore/update(root:with:)``).
public struct ArtifactDownloader: Sendable {
    public let client: any AssetDownloading
    /// Fetches entries that are remote objects (``DownloadEntry/source``); nil when none are planned.
    public let remote: RemoteObjectFetcher?
    public let options: DownloadOptions
    /// The clock of progress samples and of the parallelism's throughput windows, in milliseconds
    /// (injectable for tests).
    public let clock: @Sendable () -> Int64
    /// Called with the parallelism controller each time its limit or pause changes (from the task
    /// running ``run(_:progress:)``); nil for none. For tests and diagnostics.
    public var onConcurrencyChange: (@Sendable (TransferConcurrency) -> Void)?

    public init(client: any AssetDownloading, remote: RemoteObjectFetcher? = nil, options: DownloadOptions = DownloadOptions(),
                clock: @escaping @Sendable () -> Int64 = monotonicMilliseconds) {
        self.client = client
        self.remote = remote
        self.options = options
        self.clock = clock
    }

    /// Runs `plan`. Task cancellation stops every transfer; the summary then has `cancelled == true`.
    /// - Parameter progress: called at most every ``DownloadOptions/progressIntervalMilliseconds``
    ///   and on each file's completion, from any thread.
    /// - Throws: ``ActionError/unsafeDestination(path:reason:)`` when the destination is unusable;
    ///   per-file failures are reported in the summary instead.
    public func run(_ plan: DownloadPlan, progress: (@Sendable (DownloadProgress) -> Void)? = nil) async throws -> DownloadSummary {
        let root = plan.destination
        try SafeFileSystem.ensureRoot(root)
        let tracker = ProgressTracker(files: plan.entries.map {
            FileProgress(path: $0.path.relativePath, bytes: 0, totalBytes: $0.expectedSize, state: .queued)
        }, intervalMilliseconds: options.progressIntervalMilliseconds, clock: clock, handler: progress)

        // `NAME.part` must never be another planned file (assets `x` and `x.part`): the two transfers
        // would share one file, and the failing one removed the other's downloaded file.
        let finalPaths = Set(plan.entries.map(\.path.relativePath))
        // Folders the plan may create, and which of them exist already: those this run creates are
        // removed again at the end if every file meant for them failed (a failed download leaves the
        // destination as it found it).
        let folders = Set(plan.entries.flatMap { entry in
            (1..<max(1, entry.path.segments.count)).map { entry.path.segments.prefix($0).joined(separator: "/") }
        })
        let existingFolders = Set(folders.filter { SafeFileSystem.kind(of: Self.join(root, $0)) != .missing })
        let partNames = PartNames(planned: finalPaths, folders: folders, root: root,
                                  recorded: Set(DownloadRecordStore.read(root: root)?.files.keys.map { $0 } ?? []))
        var updates: [String: DownloadRecord.File] = [:]
        var unchanged: [String] = []
        // Transfers start while fewer than the controller's limit are in flight (and no Retry-After
        // pause holds them); each completion feeds it the bytes and files done so far. The 429/503
        // answers the transfers meet reach it through `ThrottleSignals.current`, bound around the
        // group so every transfer task inherits it.
        var concurrency = TransferConcurrency(options.parallelism, settings: options.adaptiveSettings, now: clock())
        // Every request of this download (a whole file, or one range of a segmented one) holds one
        // of these slots: as many as the transport has connections per host (the cap, plus the
        // adaptive lookahead), so the ranges of several big files never queue inside libcurl.
        let worker = ArtifactDownloader(client: SlotLimitedDownloads(inner: client, slots: TransferSlots(capacity: Self.slotCount(options))),
                                        remote: remote, options: options, clock: clock)
        let signals = ThrottleSignals()
        await ThrottleSignals.$current.withValue(signals) {
            await withTaskGroup(of: (index: Int, outcome: Outcome).self) { group in
                var next = 0
                var inFlight = 0
                var finished = 0
                func addNext() {
                    let index = next
                    next += 1
                    inFlight += 1
                    let entry = plan.entries[index]
                    let partIsAFile = partNames.taken(entry.path.relativePath + ".part")
                    group.addTask {
                        let outcome = await worker.transfer(entry, index: index, root: root, versionId: plan.version.artifactVersionId,
                                                          partIsAFile: partIsAFile, tracker: tracker)
                        return (index, outcome)
                    }
                }
                var reported: (limit: Int, paused: Int64?)?
                func report() {
                    guard let onConcurrencyChange, reported.map({ $0 != (concurrency.limit, concurrency.pausedUntil) }) ?? true else { return }
                    reported = (concurrency.limit, concurrency.pausedUntil)
                    onConcurrencyChange(concurrency)
                }
                func startWhatMayStart() {
                    let now = clock()
                    for event in signals.drain() {
                        concurrency.throttled(retryAfterMilliseconds: event.retryAfterMilliseconds, at: now)
                    }
                    report()
                    while next < plan.entries.count, !Task.isCancelled, concurrency.mayStart(inFlight: inFlight, at: now) {
                        addNext()
                    }
                }
                startWhatMayStart()
                while true {
                    if inFlight == 0 {
                        // Nothing running: done, cancelled, or every start waits out a Retry-After.
                        if next >= plan.entries.count || Task.isCancelled { break }
                        let wait = concurrency.pauseRemaining(at: clock())
                        try? await Task.sleep(for: .milliseconds(max(1, min(wait, 1_000))))
                        startWhatMayStart()
                        continue
                    }
                    guard let (index, outcome) = await group.next() else { break }
                    inFlight -= 1
                    finished += 1
                    if case .recorded(let identity, let checksum, let wasUnchanged) = outcome {
                        let entry = plan.entries[index]
                        updates[entry.path.relativePath] = Self.recordEntry(entry, plan: plan, identity: identity, checksum: checksum)
                        if wasUnchanged { unchanged.append(entry.path.relativePath) }
                    }
                    concurrency.record(bytes: tracker.bytesDone, files: finished, at: clock())
                    report()
                    if Task.isCancelled { continue }
                    startWhatMayStart()
                }
            }
        }
        // Files already in place are recorded even after a cancellation: the next run keeps them.
        DownloadRecordStore.update(root: root, with: updates)
        let cancelled = Task.isCancelled
        if cancelled { tracker.cancelUnfinished() }
        var manifest: String?
        if !plan.remote.isEmpty, !cancelled {
            let path = Self.join(root, DownloadPlan.remoteManifestName)
            try SafeFileSystem.writeAtomically(plan.remoteManifestJSON(), to: path)
            manifest = path
        }
        tracker.emit(force: true)
        let final = tracker.snapshot()
        // Deepest first; `rmdir` removes only empty folders, so anything that arrived stays.
        for folder in folders.subtracting(existingFolders).sorted(by: { $0.utf8.count > $1.utf8.count }) {
            rmdir(Self.join(root, folder))
        }
        var failures = plan.refused.map { DownloadSummary.Failure(path: $0.asset.logicalPath, reason: $0.reason) }
        for file in final.files {
            if case .failed(let why) = file.state { failures.append(.init(path: file.path, reason: why)) }
        }
        return DownloadSummary(
            destination: root, workspace: plan.workspace, artifact: plan.artifactName, version: plan.version.version,
            downloaded: final.files.filter { $0.state == .done }.map(\.path),
            kept: final.files.filter { $0.state == .kept }.map(\.path), unchanged: unchanged.sorted(),
            failed: failures, remote: plan.remote, remoteManifest: manifest,
            bytesTransferred: tracker.transferred, bytesCompared: tracker.compared, cancelled: cancelled)
    }

    /// Which `NAME.part` names a download must not use for its partial files, because they are
    /// someone else's: `x.part` is a file this download writes (assets `x` and `x.part`), a folder
    /// it writes into (`x.part/y`), an asset an earlier download recorded in this destination
    /// (downloading `x` alone must not take over, nor delete, the `x.part` downloaded before), or
    /// a folder already there. Such a file's partial goes to the shortened name
    /// (``SafeFileSystem/partialPath(for:shortened:)``, `x~DIGEST.part`) instead.
    struct PartNames {
        /// Relative paths of the planned files, of the folders they need, and of the recorded files.
        let planned: Set<String>, folders: Set<String>, recorded: Set<String>
        let root: String

        init(planned: Set<String>, folders: Set<String>, root: String, recorded: Set<String>) {
            self.planned = planned
            self.folders = folders
            self.recorded = recorded
            self.root = root
        }

        /// True when the relative path `part` is taken (see the type).
        func taken(_ part: String) -> Bool {
            if planned.contains(part) || folders.contains(part) || recorded.contains(part) { return true }
            if case .directory = SafeFileSystem.kind(of: ArtifactDownloader.join(root, part)) { return true }
            return false
        }
    }

    /// Requests of one download in flight at once (``TransferSlots``): the per-host cap and its
    /// lookahead (adaptive), or the fixed count, and at least the default cap, so a fixed
    /// `--parallel 2` still lets one big file run its ranges.
    static func slotCount(_ options: DownloadOptions) -> Int {
        switch options.parallelism {
        case .fixed(let n): max(n, TransferParallelism.defaultCap)
        case .adaptive(let cap): max(cap + max(1, cap / 8), TransferParallelism.defaultCap)
        }
    }

    /// What one file's transfer leaves for the destination's record.
    enum Outcome: Sendable {
        /// Nothing to record (failed, cancelled, kept without knowing its content).
        case nothing
        /// The file at the path now holds the entry's asset: its identity, and the checksum verified.
        case recorded(FileIdentity, checksum: String?, unchanged: Bool)
    }

    /// The record of `entry`'s asset, as now in place with `identity`.
    static func recordEntry(_ entry: DownloadEntry, plan: DownloadPlan, identity: FileIdentity,
                            checksum: String?) -> DownloadRecord.File {
        DownloadRecord.File(assetId: entry.asset.assetId,
                            artifactVersionId: entry.asset.artifactVersionId ?? plan.version.artifactVersionId,
                            artifact: "\(plan.workspace)/\(plan.artifactName)", version: plan.version.version,
                            size: entry.expectedSize, checksum: checksum, identity: identity)
    }

    /// One file: decide, transfer with retries, verify, rename.
    private func transfer(_ entry: DownloadEntry, index: Int, root: String, versionId: String, partIsAFile: Bool,
                          tracker: ProgressTracker) async -> Outcome {
        if Task.isCancelled { tracker.set(index, state: .cancelled, force: true); return .nothing }
        var entry = entry
        var decision = DownloadPlan.decision(for: entry, strategy: options.strategy)
        if decision == .unchanged {
            // Planning saw the recorded identity; check it again now (the file may have been edited since).
            let now = SafeFileSystem.identity(under: root, path: entry.path)
            if now == entry.identity, let now {
                tracker.finish(index, as: .kept)
                return .recorded(now, checksum: entry.verifiableChecksum ?? entry.recorded?.checksum, unchanged: true)
            }
            entry.identity = now
            entry.existing = SafeFileSystem.existing(under: root, path: entry.path)
            decision = DownloadPlan.decision(for: entry, strategy: options.strategy)
        }
        switch decision {
        case .conflict(let why):
            tracker.set(index, state: .failed(why), force: true)
            return .nothing
        case .keepExisting:
            tracker.finish(index, as: .kept)
            return .nothing
        case .unchanged:
            tracker.finish(index, as: .kept)  // re-decided from a fresh identity: cannot happen, but is not a failure
            return .nothing
        case .download, .replace, .verifyAgainstExisting:
            break
        }
        // FAIL over a same-size file with a known checksum (the server's, or the one recorded for this
        // asset): decide without transferring.
        if decision == .verifyAgainstExisting, let checksum = entry.knownChecksum,
           let algorithm = FileDigest.algorithm(ofHex: checksum) {
            let existingPath = entry.path.resolved(under: root)
            tracker.set(index, state: .verifying)
            let before = SafeFileSystem.identity(under: root, path: entry.path)
            let same = (try? FileDigest.hex(of: existingPath, algorithm: algorithm)) == checksum
            tracker.finish(index, as: same ? .kept : .failed(ActionError.existingFileDiffers(path: entry.path.relativePath).userMessage))
            guard same, let before, SafeFileSystem.identity(under: root, path: entry.path) == before else { return .nothing }
            return .recorded(before, checksum: checksum, unchanged: false)
        }
        let finalPath: String
        do {
            let parent = try SafeFileSystem.makeDirectories(under: root, segments: entry.path.segments.dropLast())
            finalPath = parent + "/" + entry.path.segments.last!
            // Re-check now: something may have been planted since planning.
            let now = SafeFileSystem.existing(under: root, path: entry.path)
            if case .other(let what)? = now { throw ActionError.unsafeDestination(path: finalPath, reason: "it is \(what)") }
        } catch {
            tracker.set(index, state: .failed(Self.message(error)), force: true)
            return .nothing
        }
        let part = SafeFileSystem.partialPath(for: finalPath, shortened: partIsAFile)
        // A big local asset from a server that honours Range: several ranges in parallel (issue 12).
        var segmented = false
        var segmentedBefore: Int64 = 0
        var hashedDuringTransfer: String?
        if entry.source == nil, client.servesRanges, options.segments.segmentCount(forSize: entry.expectedSize) > 1 {
            switch await segmentedTransfer(entry, index: index, part: part, versionId: versionId, tracker: tracker) {
            case .complete(let transferred, let digest):
                segmented = true
                segmentedBefore = max(0, entry.expectedSize - transferred)
                hashedDuringTransfer = digest
            case .singleStream:
                break  // `.part` was removed: one stream below, from the start
            case .cancelled:
                tracker.set(index, state: .cancelled, force: true)
                return .nothing
            case .failed(let reason):
                tracker.set(index, state: .failed(reason), force: true)
                return .nothing
            }
        }
        var offset: Int64 = 0
        // A leftover of an interrupted run is resumed, except for a remote object whose content no
        // checksum can prove (a multipart ETag): it may have been replaced since, and `If-Match`
        // only guards the bytes fetched from now on.
        let provable = entry.source == nil || entry.verifiableChecksum != nil
        switch segmented ? .missing : SafeFileSystem.kind(of: part) {
        case .file(let size) where size < entry.expectedSize && provable: offset = size
        case .missing: break
        default: SafeFileSystem.removeFile(part)  // also a segmented download's leftover: longer than the asset
        }
        var attempt = 1
        let before = segmented ? segmentedBefore : offset
        if !segmented { tracker.set(index, bytes: offset, state: .transferring) }
        while !segmented {
            do {
                if let source = entry.source {
                    guard let remote else { throw ObjectStoreError.malformed(link: source.link, detail: "remote objects are not fetched here") }
                    try await remote.download(source, to: part, resumeFrom: offset,
                                              progress: { p in tracker.set(index, bytes: p.completedBytes) })
                } else {
                    _ = try await client.downloadAsset(
                        assetId: entry.asset.assetId, artifactVersionId: entry.asset.artifactVersionId ?? versionId,
                        experimentKey: "", to: part, resumeFrom: offset,
                        progress: { p in tracker.set(index, bytes: p.completedBytes) })
                }
                break
            } catch {
                // Every byte was already in `.part` (the connection broke after the whole body, or a
                // leftover of an interrupted run is complete): the server rightly refuses the range
                // past the end with 416. Verification below decides whether the bytes are right.
                if offset > 0, offset == entry.expectedSize, Self.status(of: error) == 416 { break }
                if Task.isCancelled || Self.isCancellation(error) {
                    if !options.keepPartialFiles { SafeFileSystem.removeFile(part) }
                    tracker.set(index, state: .cancelled, force: true)
                    return .nothing
                }
                guard attempt < options.maxAttempts, Self.isResumable(error) else {
                    var reason = Self.message(error)
                    if options.keepPartialFiles, case .file(let size) = SafeFileSystem.kind(of: part), size > 0,
                       size <= entry.expectedSize {
                        reason += " (\(size) bytes kept in \((part as NSString).lastPathComponent) for the next run)"
                    } else {
                        SafeFileSystem.removeFile(part)
                    }
                    tracker.set(index, state: .failed(reason), force: true)
                    return .nothing
                }
                attempt += 1
                if case .file(let size) = SafeFileSystem.kind(of: part), size == entry.expectedSize, size > 0 {
                    break  // every byte arrived before the drop: nothing left to ask for (a Range would be 416)
                } else if case .file(let size) = SafeFileSystem.kind(of: part), size < entry.expectedSize {
                    offset = size
                } else {
                    SafeFileSystem.removeFile(part)
                    offset = 0
                }
                tracker.set(index, bytes: offset, state: .retrying(attempt: attempt), force: true)
                try? await Task.sleep(for: .milliseconds(options.retryDelayMilliseconds))
            }
        }
        if Task.isCancelled {
            if !options.keepPartialFiles { SafeFileSystem.removeFile(part) }
            tracker.set(index, state: .cancelled, force: true)
            return .nothing
        }
        tracker.set(index, state: .verifying)
        do {
            guard case .file(let size) = SafeFileSystem.kind(of: part) else {
                throw ActionError.verificationFailed(path: entry.path.relativePath, detail: "no file was written")
            }
            // Bytes fetched only to compare with an existing file are not "transferred" into place.
            if decision == .verifyAgainstExisting {
                tracker.addCompared(max(0, size - before))
            } else {
                tracker.addTransferred(max(0, size - before))
            }
            guard size == entry.expectedSize else {
                throw ActionError.verificationFailed(path: entry.path.relativePath,
                                                     detail: "\(size) bytes received, \(entry.expectedSize) expected")
            }
            if let checksum = entry.checksum?.lowercased(), let algorithm = FileDigest.algorithm(ofHex: checksum) {
                let actual = try hashedDuringTransfer ?? FileDigest.hex(of: part, algorithm: algorithm)
                guard actual == checksum else {
                    throw ActionError.verificationFailed(path: entry.path.relativePath, detail: "checksum \(actual), expected \(checksum)")
                }
            }
            if decision == .verifyAgainstExisting {
                let before = SafeFileSystem.identity(of: finalPath)
                let same = try FileDigest.sameContent(part, finalPath)
                SafeFileSystem.removeFile(part)
                tracker.finish(index, as: same ? .kept : .failed(ActionError.existingFileDiffers(path: entry.path.relativePath).userMessage))
                guard same, let before, SafeFileSystem.identity(of: finalPath) == before else { return .nothing }
                return .recorded(before, checksum: entry.verifiableChecksum, unchanged: false)
            }
            try SafeFileSystem.atomicRename(part, to: finalPath)
            tracker.finish(index, as: .done)
            guard let written = SafeFileSystem.identity(of: finalPath) else { return .nothing }
            return .recorded(written, checksum: entry.verifiableChecksum, unchanged: false)
        } catch {
            SafeFileSystem.removeFile(part)
            tracker.set(index, state: .failed(Self.message(error)), force: true)
            return .nothing
        }
    }

    /// `root/relative`, whether or not `root` ends with `/`.
    static func join(_ root: String, _ relative: String) -> String {
        (root.hasSuffix("/") ? root : root + "/") + relative
    }

    static func isCancellation(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if case .cancelled? = error as? CometAPIError { return true }
        if case .cancelled? = error as? ObjectStoreError { return true }
        return false
    }

    /// The HTTP status of a failed transfer's answer, nil when there was none.
    static func status(of error: any Error) -> Int? {
        if let api = error as? CometAPIError { return api.status }
        if case .http(_, let status, _, _)? = error as? ObjectStoreError { return status }
        return nil
    }

    /// A dropped connection, a timeout or a 5xx/429: worth resuming.
    static func isResumable(_ error: any Error) -> Bool {
        if let store = error as? ObjectStoreError { return store.isRetryable }
        guard let api = error as? CometAPIError else { return false }
        if case .transport = api { return true }
        return api.isRetryable
    }

    static func message(_ error: any Error) -> String {
        switch error {
        case let e as CometAPIError: e.userMessage
        case let e as ActionError: e.userMessage
        case let e as ObjectStoreError: e.userMessage
        default: String(describing: error)
        }
    }
}
