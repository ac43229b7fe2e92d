import CometAPI
import Foundation
import Testing

/// What the action executors send, against a scripted server that behaves like a Comet server
/// without arty's extensions (no server-side alias move, no copy-asset route).
@Suite("Action executors on the wire")
struct ActionsWireTests {
    @Test func anAliasMoveRemovesTheAliasFromTheOtherVersionFirst() async throws {
        let server = try await TestServer.start { request in
            request.path.hasSuffix("artifacts/get") ? .json(Fixtures.artifactsGet) : .json("{}")
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let details = try await client.artifactDetails(workspace: "alice", name: "cats")
        let v2 = try #require(details.versions.first { $0.version == "2.0.0" })
        let edit = try LabelEdit.plan(kind: .alias, add: ["prod"], remove: [], version: v2, details: details)
        #expect(edit.moves.map(\.description) == ["prod: 1.0.0 → 2.0.0"])
        try await LabelEditor.apply(edit, workspace: "alice", artifactName: "cats", client: client)
        let writes = server.requests.filter { $0.path.hasSuffix("write/artifacts/version/labels") }
        let bodies = try writes.map { try JSONDecoder().decode(JSONValue.self, from: $0.body) }
        #expect(bodies.map { $0["artifactVersionId"]?.stringValue } == ["a1b2c3d4-0000-4000-8000-000000000001",
                                                                       "a1b2c3d4-0000-4000-8000-000000000002"])
        #expect(bodies.map { $0["alias"] } == [.array([]), .array([.string("Latest"), .string("prod")])])
        #expect(bodies.map { $0["versionTags"] } == [.null, .null])
    }

    @Test func copyAssetFallsBackWhenTheServerLacksTheExtension() async throws {
        let server = try await TestServer.start { request in
            request.path.hasSuffix("copy-asset") ? .cometError(status: 404, code: 0, msg: "Not found") : .json("{}")
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let copied = try await client.copyAssetOnServer(sourceAssetId: "s", sourceVersionId: "v1", artifactVersionId: "v2",
                                                        logicalPath: "a.txt")
        #expect(!copied)
        // A server answering every unknown path with `{}` has not copied anything either.
        let lenient = try await TestServer.start { _ in .json("{}") }
        defer { lenient.stop() }
        #expect(try await makeTestClient(lenient).copyAssetOnServer(sourceAssetId: "s", sourceVersionId: nil,
                                                                   artifactVersionId: "v2", logicalPath: "a") == false)
    }
}
