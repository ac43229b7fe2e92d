import CometAPI
import Foundation
import Hummingbird
import Testing

/// The test bodies repeat this table of a prime length, so that a shifted or lost chunk shows.
let patternTable: [UInt8] = (0..<65_521).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }

/// Byte `i` of every test body.
func patternByte(_ i: Int) -> UInt8 { patternTable[i % patternTable.count] }

/// Pattern bytes `offset..<offset+count`.
func patternBytes(offset: Int, count: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count)
    var i = offset
    while out.count < count {
        let start = i % patternTable.count
        let n = min(patternTable.count - start, count - out.count)
        out.append(contentsOf: patternTable[start..<(start + n)])
        i += n
    }
    return out
}

/// Writes `count` pattern bytes starting at `offset` in chunks of `chunk` bytes.
extension TestServer {
    /// A server answering every request with 1 GiB of the test pattern, 64 KiB every 20 ms: a
    /// transfer that never finishes within a test unless cancelled.
    static func startSlowGiB() async throws -> TestServer {
        try await start { _ in
            .stream(status: 200, headers: [], contentLength: 1 << 30) { writer in
                try await writePattern(&writer, count: 1 << 30, chunk: 64 << 10, pauseMilliseconds: 20)
            }
        }
    }
}

func writePattern(_ writer: inout any ResponseBodyWriter, offset: Int = 0, count: Int, chunk: Int = 256 << 10,
                  pauseMilliseconds: Int = 0) async throws {
    var sent = 0
    while sent < count {
        let n = min(chunk, count - sent)
        try await writer.write(ByteBuffer(bytes: patternBytes(offset: offset + sent, count: n)))
        sent += n
        if pauseMilliseconds > 0 { try await Task.sleep(for: .milliseconds(pauseMilliseconds)) }
    }
}

/// Checks that `path` holds exactly the pattern bytes `0..<count`, reading in chunks.
func fileMatchesPattern(_ path: String, count: Int) throws -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    var index = 0
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
        if [UInt8](chunk) != patternBytes(offset: index, count: chunk.count) { return false }
        index += chunk.count
    }
    return index == count
}

/// Resident set size of this process in bytes, from /proc/self/status (VmRSS).
func residentBytes() -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first
        return kb.map { $0 * 1024 }
    }
    return nil
}

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// Parses `Range: bytes=N-`.
func rangeStart(_ request: RecordedRequest) -> Int? {
    guard let value = request.header("Range"), value.hasPrefix("bytes="), value.hasSuffix("-") else { return nil }
    return Int(value.dropFirst("bytes=".count).dropLast())
}

@Suite("Downloads over libcurl")
struct DownloadIntegrationTests {
    @Test func streams100MiBToDiskWithBoundedMemory() async throws {
        let size = 100 << 20
        let server = try await TestServer.start { request in
            #expect(request.path == "/api/rest/v2/experiment/asset/get-asset")
            return .stream(status: 200, headers: [("Content-Type", "application/octet-stream")], contentLength: size) { writer in
                try await writePattern(&writer, count: size)
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("big.bin")
        let peak = LockedBox(0)
        let lastProgress = LockedBox<TransferProgress?>(nil)
        let before = try #require(residentBytes())
        let outcome = try await client.downloadAsset(assetId: "0d5f2c1b", artifactVersionId: "v-1", to: path) { progress in
            lastProgress.value = progress
            if let rss = residentBytes() { peak.mutate { $0 = max($0, rss) } }
        }
        #expect(outcome.bytesWritten == Int64(size))
        #expect(outcome.fileSize == Int64(size))
        #expect(lastProgress.value == TransferProgress(completedBytes: Int64(size), totalBytes: Int64(size)))
        // RSS is process-wide and other suites run in parallel here, so the memory bound is
        // checked on a child `arty download` instead (EndToEndTests/DownloadMemoryTests); this
        // only catches a body held in memory whole (it would add at least its own 100 MiB, twice).
        let growth = peak.value - before
        #expect(growth < 160 << 20, "RSS grew by \(growth >> 20) MiB while streaming 100 MiB")
        #expect(try fileMatchesPattern(path, count: size))
        let query = try #require(server.requests.first?.query)
        #expect(query["assetId"] == "0d5f2c1b")
        #expect(query["allow301"] == "False")
        #expect(query["experimentKey"] == "")
        #expect(query["artifactVersionId"] == "v-1")
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test func resumesWithRangeAndAppends() async throws {
        let size = 3 << 20
        let server = try await TestServer.start { request in
            let start = rangeStart(request) ?? 0
            return .stream(status: start > 0 ? 206 : 200,
                           headers: start > 0 ? [("Content-Range", "bytes \(start)-\(size - 1)/\(size)")] : [],
                           contentLength: size - start) { writer in
                try await writePattern(&writer, offset: start, count: size - start)
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("part.bin")
        // The first MiB is already on disk, followed by garbage that must be cut off.
        var existing = Data(patternBytes(offset: 0, count: 1 << 20))
        existing.append(Data(repeating: 0xEE, count: 1000))
        try existing.write(to: URL(fileURLWithPath: path))
        let progress = LockedBox<[TransferProgress]>([])
        let outcome = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: path, resumeFrom: 1 << 20) {
            p in progress.mutate { $0.append(p) }
        }
        #expect(server.requests.first?.header("Range") == "bytes=1048576-")
        #expect(outcome.resumed)
        #expect(outcome.bytesWritten == Int64(size - (1 << 20)))
        #expect(outcome.fileSize == Int64(size))
        #expect(try fileMatchesPattern(path, count: size))
        // Progress counts the bytes already on disk.
        #expect(progress.value.last == TransferProgress(completedBytes: Int64(size), totalBytes: Int64(size)))
        #expect(progress.value.allSatisfy { $0.completedBytes >= 1 << 20 })
    }

    @Test func rewritesTheFileWhenTheServerIgnoresRange() async throws {
        let size = 100_000
        let server = try await TestServer.start { _ in
            .stream(status: 200, headers: [], contentLength: size) { writer in try await writePattern(&writer, count: size) }
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("norange.bin")
        try Data(repeating: 0xEE, count: 500_000).write(to: URL(fileURLWithPath: path))
        let outcome = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: path, resumeFrom: 50_000)
        #expect(!outcome.resumed)
        #expect(outcome.fileSize == Int64(size))
        #expect(try fileMatchesPattern(path, count: size))
    }

    @Test func errorAnswersLeaveTheFileUntouched() async throws {
        let server = try await TestServer.start { _ in .cometError(status: 404, code: 624523, msg: "no such asset") }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("keep.bin")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let error = await #expect(throws: CometAPIError.self) {
            _ = try await client.downloadAsset(assetId: "x1", artifactVersionId: nil, to: path)
        }
        #expect(error?.sdkErrorCode == 624523)
        #expect(error?.operation == "Downloading asset x1")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test func anErrorAnswerCreatesNoFile() async throws {
        let server = try await TestServer.start { _ in .cometError(status: 404, code: 624523, msg: "no such asset") }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("never.bin")
        await #expect(throws: CometAPIError.self) {
            _ = try await client.downloadAsset(assetId: "x1", artifactVersionId: nil, to: path)
        }
        // The destination is opened before the request goes out; an error answer removes it again.
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aMissingFolderFailsBeforeAnyRequest() async throws {
        let server = try await TestServer.start { _ in .bytes(status: 200, headers: [], body: Data("x".utf8)) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("no-such-folder/file.bin")
        let error = await #expect(throws: CometAPIError.self) {
            _ = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: path)
        }
        #expect(error?.userMessage.contains("no-such-folder/file.bin") == true)
        #expect(server.requests.isEmpty)
    }

    @Test func aFIFOOrASecondHardLinkAtTheDestinationIsRefusedNotWrittenThrough() async throws {
        let server = try await TestServer.start { _ in .bytes(status: 200, headers: [], body: Data("payload".utf8)) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        // A FIFO: opening it for writing would block forever without a reader.
        let fifo = temporaryPath("fifo.part")
        #expect(mkfifo(fifo, 0o644) == 0)
        let fifoError = await #expect(throws: CometAPIError.self) {
            _ = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: fifo)
        }
        #expect(fifoError?.userMessage.contains("not a regular file") == true)
        // A hard link to another file: appending would change that file too.
        let other = temporaryPath("other.txt")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: other))
        let linked = (other as NSString).deletingLastPathComponent + "/linked.part"
        #expect(link(other, linked) == 0)
        let linkError = await #expect(throws: CometAPIError.self) {
            _ = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: linked, resumeFrom: 3)
        }
        #expect(linkError?.userMessage.contains("other hard links") == true)
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "precious")
        #expect(server.requests.isEmpty)
    }

    @Test func oddSizedPiecesArriveByteExactThroughTheWriteBuffer() async throws {
        // Pieces that straddle the transport's 512 KiB write buffer in every way: smaller, equal, larger, odd.
        let pieces = [1, 16_383, 524_288, 524_289, 3, 1_048_577, 77_777, 524_287, 2]
        let size = pieces.reduce(0, +)
        let server = try await TestServer.start { _ in
            .stream(status: 200, headers: [], contentLength: size) { writer in
                var offset = 0
                for n in pieces {
                    try await writer.write(ByteBuffer(bytes: patternBytes(offset: offset, count: n)))
                    offset += n
                }
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("pieces.bin")
        let outcome = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: path)
        #expect(outcome.fileSize == Int64(size))
        #expect(outcome.bytesWritten == Int64(size))
        #expect(try fileMatchesPattern(path, count: size))
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try await TestServer.startSlowGiB()
        defer { server.stop() }
        let client = try makeTestClient(server)
        let path = temporaryPath("cancel.bin")
        let started = AsyncStream<Void>.makeStream()
        let task = Task {
            try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: path) { p in
                if p.completedBytes > 0 { started.continuation.yield() }
            }
        }
        for await _ in started.stream { break }
        task.cancel()
        let result = await task.result
        guard case .failure(let error as CometAPIError) = result, case .cancelled(let operation) = error else {
            Issue.record("expected .cancelled, got \(result)")
            return
        }
        #expect(operation == "Downloading asset a")
    }

    @Test func stalledServerHitsTheReadTimeout() async throws {
        let server = try await TestServer.start { _ in
            .stream(status: 200, headers: [], contentLength: 10) { writer in
                try await Task.sleep(for: .seconds(30))
                try await writePattern(&writer, count: 10)
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server, retry: .none, transport: CurlTransportOptions(readTimeoutSeconds: 1))
        let error = await #expect(throws: CometAPIError.self) {
            _ = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: temporaryPath("stall.bin"))
        }
        guard case .transport(let code, _, _)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(code == 28)
    }

    @Test func runsManyTransfersInParallel() async throws {
        let server = try await TestServer.start { request in
            let n = Int(request.query["assetId"] ?? "0") ?? 0
            return .stream(status: 200, headers: [], contentLength: n * 1000) { writer in
                try await writePattern(&writer, count: n * 1000, chunk: 4096, pauseMilliseconds: 1)
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let sizes = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            for n in 1...12 {
                group.addTask {
                    let path = temporaryPath("p\(n).bin")
                    let outcome = try await client.downloadAsset(assetId: "\(n)", artifactVersionId: nil, to: path)
                    #expect(try fileMatchesPattern(path, count: n * 1000))
                    return (n, outcome.fileSize)
                }
            }
            var out: [Int: Int64] = [:]
            for try await (n, size) in group { out[n] = size }
            return out
        }
        #expect(sizes.count == 12)
        #expect(sizes.allSatisfy { $0.value == Int64($0.key * 1000) })
    }
}

@Suite("Redirects")
struct RedirectTests {
    /// Comet may redirect an asset download to object storage: the redirect is followed, and the
    /// API key is not sent to the other host (like `requests`, reference §2.7).
    @Test func followsRedirectsWithoutLeakingTheKeyToAnotherHost() async throws {
        let port = LockedBox(0)
        let server = try await TestServer.start { request in
            if request.path == "/blob" {
                return .bytes(status: 200, headers: [], body: Data("blob bytes".utf8))
            }
            return .bytes(status: 302, headers: [("Location", "http://localhost:\(port.value)/blob")], body: Data())
        }
        defer { server.stop() }
        port.value = server.port
        let client = try makeTestClient(server, apiKey: "redirect-key-1")
        let path = temporaryPath("redirected.bin")
        let outcome = try await client.downloadAsset(assetId: "a", artifactVersionId: nil, to: path)
        #expect(outcome.fileSize == 10)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "blob bytes")
        let requests = server.requests
        #expect(requests.map(\.path) == ["/api/rest/v2/experiment/asset/get-asset", "/blob"])
        #expect(requests[0].header("Authorization") == "redirect-key-1")
        #expect(requests[1].header("Authorization") == nil)
    }
}
