import CometAPI
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// A request as the loopback test server saw it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    /// The raw (still percent-encoded) query string.
    var rawQuery: String
    var headers: [String: String]
    var body: Data

    /// A header by lower-cased name.
    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Query parameters decoded once, like any HTTP server does.
    var query: [String: String] {
        var out: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
            let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            out[key] = value
        }
        return out
    }
}

/// What the test server answers.
enum TestReply: Sendable {
    /// A fixed answer.
    case bytes(status: Int, headers: [(String, String)], body: Data)
    /// A body produced chunk by chunk, never held whole in memory.
    case stream(status: Int, headers: [(String, String)], contentLength: Int?,
                produce: @Sendable (inout any ResponseBodyWriter) async throws -> Void)

    static func json(_ text: String, status: Int = 200, contentType: String = "application/json",
                     headers: [(String, String)] = []) -> TestReply {
        .bytes(status: status, headers: [("Content-Type", contentType)] + headers, body: Data(text.utf8))
    }

    static func cometError(status: Int, code: Int, msg: String) -> TestReply {
        .json(#"{"msg": "\#(msg)", "code": \#(status), "sdk_error_code": \#(code)}"#, status: status)
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 (Hummingbird), with a handler per test, that records
/// every request it receives.
final class TestServer: Sendable {
    typealias Handler = @Sendable (RecordedRequest) async throws -> TestReply

    let port: Int
    private let task: Task<Void, any Error>
    private let recorded: LockedBox<[RecordedRequest]>

    /// The clientlib URL to configure a client with.
    var baseURL: String { "http://127.0.0.1:\(port)/clientlib/" }
    /// Requests seen so far, oldest first.
    var requests: [RecordedRequest] { recorded.value }

    private init(port: Int, task: Task<Void, any Error>, recorded: LockedBox<[RecordedRequest]>) {
        self.port = port
        self.task = task
        self.recorded = recorded
    }

    /// Starts a server and waits until it listens.
    static func start(maxBodyBytes: Int = 256 << 20, handler: @escaping Handler) async throws -> TestServer {
        let log = LockedBox<[RecordedRequest]>([])
        let portBox = AsyncPort()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: maxBodyBytes)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let recordedRequest = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, rawQuery: request.uri.query ?? "",
                headers: headers, body: Data(buffer: body))
            log.mutate { $0.append(recordedRequest) }
            switch try await handler(recordedRequest) {
            case .bytes(let status, let hs, let data):
                var fields = HTTPFields()
                for (n, v) in hs { fields.append(HTTPField(name: HTTPField.Name(n)!, value: v)) }
                return Response(status: .init(code: status), headers: fields,
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
            case .stream(let status, let hs, let length, let produce):
                var fields = HTTPFields()
                for (n, v) in hs { fields.append(HTTPField(name: HTTPField.Name(n)!, value: v)) }
                if let length { fields[.contentLength] = String(length) }
                return Response(status: .init(code: status), headers: fields,
                                body: ResponseBody(contentLength: length) { writer in
                                    try await produce(&writer)
                                    try await writer.finish(nil)
                                })
            }
        }
        var logger = Logger(label: "test-server")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await portBox.set(channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let port = await portBox.get()
        return TestServer(port: port, task: task, recorded: log)
    }

    func stop() { task.cancel() }

    deinit { task.cancel() }
}

/// Hands the listening port from the server callback to the starter.
actor AsyncPort {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        for w in waiters { w.resume(returning: value) }
        waiters.removeAll()
    }

    func get() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// A lock-guarded value for test bookkeeping.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }

    func mutate<R>(_ body: (inout Value) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&stored)
    }
}

/// A client for a test server: no retries delay, TLS irrelevant.
func makeTestClient(_ server: TestServer, apiKey: String = "test-key-1234", retry: RetryPolicy = RetryPolicy(maxAttempts: 3, baseDelayMilliseconds: 1),
                    transport: CurlTransportOptions = CurlTransportOptions()) throws -> CometClient {
    let configuration = try CometConfiguration(apiKey: apiKey, workspace: "ws", urlOverride: server.baseURL)
    return CometClient(configuration: configuration, transport: CurlTransport(options: transport), retryPolicy: retry)
}
