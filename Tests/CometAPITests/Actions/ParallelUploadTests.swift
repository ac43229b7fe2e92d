import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// A local registry with fault injection and a client that never retries: every broken upload
/// reaches the copier.
struct UploadFixture {
    let registry: LocalRegistry
    let injector: FaultInjector
    let client: CometClient
    let workspace: String

    static func start() async throws -> UploadFixture {
        let injector = FaultInjector()
        let dir = URL(fileURLWithPath: temporaryPath("registry"), isDirectory: true)
        let registry = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: dir, apiKey: "parallel-upload-key-01",
                                                                           faults: injector))
        let configuration = try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride)
        let client = CometClient(configuration: configuration, retryPolicy: .none)
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        return UploadFixture(registry: registry, injector: injector, client: client, workspace: workspace)
    }

    /// Writes `count` files `d/fNN.bin` of different sizes (pattern bytes) and plans logging them.
    func folder(_ name: String, count: Int) throws -> (FolderLog, [String: Data]) {
        let root = temporaryPath("src")
        var files: [String: Data] = [:]
        for i in 0..<count {
            let path = String(format: "d/f%02d.bin", i)
            let data = Data(patternBytes(offset: i * 7, count: 1_000 + i * 9_973))
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            files[path] = data
        }
        let plan = try FolderLog.prepare(directory: root, workspace: workspace, artifactName: name, artifactType: "dataset")
        return (plan, files)
    }

    func state(of name: String, version: String) async throws -> ArtifactVersionState? {
        try await client.artifactDetails(workspace: workspace, name: name).versions.first { $0.version == version }?.state
    }
}

/// The most files any one report shows uploading at once.
func mostUploadingAtOnce(_ reports: [DownloadProgress]) -> Int {
    reports.map { $0.files.filter { $0.state == .uploading }.count }.max() ?? 0
}

/// The files the last report names as failed.
func failedFiles(_ report: DownloadProgress?) -> [String] {
    (report?.files ?? []).filter { if case .failed = $0.state { true } else { false } }.map(\.path)
}

@Suite("Parallel uploads (arty log, bump)", .serialized)
struct ParallelUploadTests {
    @Test(arguments: [3, 8])
    func logUploadsSeveralFilesAtOnceAndEveryBlobArrives(parallel: Int) async throws {
        let f = try await UploadFixture.start()
        defer { Task { await f.registry.stop() } }
        let (plan, files) = try f.folder("many", count: 24)
        // Each of the first uploads waits at the server: a copier that uploaded one file after
        // another would show one file uploading at a time.
        f.injector.setPlan(try FaultPlan.parse("upload-asset=stall:300*\(parallel)"))
        let seen = ProgressLog()
        let created = try await VersionCopier(client: f.client, parallelTransfers: parallel).log(plan) { seen.append($0) }
        #expect(mostUploadingAtOnce(seen.reports) == parallel)
        #expect(f.injector.injectedFaults.count == parallel)
        #expect(created.localAssets == 24)
        #expect(created.bytesUploaded == Int64(files.values.reduce(0) { $0 + $1.count }))
        #expect(try await f.state(of: "many", version: created.version) == .closed)
        let last = try #require(seen.reports.last)
        #expect(last.files.allSatisfy { $0.state == .done })
        #expect(last.bytesDone == last.totalBytes)

        // The registry lists the assets by logical path whatever order they arrived in, and every blob is intact.
        let assets = try await f.client.assets(workspace: f.workspace, name: "many", selector: .version(created.version))
        #expect(assets.map(\.logicalPath) == files.keys.sorted())
        let dest = temporaryPath("out")
        let download = try await ActionPlanning.planDownload(
            ArtifactReference(workspace: f.workspace, artifact: "many", selector: .version(created.version)),
            destination: dest, client: f.client)
        #expect(try await ArtifactDownloader(client: f.client).run(download).succeeded)
        for (path, data) in files {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/" + path)) == data, "\(path)")
        }
    }

    /// The server breaks one upload while the others are in flight: the version ends in ERROR,
    /// the other uploads stop, and the last report names the one file that failed.
    @Test func aBrokenUploadMarksTheVersionErrorAndNamesThatFile() async throws {
        let f = try await UploadFixture.start()
        defer { Task { await f.registry.stop() } }
        let (plan, _) = try f.folder("broken", count: 16)
        f.injector.setPlan(try FaultPlan.parse("upload-asset=reset*1;upload-asset=stall:2000"))
        let seen = ProgressLog()
        let started = Date()
        await #expect(throws: CometAPIError.self) {
            _ = try await VersionCopier(client: f.client, parallelTransfers: 4).log(plan) { seen.append($0) }
        }
        // The stalled uploads were cancelled, not waited for.
        #expect(Date().timeIntervalSince(started) < 1.8)
        #expect(try await f.state(of: "broken", version: "1.0.0") == .error)
        let last = try #require(seen.reports.last)
        let failed = failedFiles(last)
        #expect(failed.count == 1)
        #expect(failed.allSatisfy { plan.files.map(\.logicalPath).contains($0) })
        #expect(last.files.filter { $0.state == .done }.isEmpty)
        #expect(last.files.filter { $0.state == .cancelled }.count == 15)
    }

    /// A file that cannot be read (removed after the folder was scanned) fails at once, while
    /// the others wait at the server: it is the one named, and the others are cancelled.
    @Test func theFailedFileIsTheOneNamed() async throws {
        let f = try await UploadFixture.start()
        defer { Task { await f.registry.stop() } }
        let (plan, _) = try f.folder("gone", count: 6)
        let victim = try #require(plan.files.first { $0.logicalPath == "d/f02.bin" })
        try FileManager.default.removeItem(atPath: victim.path)
        f.injector.setPlan(try FaultPlan.parse("upload-asset=stall:3000"))
        let seen = ProgressLog()
        let started = Date()
        await #expect(throws: (any Error).self) {
            _ = try await VersionCopier(client: f.client, parallelTransfers: 8).log(plan) { seen.append($0) }
        }
        #expect(Date().timeIntervalSince(started) < 2.5)
        #expect(failedFiles(seen.reports.last) == ["d/f02.bin"])
        #expect(try await f.state(of: "gone", version: "1.0.0") == .error)
    }

    @Test func cancellingStopsEveryUploadAndNamesNoFile() async throws {
        let f = try await UploadFixture.start()
        defer { Task { await f.registry.stop() } }
        let (plan, _) = try f.folder("cancelled", count: 12)
        f.injector.setPlan(try FaultPlan.parse("upload-asset=stall:5000"))
        let seen = ProgressLog()
        let copier = VersionCopier(client: f.client, parallelTransfers: 4)
        let work = Task { try await copier.log(plan) { seen.append($0) } }
        while mostUploadingAtOnce(seen.reports) < 4 { try await Task.sleep(for: .milliseconds(10)) }
        let started = Date()
        work.cancel()
        let result = await work.result
        #expect(Date().timeIntervalSince(started) < 3)
        guard case .failure = result else {
            Issue.record("a cancelled log succeeded")
            return
        }
        #expect(failedFiles(seen.reports.last).isEmpty)
        #expect(seen.reports.last?.files.allSatisfy { $0.state == .cancelled } == true)
        #expect(try await f.state(of: "cancelled", version: "1.0.0") == .error)
    }

    /// A bump on a server without arty's copy route downloads and uploads each file, several at once.
    @Test func bumpResendsBlobsInParallel() async throws {
        let f = try await UploadFixture.start()
        defer { Task { await f.registry.stop() } }
        let (plan, files) = try f.folder("bumped", count: 10)
        _ = try await VersionCopier(client: f.client).log(plan)
        let bump = try await BumpPlan.prepare(ArtifactReference(workspace: f.workspace, artifact: "bumped", selector: .version("1.0.0")),
                                             kind: .minor, client: f.client)
        f.injector.setPlan(try FaultPlan.parse("upload-asset=stall:300*4"))
        let seen = ProgressLog()
        let created = try await VersionCopier(client: f.client, serverSideCopy: false, parallelTransfers: 4).bump(bump) {
            seen.append($0)
        }
        #expect(created.version == "1.1.0")
        #expect(created.copiedOnServer == 0)
        #expect(mostUploadingAtOnce(seen.reports) == 4)
        let dest = temporaryPath("out")
        let download = try await ActionPlanning.planDownload(
            ArtifactReference(workspace: f.workspace, artifact: "bumped", selector: .version("1.1.0")), destination: dest, client: f.client)
        #expect(try await ArtifactDownloader(client: f.client).run(download).succeeded)
        for (path, data) in files {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/" + path)) == data, "\(path)")
        }
    }

    @Test func aBumpWhoseUploadBreaksNamesTheAssetAndLeavesError() async throws {
        let f = try await UploadFixture.start()
        defer { Task { await f.registry.stop() } }
        let (plan, _) = try f.folder("bump-broken", count: 8)
        _ = try await VersionCopier(client: f.client).log(plan)
        let bump = try await BumpPlan.prepare(ArtifactReference(workspace: f.workspace, artifact: "bump-broken", selector: .version("1.0.0")),
                                             kind: .major, client: f.client)
        f.injector.setPlan(try FaultPlan.parse("upload-asset=reset*1"))
        let seen = ProgressLog()
        await #expect(throws: CometAPIError.self) {
            _ = try await VersionCopier(client: f.client, serverSideCopy: false, parallelTransfers: 4).bump(bump) { seen.append($0) }
        }
        #expect(failedFiles(seen.reports.last).count == 1)
        #expect(try await f.state(of: "bump-broken", version: "2.0.0") == .error)
    }
}
