import CometAPI
import Foundation
import Hummingbird
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of the registry's access log (issue 15): what was asked, who asked, what was answered.
///
/// Rendered by ``jsonLine()`` as one JSON object per line (JSON Lines), fields in this order:
/// - `time`: when the request arrived, ISO 8601 UTC with milliseconds (`2026-12-03T08:30:00.123Z`);
/// - `method`: the HTTP method (`GET`);
/// - `route`: the request path **without** the query string (`/api/rest/v2/artifacts/version`);
/// - `status`: the HTTP status sent (`200`);
/// - `bytes`: response body bytes written, or `null` when unknown;
/// - `duration_ms`: from arrival until the body was written, in milliseconds (3 decimals);
/// - `user`: the authenticated user's name, or `"-"` when the request carried no valid key.
///
/// The API key (in the `Authorization` header) and the query string are never part of an entry.
public struct AccessLogEntry: Sendable, Equatable {
    /// Arrival time of the request.
    public var time: Date
    /// HTTP method, e.g. `GET`.
    public var method: String
    /// Request path without the query string.
    public var route: String
    /// HTTP status code sent.
    public var status: Int
    /// Response body bytes written; nil when unknown.
    public var bytes: Int64?
    /// Duration in milliseconds.
    public var durationMilliseconds: Double
    /// The authenticated user's name; nil for an unauthenticated request.
    public var user: String?

    public init(time: Date, method: String, route: String, status: Int, bytes: Int64?, durationMilliseconds: Double, user: String?) {
        self.time = time
        self.method = method
        self.route = route
        self.status = status
        self.bytes = bytes
        self.durationMilliseconds = durationMilliseconds
        self.user = user
    }

    /// The path part of a request target: everything before the first `?` (or `#`).
    public static func route(fromTarget target: String) -> String {
        String(target.prefix { $0 != "?" && $0 != "#" })
    }

    /// The entry as one JSON object followed by `\n` (the fields are described on the type).
    public func jsonLine() -> String {
        func string(_ text: String) -> String { WireJSON.string(text).serialized() }
        let ms = durationMilliseconds.isFinite ? max(0, durationMilliseconds) : 0
        return "{\"time\":\(string(Self.iso8601(time))),\"method\":\(string(method)),\"route\":\(string(route))"
            + ",\"status\":\(status),\"bytes\":\(bytes.map(String.init) ?? "null")"
            + ",\"duration_ms\":\(String(format: "%.3f", ms)),\"user\":\(string(user ?? "-"))}\n"
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, rounded to the nearest millisecond.
    public static func iso8601(_ date: Date) -> String {
        let totalMillis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(totalMillis >= 0 ? totalMillis / 1000 : (totalMillis - 999) / 1000)
        let millis = Int(totalMillis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }
}

/// Where access-log lines go. Implementations must be safe to call from many requests at once.
public protocol AccessLogSink: Sendable {
    /// Appends one finished line (it ends with `\n`).
    func append(_ line: String)
}

/// An access log on a file descriptor: a file opened append-only (created with mode 0600), or
/// standard error. Each line is one `write(2)`, so lines of concurrent requests never interleave.
public final class AccessLogFile: AccessLogSink, @unchecked Sendable {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let lock = NSLock()

    private init(fd: Int32, ownsDescriptor: Bool) {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
    }

    /// Standard error (`--access-log -`).
    public static var standardError: AccessLogFile { AccessLogFile(fd: 2, ownsDescriptor: false) }

    /// Opens `path` for appending, creating it with mode 0600 when missing (an existing file keeps
    /// its mode and content).
    /// - Throws: ``RegistryStartError/dataDirectory(_:)`` naming the path and the cause.
    public static func open(path: String) throws -> AccessLogFile {
        let fd = openFile(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RegistryStartError.dataDirectory("cannot open access log '\(path)': \(FileSystemErrorText.reason(errno: errno))")
        }
        return AccessLogFile(fd: fd, ownsDescriptor: true)
    }

    public func append(_ line: String) {
        let bytes = Array(line.utf8)
        lock.lock(); defer { lock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }  // a full disk must not take the server down: the line is lost
            offset += n
        }
    }

    deinit { if ownsDescriptor { _ = close(fd) } }
}

/// The name of the user a request authenticated as, filled in by ``RegistryResponder`` while an
/// ``AccessLogResponder`` is waiting for the answer (a task-local, so no header carries it).
final class RequestUserSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var name: String?

    /// The slot of the request being answered in this task, if an access log is on.
    @TaskLocal static var current: RequestUserSlot?

    func set(_ value: String) {
        lock.lock(); defer { lock.unlock() }
        name = value
    }

    var value: String? {
        lock.lock(); defer { lock.unlock() }
        return name
    }
}

/// Wraps a responder and writes one ``AccessLogEntry`` per request to a sink once the response
/// body has been written (or has failed), with the body bytes actually written.
public struct AccessLogResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    public typealias Context = BasicRequestContext

    let inner: Inner
    let sink: (any AccessLogSink)?

    /// - Parameters:
    ///   - inner: the responder whose answers are logged.
    ///   - sink: where the lines go; nil passes every request straight through, unlogged.
    public init(inner: Inner, sink: (any AccessLogSink)?) {
        self.inner = inner
        self.sink = sink
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        guard let sink else { return try await inner.respond(to: request, context: context) }
        let arrived = Date()
        let start = ContinuousClock.now
        let slot = RequestUserSlot()
        let method = request.method.rawValue
        let route = AccessLogEntry.route(fromTarget: request.uri.path)
        let finish: @Sendable (Int, Int64?) -> Void = { status, bytes in
            let elapsed = ContinuousClock.now - start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            sink.append(AccessLogEntry(time: arrived, method: method, route: route, status: status, bytes: bytes,
                                       durationMilliseconds: ms, user: slot.value).jsonLine())
        }
        var response: Response
        do {
            response = try await RequestUserSlot.$current.withValue(slot) {
                try await inner.respond(to: request, context: context)
            }
        } catch {
            // Hummingbird answers a thrown error with 500 and an empty body.
            finish((error as? any HTTPResponseError)?.status.code ?? 500, nil)
            throw error
        }
        let status = response.status.code
        let body = response.body
        let counter = ByteCounter()
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            let counted = body.map { buffer in
                counter.add(buffer.readableBytes)
                return buffer
            }
            do {
                try await counted.write(writer)
                finish(status, counter.total)
            } catch {
                finish(status, counter.total)
                throw error
            }
        }
        return response
    }
}

/// Counts bytes written by a response body (one body writes at a time; the lock is for the reader).
final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int64 = 0

    func add(_ n: Int) {
        lock.lock(); defer { lock.unlock() }
        count += Int64(n)
    }

    var total: Int64 {
        lock.lock(); defer { lock.unlock() }
        return count
    }
}
