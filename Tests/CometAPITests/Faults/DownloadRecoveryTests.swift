import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// The downloader's own recovery (resume from `.part`), with the client's retries switched off so
/// every broken transfer reaches it.
@Suite("Download recovery under connection faults")
struct DownloadRecoveryTests {
    static func run(_ spec: String) async throws -> (DownloadSummary, String, [String]) {
        let f = try await FaultFixture.start()
        defer { Task { await f.registry.stop() } }
        let client = CometClient(configuration: f.client.configuration,
                                 transport: CurlTransport(options: CurlTransportOptions(readTimeoutSeconds: 5)), retryPolicy: .none)
        let dest = temporaryPath("dest")
        let plan = try await ActionPlanning.planDownload(
            ArtifactReference(workspace: f.workspace, artifact: "cats", selector: .version("1.0.0")), destination: dest, client: client)
        f.injector.setPlan(try FaultPlan.parse(spec))
        let summary = try await ArtifactDownloader(client: client, options: DownloadOptions(maxAttempts: 3, retryDelayMilliseconds: 5))
            .run(plan)
        return (summary, dest, f.injector.injectedFaults)
    }

    @Test(arguments: ["drop:70000*1", "drop:0*1", "nolength:1000*2", "short:10*1", "reset*1", "status:503*2"])
    func aBrokenTransferIsResumedToTheExactBytes(_ spec: String) async throws {
        let (summary, dest, injected) = try await Self.run("get-asset=\(spec)")
        #expect(!injected.isEmpty)
        #expect(summary.succeeded, "\(summary.failed)")
        #expect(summary.downloaded == ["data.bin"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/data.bin")) == FaultFixture.content)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "data.bin"])
    }

    @Test func aResumeFetchesOnlyTheMissingBytes() async throws {
        let (summary, _, _) = try await Self.run("get-asset=drop:70000*1")
        #expect(summary.bytesTransferred == 200_000)
    }

    @Test func aPersistentlyBrokenTransferFailsWithoutAFinalFile() async throws {
        let (summary, dest, injected) = try await Self.run("get-asset=drop:1000")
        #expect(injected.count == 3)
        #expect(summary.failed.map(\.path) == ["data.bin"])
        #expect(summary.failed.first?.reason.contains("Downloading asset") == true)
        #expect(treeListing(dest).isEmpty)
    }

    /// `slow:N` paces the body without breaking it: the file arrives whole, and while it is on the
    /// way the downloader reports it transferring with part of its bytes (what the TUI's jobs view
    /// and its end-to-end tests rely on).
    @Test func aSlowBodyArrivesWholeAndIsSeenInProgress() async throws {
        let f = try await FaultFixture.start()
        defer { Task { await f.registry.stop() } }
        let dest = temporaryPath("dest")
        let plan = try await ActionPlanning.planDownload(
            ArtifactReference(workspace: f.workspace, artifact: "cats", selector: .version("1.0.0")), destination: dest, client: f.client)
        f.injector.setPlan(try FaultPlan.parse("get-asset=slow:100000"))
        // The fixture's 3 s read timeout is for the fault matrix; a paced body on two loaded cores
        // can stall that long, be retried and meet the pacing twice (seen in CI). This test is about
        // progress, so its client waits as long as a user's would.
        let patient = CometClient(configuration: f.client.configuration,
                                  transport: CurlTransport(options: CurlTransportOptions(readTimeoutSeconds: 60)),
                                  retryPolicy: FaultFixture.retry)
        let seen = ProgressLog()
        let summary = try await ArtifactDownloader(client: patient).run(plan) { seen.append($0) }
        #expect(f.injector.injectedFaults.count == 1)
        #expect(summary.succeeded)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/data.bin")) == FaultFixture.content)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "data.bin"])
        let total = Int64(FaultFixture.content.count)
        let midway = seen.reports.filter { $0.bytesDone > 0 && $0.bytesDone < total }
        #expect(!midway.isEmpty, "no report between 0 and \(total) bytes: \(seen.reports.map(\.bytesDone))")
        #expect(midway.allSatisfy { $0.files.first?.state == .transferring })
    }
}

/// Progress reports collected from the downloader's callback (any thread).
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DownloadProgress] = []
    func append(_ p: DownloadProgress) { lock.withLock { items.append(p) } }
    var reports: [DownloadProgress] { lock.withLock { items } }
}
