import ArtifactRegistry
import CometAPI
import Crypto
import Foundation
import Testing

/// The registry's access log lines, kept in memory (route, status, bytes per request).
final class RecordedAccessLog: AccessLogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }

    /// `(status, bytes)` of each `get-asset` answer, in order.
    var assetAnswers: [(status: Int, bytes: Int64?)] {
        lock.withLock { lines }.compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  (object["route"] as? String) == RequestCounter.getAssetPath, let status = object["status"] as? Int else { return nil }
            return (status, (object["bytes"] as? NSNumber)?.int64Value)
        }
    }

    func reset() { lock.withLock { lines.removeAll() } }

    /// Waits until no line has arrived for 300 ms (5 s at most): the answers of a cancelled
    /// download are logged when the server stops writing them, which may be after the client has
    /// moved on, and must not count for the next download.
    func quiesce() async {
        var last = -1
        for _ in 0..<50 {
            let count = lock.withLock { lines.count }
            if count == last { return }
            last = count
            try? await Task.sleep(for: .milliseconds(300))
        }
    }

    /// ``assetAnswers`` once `done` holds for them, or after 5 s: the registry logs a request after
    /// its body is written, which may be just after the client has finished.
    func settledAnswers(until done: ([(status: Int, bytes: Int64?)]) -> Bool) async -> [(status: Int, bytes: Int64?)] {
        for _ in 0..<100 {
            let answers = assetAnswers
            if done(answers) { return answers }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return assetAnswers
    }
}

/// A registry with one version holding one file of `size` pattern bytes, fault injection and an
/// access log; downloads use small segment sizes so that test files stay small.
struct SegmentedFixture {
    let registry: LocalRegistry
    let injector: FaultInjector
    let log: RecordedAccessLog
    let client: CometClient
    let workspace: String
    let content: Data

    /// Files of 256 KiB and more in segments of 64 KiB or more, at most 4.
    static let policy = SegmentPolicy(thresholdBytes: 256 << 10, minSegmentBytes: 64 << 10, maxSegments: 4)

    static func start(size: Int, policyForTinyFiles: Bool = false) async throws -> SegmentedFixture {
        let injector = FaultInjector()
        let log = RecordedAccessLog()
        let dir = URL(fileURLWithPath: temporaryPath("registry"), isDirectory: true)
        var configuration = RegistryConfiguration(dataDirectory: dir, apiKey: "segmented-key-0001", faults: injector)
        configuration.accessLog = log
        let registry = try await LocalRegistry.start(configuration)
        let client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride),
                                 transport: CurlTransport(options: CurlTransportOptions(readTimeoutSeconds: 10)),
                                 retryPolicy: RetryPolicy(maxAttempts: 3, baseDelayMilliseconds: 5, maxDelayMilliseconds: 50))
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "big", artifactType: "dataset", workspace: workspace, version: "1.0.0"))
        let content = Data(patternBytes(offset: 3, count: size))
        let file = temporaryPath("big.bin")
        try content.write(to: URL(fileURLWithPath: file))
        try await client.uploadAsset(fileAt: file, logicalPath: "big.bin", artifactVersionId: upsert.artifactVersionId, experimentKey: nil)
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: nil, state: .closed)
        log.reset()
        return SegmentedFixture(registry: registry, injector: injector, log: log, client: client, workspace: workspace, content: content)
    }

    func plan(_ dest: String) async throws -> DownloadPlan {
        try await ActionPlanning.planDownload(
            ArtifactReference(workspace: workspace, artifact: "big", selector: .version("1.0.0")), destination: dest, client: client)
    }

    func download(to dest: String, faults: String = "", keepPartialFiles: Bool = false,
                  policy: SegmentPolicy = SegmentedFixture.policy) async throws -> DownloadSummary {
        let plan = try await plan(dest)
        injector.setPlan(try FaultPlan.parse(faults))
        await log.quiesce()
        log.reset()
        var options = DownloadOptions(maxAttempts: 3, retryDelayMilliseconds: 5)
        options.keepPartialFiles = keepPartialFiles
        options.segments = policy
        return try await ArtifactDownloader(client: client, options: options).run(plan)
    }
}

@Suite("Segmented downloads against the local registry")
struct SegmentedDownloadTests {
    /// Just above the threshold, odd: 3 segments of 131,072, 131,072 and 77 bytes.
    static let oddSize = (256 << 10) + 77

    @Test func aBigFileArrivesAsParallelRangesByteExact() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        let plan = RangePlan(size: Int64(Self.oddSize), count: SegmentedFixture.policy.segmentCount(forSize: Int64(Self.oddSize)))
        #expect(plan.segments.map(\.length) == [131_072, 131_072, 77])
        let dest = temporaryPath("dest")
        let summary = try await f.download(to: dest)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(summary.bytesTransferred == Int64(Self.oddSize))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "big.bin"])
        let answers = await f.log.settledAnswers { $0.count >= 3 }
        #expect(answers.map(\.status) == [206, 206, 206])
        #expect(answers.compactMap(\.bytes).sorted() == [77, 131_072, 131_072])
    }

    /// With one range in flight the segments follow one another (the others wait, as they do beyond
    /// the transport's connections per host), and the file is the same.
    @Test func rangesBeyondTheInFlightLimitWaitTheirTurn() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        var policy = SegmentedFixture.policy
        policy.maxInFlight = 1
        let dest = temporaryPath("dest")
        let summary = try await f.download(to: dest, policy: policy)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        let answers = await f.log.settledAnswers { $0.count >= 3 }
        #expect(answers.map(\.status) == [206, 206, 206])
        #expect(answers.compactMap(\.bytes) == [131_072, 131_072, 77])  // in file order, one after another
    }

    @Test func theRegistryAnswersAClosedRangeWith206AndContentRange() async throws {
        let f = try await SegmentedFixture.start(size: 1000)
        defer { Task { await f.registry.stop() } }
        let plan = try await f.plan(temporaryPath("unused"))
        let asset = try #require(plan.entries.first?.asset)
        let path = temporaryPath("range.bin")
        try Data(repeating: 0xEE, count: 30).write(to: URL(fileURLWithPath: path))
        let target = FileRangeTarget(path: path, offset: 5)
        let outcome = try await f.client.downloadAssetRange(assetId: asset.assetId, artifactVersionId: asset.artifactVersionId,
                                                            range: 100...119, into: target)
        #expect(outcome.status == 206)
        #expect(outcome.headers.last { $0.name.lowercased() == "content-range" }?.value == "bytes 100-119/1000")
        #expect(outcome.bytesWritten == 20)
        #expect(target.bytesWritten == 20)
        // Written in place at offset 5; the bytes around it are untouched (never truncated).
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.count == 30)
        #expect(data.prefix(5) == Data(repeating: 0xEE, count: 5))
        #expect(data.dropFirst(5).prefix(20) == f.content[100..<120])
        #expect(data.suffix(5) == Data(repeating: 0xEE, count: 5))
        // The end past the size is clipped to the last byte.
        let tail = FileRangeTarget(path: path, offset: 0)
        let clipped = try await f.client.downloadAssetRange(assetId: asset.assetId, artifactVersionId: asset.artifactVersionId,
                                                            range: 990...5000, into: tail)
        #expect(clipped.headers.last { $0.name.lowercased() == "content-range" }?.value == "bytes 990-999/1000")
        #expect(tail.bytesWritten == 10)
        // A server that ignores Range answers 200: for a range past byte 0 nothing is written.
        f.injector.setPlan(try FaultPlan.parse("get-asset=norange"))
        let refused = FileRangeTarget(path: path, offset: 0)
        let ignored = try await f.client.downloadAssetRange(assetId: asset.assetId, artifactVersionId: asset.artifactVersionId,
                                                            range: 500...599, into: refused)
        #expect(ignored.status == 200)
        #expect(ignored.refused)
        #expect(refused.bytesWritten == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(10) == f.content[990..<1000])
    }

    @Test func aServerThatIgnoresRangeGetsOneStreamWithTheRightBytes() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        let dest = temporaryPath("dest")
        let summary = try await f.download(to: dest, faults: "get-asset=norange")
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "big.bin"])
        // The ranges went out at once: every answer was a 200. The one from byte 0 carried the whole file
        // and was kept; the others were cut at their head (nothing of theirs written); nothing asked again.
        let segments = SegmentedFixture.policy.segmentCount(forSize: Int64(Self.oddSize))
        let answers = await f.log.settledAnswers { $0.count >= 1 }
        #expect((1...segments).contains(answers.count))
        #expect(answers.allSatisfy { $0.status == 200 })
        #expect(answers.contains { $0.bytes == Int64(Self.oddSize) })
        #expect(summary.bytesTransferred == Int64(Self.oddSize))
    }

    @Test func aRangeDroppedMidwayIsTheOnlyOneAskedForAgain() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        let dest = temporaryPath("dest")
        let summary = try await f.download(to: dest, faults: "get-asset=drop:70000*1")
        #expect(f.injector.injectedFaults.count == 1)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        // Three ranges and one more request, for the rest of the dropped one only.
        let answers = await f.log.settledAnswers { $0.count >= 4 }
        #expect(answers.count == 4, "\(answers)")
        #expect(answers.allSatisfy { $0.status == 206 })
        #expect(answers.contains { $0.bytes == 131_072 - 70_000 }, "\(answers)")
        #expect(summary.bytesTransferred == Int64(Self.oddSize))
    }

    @Test func cancellingLeavesNoFinalFileAndAKeptPartResumesEachRange() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        for keep in [false, true] {
            let dest = temporaryPath("dest")
            let plan = try await f.plan(dest)
            f.injector.setPlan(try FaultPlan.parse("get-asset=slow:40000"))
            var options = DownloadOptions(maxAttempts: 3, retryDelayMilliseconds: 5)
            options.keepPartialFiles = keep
            options.segments = SegmentedFixture.policy
            let started = AsyncStream<Void>.makeStream()
            let task = Task {
                try await ArtifactDownloader(client: f.client, options: options).run(plan) { p in
                    if p.bytesDone > 20_000 { started.continuation.yield() }
                }
            }
            for await _ in started.stream { break }
            task.cancel()
            let summary = try await task.value
            #expect(summary.cancelled)
            #expect(!FileManager.default.fileExists(atPath: dest + "/big.bin"))
            let part = dest + "/big.bin.part"
            guard keep else {
                #expect(!FileManager.default.fileExists(atPath: part))
                continue
            }
            // The kept part records its ranges after the asset's bytes: longer than the asset, so
            // never taken for a single stream's prefix.
            let partSize = try #require(try FileManager.default.attributesOfItem(atPath: part)[.size] as? Int)
            #expect(partSize == Self.oddSize + Int(RangeTrailer.length(segments: 3)))
            let resumed = try await f.download(to: dest)
            #expect(resumed.succeeded, "\(resumed.failed)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
            #expect(!FileManager.default.fileExists(atPath: part))
            // Each range went on from its own last byte: fewer bytes than the file, in as many ranges.
            let again = await f.log.settledAnswers { $0.compactMap(\.bytes).reduce(0, +) >= resumed.bytesTransferred }
            #expect(again.allSatisfy { $0.status == 206 }, "\(again)")
            #expect(resumed.bytesTransferred < Int64(Self.oddSize))
            #expect(again.compactMap(\.bytes).reduce(0, +) == resumed.bytesTransferred, "\(again)")
        }
    }

    @Test func aLeftoverPartWithABrokenRecordIsDiscarded() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        let dest = temporaryPath("dest")
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        try Data(repeating: 0xEE, count: Self.oddSize + 400).write(to: URL(fileURLWithPath: dest + "/big.bin.part"))
        let summary = try await f.download(to: dest)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        #expect(summary.bytesTransferred == Int64(Self.oddSize))
    }

    /// A `.part` shorter than the asset that ends with another asset's range record (a segmented
    /// download of another version, interrupted) is not a prefix: its unwritten ranges are holes.
    /// Taken for one, it made the file wrong (caught by the checksum here; silently wrong without one).
    @Test func aShorterPartEndingWithAnotherAssetsRecordIsDiscarded() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        let dest = temporaryPath("dest")
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        let otherSize: Int64 = 100_000
        let other = RangePlan(size: otherSize, count: 2).merging(prefix: 30_000)
        var leftover = Data(repeating: 0x5A, count: 30_000) + Data(count: Int(otherSize) - 30_000)
        leftover.append(contentsOf: RangeTrailer.encode(other, identity: RangeTrailer.identity(assetId: "another", versionId: "v0", checksum: nil)))
        #expect(leftover.count < Self.oddSize)
        try leftover.write(to: URL(fileURLWithPath: dest + "/big.bin.part"))
        let summary = try await f.download(to: dest)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        #expect(summary.bytesTransferred == Int64(Self.oddSize))
    }

    @Test func aSingleStreamPrefixIsKeptAndTheRestFetchedInRanges() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        let dest = temporaryPath("dest")
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        try f.content.prefix(150_000).write(to: URL(fileURLWithPath: dest + "/big.bin.part"))
        let summary = try await f.download(to: dest)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        #expect(summary.bytesTransferred == Int64(Self.oddSize - 150_000))
        #expect(await f.log.settledAnswers { $0.count >= 2 }.count == 2)  // the rest of the second segment, and the third
    }

    @Test(arguments: [0, 1, 2])
    func tinyFilesArriveWhateverThePolicy(_ size: Int) async throws {
        let f = try await SegmentedFixture.start(size: size)
        defer { Task { await f.registry.stop() } }
        let dest = temporaryPath("dest")
        let eager = SegmentPolicy(thresholdBytes: 1, minSegmentBytes: 1, maxSegments: 16)
        let summary = try await f.download(to: dest, policy: eager)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/big.bin")) == f.content)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "big.bin"])
    }

    @Test func aChecksumMismatchIsStillCaught() async throws {
        let f = try await SegmentedFixture.start(size: Self.oddSize)
        defer { Task { await f.registry.stop() } }
        // Spoil one byte of the stored blob (same size): the ranges arrive, the checksum does not match.
        let digest = SHA256.hash(data: f.content).map { String(format: "%02x", $0) }.joined()
        let blob = try #require((FileManager.default.enumerator(atPath: f.registry.dataDirectory.path)?.allObjects as? [String])?
            .first { $0.hasSuffix(digest) })
        let handle = try #require(FileHandle(forUpdatingAtPath: f.registry.dataDirectory.path + "/" + blob))
        try handle.seek(toOffset: 200_000)
        try handle.write(contentsOf: Data([f.content[200_000] ^ 0xFF]))
        try handle.close()
        let dest = temporaryPath("dest")
        let summary = try await f.download(to: dest)
        #expect(!summary.succeeded)
        #expect(summary.failed.first?.reason.contains("checksum") == true, "\(summary.failed)")
        #expect(await f.log.settledAnswers { $0.count >= 3 }.count == 3)
        #expect(treeListing(dest).isEmpty)
    }
}
