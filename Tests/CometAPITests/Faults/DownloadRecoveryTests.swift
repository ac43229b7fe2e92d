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
        #expect(treeListing(dest) == ["data.bin"])
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
}
