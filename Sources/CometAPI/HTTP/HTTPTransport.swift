import Foundation

/// One HTTP header field. Names compare case-insensitively through ``TransportResponse/header(_:)``.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One part of a `multipart/form-data` request body (reference §2.13).
public struct MultipartPart: Sendable, Hashable {
    /// Where the part's bytes come from.
    public enum Content: Sendable, Hashable {
        /// Bytes held in memory (small fields such as `metadata` or `link`).
        case data(Data)
        /// A file on disk, streamed by libcurl while sending (never loaded into memory).
        case file(path: String)
    }

    /// The form field name (`file`, `link`, `metadata`).
    public var name: String
    public var content: Content
    /// The `filename` of the part's Content-Disposition, nil for a plain form field.
    public var fileName: String?
    /// The part's Content-Type, nil to send none.
    public var contentType: String?

    public init(name: String, content: Content, fileName: String? = nil, contentType: String? = nil) {
        self.name = name
        self.content = content
        self.fileName = fileName
        self.contentType = contentType
    }

    /// A plain text field.
    public static func field(_ name: String, _ value: String) -> MultipartPart {
        MultipartPart(name: name, content: .data(Data(value.utf8)))
    }
}

/// The body of an ``TransportRequest``.
public enum HTTPRequestBody: Sendable, Hashable {
    case empty
    /// Bytes with their Content-Type (`application/json;charset=utf-8`).
    case data(Data, contentType: String)
    /// `multipart/form-data`, built and streamed by libcurl (files are read from disk as sent).
    case multipart([MultipartPart])
}

/// An HTTP request as the transport sends it.
///
/// `description` never shows the value of the `Authorization` header.
public struct TransportRequest: Sendable, CustomStringConvertible {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE", head = "HEAD" }

    public var method: Method
    /// The absolute URL, query already percent-encoded.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: HTTPRequestBody
    /// Ask for `Range: bytes=N-` (resume a download at byte N); nil or 0 for the whole body.
    public var rangeStart: Int64?
    /// Offer `Accept-Encoding` (gzip, deflate, ...) and decode the response transparently.
    public var acceptCompressed: Bool
    /// Largest response body kept in memory, in bytes; a bigger body fails the transfer.
    public var maxBodyBytes: Int
    /// Total time limit for the transfer in milliseconds; nil for none (downloads).
    public var totalTimeoutMilliseconds: Int?
    /// With ``rangeStart``, the last byte wanted (inclusive): `Range: bytes=START-END` (START 0 when
    /// ``rangeStart`` is nil); nil asks for everything from ``rangeStart`` on.
    public var rangeEnd: Int64? = nil
    /// For the memory sink: keep at most this many body bytes and stop the transfer once more
    /// arrive (a server that ignores `Range` and sends everything is cut off there), answering
    /// with what was kept and ``TransportResponse/bodyCut`` set; nil keeps the whole body, up to
    /// ``maxBodyBytes``.
    public var bodyPrefixBytes: Int? = nil
    /// Sign the request with AWS Signature Version 4 (libcurl's `CURLOPT_AWS_SIGV4`), for S3 and
    /// S3-compatible stores; nil for none. The URL's query must already be in canonical order
    /// (sorted by name, RFC 3986 encoded: ``S3Location``), as libcurl 7.88 signs it as given.
    public var awsSignature: AWSSignature? = nil

    public init(method: Method = .get, url: String, headers: [HTTPHeader] = [], body: HTTPRequestBody = .empty,
                rangeStart: Int64? = nil, acceptCompressed: Bool = true, maxBodyBytes: Int = 64 << 20,
                totalTimeoutMilliseconds: Int? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.rangeStart = rangeStart
        self.acceptCompressed = acceptCompressed
        self.maxBodyBytes = maxBodyBytes
        self.totalTimeoutMilliseconds = totalTimeoutMilliseconds
    }

    /// `GET https://host/path [Authorization: <redacted>, ...]`.
    public var description: String {
        let shown = headers.map { h in
            h.name.caseInsensitiveCompare("Authorization") == .orderedSame ? "\(h.name): <redacted>" : "\(h.name): \(h.value)"
        }
        return "\(method.rawValue) \(Redaction.redact(url)) [\(Redaction.redact(shown.joined(separator: ", ")))]"
    }
}

/// What ``TransportRequest/awsSignature`` signs with: credentials and scope.
///
/// Its `description` never shows the secret or the session token.
public struct AWSSignature: Sendable, Hashable, CustomStringConvertible {
    public var credentials: AWSCredentials
    /// The region of the scope (`us-east-1`).
    public var region: String
    /// The service of the scope (`s3`).
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// libcurl's provider string: `aws:amz:REGION:SERVICE`.
    public var curlProvider: String { "aws:amz:\(region):\(service)" }

    /// SHA-256 of an empty payload, hex: the `x-amz-content-sha256` of a GET or HEAD. S3 requires the
    /// header on SigV4 requests, and libcurl 7.88 does not add it itself.
    public static let emptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public var description: String { "AWS SigV4 \(credentials) \(region)/\(service)" }
}

/// Where a response body goes.
public enum ResponseSink: Sendable, Hashable {
    /// Kept in memory, up to ``TransportRequest/maxBodyBytes``.
    case memory
    /// Streamed to a file chunk by chunk, never held in memory. A `206 Partial Content` answer to a
    /// request with ``TransportRequest/rangeStart`` keeps the file's first `rangeStart` bytes and appends;
    /// a `200` rewrites the file from the start. Error answers (not 2xx) never touch the file: their
    /// body is kept in memory (up to 1 MiB) for the error message.
    case file(path: String)
    /// One byte range of a file written in place: several transfers may fill one file at once
    /// (segmented downloads, issue 12). The body is written with `pwrite` at
    /// ``FileRangeTarget/offset`` onwards, gathered into 512 KiB writes like ``file(path:)``; the file
    /// must exist already (it is never created, truncated or removed here). Only a body that starts at
    /// the requested byte is written: a `206` whose `Content-Range` starts at
    /// ``TransportRequest/rangeStart`` (cut after the bytes asked for, ``TransportRequest/rangeEnd``),
    /// or a `200` (the whole body) when the range starts at byte 0. A `200` without `Accept-Ranges: bytes`
    /// is written whole; with it, it is cut where the range ends. Any other 2xx is not written: the
    /// transfer stops and answers with ``TransportResponse/rangeRefused`` set. Error answers are kept in
    /// memory (up to 1 MiB) as with ``file(path:)``.
    case fileRange(FileRangeTarget)
}

/// Where a ``ResponseSink/fileRange(_:)`` transfer writes, and what it has written so far.
///
/// Shared between the caller and the transport thread (lock-guarded); compared by identity.
public final class FileRangeTarget: Sendable, Hashable {
    /// The file, which must exist and be a regular file with one link.
    public let path: String
    /// The file offset of the range's first byte.
    public let offset: Int64
    private let onResponseHead: (@Sendable (Int, [HTTPHeader]) -> Void)?
    private let written = Locked<Int64>(0)
    private let headSeen = Locked<Bool>(false)

    /// - Parameter onResponseHead: called once per transfer, on the transport's thread, with the
    ///   status and headers of a 2xx answer as soon as its first body byte (or its end) arrives, before
    ///   anything is written: so a caller learns whether the server honours `Range` without waiting
    ///   for the body. Keep it short and non-blocking.
    public init(path: String, offset: Int64, onResponseHead: (@Sendable (Int, [HTTPHeader]) -> Void)? = nil) {
        self.path = path
        self.offset = offset
        self.onResponseHead = onResponseHead
    }

    /// Bytes written to the file from ``offset`` on, contiguous (`pwrite` returned): what a resume
    /// may count on, even after the transfer failed or was cancelled.
    public var bytesWritten: Int64 { written.withLock { $0 } }

    func addWritten(_ count: Int64) { written.withLock { $0 += count } }

    func reportHead(status: Int, headers: [HTTPHeader]) {
        let first = headSeen.withLock { seen -> Bool in
            defer { seen = true }
            return !seen
        }
        if first { onResponseHead?(status, headers) }
    }

    public static func == (a: FileRangeTarget, b: FileRangeTarget) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// The outcome of a transfer that got an HTTP answer (any status).
public struct TransportResponse: Sendable {
    /// The final HTTP status (after redirects).
    public var status: Int
    /// Headers of the final response.
    public var headers: [HTTPHeader]
    /// The body for ``ResponseSink/memory``, or an error body with ``ResponseSink/file(path:)``.
    public var body: Data
    /// Bytes written to the file sink by this transfer (0 for the memory sink).
    public var bytesWrittenToFile: Int64
    /// True when the file sink appended to existing bytes (a 206 answer to a Range request).
    public var appendedToFile: Bool
    /// Connections libcurl had to open for this transfer; 0 when it reused a kept-alive one.
    public var newConnections: Int
    /// True when the transfer was stopped after ``TransportRequest/bodyPrefixBytes`` bytes: the
    /// server had more to send.
    public var bodyCut: Bool = false
    /// The protocol of the answer: `HTTP/1.1`, or `HTTP/2` when a TLS server negotiated it (ALPN);
    /// nil when the transport does not say.
    public var httpVersion: String? = nil
    /// With ``ResponseSink/fileRange(_:)``: the 2xx answer's body did not start at the requested
    /// byte (a `200` to a range starting past byte 0, or a `206` for other bytes), so nothing was
    /// written and the transfer was stopped.
    public var rangeRefused: Bool = false

    public init(status: Int, headers: [HTTPHeader] = [], body: Data = Data(), bytesWrittenToFile: Int64 = 0,
                appendedToFile: Bool = false, newConnections: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bytesWrittenToFile = bytesWrittenToFile
        self.appendedToFile = appendedToFile
        self.newConnections = newConnections
    }

    /// The value of the last header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// True for 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// How far a transfer has come.
public struct TransferProgress: Sendable, Hashable {
    /// Bytes transferred so far, including bytes already on disk when resuming.
    public var completedBytes: Int64
    /// Expected total in bytes, when the server said (Content-Length); nil when unknown.
    public var totalBytes: Int64?

    public init(completedBytes: Int64, totalBytes: Int64?) {
        self.completedBytes = completedBytes
        self.totalBytes = totalBytes
    }

    /// Between 0 and 1, nil when the total is unknown.
    public var fractionCompleted: Double? {
        guard let total = totalBytes, total > 0 else { return nil }
        return min(1, Double(completedBytes) / Double(total))
    }
}

/// Receives progress reports. Called on the transport's thread: keep it short and non-blocking.
public typealias ProgressHandler = @Sendable (TransferProgress) -> Void

/// A failure below HTTP: no answer, a broken connection, a timeout, a file that cannot be written.
public enum HTTPTransportError: Error, Sendable, Hashable {
    /// libcurl failed with this `CURLcode` and message (28 = timeout, 7 = could not connect, ...).
    case curl(code: Int32, message: String)
    /// The task was cancelled; the transfer was aborted.
    case cancelled
    /// The file sink could not be opened or written.
    case fileSystem(path: String, message: String)
}

/// Sends HTTP requests. ``CurlTransport`` is the real one (libcurl); tests may use fakes.
///
/// Implementations honour task cancellation by aborting the transfer and throwing
/// ``HTTPTransportError/cancelled``, and never block a Swift concurrency thread.
public protocol HTTPTransport: Sendable {
    /// Performs one request. Returns the response for every HTTP status (errors included);
    /// throws ``HTTPTransportError`` only when there is no usable HTTP answer.
    func send(_ request: TransportRequest, sink: ResponseSink, progress: ProgressHandler?) async throws -> TransportResponse
}

extension HTTPTransport {
    /// Performs one request with the body kept in memory and no progress reports.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await send(request, sink: .memory, progress: nil)
    }
}
