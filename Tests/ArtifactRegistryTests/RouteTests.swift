import CompressNIO
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArtifactRegistry

/// Route tests through Hummingbird's `.router` seam: no sockets, real store and blobs on disk.
@Suite struct RouteTests {
    static let key = "route-test-key"

    func withApp(_ body: @Sendable (any TestClientProtocol, URL) async throws -> Void) async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        try store.addKey(Self.key, userName: "arty")
        let app = Application(responder: RegistryResponder(store: store, blobs: try BlobStore(root: dir)))
        try await app.test(.router) { client in try await body(client, dir) }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    static var auth: HTTPFields { [.authorization: key] }

    func post(_ client: some TestClientProtocol, _ uri: String, _ object: [String: Any], gzip: Bool = false) async throws -> [String: Any] {
        var buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
        var headers = Self.auth
        headers[.contentType] = "application/json;charset=utf-8"
        if gzip {
            buffer = try buffer.compress(with: .gzip())
            headers[.contentEncoding] = "gzip"
        }
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: buffer)
        #expect(response.status == .ok)
        return try Self.json(response)
    }

    @Test func jsonAnswersHaveTheExactContentTypeAndKeysAreRequired() async throws {
        try await withApp { client, _ in
            let ok = try await client.execute(uri: "/api/rest/v2/workspaces", method: .get, headers: Self.auth)
            #expect(ok.status == .ok)
            #expect(ok.headers[.contentType] == "application/json")
            #expect(try Self.json(ok)["workspaceNames"] as? [String] == ["arty"])
            let denied = try await client.execute(uri: "/api/rest/v2/workspaces", method: .get, headers: [.authorization: "nope"])
            #expect(denied.status == .unauthorized)
            #expect(try Self.json(denied)["sdk_error_code"] as? Int == 90212)
            let other = try await client.execute(uri: "/clientlib/batch/logger/experiment/metric", method: .post, headers: Self.auth)
            #expect(other.status == .ok)
            #expect(String(buffer: other.body) == "{}")
        }
    }

    @Test func uploadListDownloadWithRangeAndRemoteBatch() async throws {
        try await withApp { client, dir in
            let created = try await post(client, "/api/rest/v2/write/artifacts/upsert",
                                         ["artifactName": "my data", "artifactType": "dataset", "alias": ["prod"],
                                          "versionTags": [], "workspaceName": "ws"])
            #expect(created["currentVersion"] as? String == "1.0.0")
            let versionId = try #require(created["artifactVersionId"] as? String)

            let bytes = (0..<5000).map { UInt8($0 % 251) }
            var body = ByteBuffer()
            body.writeString("--BND\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n")
            body.writeBytes(bytes)
            body.writeString("\r\n--BND\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"rows\":3}\r\n--BND--\r\n")
            var headers = Self.auth
            headers[.contentType] = "multipart/form-data; boundary=BND"
            let upload = try await client.execute(
                uri: "/clientlib/asset/upload?assetId=abc123&fileName=dir%2Fdata.bin&overwrite=False&artifactVersionId=\(versionId)",
                method: .post, headers: headers, body: body)
            #expect(upload.status == .ok)
            _ = try await post(client, "/clientlib/rest/v2/write/artifact/assets/remote/batch?experimentKey=e", [
                "remoteArtifactAssetRequests": [["link": "gs://bucket/x.csv", "type": NSNull(), "metadata": NSNull(), "assetId": "r1",
                                                 "fileName": "x.csv", "isRemote": true, "artifactVersionId": versionId]],
            ], gzip: true)
            _ = try await post(client, "/api/rest/v2/write/artifacts/state", ["artifactVersionId": versionId, "state": "CLOSED"])

            let files = try await client.execute(
                uri: "/api/rest/v2/artifacts/version/files?workspace=ws&artifactName=my%2520data&alias=prod", method: .get, headers: Self.auth)
            let list = try #require(try Self.json(files)["files"] as? [[String: Any]])
            #expect(list.map { $0["fileName"] as? String } == ["dir/data.bin", "x.csv"])
            #expect(list.map { $0["fileSize"] as? Int } == [5000, 0])
            #expect(list.map { $0["remote"] as? Bool } == [false, true])
            #expect(list.first?["metadata"] as? String == #"{"rows":3}"#)
            #expect(list.last?["link"] as? String == "gs://bucket/x.csv")
            // arty's addition: the stored bytes' SHA-256 (null for a remote link).
            let digest = SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
            #expect(list.first?["contentSha256"] as? String == digest)
            #expect(list.last?["contentSha256"] is NSNull)

            let whole = try await client.execute(
                uri: "/api/rest/v2/experiment/asset/get-asset?assetId=abc123&allow301=False&experimentKey=&artifactVersionId=\(versionId)",
                method: .get, headers: Self.auth)
            #expect(whole.status == .ok)
            #expect(Array(whole.body.readableBytesView) == bytes)
            #expect(whole.headers[.contentLength] == "5000")
            var rangeHeaders = Self.auth
            rangeHeaders[.range] = "bytes=100-199"
            let part = try await client.execute(uri: "/api/rest/v2/experiment/asset/get-asset?assetId=abc123", method: .get, headers: rangeHeaders)
            #expect(part.status == .partialContent)
            #expect(Array(part.body.readableBytesView) == Array(bytes[100..<200]))
            #expect(part.headers[.contentRange] == "bytes 100-199/5000")
            let remote = try await client.execute(uri: "/api/rest/v2/experiment/asset/get-asset?assetId=r1", method: .get, headers: Self.auth)
            #expect(remote.status != .ok)

            let version = try await client.execute(
                uri: "/api/rest/v2/artifacts/version?workspace=ws&artifactName=my%2520data&alias=latest", method: .get, headers: Self.auth)
            let v = try Self.json(version)
            #expect(v["artifactVersion"] as? String == "1.0.0")
            #expect(v["sizeInBytes"] as? Int == 5000)
            #expect((v["artifact"] as? [String: Any])?["artifactName"] as? String == "my data")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("tmp").path).isEmpty)
        }
    }

    @Test func remoteLinksAsFilePartAsPlainFieldAndMissingVersions() async throws {
        try await withApp { client, _ in
            let created = try await post(client, "/api/rest/v2/write/artifacts/upsert",
                                         ["artifactName": "links", "artifactType": "dataset", "version": "3.0.0", "alias": [], "versionTags": []])
            let versionId = try #require(created["artifactVersionId"] as? String)
            var headers = Self.auth
            headers[.contentType] = "multipart/form-data; boundary=B"
            // (c) The Python SDK: `link` sent as a file part, isRemote=True.
            let asFile = ByteBuffer(string: "--B\r\nContent-Disposition: form-data; name=\"link\"; filename=\"link\"\r\n\r\n"
                + "s3://bucket/a.csv\r\n--B\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"file_size\":10}\r\n--B--\r\n")
            let first = try await client.execute(uri: "/clientlib/asset/upload?fileName=a.csv&isRemote=True&assetId=r1&artifactVersionId=\(versionId)",
                                                 method: .post, headers: headers, body: asFile)
            #expect(first.status == .ok)
            // (d) The Java SDK and arty's client: `link` as a plain field, no assetId (the server makes one).
            let asField = ByteBuffer(string: "--B\r\nContent-Disposition: form-data; name=\"link\"\r\n\r\nhttps://example.com/b.txt\r\n--B--\r\n")
            let second = try await client.execute(uri: "/api/rest/v2/write/experiment/upload-asset?fileName=b.txt&isRemote=true&artifactVersionId=\(versionId)",
                                                  method: .post, headers: headers, body: asField)
            #expect(second.status == .ok)
            // By id, an OPEN version answers; its files list too.
            let byId = try await client.execute(uri: "/api/rest/v2/artifacts/version?artifactId=\(created["artifactId"]!)&versionId=\(versionId)",
                                                method: .get, headers: Self.auth)
            #expect(try Self.json(byId)["state"] as? String == "OPEN")
            let files = try await client.execute(uri: "/api/rest/v2/artifacts/version/files?workspace=arty&artifactName=links&version=3.0.0",
                                                 method: .get, headers: Self.auth)
            let list = try #require(try Self.json(files)["files"] as? [[String: Any]])
            #expect(list.map { $0["link"] as? String } == ["s3://bucket/a.csv", "https://example.com/b.txt"])
            #expect(list.map { $0["remote"] as? Bool } == [true, true])
            #expect(list.first?["metadata"] as? String == #"{"file_size":10}"#)
            #expect((list.last?["assetId"] as? String)?.count == 32)
            // An upload into an unknown version is refused.
            let unknown = try await client.execute(uri: "/clientlib/asset/upload?fileName=x&artifactVersionId=nope", method: .post,
                                                   headers: headers, body: asField)
            #expect(unknown.status == .badRequest)
            #expect(try Self.json(unknown)["sdk_error_code"] as? Int == 624523)
        }
    }

    /// arty's `labels/delta` extension: the change applies to what the registry holds, an added
    /// alias moves in the same transaction, bad input is refused and changes nothing.
    @Test func labelDeltasApplyAtomicallyAndMoveAliases() async throws {
        try await withApp { client, _ in
            var ids: [String] = []
            for version in ["1.0.0", "2.0.0"] {
                let created = try await post(client, "/api/rest/v2/write/artifacts/upsert",
                                             ["artifactName": "cats", "artifactType": "dataset", "version": version,
                                              "alias": version == "1.0.0" ? ["prod", "old"] : [], "versionTags": ["t"]])
                ids.append(try #require(created["artifactVersionId"] as? String))
            }
            let artifactId = try #require(try await post(client, "/api/rest/v2/write/artifacts/upsert",
                                                         ["artifactName": "cats", "artifactType": "dataset", "alias": [],
                                                          "versionTags": []])["artifactId"] as? String)
            let moved = try await post(client, RegistryResponder.labelDeltaPath,
                                       ["field": "alias", "artifactVersionId": ids[1], "add": ["prod", "cold"], "remove": ["absent"]])
            #expect(moved["before"] as? [String] == [])
            #expect(moved["after"] as? [String] == ["prod", "cold"])
            let moves = try #require(moved["moves"] as? [[String: Any]])
            #expect(moves.map { $0["alias"] as? String } == ["prod"])
            #expect(moves.map { $0["fromVersion"] as? String } == ["1.0.0"])
            let tags = try await post(client, RegistryResponder.labelDeltaPath,
                                      ["field": "versionTags", "artifactVersionId": ids[0], "add": ["bad tag"], "remove": ["t"]])
            #expect(tags["after"] as? [String] == ["bad tag"])
            let artifactTags = try await post(client, RegistryResponder.labelDeltaPath,
                                              ["field": "artifactTags", "artifactId": artifactId, "add": ["raw"], "remove": []])
            #expect(artifactTags["after"] as? [String] == ["raw"])

            let details = try await client.execute(uri: "/api/rest/v2/artifacts/get?workspace=arty&artifactName=cats", method: .get,
                                                   headers: Self.auth)
            let versions = try #require(try Self.json(details)["versions"] as? [[String: Any]])
            let byVersion = Dictionary(uniqueKeysWithValues: versions.map { ($0["version"] as! String, $0) })
            #expect(byVersion["1.0.0"]?["alias"] as? [String] == ["old"])
            #expect(byVersion["2.0.0"]?["alias"] as? [String] == ["prod", "cold"])
            #expect(byVersion["1.0.0"]?["tags"] as? [String] == ["bad tag"])

            // Refused, nothing changed: latest, an unknown field, an unknown version.
            var headers = Self.auth
            headers[.contentType] = "application/json"
            for (body, status, code) in [
                (["field": "alias", "artifactVersionId": ids[0], "add": ["latest"]], HTTPResponse.Status.badRequest, nil as Int?),
                (["field": "labels", "artifactVersionId": ids[0], "add": ["x"]], .badRequest, nil),
                (["field": "versionTags", "artifactVersionId": ids[0], "add": ["ev\u{1B}[31mil"]], .badRequest, nil),
                (["field": "artifactTags", "artifactId": artifactId, "add": ["p\u{200B}q"]], .badRequest, nil),
                (["field": "alias", "artifactVersionId": "nope", "add": ["x"]], .badRequest, 624523),
            ] as [([String: Any], HTTPResponse.Status, Int?)] {
                let response = try await client.execute(uri: RegistryResponder.labelDeltaPath, method: .post, headers: headers,
                                                        body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
                #expect(response.status == status)
                if let code { #expect(try Self.json(response)["sdk_error_code"] as? Int == code) }
            }
            let after = try await client.execute(uri: "/api/rest/v2/artifacts/get?workspace=arty&artifactName=cats", method: .get,
                                                 headers: Self.auth)
            let unchanged = try #require(try Self.json(after)["versions"] as? [[String: Any]])
            #expect(unchanged.map { $0["alias"] as? [String] } == versions.map { $0["alias"] as? [String] })
        }
    }
}
