import ArtifactRegistry
@testable import CometAPI
import Foundation
import Testing

/// Lineage through arty's client: the producer's metadata (`experiment/metadata`), the consumers
/// (the registry's `artifacts/version/consumers` extension, "not available" without it), the
/// `arty ls` line and JSON, and the web links `y` copies.
@Suite("Lineage")
struct LineageTests {
    /// A version logged by a named experiment, then read by two consumer experiments through
    /// `artifacts/version?consumerExperimentKey=` (as `Experiment.get_artifact` does, §2.5).
    static func seeded(extensions: Bool) async throws -> (LocalRegistry, CometClient, ArtifactVersion, producer: String, consumers: [String]) {
        let (registry, client) = try await LocalRegistryRoundTripTests.startRegistry(extensions: extensions)
        let ws = try #require(try await client.accountDetails().defaultWorkspaceName)
        let producer = try await client.createExperiment(workspace: ws, project: "prep", name: "make-data")
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "lineage data", artifactType: "dataset", experimentKey: producer.experimentKey, workspace: ws, version: "1.0.0"))
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: producer.experimentKey, state: .closed)
        var consumers: [String] = []
        for name in ["train", "eval"] {
            let consumer = try await client.createExperiment(workspace: ws, project: "models", name: name)
            consumers.append(consumer.experimentKey)
            for _ in 0..<2 {  // read twice: one consumption
                let url = client.url("artifacts/version", [.plain("workspace", ws), .artifactName("lineage data"), .plain("versionOrAlias", "1.0.0"),
                                                           .plain("experimentKey", consumer.experimentKey),
                                                           .plain("consumerExperimentKey", consumer.experimentKey)])
                let response = try await client.transport.send(client.makeRequest(.get, url: url), sink: .memory, progress: nil)
                #expect(response.status == 200)
            }
        }
        let version = try await client.artifactVersion(workspace: ws, name: "lineage data", selector: .version("1.0.0"))
        return (registry, client, version, producer.experimentKey, consumers)
    }

    @Test func producerAndConsumersFromTheRegistry() async throws {
        let (registry, client, version, producer, consumers) = try await Self.seeded(extensions: true)
        defer { Task { await registry.stop() } }
        #expect(version.sourceExperimentKey == producer)
        let lineage = try await client.lineage(of: version)
        let ws = try #require(lineage.producer?.workspaceName)
        #expect(lineage.producer == ExperimentSummary(experimentKey: producer, experimentName: "make-data", projectName: "prep", workspaceName: ws))
        #expect(lineage.consumers?.map(\.experimentKey) == consumers)
        #expect(lineage.consumers?.map(\.experimentName) == ["train", "eval"])
        #expect(lineage.consumers?.allSatisfy { $0.projectName == "models" && $0.addedMillis != nil } == true)
        #expect(Listing.lineageLine(lineage) == "produced by \(producer) (make-data · \(ws)/prep) · consumed by "
            + "\(consumers[0]) (train · \(ws)/models), \(consumers[1]) (eval · \(ws)/models)")
    }

    @Test func consumersAreNotAvailableFromAPlainCometServer() async throws {
        let (registry, client, version, producer, _) = try await Self.seeded(extensions: false)
        defer { Task { await registry.stop() } }
        let lineage = try await client.lineage(of: version)
        #expect(lineage.producer?.experimentName == "make-data")
        #expect(lineage.consumers == nil)
        #expect(Listing.lineageLine(lineage).hasSuffix("· consumers not available from this server"))
        #expect(Listing.lineageLine(lineage).hasPrefix("produced by \(producer) (make-data"))
    }

    @Test func anUnknownProducerIsItsKeyAlone() async throws {
        let (registry, client, _, _, _) = try await Self.seeded(extensions: true)
        defer { Task { await registry.stop() } }
        #expect(try await client.experimentSummary(key: "0123456789abcdef0123456789abcdef")
            == ExperimentSummary(experimentKey: "0123456789abcdef0123456789abcdef"))
    }

    @Test func versionListingJSONCarriesTheLineage() async throws {
        let (registry, client, version, producer, consumers) = try await Self.seeded(extensions: true)
        defer { Task { await registry.stop() } }
        let ws = try #require(version.artifact?.workspace)
        let text = try await Listing.render(.assets(workspace: ws, artifact: "lineage data", selector: .alias("latest")), from: client,
                                            json: true, lineage: client, lineageJSON: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["version"] as? String == "1.0.0")
        let lineage = try #require(object["lineage"] as? [String: Any])
        let p = try #require(lineage["producer"] as? [String: Any])
        #expect(p["experimentKey"] as? String == producer)
        #expect(p["projectName"] as? String == "prep")
        #expect(lineage["consumersAvailable"] as? Bool == true)
        #expect((lineage["consumers"] as? [[String: Any]])?.compactMap { $0["experimentKey"] as? String } == consumers)
        #expect((object["assets"] as? [Any])?.isEmpty == true)

        let table = try await Listing.render(.assets(workspace: ws, artifact: "lineage data", selector: .version("1.0.0")), from: client,
                                             json: false, lineage: client)
        #expect(table.split(separator: "\n").first?.hasPrefix("LOGICAL PATH") == true)
        #expect(table.split(separator: "\n").last?.hasPrefix("produced by \(producer) (make-data") == true)
    }

    @Test func webLinksOnlyForComet() {
        #expect(WebLinks.webRoot(forClientlibURL: "https://www.comet.com/clientlib/") == "https://www.comet.com")
        #expect(WebLinks.webRoot(forClientlibURL: "https://acme.comet.com/clientlib/") == "https://acme.comet.com")
        #expect(WebLinks.webRoot(forClientlibURL: "https://www.comet.ml/clientlib/") == "https://www.comet.com")
        #expect(WebLinks.webRoot(forClientlibURL: "http://127.0.0.1:8080/clientlib/") == nil)
        #expect(WebLinks.webRoot(forClientlibURL: "https://notcomet.com/clientlib/") == nil)
        #expect(WebLinks.version(root: "https://www.comet.com", workspace: "team", artifact: "my data/é", version: "1.0.0")
            == "https://www.comet.com/team/artifacts/my%20data%2F%C3%A9/1.0.0")
        #expect(WebLinks.version(root: "https://www.comet.com", workspace: "team", artifact: "cats", version: nil)
            == "https://www.comet.com/team/artifacts/cats")
    }

    @Test func summaryLabels() {
        #expect(ExperimentSummary(experimentKey: "k").label == "k")
        #expect(ExperimentSummary(experimentKey: "k", projectName: "p").label == "k (p)")
        #expect(ExperimentSummary(experimentKey: "k", experimentName: "n", projectName: "p", workspaceName: "w").label == "k (n · w/p)")
    }
}
