import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArtifactRegistry

/// `get/artifacts` (§2.8) and the `artifacts/version/consumers` extension, through the router seam.
@Suite struct LineageRouteTests {
    @Test func lineageOfAnExperimentAndConsumersOfAVersion() async throws {
        try await RouteTests().withApp { client, _ in
            let t = RouteTests()
            let created = try await t.post(client, "/api/rest/v2/write/artifacts/upsert",
                                           ["artifactName": "data", "artifactType": "dataset", "experimentKey": "producer01", "version": "1.0.0"])
            let versionId = try #require(created["artifactVersionId"] as? String)
            _ = try await t.post(client, "/api/rest/v2/write/artifacts/state", ["artifactVersionId": versionId, "state": "CLOSED"])
            for _ in 0..<2 {
                let read = try await client.execute(
                    uri: "/api/rest/v2/artifacts/version?workspace=arty&artifactName=data&versionOrAlias=1.0.0&experimentKey=consumer01&consumerExperimentKey=consumer01",
                    method: .get, headers: RouteTests.auth)
                #expect(read.status == .ok)
            }
            func lineage(_ key: String, _ filter: String) async throws -> [[String: Any]] {
                let r = try await client.execute(uri: "/api/rest/v2/get/artifacts?experimentKey=\(key)&filter=\(filter)", method: .get,
                                                 headers: RouteTests.auth)
                #expect(r.status == .ok)
                return try #require(try RouteTests.json(r)["artifacts"] as? [[String: Any]])
            }
            let produced = try await lineage("producer01", "all")
            #expect(produced.map { $0["direction"] as? String } == ["output"])
            #expect(produced.first?["version"] as? String == "1.0.0")
            #expect(produced.first?["state"] as? String == "CLOSED")
            #expect(produced.first?["experimentKey"] as? String == "producer01")
            let consumed = try await lineage("consumer01", "input")
            #expect(consumed.map { $0["artifactVersionId"] as? String } == [versionId])  // two reads, one edge
            #expect(try await lineage("consumer01", "output").isEmpty)
            #expect(try await lineage("nobody", "all").isEmpty)
            let bad = try await client.execute(uri: "/api/rest/v2/get/artifacts?experimentKey=consumer01&filter=sideways", method: .get,
                                               headers: RouteTests.auth)
            #expect(bad.status == .badRequest)

            let consumers = try await client.execute(uri: "/api/rest/v2/artifacts/version/consumers?artifactVersionId=\(versionId)",
                                                     method: .get, headers: RouteTests.auth)
            #expect(consumers.status == .ok)
            let list = try #require(try RouteTests.json(consumers)["consumers"] as? [[String: Any]])
            #expect(list.map { $0["experimentKey"] as? String } == ["consumer01"])
            #expect(list.first?["added"] is Int)
            let unknown = try await client.execute(uri: "/api/rest/v2/artifacts/version/consumers?artifactVersionId=nope",
                                                   method: .get, headers: RouteTests.auth)
            #expect(unknown.status == .badRequest)  // 624523, as for any unknown version
        }
    }
}
