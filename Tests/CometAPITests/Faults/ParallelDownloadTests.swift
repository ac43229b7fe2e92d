import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Wraps a transport and adds up what its answers say: connections opened, protocols used, and the
/// most requests in flight at once.
final class ConnectionCountingTransport: HTTPTransport, @unchecked Sendable {
    let inner: any HTTPTransport
    private let lock = NSLock()
    private var connections = 0
    private var versions: [String: Int] = [:]
    private var running = 0
    private var peak = 0

    init(inner: any HTTPTransport) { self.inner = inner }

    func send(_ request: TransportRequest, sink: ResponseSink, progress: ProgressHandler?) async throws -> TransportResponse {
        lock.withLock { running += 1; peak = max(peak, running) }
        defer { lock.withLock { running -= 1 } }
        let response = try await inner.send(request, sink: sink, progress: progress)
        lock.withLock {
            connections += response.newConnections
            versions[response.httpVersion ?? "?", default: 0] += 1
        }
        return response
    }

    var newConnections: Int { lock.withLock { connections } }
    var protocols: [String: Int] { lock.withLock { versions } }
    var peakInFlight: Int { lock.withLock { peak } }
}

/// A registry holding one version of `count` small files (`f000.bin` ...), each different.
struct ManyFilesFixture {
    let registry: LocalRegistry
    let injector: FaultInjector
    let configuration: CometConfiguration
    let workspace: String
    let count: Int

    static func content(_ i: Int) -> Data { Data(patternBytes(offset: i * 7 + 1, count: 4_096 + i * 37)) }
    static func name(_ i: Int) -> String { String(format: "f%03d.bin", i) }

    static func start(count: Int, tls: RegistryTLS? = nil, caBundle: String? = nil) async throws -> ManyFilesFixture {
        let injector = FaultInjector()
        let registry = try await LocalRegistry.start(RegistryConfiguration(
            dataDirectory: URL(fileURLWithPath: temporaryPath("many-registry"), isDirectory: true),
            apiKey: "many-files-key-0001", faults: injector, tls: tls))
        var configuration = try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride)
        configuration.caBundlePath = caBundle
        let client = CometClient(configuration: configuration, retryPolicy: .none)
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "many", artifactType: "dataset", workspace: workspace, version: "1.0.0"))
        let dir = temporaryPath("many-source")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for i in 0..<count {
            let file = dir + "/" + name(i)
            try content(i).write(to: URL(fileURLWithPath: file))
            try await client.uploadAsset(fileAt: file, logicalPath: name(i), artifactVersionId: upsert.artifactVersionId,
                                         experimentKey: nil)
        }
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: nil, state: .closed)
        return ManyFilesFixture(registry: registry, injector: injector, configuration: configuration, workspace: workspace,
                                count: count)
    }

    func plan(_ client: CometClient, into dest: String) async throws -> DownloadPlan {
        try await ActionPlanning.planDownload(
            ArtifactReference(workspace: workspace, artifact: "many", selector: .version("1.0.0")), destination: dest, client: client)
    }

    /// Every file in `dest` holds its bytes.
    func verify(_ dest: String) throws -> Bool {
        try (0..<count).allSatisfy { i in
            try Data(contentsOf: URL(fileURLWithPath: dest + "/" + Self.name(i))) == Self.content(i)
        }
    }
}

/// Collects the downloader's parallelism limits as they change.
final class LimitLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(limit: Int, backOffs: Int)] = []
    func append(_ c: TransferConcurrency) { lock.withLock { entries.append((c.limit, c.backOffs)) } }
    var limits: [Int] { lock.withLock { entries.map(\.limit) } }
    var backOffs: Int { lock.withLock { entries.last?.backOffs ?? 0 } }
}

@Suite("Parallel downloads: back-off on 429, connection reuse")
struct ParallelDownloadTests {
    @Test func busySpecsParse() throws {
        let plan = try FaultPlan.parse("get-asset=busy:4; files=busy:2:0*3")
        #expect(plan.rules.map(\.fault) == [.busy(maxInFlight: 4, retryAfterSeconds: 1), .busy(maxInFlight: 2, retryAfterSeconds: 0)])
        #expect(plan.rules.map(\.times) == [nil, 3])
        #expect(try FaultPlan.parse(plan.description) == plan)
        for bad in ["x=busy", "x=busy:0", "x=busy:a", "x=busy:2:-1", "x=busy:2:1:1"] {
            #expect(throws: FaultPlan.ParseError.self) { try FaultPlan.parse(bad) }
        }
    }

    @Test func busyAdmitsUpToItsBoundAndCountsWhatItRefuses() throws {
        func admitted(_ a: FaultInjector.Admission?) -> FaultInjector.BusySlot? {
            if case .admitted(let slot)? = a { return slot }
            return nil
        }
        func refusal(_ a: FaultInjector.Admission?) -> Int? {
            if case .refused(let seconds)? = a { return seconds }
            return nil
        }
        let injector = FaultInjector(try FaultPlan.parse("get-asset=busy:2:5"))
        let path = "/api/rest/v2/experiment/asset/get-asset"
        let a = try #require(admitted(injector.admit(path: path)))
        let b = try #require(admitted(injector.admit(path: path)))
        #expect(refusal(injector.admit(path: path)) == 5)
        #expect(injector.admit(path: "/api/rest/v2/workspaces") == nil)  // another route
        a.release()
        a.release()  // twice: counted once
        let c = try #require(admitted(injector.admit(path: path)))
        #expect(refusal(injector.admit(path: path)) == 5)  // b and c still in flight
        #expect(injector.busyPeakInFlight == 2)
        #expect(injector.injectedFaults == ["\(path) busy:2:5", "\(path) busy:2:5"])
        b.release()
        c.release()

        // `*1`: one refusal, then the rule is spent and gates nothing.
        injector.setPlan(try FaultPlan.parse("get-asset=busy:1:0*1"))
        let d = try #require(admitted(injector.admit(path: path)))
        #expect(refusal(injector.admit(path: path)) == 0)
        #expect(injector.admit(path: path) == nil)
        d.release()
    }

    /// The client's own retries honour `Retry-After` (up to 2 s) so that a 429 costs a pause, not a failure.
    static let patientRetry = RetryPolicy(maxAttempts: 4, baseDelayMilliseconds: 20, maxDelayMilliseconds: 2_000)

    @Test(arguments: [TransferParallelism.adaptive(cap: 32), .fixed(8)])
    func aServerThatRefusesLoadGetsEveryFileCorrectly(_ parallelism: TransferParallelism) async throws {
        let f = try await ManyFilesFixture.start(count: 40)
        defer { Task { await f.registry.stop() } }
        let client = CometClient(configuration: f.configuration, retryPolicy: Self.patientRetry)
        let dest = temporaryPath("busy-dest")
        let plan = try await f.plan(client, into: dest)
        // More than 3 downloads at once: 429 with Retry-After: 1.
        f.injector.setPlan(try FaultPlan.parse("get-asset=busy:3:1"))
        var downloader = ArtifactDownloader(client: client, options: DownloadOptions(parallelism: parallelism))
        let log = LimitLog()
        downloader.onConcurrencyChange = { log.append($0) }
        let summary = try await downloader.run(plan)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(summary.downloaded.count == 40)
        #expect(try f.verify(dest))
        #expect(!f.injector.injectedFaults.isEmpty)  // the server did refuse
        #expect(f.injector.busyPeakInFlight <= 3)
        if case .fixed = parallelism {
            #expect(Set(log.limits) == [8])  // a fixed count never adapts
        }
    }

    @Test func theAdaptiveLimitComesDownUnderA429Storm() async throws {
        let f = try await ManyFilesFixture.start(count: 60)
        defer { Task { await f.registry.stop() } }
        let client = CometClient(configuration: f.configuration, retryPolicy: Self.patientRetry)
        let dest = temporaryPath("busy-adapt")
        let plan = try await f.plan(client, into: dest)
        f.injector.setPlan(try FaultPlan.parse("get-asset=busy:2:1"))
        var downloader = ArtifactDownloader(client: client, options: DownloadOptions())  // the default: adaptive
        let log = LimitLog()
        downloader.onConcurrencyChange = { log.append($0) }
        let summary = try await downloader.run(plan)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try f.verify(dest))
        let limits = log.limits
        #expect(limits.first == 16)
        #expect(log.backOffs >= 1)
        // Halved at least three times from 16 (16 → 8 → 4 → 2): at most the server's bound.
        #expect(limits.min()! <= 2)
        #expect(limits.last! < 8)
    }

    /// Keep-alive: 120 files over 4 parallel transfers open about 4 connections, not 120.
    @Test func parallelTransfersReuseTheirConnections() async throws {
        let f = try await ManyFilesFixture.start(count: 120)
        defer { Task { await f.registry.stop() } }
        let transport = ConnectionCountingTransport(inner: CurlTransport())
        let client = CometClient(configuration: f.configuration, transport: transport, retryPolicy: .none)
        let dest = temporaryPath("reuse-dest")
        let plan = try await f.plan(client, into: dest)
        let before = transport.newConnections
        let summary = try await ArtifactDownloader(client: client, options: DownloadOptions(parallelTransfers: 4)).run(plan)
        #expect(summary.succeeded)
        #expect(try f.verify(dest))
        #expect(transport.peakInFlight == 4)
        // One connection per transfer slot at most (a few more if the server closed an idle one).
        #expect(transport.newConnections - before <= 6)
        #expect(transport.protocols.keys.sorted() == ["HTTP/1.1"])  // plain HTTP stays HTTP/1.1
    }
}

private let opensslAvailable = runTool("openssl", ["version"]) != nil

@Suite("HTTP/2 over TLS", .enabled(if: opensslAvailable, "needs the openssl command line"))
struct HTTP2DownloadTests {
    @Test func negotiatesHTTP2WithTheTLSRegistryAndDownloadsTheRightBytes() async throws {
        let ca = try TestCertificateAuthority()
        let tls = try RegistryTLS(certificateFile: ca.serverCertificate, keyFile: ca.serverKey)
        let f = try await ManyFilesFixture.start(count: 50, tls: tls, caBundle: ca.caCertificate)
        defer { Task { await f.registry.stop() } }
        let transport = ConnectionCountingTransport(inner: CurlTransport(options: CurlTransportOptions(caBundlePath: ca.caCertificate)))
        let client = CometClient(configuration: f.configuration, transport: transport, retryPolicy: .none)
        let dest = temporaryPath("h2-dest")
        let plan = try await f.plan(client, into: dest)
        let summary = try await ArtifactDownloader(client: client, options: DownloadOptions(parallelTransfers: 16)).run(plan)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(try f.verify(dest))
        // Every answer came over HTTP/2, the 50 downloads multiplexed on very few connections.
        #expect(transport.protocols.keys.sorted() == ["HTTP/2"])
        #expect(transport.newConnections <= 3)
    }

    @Test func aClientWithoutHTTP2StillGetsHTTP11FromTheTLSRegistry() async throws {
        let ca = try TestCertificateAuthority()
        let tls = try RegistryTLS(certificateFile: ca.serverCertificate, keyFile: ca.serverKey)
        let f = try await ManyFilesFixture.start(count: 1, tls: tls, caBundle: ca.caCertificate)
        defer { Task { await f.registry.stop() } }
        // curl's command line, told to offer only HTTP/1.1 by ALPN.
        let out = runTool("curl", ["-sS", "--http1.1", "--cacert", ca.caCertificate, "-o", "/dev/null", "-w", "%{http_version}",
                                   "-H", "Authorization: \(f.registry.apiKey)",
                                   "https://127.0.0.1:\(f.registry.port)/api/rest/v2/account-details"])
        #expect(out == "1.1")
        let h2 = runTool("curl", ["-sS", "--http2", "--cacert", ca.caCertificate, "-o", "/dev/null", "-w", "%{http_version}",
                                  "-H", "Authorization: \(f.registry.apiKey)",
                                  "https://127.0.0.1:\(f.registry.port)/api/rest/v2/account-details"])
        #expect(h2 == "2")
    }
}
