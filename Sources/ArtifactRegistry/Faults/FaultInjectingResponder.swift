import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Wraps the registry's responder and spoils answers as a ``FaultInjector`` says (issue 7).
/// With no injector (or an empty plan) every request goes straight through.
///
/// `slow` keeps the connection and the bytes and only paces the body writer.
/// Connection-level faults (`drop`, `short`, `nolength`, `reset`) work by throwing from the
/// response body writer after some bytes: Hummingbird then closes the connection, so the client
/// sees a body shorter than promised (libcurl error 18).
public struct FaultInjectingResponder<Inner: HTTPResponder>: HTTPResponder where Inner.Context == BasicRequestContext {
    public typealias Context = BasicRequestContext

    let inner: Inner
    let injector: FaultInjector?

    /// - Parameters:
    ///   - inner: the real responder (``RegistryResponder``).
    ///   - injector: the faults to inject; nil for none.
    public init(inner: Inner, injector: FaultInjector?) {
        self.inner = inner
        self.injector = injector
    }

    /// The error thrown by a body writer to make the server close the connection.
    struct InjectedDisconnect: Error {}

    public func respond(to request: Request, context: Context) async throws -> Response {
        switch injector?.admit(path: request.uri.path) {
        case nil:
            return try await respondWithFaults(to: request, context: context)
        case .refused(let seconds)?:
            for try await _ in request.body {}
            return Self.tooBusy(retryAfterSeconds: seconds)
        case .admitted(let slot)?:
            // In flight until the body is written (or the writer fails, or the handler throws).
            let response: Response
            do {
                response = try await respondWithFaults(to: request, context: context)
            } catch {
                slot.release()
                throw error
            }
            var held = response
            let original = response.body
            held.body = ResponseBody(contentLength: original.contentLength) { writer in
                defer { slot.release() }
                try await original.write(writer)
            }
            return held
        }
    }

    /// 429 with `Retry-After` and Comet's error body (the `throttle` and `busy` faults).
    static func tooBusy(retryAfterSeconds: Int) -> Response {
        var response = cometError(status: 429, sdkErrorCode: 0)
        response.headers[HTTPField.Name("Retry-After")!] = String(retryAfterSeconds)
        return response
    }

    private func respondWithFaults(to request: Request, context: Context) async throws -> Response {
        guard let injector, let fault = injector.fault(forPath: request.uri.path) else {
            return try await inner.respond(to: request, context: context)
        }
        if fault.skipsHandler {
            for try await _ in request.body {}  // read the request fully: the answer is ours
        }
        switch fault {
        case .stall(let ms):
            try await Task.sleep(for: .milliseconds(ms))
            return try await inner.respond(to: request, context: context)
        case .status(let code, let sdk):
            return Self.cometError(status: code, sdkErrorCode: sdk)
        case .throttle(let seconds):
            return Self.tooBusy(retryAfterSeconds: seconds)
        case .busy:
            return try await inner.respond(to: request, context: context)  // decided by `admit` above
        case .malformedJSON:
            return Self.raw(200, "application/json", #"{"artifacts": [{"artifactId": "3f0c", "name": "cats", "tags": ["#)
        case .wrongShape:
            return Self.raw(200, "application/json", #"[{"unexpected": true, "files": 7}, 42, "text", null]"#)
        case .html(let code):
            return Self.raw(code, "text/html", """
                <!DOCTYPE html><html><head><title>\(code) Bad Gateway</title></head>
                <body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body></html>
                """)
        case .empty(let code):
            return Self.raw(code, "application/json", "")
        case .reset:
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.contentLength] = "1"
            return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: 1) { _ in
                throw InjectedDisconnect()
            })
        case .contentType(let type):
            var response = try await inner.respond(to: request, context: context)
            response.headers[.contentType] = type
            return response
        case .drop(let n):
            let response = try await inner.respond(to: request, context: context)
            return Self.cut(response, after: n, keepLength: true, extra: 0)
        case .noLengthCut(let n):
            let response = try await inner.respond(to: request, context: context)
            return Self.cut(response, after: n, keepLength: false, extra: 0)
        case .shortBody(let missing):
            let response = try await inner.respond(to: request, context: context)
            return Self.cut(response, after: Int.max, keepLength: true, extra: missing)
        case .slowBody(let rate):
            let response = try await inner.respond(to: request, context: context)
            return Self.slowed(response, bytesPerSecond: rate)
        case .noRange:
            var head = request.head
            head.headerFields[.range] = nil
            var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
            response.headers[.acceptRanges] = nil
            return response
        }
    }

    /// Comet's error body (reference §3) with `msg` "Injected fault".
    static func cometError(status: Int, sdkErrorCode: Int) -> Response {
        raw(status, "application/json", #"{"msg": "Injected fault", "code": \#(status), "sdk_error_code": \#(sdkErrorCode)}"#)
    }

    static func raw(_ status: Int, _ contentType: String, _ body: String) -> Response {
        let buffer = ByteBuffer(string: body)
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentLength] = String(buffer.readableBytes)
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// `response` with its body cut after `limit` bytes (then the connection closes). With
    /// `keepLength`, the Content-Length header stays (raised by `extra` bytes that never come);
    /// without, it is removed and the body goes chunked.
    static func cut(_ response: Response, after limit: Int, keepLength: Bool, extra: Int) -> Response {
        var response = response
        let original = response.body
        var length = original.contentLength ?? response.headers[.contentLength].flatMap { Int($0) }
        if keepLength, let known = length, extra > 0 { length = known + extra }
        if keepLength, let length {
            response.headers[.contentLength] = String(length)
        } else {
            response.headers[.contentLength] = nil
            length = nil
        }
        let alwaysFail = extra > 0
        response.body = ResponseBody(contentLength: length) { writer in
            try await original.write(CuttingWriter(inner: writer, remaining: limit, failOnFinish: alwaysFail))
        }
        return response
    }
}

extension FaultInjectingResponder {
    /// `response` with the same headers and bytes, its body written at most `bytesPerSecond`
    /// bytes per second (see ``ThrottlingWriter``).
    static func slowed(_ response: Response, bytesPerSecond: Int) -> Response {
        var response = response
        let original = response.body
        let length = original.contentLength ?? response.headers[.contentLength].flatMap { Int($0) }
        response.body = ResponseBody(contentLength: length) { writer in
            try await original.write(ThrottlingWriter(inner: writer, bytesPerSecond: bytesPerSecond))
        }
        return response
    }
}

/// Writes every byte, in slices of `bytesPerSecond / 10` bytes with 100 ms pauses (one byte per
/// `1000 / bytesPerSecond` ms below 10 bytes/s). A client that goes away ends the transfer: the
/// next slice's write throws.
struct ThrottlingWriter: ResponseBodyWriter {
    var inner: any ResponseBodyWriter
    let slice: Int
    let pause: Duration

    init(inner: any ResponseBodyWriter, bytesPerSecond: Int) {
        self.inner = inner
        let rate = max(1, bytesPerSecond)
        if rate >= 10 {
            slice = rate / 10
            pause = .milliseconds(100)
        } else {
            slice = 1
            pause = .milliseconds(1000 / rate)
        }
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        var rest = buffer
        while rest.readableBytes > 0, let piece = rest.readSlice(length: min(slice, rest.readableBytes)) {
            try await inner.write(piece)
            try await Task.sleep(for: pause)
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await inner.finish(trailingHeaders)
    }
}

/// Passes at most `remaining` bytes through, then throws (closing the connection). With
/// `failOnFinish`, also throws instead of finishing (the promised bytes never come).
struct CuttingWriter: ResponseBodyWriter {
    var inner: any ResponseBodyWriter
    var remaining: Int
    let failOnFinish: Bool

    mutating func write(_ buffer: ByteBuffer) async throws {
        if buffer.readableBytes <= remaining {
            remaining -= buffer.readableBytes
            try await inner.write(buffer)
            return
        }
        if remaining > 0, let head = buffer.getSlice(at: buffer.readerIndex, length: remaining) {
            try await inner.write(head)
        }
        remaining = 0
        throw FaultInjectingResponder<RegistryResponder>.InjectedDisconnect()
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        if failOnFinish { throw FaultInjectingResponder<RegistryResponder>.InjectedDisconnect() }
        try await inner.finish(trailingHeaders)
    }
}
