import CometAPI
import Foundation
import HTTPTypes
import Hummingbird

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts the requests a registry answers, by URL path (test and benchmark instrumentation, like
/// ``FaultInjector``: "a second download of the same version sends 0 get-asset requests" is
/// measured at the server). Optionally appends one line per request, `METHOD PATH`, to a log file
/// (`arty serve --request-log`, for scripts in another process). Lock-guarded; shared by the
/// responder's request tasks.
public final class RequestCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private let logDescriptor: Int32

    /// The path of `GET experiment/asset/get-asset` (reference §2.7), the one asset download request.
    public static let getAssetPath = "/api/rest/v2/experiment/asset/get-asset"

    /// - Parameter logFile: a file to append `METHOD PATH` lines to (created 0600 when missing);
    ///   nil for counting in memory only.
    /// - Throws: ``RegistryError`` when the log file cannot be opened.
    public init(logFile: String? = nil) throws {
        if let logFile {
            logDescriptor = openFile(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard logDescriptor >= 0 else {
                throw RegistryError(status: 500, message: "Cannot open the request log \(logFile): \(FileSystemErrorText.reason(errno: errno))")
            }
        } else {
            logDescriptor = -1
        }
    }

    deinit { if logDescriptor >= 0 { close(logDescriptor) } }

    /// Counts one request (and logs it when a log file was given: one `write`, atomic with `O_APPEND`).
    public func record(method: String, path: String) {
        lock.withLock { counts[path, default: 0] += 1 }
        if logDescriptor >= 0 {
            let line = Array("\(method) \(path)\n".utf8)
            _ = line.withUnsafeBytes { write(logDescriptor, $0.baseAddress, $0.count) }
        }
    }

    /// Requests answered for `path` (the URL path without the query, e.g. ``getAssetPath``).
    public func count(path: String) -> Int {
        lock.withLock { counts[path, default: 0] }
    }

    /// Every count, by path.
    public var all: [String: Int] { lock.withLock { counts } }

    /// Forgets every count (the log file is left as it is).
    public func reset() {
        lock.withLock { counts.removeAll() }
    }
}

/// Wraps a responder and counts each request in a ``RequestCounter`` before handing it on.
public struct CountingResponder<Inner: HTTPResponder>: HTTPResponder {
    public typealias Context = Inner.Context

    let inner: Inner
    let counter: RequestCounter?

    /// - Parameter counter: where to count; nil passes every request straight through.
    public init(inner: Inner, counter: RequestCounter?) {
        self.inner = inner
        self.counter = counter
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        counter?.record(method: request.method.rawValue, path: request.uri.path)
        return try await inner.respond(to: request, context: context)
    }
}
