import CometAPI
import Foundation
import Testing

/// The real libcurl client against a real HTTP server on loopback.
@Suite("CometClient against a loopback server")
struct CometClientIntegrationTests {
    /// A server answering the reference's examples by path.
    static func referenceServer() async throws -> TestServer {
        try await TestServer.start { request in
            switch request.path {
            case "/api/rest/v2/workspaces": .json(Fixtures.workspaces)
            case "/api/rest/v2/account-details": .json(Fixtures.accountDetails, contentType: "application/json; charset=utf-8")
            case "/api/rest/v2/artifacts/get-all": .json(Fixtures.artifactsGetAll)
            case "/api/rest/v2/artifacts/get": .json(Fixtures.artifactsGet)
            case "/api/rest/v2/artifacts/version": .json(Fixtures.artifactsVersion)
            case "/api/rest/v2/artifacts/version/files": .json(Fixtures.versionFiles)
            default: .cometError(status: 404, code: 0, msg: "no route \(request.path)")
            }
        }
    }

    @Test func readsWorkspacesAndAccountWithRawKeyHeader() async throws {
        let server = try await Self.referenceServer()
        defer { server.stop() }
        let client = try makeTestClient(server, apiKey: "secret-key*abc")
        #expect(try await client.workspaces() == ["ws-a", "ws-b"])
        let account = try await client.accountDetails()
        #expect(account.userName == "alice")
        #expect(account.defaultWorkspaceName == "alice")
        let first = try #require(server.requests.first)
        #expect(first.method == "GET")
        #expect(first.path == "/api/rest/v2/workspaces")
        #expect(first.header("Authorization") == "secret-key*abc")
    }

    @Test func listsArtifactsWithTypeFilterAndFillsWorkspace() async throws {
        let server = try await Self.referenceServer()
        defer { server.stop() }
        let client = try makeTestClient(server)
        let artifacts = try await client.artifacts(workspace: "my ws", type: "dataset")
        #expect(artifacts.map(\.name) == ["cats"])
        #expect(artifacts.first?.workspace == "my ws")
        #expect(artifacts.first?.latestVersion == "3.0.0")
        let request = try #require(server.requests.last)
        #expect(request.rawQuery == "workspace=my%20ws&type=dataset")
    }

    @Test func sendsArtifactNameDoubleEncodedLikeTheSDK() async throws {
        let server = try await Self.referenceServer()
        defer { server.stop() }
        let client = try makeTestClient(server)
        let details = try await client.artifactDetails(workspace: "ws-demo", name: "my artifact/a")
        #expect(details.versions.count == 2)
        let request = try #require(server.requests.last)
        #expect(request.rawQuery == "workspace=ws-demo&artifactName=my%2520artifact%252Fa")
        // One decoding by the server's query parser leaves the SDK's single encoding; a second gives the name.
        #expect(request.query["artifactName"] == "my%20artifact%2Fa")
        #expect(request.query["artifactName"]?.removingPercentEncoding == "my artifact/a")
    }

    @Test(arguments: [
        (VersionSelector.version("1.2.0"), "version=1.2.0"),
        (VersionSelector.alias("latest"), "alias=latest"),
        (VersionSelector.versionOrAlias("prod"), "versionOrAlias=prod"),
        (VersionSelector.versionId("abc-1"), "versionId=abc-1"),
    ])
    func sendsTheVersionSelector(selector: VersionSelector, expected: String) async throws {
        let server = try await Self.referenceServer()
        defer { server.stop() }
        let client = try makeTestClient(server)
        let version = try await client.artifactVersion(workspace: "alice", name: "cats", selector: selector)
        #expect(version.version == "2.0.0")
        #expect(version.artifact?.name == "cats")
        let request = try #require(server.requests.last)
        #expect(request.rawQuery == "workspace=alice&artifactName=cats&\(expected)")
    }

    @Test func listsAssetsByVersionAndAlias() async throws {
        let server = try await Self.referenceServer()
        defer { server.stop() }
        let client = try makeTestClient(server)
        let assets = try await client.assets(workspace: "alice", name: "cats", selector: .version("2.0.0"))
        #expect(assets.map(\.logicalPath) == ["data/train.csv", "raw.parquet"])
        #expect(assets.map(\.isRemote) == [false, true])
        _ = try await client.assets(workspace: "alice", name: "cats", selector: .versionOrAlias("prod"))
        let queries = server.requests.map(\.rawQuery)
        #expect(queries == ["workspace=alice&artifactName=cats&version=2.0.0", "workspace=alice&artifactName=cats&alias=prod"])
    }

    @Test func mapsCometErrorBodyWithoutRetryingA4xx() async throws {
        let server = try await TestServer.start { _ in .json(Fixtures.notFoundError, status: 400) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let error = await #expect(throws: CometAPIError.self) {
            _ = try await client.artifactVersion(workspace: "ws-demo", name: "missing-artifact", selector: .latest)
        }
        #expect(error?.status == 400)
        #expect(error?.sdkErrorCode == 624523)
        #expect(error?.isNotFound == true)
        #expect(error?.userMessage.hasPrefix("Reading version 'ws-demo/missing-artifact:latest' failed: HTTP 400, Comet error 624523") == true)
        #expect(server.requests.count == 1)
    }

    @Test func retries503And429HonouringRetryAfterThenSucceeds() async throws {
        let count = LockedBox(0)
        let server = try await TestServer.start { _ in
            let n = count.mutate { c -> Int in c += 1; return c }
            switch n {
            case 1: return .cometError(status: 503, code: 0, msg: "busy")
            case 2: return .json("{}", status: 429, headers: [("Retry-After", "0")])
            default: return .json(Fixtures.workspaces)
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server, retry: RetryPolicy(maxAttempts: 4, baseDelayMilliseconds: 1))
        #expect(try await client.workspaces() == ["ws-a", "ws-b"])
        #expect(server.requests.count == 3)
    }

    @Test func givesUpAfterMaxAttemptsWithTheLastStatus() async throws {
        let server = try await TestServer.start { _ in .cometError(status: 502, code: 0, msg: "bad gateway") }
        defer { server.stop() }
        let client = try makeTestClient(server, retry: RetryPolicy(maxAttempts: 3, baseDelayMilliseconds: 1))
        let error = await #expect(throws: CometAPIError.self) { _ = try await client.workspaces() }
        #expect(error?.status == 502)
        #expect(server.requests.count == 3)
    }

    @Test func reusesTheKeptAliveConnection() async throws {
        let server = try await Self.referenceServer()
        defer { server.stop() }
        let transport = CurlTransport()
        let request = TransportRequest(url: "http://127.0.0.1:\(server.port)/api/rest/v2/workspaces")
        let first = try await transport.send(request)
        let second = try await transport.send(request)
        #expect(first.status == 200)
        #expect(first.newConnections == 1)
        #expect(second.newConnections == 0)
    }

    @Test func acceptsGzipEncodedResponses() async throws {
        // `{"workspaceNames": ["zipped"]}` compressed with gzip.
        let gz = Data(base64Encoded: "H4sIAAAAAAAAA6tWKs8vyi4uSExO9UvMTS1WslKIVqrKLChITVGKrQUAViXrth4AAAA=")!
        let server = try await TestServer.start { request in
            #expect(request.header("Accept-Encoding")?.contains("gzip") == true)
            return .bytes(status: 200, headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: gz)
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        #expect(try await client.workspaces() == ["zipped"])
    }

    @Test func reportsDecodingErrorsWithOperation() async throws {
        let server = try await TestServer.start { _ in .bytes(status: 200, headers: [("Content-Type", "text/html")], body: Data("<html>".utf8)) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let error = await #expect(throws: CometAPIError.self) { _ = try await client.workspaces() }
        guard case .decoding(let operation, let detail)? = error else {
            Issue.record("expected a decoding error, got \(String(describing: error))")
            return
        }
        #expect(operation == "Listing workspaces")
        #expect(detail.contains("text/html"))
    }

    @Test func connectionRefusedIsATransportErrorNamingTheOperation() async throws {
        // Port 1 (tcpmux) is served by nothing here; a just-closed ephemeral port can still accept
        // for a moment (curl then reports 56, not 7).
        let port = 1
        let configuration = try CometConfiguration(apiKey: "k-123456", urlOverride: "http://127.0.0.1:\(port)/clientlib/")
        let client = CometClient(configuration: configuration, retryPolicy: .none)
        let error = await #expect(throws: CometAPIError.self) { _ = try await client.workspaces() }
        guard case .transport(let code, _, let operation)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(code == 7)
        #expect(operation == "Listing workspaces")
    }
}
