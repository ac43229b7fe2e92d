import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// A fresh local registry with fault injection, seeded with `cats` 1.0.0 (alias `prod`, version tag
/// `t1`, one 200 kB asset `data.bin`), and a client with short timeouts and delays.
struct FaultFixture {
    let registry: LocalRegistry
    let injector: FaultInjector
    let client: CometClient
    let workspace: String
    let versionId: String
    static let content = Data(patternBytes(offset: 11, count: 200_000))

    /// 3 attempts, 5 ms base delay, `Retry-After` capped at 50 ms; 3 s read timeout (1 s flaked when the
    /// whole suite ran on 2 loaded cores: a slow first answer was retried and met the fault twice).
    static let retry = RetryPolicy(maxAttempts: 3, baseDelayMilliseconds: 5, maxDelayMilliseconds: 50)

    static func start(apiKey: String = "fault-matrix-key-0001") async throws -> FaultFixture {
        let injector = FaultInjector()
        let dir = URL(fileURLWithPath: temporaryPath("registry"), isDirectory: true)
        let registry = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: dir, apiKey: apiKey, faults: injector))
        let configuration = try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride)
        let client = CometClient(configuration: configuration,
                                 transport: CurlTransport(options: CurlTransportOptions(connectTimeoutMilliseconds: 2000, readTimeoutSeconds: 3)),
                                 retryPolicy: retry)
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "cats", artifactType: "dataset", workspace: workspace, version: "1.0.0",
            aliases: ["prod"], versionTags: ["t1"]))
        let file = temporaryPath("data.bin")
        try content.write(to: URL(fileURLWithPath: file))
        try await client.uploadAsset(fileAt: file, logicalPath: "data.bin", artifactVersionId: upsert.artifactVersionId,
                                     experimentKey: nil)
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: nil, state: .closed)
        return FaultFixture(registry: registry, injector: injector, client: client, workspace: workspace,
                            versionId: upsert.artifactVersionId)
    }

    /// The registry's view, read with fault injection off for the moment.
    func versions() async throws -> [ArtifactVersion] {
        try await client.artifactDetails(workspace: workspace, name: "cats").versions
    }
}

/// The client operations of the matrix.
enum MatrixOperation: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case list, details, files, download, labels, upsert, upload

    var testDescription: String { rawValue }

    /// The route the fault is put on.
    var route: String {
        switch self {
        case .list: "artifacts/get-all"
        case .details: "artifacts/get"
        case .files: "artifacts/version/files"
        case .download: "experiment/asset/get-asset"
        case .labels: "write/artifacts/version/labels"
        case .upsert: "write/artifacts/upsert"
        case .upload: "write/experiment/upload-asset"
        }
    }

    /// How the operation names itself in its error messages.
    var operationWords: String {
        switch self {
        case .list: "Listing artifacts"
        case .details: "Reading artifact"
        case .files: "Listing assets"
        case .download: "Download"
        case .labels: "Updating labels"
        case .upsert: "Creating a version"
        case .upload: "Uploading"
        }
    }

    var isWrite: Bool { [.labels, .upsert, .upload].contains(self) }
}

/// One fault of the matrix, with how many requests it hits.
struct MatrixFault: Sendable, CustomTestStringConvertible {
    var spec: String
    var fault: Fault { try! FaultPlan.parse("*=\(spec)").rules[0].fault }
    var transient: Bool { spec.hasSuffix("*1") }
    var testDescription: String { spec }

    static let all: [MatrixFault] = [
        // transient: one request hit, then normal answers
        "status:500*1", "status:502*1", "status:503*1", "throttle:1*1", "stall:6000*1", "reset*1",
        "drop:5*1", "drop:70000*1", "nolength:5*1", "short:10*1",
        // persistent
        "status:503", "html:502", "html:200", "malformed", "shape", "empty", "ctype:text/plain",
        "status:401:0", "status:403:90210", "status:404:624523",
    ].map { MatrixFault(spec: $0) }
}

/// What the matrix expects of one cell.
enum MatrixOutcome: Equatable, CustomStringConvertible {
    /// The operation succeeded (after retries, when the fault was transient).
    case succeeds
    /// The server said yes without doing it (a 200 that skipped the handler): the client cannot know.
    case succeedsServerLied
    /// A clear error naming the operation; `status` when an HTTP status is expected.
    case fails(status: Int?)
    /// Either: a stalled write whose request body was sent keeps libcurl's moving-average
    /// transfer speed above the read-timeout floor for a few seconds, so it may outwait a short
    /// stall; otherwise it times out (and is not retried, being no idempotent write).
    case succeedsOrFails

    var description: String {
        switch self {
        case .succeeds: "succeeds"
        case .succeedsServerLied: "succeeds (server lied)"
        case .fails(let s): "fails" + (s.map { " with HTTP \($0)" } ?? "")
        case .succeedsOrFails: "succeeds or fails"
        }
    }

    /// The expectation for `operation` under `fault`.
    static func expected(_ operation: MatrixOperation, _ f: MatrixFault) -> MatrixOutcome {
        let fault = f.fault
        if f.transient {
            switch fault {
            case .status, .throttle: return .succeeds
            case .drop(let n) where n >= 70_000:
                // Only the download's body is that long; other answers arrive whole.
                return .succeeds
            case .stall where [.upsert, .upload].contains(operation):
                return .succeedsOrFails
            case .stall, .reset, .drop, .noLengthCut, .shortBody:
                // The answer was lost: reads, downloads and label replacement (idempotent) are
                // retried; creating a version or uploading is not, and reports the failure.
                return [.upsert, .upload].contains(operation) ? .fails(status: nil) : .succeeds
            default: break
            }
        }
        switch fault {
        case .status(let code, _): return .fails(status: code)
        case .html(let code) where code != 200: return .fails(status: code)
        case .contentType: return .succeeds
        case .html, .malformedJSON, .wrongShape, .empty:
            // Labels and uploads do not read the answer's body.
            return [.labels, .upload].contains(operation) ? .succeedsServerLied : .fails(status: nil)
        default: return .fails(status: nil)
        }
    }
}

@Suite("Fault matrix: client operations × injected faults")
struct FaultMatrixTests {
    /// Runs `body`, recording an issue if it takes longer than `limit` (a hang past every timeout).
    static func withinDeadline<T: Sendable>(_ seconds: Int, _ what: String,
                                            _ body: @escaping @Sendable () async throws -> T) async throws -> Result<T, any Error> {
        try await withThrowingTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await body()) } catch { return .failure(error) }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let first else {
                Issue.record("\(what) hung for more than \(seconds) s")
                return .failure(CancellationError())
            }
            return first
        }
    }

    @Test(arguments: MatrixOperation.allCases, MatrixFault.all)
    func operationUnderFault(_ operation: MatrixOperation, _ fault: MatrixFault) async throws {
        let f = try await FaultFixture.start()
        defer { Task { await f.registry.stop() } }
        let expected = MatrixOutcome.expected(operation, fault)
        let before = try await f.versions()

        // Prepared without faults: the download plan, the OPEN version an upload goes into.
        let dest = temporaryPath("dest")
        var plan: DownloadPlan?
        var openVersionId: String?
        if operation == .download {
            plan = try await ActionPlanning.planDownload(ArtifactReference(workspace: f.workspace, artifact: "cats",
                                                                           selector: .alias("prod")),
                                                         destination: dest, client: f.client)
        }
        if operation == .upload {
            openVersionId = try await f.client.upsertArtifactVersion(ArtifactVersionUpsert(
                artifactName: "cats", workspace: f.workspace, version: "2.0.0")).artifactVersionId
        }
        let uploadSource = temporaryPath("upload.bin")
        try Data(patternBytes(offset: 5, count: 50_000)).write(to: URL(fileURLWithPath: uploadSource))

        f.injector.setPlan(try FaultPlan.parse("\(operation.route)=\(fault.spec)"))
        let client = f.client
        let workspace = f.workspace
        let versionId = f.versionId
        let (downloadPlan, uploadVersionId) = (plan, openVersionId)
        let result: Result<String, any Error> = try await Self.withinDeadline(20, "\(operation) under \(fault.spec)") {
            switch operation {
            case .list: return try await client.artifacts(workspace: workspace, type: nil).map(\.name).joined()
            case .details: return try await client.artifactDetails(workspace: workspace, name: "cats").artifact.name
            case .files: return try await client.assets(workspace: workspace, name: "cats", selector: .version("1.0.0"))
                .map(\.logicalPath).joined()
            case .download:
                let downloader = ArtifactDownloader(client: client, options: DownloadOptions(maxAttempts: 2, retryDelayMilliseconds: 5))
                let summary = try await downloader.run(downloadPlan!)
                if let failure = summary.failed.first { throw MatrixFailure(message: failure.reason) }
                return summary.downloaded.joined()
            case .labels:
                try await client.updateVersionLabels(artifactVersionId: versionId, aliases: ["prod", "candidate"])
                return "labels"
            case .upsert:
                return try await client.upsertArtifactVersion(ArtifactVersionUpsert(
                    artifactName: "cats", workspace: workspace, aliases: ["next"])).currentVersion
            case .upload:
                try await client.uploadAsset(fileAt: uploadSource, logicalPath: "new.bin", artifactVersionId: uploadVersionId!,
                                             experimentKey: nil)
                return "uploaded"
            }
        }
        let injected = f.injector.injectedFaults
        f.injector.setPlan(.none)
        #expect(!injected.isEmpty, "the fault was never injected")

        switch (expected, result) {
        case (.succeeds, .success(let value)), (.succeedsServerLied, .success(let value)), (.succeedsOrFails, .success(let value)):
            switch operation {
            case .list, .details: #expect(value == "cats")
            case .files, .download: #expect(value == "data.bin")
            case .upsert: #expect(value == "2.0.0")
            default: break
            }
        case (.fails, .failure(let error)), (.succeedsOrFails, .failure(let error)):
            let status: Int? = if case .fails(let s) = expected { s } else { nil }
            let message: String
            if let api = error as? CometAPIError {
                message = api.userMessage
                if let status { #expect(api.status == status, "\(api)") }
                if [401, 403].contains(status) { #expect(message.contains("API key")) }
                if status == 404 { #expect(api.isNotFound) }
                if let status, !RetryPolicy.isRetryable(status: status) {
                    #expect(injected.count == 1, "a \(status) must not be retried: \(injected)")
                }
            } else if let failure = error as? MatrixFailure {
                message = failure.message
                if let status { #expect(message.contains("HTTP \(status)"), "\(message)") }
            } else {
                Issue.record("unexpected error type \(type(of: error)): \(error)")
                message = ""
            }
            #expect(message.contains(operation.operationWords), "\(message)")
            #expect(!message.contains("fault-matrix-key-0001"))
        case (_, .success(let value)):
            Issue.record("expected \(expected), got success \(value)")
        case (_, .failure(let error)):
            Issue.record("expected \(expected), got \(error)")
        }

        // Never a partial file under a final name; never a leftover .part.
        if operation == .download {
            let files = treeListing(dest)
            if case .success = result {
                #expect(files == [".arty", ".arty/downloads.json", "data.bin"])
                #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/data.bin")) == FaultFixture.content)
            } else {
                #expect(files.isEmpty, "\(files)")
            }
        }

        // Never a changed alias or tag on a failed write. A fault that skipped the handler leaves
        // the registry exactly as before; one that spoiled the answer after the handler leaves it
        // either as before or with the whole change.
        if operation.isWrite, case .failure = result {
            let after = try await f.versions()
            let old = Set(before.map { "\($0.version) \($0.aliases.sorted()) \($0.tags.sorted())" })
            let now = Set(after.map { "\($0.version) \($0.aliases.sorted()) \($0.tags.sorted())" })
            if fault.fault.skipsHandler {
                switch operation {
                case .upload:
                    let artifactId = try await f.client.artifactDetails(workspace: f.workspace, name: "cats").artifact.artifactId
                    let open = try await f.client.artifactVersion(artifactId: artifactId, versionId: openVersionId!)
                    #expect(open.sizeInBytes == 0, "a failed upload left an asset")
                default:
                    #expect(now == old, "registry changed by a failed \(operation): \(old) → \(now)")
                }
            } else if operation == .labels {
                let prod = after.first { $0.artifactVersionId == f.versionId }
                #expect([["prod"], ["candidate", "prod"]].contains(prod?.aliases.sorted() ?? []))
            }
        }
    }
}

/// A download's per-file failure, as an error for the matrix.
struct MatrixFailure: Error {
    var message: String
}
