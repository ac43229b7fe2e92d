import ArtifactRegistry
import CometAPI
import Foundation
import Hummingbird
import Testing

/// ``CometClient/fetchAssetPrefix(assetId:artifactVersionId:experimentKey:maxBytes:)`` (the
/// preview's and `arty cat --bytes`'s bounded read), checked at the server: what was asked for
/// and how many body bytes the server got to send.
@Suite struct AssetPrefixTests {
    static let total = 10 << 20
    static let prefix = 64 << 10

    /// `bytes=A-B` → (A, B).
    static func range(_ header: String?) -> (Int, Int)? {
        guard let header, header.hasPrefix("bytes=") else { return nil }
        let parts = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return nil }
        return (a, b)
    }

    @Test func onlyTheFirst64KiBOfA10MiBAssetAreAskedForAndSent() async throws {
        let sent = LockedBox(0)
        let server = try await TestServer.start { request in
            guard let (a, b) = Self.range(request.header("range")) else {
                return .stream(status: 200, headers: [], contentLength: Self.total) { writer in
                    try await writePattern(&writer, count: Self.total, chunk: 64 << 10)
                    sent.mutate { $0 += Self.total }
                }
            }
            let count = min(b, Self.total - 1) - a + 1
            return .stream(status: 206, headers: [("Content-Range", "bytes \(a)-\(a + count - 1)/\(Self.total)")],
                           contentLength: count) { writer in
                try await writePattern(&writer, offset: a, count: count, chunk: 16 << 10)
                sent.mutate { $0 += count }
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let prefix = try await client.fetchAssetPrefix(assetId: "big", artifactVersionId: "v1", maxBytes: Self.prefix)
        #expect([UInt8](prefix.bytes) == patternBytes(offset: 0, count: Self.prefix))
        #expect(prefix.totalBytes == Int64(Self.total))
        #expect(prefix.rangeHonoured)
        #expect(!prefix.isComplete)
        let gets = server.requests.filter { $0.path.hasSuffix("experiment/asset/get-asset") }
        #expect(gets.count == 1)
        #expect(gets.first?.header("range") == "bytes=0-65535")
        #expect(gets.first?.query["assetId"] == "big")
        #expect(sent.value == Self.prefix)
    }

    @Test func aServerThatIgnoresRangeIsCutOffAfterThePrefix() async throws {
        let sent = LockedBox(0)
        let ended = LockedBox(false)
        let server = try await TestServer.start { _ in
            // Ignores Range: the whole 10 MiB, 64 KiB every 5 ms, counting what the connection took.
            .stream(status: 200, headers: [], contentLength: Self.total) { writer in
                defer { ended.value = true }
                var offset = 0
                while offset < Self.total {
                    try await writer.write(ByteBuffer(bytes: patternBytes(offset: offset, count: 64 << 10)))
                    offset += 64 << 10
                    sent.value = offset
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let prefix = try await client.fetchAssetPrefix(assetId: "big", artifactVersionId: nil, maxBytes: Self.prefix)
        #expect(prefix.bytes.count == Self.prefix)
        #expect([UInt8](prefix.bytes) == patternBytes(offset: 0, count: Self.prefix))
        #expect(!prefix.rangeHonoured)
        #expect(prefix.totalBytes == Int64(Self.total))
        // The server's writes fail once the client has hung up; wait for its producer to stop.
        for _ in 0..<500 where !ended.value { try await Task.sleep(for: .milliseconds(20)) }
        #expect(ended.value)
        #expect(sent.value < Self.total, "the transfer ran to the end: \(sent.value) bytes sent")
        #expect(server.requests.count == 1)
    }

    @Test func anEmptyAssetIsAnEmptyPrefix() async throws {
        let server = try await TestServer.start { _ in
            .bytes(status: 416, headers: [("Content-Range", "bytes */0")], body: Data())
        }
        defer { server.stop() }
        let prefix = try await makeTestClient(server).fetchAssetPrefix(assetId: "empty", artifactVersionId: nil, maxBytes: Self.prefix)
        #expect(prefix.bytes.isEmpty)
        #expect(prefix.totalBytes == 0)
        #expect(prefix.isComplete)
    }

    @Test func aSmallAssetComesWhole() async throws {
        let server = try await TestServer.start { request in
            let body = Data("hello\n".utf8)
            guard let (a, b) = Self.range(request.header("range")) else { return .bytes(status: 200, headers: [], body: body) }
            let end = min(b, body.count - 1)
            return .bytes(status: 206, headers: [("Content-Range", "bytes \(a)-\(end)/\(body.count)")], body: body[a...end])
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let prefix = try await client.fetchAssetPrefix(assetId: "small", artifactVersionId: nil, maxBytes: Self.prefix)
        #expect(String(decoding: prefix.bytes, as: UTF8.self) == "hello\n")
        #expect(prefix.isComplete)
        let five = try await client.fetchAssetPrefix(assetId: "small", artifactVersionId: nil, maxBytes: 5)
        #expect(String(decoding: five.bytes, as: UTF8.self) == "hello")
        #expect(server.requests.last?.header("range") == "bytes=0-4")
    }

    @Test func aMissingAssetIsAnHTTPError() async throws {
        let server = try await TestServer.start { _ in .cometError(status: 400, code: 0, msg: "No asset found") }
        defer { server.stop() }
        await #expect(throws: CometAPIError.self) {
            _ = try await makeTestClient(server).fetchAssetPrefix(assetId: "nope", artifactVersionId: nil, maxBytes: 10)
        }
    }

    @Test func theLocalRegistryAnswersTheRangeWith206() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(patternBytes(offset: 0, count: Self.total)).write(to: folder.appendingPathComponent("big.bin"))
        try Data().write(to: folder.appendingPathComponent("empty.bin"))
        let registry = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: dir.appendingPathComponent("registry"),
                                                                           apiKey: "prefix-key-1"))
        defer { Task { await registry.stop() } }
        let client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride))
        let log = try FolderLog.prepare(directory: folder.path, workspace: LocalRegistry.defaultUserName, artifactName: "big",
                                        artifactType: "dataset")
        let created = try await VersionCopier(client: client).log(log)
        let assets = try await client.assets(workspace: created.workspace, name: "big", selector: .versionId(created.artifactVersionId))
        let big = try #require(assets.first { $0.logicalPath == "big.bin" })
        let prefix = try await client.fetchAssetPrefix(assetId: big.assetId, artifactVersionId: created.artifactVersionId,
                                                       maxBytes: Self.prefix)
        #expect(prefix.rangeHonoured)
        #expect(prefix.totalBytes == Int64(Self.total))
        #expect([UInt8](prefix.bytes) == patternBytes(offset: 0, count: Self.prefix))
        let empty = try #require(assets.first { $0.logicalPath == "empty.bin" })
        let none = try await client.fetchAssetPrefix(assetId: empty.assetId, artifactVersionId: created.artifactVersionId,
                                                     maxBytes: Self.prefix)
        #expect(none.bytes.isEmpty)
        #expect(none.isComplete)
    }

    @Test func contentRangeTotals() {
        #expect(AssetPrefix.total(contentRange: "bytes 0-65535/10485760") == 10_485_760)
        #expect(AssetPrefix.total(contentRange: "bytes */0") == 0)
        #expect(AssetPrefix.total(contentRange: "bytes 0-1/*") == nil)
    }
}
