import CometAPI
import Foundation
import Testing

/// What the action executors send, against a scripted server that behaves like a Comet server
/// without arty's extensions (no server-side alias move, no copy-asset route).
@Suite("Action executors on the wire")
struct ActionsWireTests {
    /// A Comet-like server without arty's extensions: `artifacts/get` answers the labels it holds,
    /// `version/labels` and `details` replace whole sets, `labels/delta` is unknown (404). `racer`
    /// runs after each write of version `v2`'s aliases, as another client writing at that moment.
    final class CometLike: Sendable {
        let state = LockedBox<(aliases: [String: [String]], tags: [String: [String]], artifactTags: [String])>(
            (aliases: ["v1": ["prod"], "v2": ["staging"]], tags: ["v1": [], "v2": []], artifactTags: []))
        let racer: (@Sendable (inout [String]) -> Void)?

        init(racer: (@Sendable (inout [String]) -> Void)? = nil) { self.racer = racer }

        func reply(_ request: RecordedRequest) -> TestReply {
            if request.path.hasSuffix("labels/delta") { return .cometError(status: 404, code: 0, msg: "Not found") }
            if request.path.hasSuffix("artifacts/get") {
                let (aliases, tags, artifactTags) = state.value
                func list(_ l: [String]) -> String { "[" + l.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
                let versions = ["v1": "1.0.0", "v2": "2.0.0"].sorted { $0.key < $1.key }.map { id, version in
                    #"{"artifactVersionId": "\#(id)", "version": "\#(version)", "alias": \#(list(aliases[id] ?? [])), "tags": \#(list(tags[id] ?? []))}"#
                }
                return .json(#"{"artifactId": "art", "name": "cats", "type": "dataset", "tags": \#(list(artifactTags)), "versions": [\#(versions.joined(separator: ","))]}"#)
            }
            if request.path.hasSuffix("version/labels"), let body = try? JSONDecoder().decode(JSONValue.self, from: request.body),
               let id = body["artifactVersionId"]?.stringValue {
                state.mutate { st in
                    if let list = body["alias"]?.arrayValue {
                        st.aliases[id] = list.compactMap(\.stringValue)
                        if id == "v2", let racer { racer(&st.aliases["v2", default: []]) }
                    }
                    if let list = body["versionTags"]?.arrayValue { st.tags[id] = list.compactMap(\.stringValue) }
                }
            }
            return .json("{}")
        }
    }

    @Test func anAliasMoveWritesTheVersionThenTakesTheAliasFromTheOther() async throws {
        let fake = CometLike()
        let server = try await TestServer.start { fake.reply($0) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let details = try await client.artifactDetails(workspace: "alice", name: "cats")
        let v2 = try #require(details.versions.first { $0.version == "2.0.0" })
        let edit = try LabelEdit.plan(kind: .alias, add: ["prod"], remove: [], version: v2, details: details)
        #expect(edit.moves.map(\.description) == ["prod: 1.0.0 → 2.0.0"])
        let outcome = try await LabelEditor.apply(edit, workspace: "alice", artifactName: "cats", client: client)
        #expect(!outcome.atomic)
        #expect(outcome.attempts == 1)
        #expect(outcome.after == ["staging", "prod"])
        let writes = server.requests.filter { $0.path.hasSuffix("write/artifacts/version/labels") }
        let bodies = try writes.map { try JSONDecoder().decode(JSONValue.self, from: $0.body) }
        // The edited version first: an interrupted move leaves the alias on two versions, never on none.
        #expect(bodies.map { $0["artifactVersionId"]?.stringValue } == ["v2", "v1"])
        #expect(bodies.map { $0["alias"] } == [.array([.string("staging"), .string("prod")]), .array([])])
        #expect(bodies.map { $0["versionTags"] } == [.null, .null])
        // The extension was asked first and refused (404): one delta request, then the fallback.
        #expect(server.requests.filter { $0.path.hasSuffix("labels/delta") }.count == 1)
    }

    /// Finding 1 of issue 11 on a server without the extension: the editor planned against [staging];
    /// `hot` was added before the write. The write applies the change to what the server holds then.
    @Test func theFallbackAppliesTheChangeToTheLabelsReadAtWriteTime() async throws {
        let fake = CometLike()
        let server = try await TestServer.start { fake.reply($0) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let details = try await client.artifactDetails(workspace: "alice", name: "cats")
        let edit = try LabelEdit.plan(kind: .alias, add: ["cold"], remove: [], version: details.versions[1], details: details)
        fake.state.mutate { $0.aliases["v2"] = ["staging", "hot"] }  // another client, while the dialog was open
        let outcome = try await LabelEditor.apply(edit, workspace: "alice", artifactName: "cats", client: client)
        #expect(outcome.before == ["staging", "hot"])
        #expect(outcome.after == ["staging", "hot", "cold"])
        #expect(fake.state.value.aliases["v2"] == ["staging", "hot", "cold"])
    }

    /// Another writer's stale write lands right after ours and undoes it: read back, seen, applied again.
    @Test func aWriteUndoneByAnotherWriterIsAppliedAgain() async throws {
        let raced = LockedBox(false)
        let fake = CometLike(racer: { aliases in
            guard !raced.value else { return }
            raced.mutate { $0 = true }
            aliases = ["staging", "hot"]  // a writer that read [staging] and added hot, writing after us
        })
        let server = try await TestServer.start { fake.reply($0) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let details = try await client.artifactDetails(workspace: "alice", name: "cats")
        let edit = try LabelEdit.plan(kind: .alias, add: ["cold"], remove: [], version: details.versions[1], details: details)
        let outcome = try await LabelEditor.apply(edit, workspace: "alice", artifactName: "cats", client: client)
        #expect(outcome.attempts == 2)
        #expect(outcome.after == ["staging", "hot", "cold"])
        #expect(fake.state.value.aliases["v2"] == ["staging", "hot", "cold"])
    }

    @Test func aChangeThatNeverHoldsIsAConflictNamingTheLabels() async throws {
        let fake = CometLike(racer: { aliases in aliases = ["staging"] })  // undoes every write
        let server = try await TestServer.start { fake.reply($0) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let details = try await client.artifactDetails(workspace: "alice", name: "cats")
        let edit = try LabelEdit.plan(kind: .alias, add: ["cold"], remove: [], version: details.versions[1], details: details)
        let error = await #expect(throws: ActionError.self) {
            try await LabelEditor.apply(edit, workspace: "alice", artifactName: "cats", client: client)
        }
        #expect(error?.userMessage.contains("cold not added") == true)
        #expect(server.requests.filter { $0.path.hasSuffix("version/labels") }.count == LabelEditor.maxAttempts)
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
