import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// A test certificate authority and a server certificate it signed for `127.0.0.1` and `localhost`,
/// made with the openssl command line in a fresh temporary folder. `otherKey` is a key that belongs
/// to no certificate (for the mismatch error).
struct TestCertificateAuthority {
    let caCertificate: String
    let serverCertificate: String
    let serverKey: String
    let otherKey: String

    init() throws {
        let dir = (temporaryPath("ca") as NSString).appendingPathComponent("pki")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (dir as NSString).appendingPathComponent(name) }
        caCertificate = path("ca.pem")
        serverCertificate = path("server.pem")
        serverKey = path("server.key")
        otherKey = path("other.key")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
            .write(toFile: path("ext.cnf"), atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("ca.key"),
             "-out", caCertificate, "-days", "2", "-subj", "/CN=arty test CA"],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", serverKey,
             "-out", path("server.csr"), "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", path("server.csr"), "-CA", caCertificate, "-CAkey", path("ca.key"),
             "-CAcreateserial", "-out", serverCertificate, "-days", "2", "-extfile", path("ext.cnf")],
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey],
        ]
        for step in steps where runTool("openssl", step) == nil {
            throw CometAPIError.configuration("openssl \(step.prefix(2).joined(separator: " ")) failed")
        }
    }
}

private let opensslAvailable = runTool("openssl", ["version"]) != nil

/// `arty serve --tls-cert/--tls-key` at the library level (issue 15): HTTPS with a certificate from
/// a test CA, trusted by arty's client through `COMET_INCLUDE_CUSTOM_CA_BUNDLE` and refused without it.
@Suite("Registry over HTTPS", .enabled(if: opensslAvailable, "needs the openssl command line"))
struct RegistryHTTPSTests {
    /// The configuration arty resolves from `environment` alone (no flags, no config files).
    static func resolve(_ environment: [String: String]) throws -> CometConfiguration {
        try CometConfiguration.resolve(flags: ConfigurationFlags(), environment: environment, currentDirectory: "/",
                                       homeDirectory: nil, readFile: { _ in nil })
    }

    @Test func servesHTTPSToAClientThatTrustsTheCA() async throws {
        let ca = try TestCertificateAuthority()
        let tls = try RegistryTLS(certificateFile: ca.serverCertificate, keyFile: ca.serverKey)
        let registry = try await LocalRegistry.start(RegistryConfiguration(
            dataDirectory: URL(fileURLWithPath: temporaryPath("tls-registry"), isDirectory: true),
            apiKey: "tls-key-1", tls: tls))
        defer { Task { await registry.stop() } }
        #expect(registry.urlOverride == "https://127.0.0.1:\(registry.port)/clientlib/")

        // Trusted through the environment variable the CLI and the TUI read.
        let environment = ["COMET_API_KEY": "tls-key-1", "COMET_URL_OVERRIDE": registry.urlOverride,
                           "COMET_INCLUDE_CUSTOM_CA_BUNDLE": ca.caCertificate]
        let trusted = try Self.resolve(environment)
        #expect(trusted.caBundlePath == ca.caCertificate)
        let client = CometClient(configuration: trusted, retryPolicy: .none)
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)

        // A write and a read of bytes cross TLS intact.
        let experiment = try await client.createExperiment(workspace: workspace, project: "tls")
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "over tls", artifactType: "dataset", experimentKey: experiment.experimentKey,
            workspace: workspace, version: "1.0.0"))
        let file = temporaryPath("tls.bin")
        let content = Data(patternBytes(offset: 3, count: 300_000))
        try content.write(to: URL(fileURLWithPath: file))
        try await client.uploadAsset(fileAt: file, logicalPath: "tls.bin", artifactVersionId: upsert.artifactVersionId,
                                     experimentKey: experiment.experimentKey, metadata: nil)
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId,
                                         experimentKey: experiment.experimentKey, state: .closed)
        let asset = try #require(try await client.assets(workspace: workspace, name: "over tls", selector: .latest).first)
        let target = temporaryPath("tls-downloaded.bin")
        _ = try await client.downloadAsset(assetId: asset.assetId, artifactVersionId: asset.artifactVersionId, to: target)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == content)

        // Without the CA: refused with curl's verification error and a hint naming the fix.
        var plain = environment
        plain["COMET_INCLUDE_CUSTOM_CA_BUNDLE"] = nil
        let untrusted = CometClient(configuration: try Self.resolve(plain), retryPolicy: .none)
        let error = await #expect(throws: CometAPIError.self) { _ = try await untrusted.workspaces() }
        guard case .transport(let code, _, _)? = error else {
            Issue.record("expected a TLS transport error, got \(String(describing: error))")
            return
        }
        #expect(code == 60)  // CURLE_PEER_FAILED_VERIFICATION
        #expect(error?.userMessage.contains("TLS verification failed") == true)
        #expect(error?.userMessage.contains("COMET_INCLUDE_CUSTOM_CA_BUNDLE") == true)
    }

    @Test func loadingErrorsNameTheFileAndTheCause() throws {
        let ca = try TestCertificateAuthority()
        let missing = temporaryPath("nothing-here.pem")
        #expect(throws: RegistryTLSError.unreadable(role: .certificate, path: missing, reason: "no such file")) {
            try RegistryTLS(certificateFile: missing, keyFile: ca.serverKey)
        }
        #expect(throws: RegistryTLSError.unreadable(role: .key, path: missing, reason: "no such file")) {
            try RegistryTLS(certificateFile: ca.serverCertificate, keyFile: missing)
        }
        let folder = (ca.caCertificate as NSString).deletingLastPathComponent
        #expect(throws: RegistryTLSError.unreadable(role: .key, path: folder, reason: "is a directory")) {
            try RegistryTLS(certificateFile: ca.serverCertificate, keyFile: folder)
        }
        // The two files swapped: neither holds what its option expects.
        #expect(throws: RegistryTLSError.notPEM(role: .certificate, path: ca.serverKey)) {
            try RegistryTLS(certificateFile: ca.serverKey, keyFile: ca.serverCertificate)
        }
        #expect(throws: RegistryTLSError.notPEM(role: .key, path: ca.caCertificate)) {
            try RegistryTLS(certificateFile: ca.serverCertificate, keyFile: ca.caCertificate)
        }
        #expect(throws: RegistryTLSError.keyMismatch(certificatePath: ca.serverCertificate, keyPath: ca.otherKey)) {
            try RegistryTLS(certificateFile: ca.serverCertificate, keyFile: ca.otherKey)
        }
        #expect(RegistryTLSError.keyMismatch(certificatePath: "s.pem", keyPath: "o.key").description
            == "--tls-key 'o.key' is not the private key of the certificate in --tls-cert 's.pem'")
        #expect(RegistryTLSError.unreadable(role: .certificate, path: "c.pem", reason: "permission denied").description
            == "--tls-cert 'c.pem': permission denied")
    }
}

/// Which addresses get the clear-text warning, and the graceful stop's bound (issue 15).
@Suite("Registry serving: warning and shutdown")
struct RegistryServingTests {
    @Test(arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("LOCALHOST", true), ("::1", true),
        ("[::1]", true), ("0.0.0.0", false), ("::", false), ("192.168.1.5", false), ("10.0.0.1", false),
        ("127.0.0.256", false), ("127.0.0", false), ("example.com", false), ("", false),
    ])
    func loopbackAddresses(host: String, loopback: Bool) {
        #expect(RegistryConfiguration.isLoopback(host: host) == loopback)
    }

    @Test func plainTextWarningOnlyBeyondLoopbackWithoutTLS() throws {
        let dir = URL(fileURLWithPath: "/unused", isDirectory: true)
        #expect(RegistryConfiguration(dataDirectory: dir).plainTextWarning == nil)
        #expect(RegistryConfiguration(dataDirectory: dir, host: "localhost").plainTextWarning == nil)
        let warning = try #require(RegistryConfiguration(dataDirectory: dir, host: "0.0.0.0").plainTextWarning)
        #expect(warning.contains("0.0.0.0"))
        #expect(warning.contains("clear text"))
        #expect(warning.contains("--tls-cert"))
        #expect(!warning.contains("\n"))
    }

    private static func start(faults: String, shutdownTimeout: Duration, directory: URL? = nil) async throws
        -> (LocalRegistry, CometClient) {
        let dir = directory ?? URL(fileURLWithPath: temporaryPath("stop-registry"), isDirectory: true)
        let registry = try await LocalRegistry.start(RegistryConfiguration(
            dataDirectory: dir, apiKey: "stop-key-1", faults: FaultInjector(try FaultPlan.parse(faults)),
            shutdownTimeout: shutdownTimeout))
        let configuration = try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride)
        return (registry, CometClient(configuration: configuration, retryPolicy: .none))
    }

    @Test func stopLetsAnUploadInFlightFinish() async throws {
        let (registry, client) = try await Self.start(faults: "upload-asset=stall:1500", shutdownTimeout: .seconds(10))
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let experiment = try await client.createExperiment(workspace: workspace, project: "stop")
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "in flight", artifactType: "model", experimentKey: experiment.experimentKey,
            workspace: workspace, version: "1.0.0"))
        let file = temporaryPath("in-flight.bin")
        let content = Data(patternBytes(offset: 11, count: 1_000_000))
        try content.write(to: URL(fileURLWithPath: file))
        let upload = Task {
            try await client.uploadAsset(fileAt: file, logicalPath: "weights.bin", artifactVersionId: upsert.artifactVersionId,
                                         experimentKey: experiment.experimentKey, metadata: nil)
        }
        try await Task.sleep(for: .milliseconds(500))  // the upload is in the stall, before its handler
        let started = ContinuousClock.now
        await registry.stop()
        try await upload.value  // answered 200 although the stop began while it ran
        #expect(ContinuousClock.now - started >= .milliseconds(700))

        // A new connection is refused once stopped.
        await #expect(throws: CometAPIError.self) { _ = try await client.workspaces() }

        // The asset is in the registry: a new registry on the same directory lists it.
        let (again, reader) = try await Self.start(faults: "", shutdownTimeout: .seconds(1), directory: registry.dataDirectory)
        defer { Task { await again.stop() } }
        let assets = try await reader.assets(workspace: workspace, name: "in flight", selector: .version("1.0.0"))
        #expect(assets.map(\.logicalPath) == ["weights.bin"])
        #expect(assets.first?.size == Int64(content.count))
    }

    /// The request stalls 10 minutes; the bound is 0.5 s. The upper limit is loose on purpose: on a
    /// loaded 2-core machine, with other suites blocking the cooperative pool, the cut-off itself was
    /// seen taking 20 s (alone: under 1 s); without the bound the stop would take the full 10 minutes.
    @Test(.timeLimit(.minutes(2))) func stopDoesNotWaitPastItsBound() async throws {
        let (registry, client) = try await Self.start(faults: "workspaces=stall:600000", shutdownTimeout: .milliseconds(500))
        let request = Task { try await client.workspaces() }
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        await registry.stop()
        let took = ContinuousClock.now - started
        #expect(took >= .milliseconds(400))
        #expect(took < .seconds(60))
        await #expect(throws: CometAPIError.self) { _ = try await request.value }
    }
}
