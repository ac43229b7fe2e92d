import CometAPI
import Foundation
import Testing

/// One part of a multipart body, as a server would parse it.
struct ParsedPart: Equatable {
    var name: String
    var fileName: String?
    var body: Data
}

/// A small `multipart/form-data` parser (RFC 7578) for checking what the client sent.
func parseMultipart(_ body: Data, contentType: String?) -> [ParsedPart]? {
    guard let contentType, let range = contentType.range(of: "boundary=") else { return nil }
    let boundary = contentType[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
    let delimiter = Data("--\(boundary)".utf8)
    var parts: [ParsedPart] = []
    var cursor = body.startIndex
    guard let first = body.range(of: delimiter, in: cursor..<body.endIndex) else { return nil }
    cursor = first.upperBound
    while true {
        // After a delimiter: "--" ends the body, CRLF starts a part.
        if body[cursor...].starts(with: Data("--".utf8)) { return parts }
        guard body[cursor...].starts(with: Data("\r\n".utf8)) else { return nil }
        cursor += 2
        guard let headerEnd = body.range(of: Data("\r\n\r\n".utf8), in: cursor..<body.endIndex) else { return nil }
        let headers = String(decoding: body[cursor..<headerEnd.lowerBound], as: UTF8.self)
        guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headerEnd.upperBound..<body.endIndex) else { return nil }
        let content = body[headerEnd.upperBound..<next.lowerBound]
        func attribute(_ key: String) -> String? {
            guard let r = headers.range(of: "\(key)=\"") else { return nil }
            let rest = headers[r.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        parts.append(ParsedPart(name: attribute("name") ?? "", fileName: attribute("filename"), body: Data(content)))
        cursor = next.upperBound
    }
}

@Suite("Writes and uploads over libcurl")
struct WriteIntegrationTests {
    @Test func upsertSendsTheSDKBodyAndDecodesTheAnswer() async throws {
        let server = try await TestServer.start { _ in .json(Fixtures.upsertResponse, contentType: "application/json; charset=utf-8") }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let result = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "cats", artifactType: "dataset", experimentKey: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            aliases: ["prod"], versionTags: ["vt1"], metadata: .object(["nested": .object(["x": .string("y")]), "k": .number(1)])))
        #expect(result.artifactVersionId == "a1b2c3d4-0000-4000-8000-000000000003")
        #expect(result.currentVersion == "3.0.0")
        #expect(result.previousVersion == "2.0.0")
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/api/rest/v2/write/artifacts/upsert")
        #expect(request.header("Content-Type") == "application/json;charset=utf-8")
        let body = try JSONDecoder().decode(JSONValue.self, from: request.body)
        #expect(body == .object([
            "artifactName": .string("cats"), "artifactType": .string("dataset"),
            "experimentKey": .string("9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
            "versionMetadata": .string(#"{"k":1,"nested":{"x":"y"}}"#),
            "version": .null, "alias": .array([.string("prod")]), "versionTags": .array([.string("vt1")]),
        ]))
    }

    @Test func upsertOfAnExistingVersionIsNotRetriedAndCarries90399() async throws {
        let server = try await TestServer.start { _ in .cometError(status: 400, code: 90399, msg: "Artifact version already exists") }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let error = await #expect(throws: CometAPIError.self) {
            _ = try await client.upsertArtifactVersion(ArtifactVersionUpsert(artifactName: "cats", version: "1.0.0"))
        }
        #expect(error?.sdkErrorCode == CometAPIError.versionExistsCode)
        #expect(server.requests.count == 1)
    }

    @Test func stateLabelsAndDetailsBodies() async throws {
        let server = try await TestServer.start { _ in .json("{}") }
        defer { server.stop() }
        let client = try makeTestClient(server)
        try await client.setVersionState(artifactVersionId: "v1", experimentKey: "e1", state: .closed)
        try await client.updateVersionLabels(artifactVersionId: "v1", aliases: ["prod", "best"])
        try await client.updateArtifactDetails(artifactId: "a1", tags: ["t1"])
        let requests = server.requests
        #expect(requests.map(\.path) == ["/api/rest/v2/write/artifacts/state", "/api/rest/v2/write/artifacts/version/labels",
                                         "/api/rest/v2/write/artifacts/details"])
        let bodies = try requests.map { try JSONDecoder().decode(JSONValue.self, from: $0.body) }
        #expect(requests[0].header("Content-Type") == "application/json")
        #expect(bodies[0] == .object(["artifactVersionId": .string("v1"), "experimentKey": .string("e1"), "state": .string("CLOSED")]))
        #expect(bodies[1] == .object(["alias": .array([.string("prod"), .string("best")]), "artifactVersionId": .string("v1"),
                                      "versionMetadata": .null, "versionTags": .null]))
        #expect(bodies[2] == .object(["artifactId": .string("a1"), "artifactType": .null, "versionMetadata": .null,
                                      "version": .null, "tags": .array([.string("t1")])]))
    }

    @Test func uploadsALocalFileAsMultipartStreamedFromDisk() async throws {
        let server = try await TestServer.start { _ in .json(#"{"msg":"ok","code":200}"#) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("train.csv")
        let content = Data(patternBytes(offset: 0, count: 300_000))
        try content.write(to: URL(fileURLWithPath: path))
        let progress = LockedBox<TransferProgress?>(nil)
        try await client.uploadAsset(fileAt: path, logicalPath: "data/train.csv", artifactVersionId: "v-9", experimentKey: "ek",
                                     metadata: .object(["rows": .number(1000)])) { p in progress.value = p }
        let request = try #require(server.requests.first)
        #expect(request.path == "/api/rest/v2/write/experiment/upload-asset")
        #expect(request.query == ["experimentKey": "ek", "fileName": "data/train.csv", "overwrite": "false",
                                  "extension": "csv", "artifactVersionId": "v-9"])
        let parts = try #require(parseMultipart(request.body, contentType: request.header("Content-Type")))
        #expect(parts.map(\.name) == ["file", "metadata"])
        #expect(parts[0].fileName == "file")
        #expect(parts[0].body == content)
        #expect(String(decoding: parts[1].body, as: UTF8.self) == #"{"rows":1000}"#)
        #expect(parts[1].fileName == nil)
        #expect(progress.value?.completedBytes == Int64(request.body.count))
    }

    @Test func addsARemoteAssetAsALinkField() async throws {
        let server = try await TestServer.start { _ in .json("{}") }
        defer { server.stop() }
        let client = try makeTestClient(server)
        try await client.uploadRemoteAsset(link: "s3://bucket/raw.parquet", logicalPath: "raw.parquet", artifactVersionId: "v-9",
                                           experimentKey: nil)
        let request = try #require(server.requests.first)
        #expect(request.query == ["fileName": "raw.parquet", "overwrite": "false", "isRemote": "true", "artifactVersionId": "v-9"])
        let parts = try #require(parseMultipart(request.body, contentType: request.header("Content-Type")))
        #expect(parts == [ParsedPart(name: "link", fileName: nil, body: Data("s3://bucket/raw.parquet".utf8))])
    }

    @Test func uploadOfAMissingFileFailsBeforeSending() async throws {
        let server = try await TestServer.start { _ in .json("{}") }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let error = await #expect(throws: CometAPIError.self) {
            try await client.uploadAsset(fileAt: "/nonexistent/x.bin", logicalPath: "x.bin", artifactVersionId: "v", experimentKey: nil)
        }
        guard case .fileSystem(let path, _, _)? = error else {
            Issue.record("expected a file system error, got \(String(describing: error))")
            return
        }
        #expect(path == "/nonexistent/x.bin")
        #expect(server.requests.isEmpty)
    }
}
