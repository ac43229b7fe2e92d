import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArtifactRegistry

/// Collects access-log lines in memory.
final class MemorySink: AccessLogSink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    func append(_ line: String) { lock.lock(); collected.append(line); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return collected }
}

@Suite struct AccessLogTests {
    @Test func anEntryIsOneJSONObjectWithTheFieldsInOrder() {
        let entry = AccessLogEntry(time: Date(timeIntervalSince1970: 1_764_750_600.123), method: "GET",
                                   route: "/api/rest/v2/artifacts/version", status: 200, bytes: 1234,
                                   durationMilliseconds: 2.5, user: "alice")
        #expect(entry.jsonLine() == """
            {"time":"2025-12-03T08:30:00.123Z","method":"GET","route":"/api/rest/v2/artifacts/version",\
            "status":200,"bytes":1234,"duration_ms":2.500,"user":"alice"}

            """)
    }

    @Test func unknownBytesAndNoUserAreNullAndDash() throws {
        let entry = AccessLogEntry(time: Date(timeIntervalSince1970: 0), method: "POST", route: "/clientlib/x",
                                   status: 401, bytes: nil, durationMilliseconds: 0.0004, user: nil)
        let line = entry.jsonLine()
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "1970-01-01T00:00:00.000Z")
        #expect(object["bytes"] is NSNull)
        #expect(object["user"] as? String == "-")
        #expect(object["status"] as? Int == 401)
        #expect(line.contains("\"duration_ms\":0.000,"))
    }

    @Test func hostileRoutesStayOnOneLineAndParse() throws {
        let entry = AccessLogEntry(time: Date(timeIntervalSince1970: 1), method: "GET", route: "/a\"b\n{\"x\u{1}",
                                   status: 404, bytes: 10, durationMilliseconds: 1, user: "we\"ird")
        let line = entry.jsonLine()
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["route"] as? String == "/a\"b\n{\"x\u{1}")
        #expect(object["user"] as? String == "we\"ird")
    }

    @Test func theRouteDropsTheQueryString() {
        #expect(AccessLogEntry.route(fromTarget: "/api/rest/v2/artifacts/get?workspace=ws&artifactName=secret%20name")
            == "/api/rest/v2/artifacts/get")
        #expect(AccessLogEntry.route(fromTarget: "/health") == "/health")
        #expect(AccessLogEntry.route(fromTarget: "/x#frag?y") == "/x")
    }

    @Test func theResponderLogsUserStatusAndBytesButNeverTheKeyOrQuery() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = "access-log-KEY-77aa"
        let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        try store.addKey(key, userName: "alice")
        let sink = MemorySink()
        let responder = AccessLogResponder(inner: RegistryResponder(store: store, blobs: try BlobStore(root: dir)), sink: sink)
        let bodies: [Int] = try await Application(responder: responder).test(.router) { client in
            let ok = try await client.execute(uri: "/api/rest/v2/workspaces?token=\(key)", method: .get, headers: [.authorization: key])
            #expect(ok.status == .ok)
            let denied = try await client.execute(uri: "/api/rest/v2/workspaces", method: .get, headers: [.authorization: "wrong"])
            #expect(denied.status == .unauthorized)
            let health = try await client.execute(uri: "/health", method: .get)
            return [ok.body.readableBytes, denied.body.readableBytes, health.body.readableBytes]
        }
        let lines = sink.lines
        #expect(lines.count == 3)
        let objects = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(objects.map { $0["route"] as? String } == ["/api/rest/v2/workspaces", "/api/rest/v2/workspaces", "/health"])
        #expect(objects.map { $0["status"] as? Int } == [200, 401, 200])
        #expect(objects.map { $0["user"] as? String } == ["alice", "-", "-"])
        #expect(objects.map { $0["bytes"] as? Int } == bodies)
        #expect(objects.allSatisfy { $0["method"] as? String == "GET" && ($0["duration_ms"] as? Double ?? -1) >= 0 })
        #expect(!lines.joined().contains(key))
    }
}
