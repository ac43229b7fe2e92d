import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArtifactRegistry

/// `/health` and the split between the SDK calls accepted with `200 {}` and unknown routes (404).
@Suite struct OperationsRouteTests {
    static let key = "ops-route-key"

    func withApp(_ body: @Sendable (any TestClientProtocol, RegistryStore) async throws -> Void) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        try store.addKey(Self.key, userName: "arty")
        let app = Application(responder: RegistryResponder(store: store, blobs: try BlobStore(root: dir)))
        try await app.test(.router) { client in try await body(client, store) }
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test func healthNeedsNoKeyAndAnswersOK() async throws {
        try await withApp { client, _ in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            // Only GET: another method is an unknown route, behind the key like every other.
            let post = try await client.execute(uri: "/health", method: .post, headers: [.authorization: Self.key])
            #expect(post.status == .notFound)
        }
    }

    @Test func healthIs503WhenTheDatabaseDoesNotAnswer() async throws {
        try await withApp { client, store in
            try store.pool.close()
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.contentType] == "application/json")
            let body = try Self.object(response)
            #expect(body["code"] as? Int == 503)
            #expect(body["sdk_error_code"] as? Int == 0)
            #expect((body["msg"] as? String)?.isEmpty == false)
        }
    }

    @Test func theSDKsUnmodelledExperimentCallsGet200EmptyObject() async throws {
        try await withApp { client, _ in
            for path in RegistryResponder.acceptedExperimentCalls.sorted() {
                let response = try await client.execute(uri: path + "?experimentKey=k", method: .post,
                                                        headers: [.authorization: Self.key], body: ByteBuffer(string: "{}"))
                #expect(response.status == .ok, "\(path)")
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == "{}", "\(path)")
            }
            #expect(RegistryResponder.acceptedExperimentCalls.contains("/clientlib/rest/v2/write/experiment/system-details"))
            #expect(RegistryResponder.acceptedExperimentCalls.contains("/api/rest/v2/write/experiment/update-status"))
        }
    }

    @Test func everyOtherUnknownRouteIs404WithCometsErrorBody() async throws {
        try await withApp { client, _ in
            let unknown: [(HTTPRequest.Method, String)] = [
                (.post, "/api/rest/v2/write/artifacts/nosuch"), (.get, "/api/rest/v2/nosuch"), (.post, "/clientlib/nosuch"),
                (.get, "/clientlib/batch/logger/experiment/metric"),  // accepted only as the POST the SDK sends
                (.post, "/api/rest/v2/write/artifacts/version/copy-assets"), (.get, "/api/rest/v2/write/artifacts/labels/delta"),
                (.post, "/clientlib/rest/v2/write/experiment/nosuch"), (.get, "/elsewhere"),
            ]
            for (method, path) in unknown {
                let response = try await client.execute(uri: path, method: method, headers: [.authorization: Self.key])
                #expect(response.status == .notFound, "\(method) \(path)")
                #expect(response.headers[.contentType] == "application/json")
                let body = try Self.object(response)
                #expect(body["code"] as? Int == 404)
                #expect(body["sdk_error_code"] as? Int == 0)
                #expect((body["msg"] as? String)?.contains(path) == true)
            }
            // Without a key an unknown route is still refused as unauthorized first.
            let anonymous = try await client.execute(uri: "/api/rest/v2/nosuch", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func artysExtensionRoutesStayRouted() async throws {
        try await withApp { client, _ in
            // An empty body is a bad request (400) from the handler, never the 404 arty's client
            // reads as "this server lacks the extension".
            for path in ["/api/rest/v2/write/artifacts/version/copy-asset", "/api/rest/v2/write/artifacts/labels/delta"] {
                let response = try await client.execute(uri: path, method: .post, headers: [.authorization: Self.key],
                                                        body: ByteBuffer(string: "{}"))
                #expect(response.status == .badRequest, "\(path)")
            }
        }
    }
}
