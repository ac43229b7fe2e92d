import Foundation

/// What S3 says about one object (a signed `HEAD`).
public struct S3ObjectFacts: Sendable, Hashable, Codable {
    /// Size in bytes (`Content-Length`).
    public var size: Int64
    /// `Last-Modified`, as S3 sends it (an HTTP date), or ISO 8601 from a listing.
    public var lastModified: String?
    /// The ETag without quotes.
    public var eTag: String?
    /// `x-amz-version-id`, when the bucket is versioned.
    public var versionId: String?

    public init(size: Int64, lastModified: String? = nil, eTag: String? = nil, versionId: String? = nil) {
        self.size = size
        self.lastModified = lastModified
        self.eTag = eTag
        self.versionId = versionId
    }
}

/// A failure reading an object store, as a fact about the link (``userMessage`` names it).
public enum ObjectStoreError: Error, Sendable, Hashable {
    /// 404: no such object (`NoSuchKey`), or the bucket does not exist (`NoSuchBucket`).
    case notFound(link: String, code: String?)
    /// 403: the credentials may not read it (`AccessDenied`, `InvalidAccessKeyId`, `SignatureDoesNotMatch`, …).
    case accessDenied(link: String, code: String?)
    /// Another HTTP status.
    case http(link: String, status: Int, code: String?, message: String?)
    /// No usable answer: connection refused, timeout, broken transfer (curl's code and message).
    case transport(link: String, code: Int32, message: String)
    /// An answer that is not what S3 sends (a listing that does not parse).
    case malformed(link: String, detail: String)
    /// The transfer was cancelled.
    case cancelled(link: String)
    /// The object is no longer the one listed (its ETag changed: `412` to `If-Match`).
    case changed(link: String)

    /// The HTTP status of the answer, nil without one.
    public var status: Int? {
        switch self {
        case .notFound: 404
        case .accessDenied: 403
        case .http(_, let status, _, _): status
        case .changed: 412
        default: nil
        }
    }

    /// S3's error code from the answer's body (`NoSuchKey`, `ExpiredToken`), nil without one.
    public var code: String? {
        switch self {
        case .notFound(_, let code), .accessDenied(_, let code), .http(_, _, let code, _): code
        default: nil
        }
    }

    /// The short fact shown on a row: `not found (404)`, `access denied (403)`, `no such bucket`.
    public var fact: String {
        let status = self.status.map { " (\($0))" } ?? ""
        switch (self, code) {
        case (_, "NoSuchBucket"?): return "no such bucket"
        case (_, "InvalidAccessKeyId"?): return "unknown access key" + status
        case (_, "SignatureDoesNotMatch"?): return "signature refused" + status
        case (_, "ExpiredToken"?): return "credentials expired" + status
        case (_, "InvalidToken"?): return "invalid session token" + status
        case (.notFound, _): return "not found (404)"
        case (.accessDenied, _): return "access denied (403)"
        case (.http(_, let status, let code, _), _): return code.map { "\($0) (\(status))" } ?? "HTTP \(status)"
        case (.transport(_, let code, _), _): return code == 28 ? "no answer (timeout)" : "unreachable"
        case (.malformed, _): return "unreadable answer"
        case (.cancelled, _): return "cancelled"
        case (.changed, _): return "changed since it was listed (412)"
        }
    }

    /// `s3://bkt/key: access denied (403)`, redacted.
    public var userMessage: String {
        let link: String
        switch self {
        case .notFound(let l, _), .accessDenied(let l, _), .http(let l, _, _, _), .transport(let l, _, _),
             .malformed(let l, _), .cancelled(let l), .changed(let l): link = l
        }
        var text = "\(TerminalText.escape(link)): \(fact)"
        if case .http(_, _, _, let message?) = self { text += ": \(TerminalText.escape(message))" }
        if case .malformed(_, let detail) = self { text += ": \(detail)" }
        if case .transport(_, _, let message) = self { text += ": \(TerminalText.escape(message))" }
        if case .changed = self { text += "; run the download again to fetch it as it is now" }
        return Redaction.redact(text)
    }

    /// The failure of a transfer that got no usable answer, for `link`: cancelled stays cancelled,
    /// everything else is ``transport(link:code:message:)`` (curl 23 for a file that cannot be written).
    public init(_ error: any Error, link: String) {
        switch error as? HTTPTransportError {
        case .curl(let code, let message)?: self = .transport(link: link, code: code, message: Redaction.redact(message))
        case .fileSystem(let path, let message)?: self = .transport(link: link, code: 23, message: "\(path): \(message)")
        case .cancelled?, nil: self = .cancelled(link: link)
        }
    }

    /// Worth retrying (resuming): a broken connection, a timeout, a 5xx or 429 (`SlowDown`).
    public var isRetryable: Bool {
        switch self {
        case .transport(_, let code, _): RetryPolicy.isRetryable(curlCode: code)
        case .http(_, let status, _, _): RetryPolicy.isRetryable(status: status)
        default: false
        }
    }
}

/// A signed S3 client over the shared ``HTTPTransport`` (libcurl signs with SigV4): `HEAD` for an
/// object's facts, `ListObjectsV2` for a prefix, `GET` (with `Range` resume) to a file.
///
/// A bucket in another region than ``S3Settings/region`` is retried once in the region S3 names
/// (`x-amz-bucket-region`); the region found is remembered per bucket.
public final class S3Client: Sendable {
    public let settings: S3Settings
    /// The transport requests go through (signed per request).
    public let transport: any HTTPTransport
    private let regions = Locked<[String: String]>([:])

    /// Longest wait for one `HEAD` or listing page, in milliseconds: 30 s (a store that accepts the
    /// connection and never answers becomes `unreachable` instead of a row that never settles).
    /// Downloads have no total limit; they stop when no byte arrives for the read timeout.
    public static let factsTimeoutMilliseconds = 30_000

    public init(settings: S3Settings, transport: any HTTPTransport) {
        self.settings = settings
        self.transport = transport
    }

    /// Facts about one object.
    /// - Throws: ``ObjectStoreError``.
    public func head(_ object: S3Location, versionId: String? = nil) async throws(ObjectStoreError) -> S3ObjectFacts {
        let url = { (region: String) in object.objectURL(settings: self.settings, region: region, versionId: versionId) }
        let response: TransportResponse
        do {
            response = try await send(object, method: .head, url: url)
        } catch let error where error.code == nil && [400, 403, 404].contains(error.status ?? 0) {
            // A HEAD answer has no body to say why: ask for one byte to read S3's error code
            // (SignatureDoesNotMatch, ExpiredToken, NoSuchBucket, …), only when HEAD failed.
            _ = try await send(object, method: .get, rangeEnd: 0, url: url)
            throw error
        }
        // Every S3 implementation sends an ETag; a 200 without one is some other web server.
        guard let eTag = response.header("ETag").map(S3Response.unquotedETag), !eTag.isEmpty else {
            throw .malformed(link: object.description, detail: "not an S3 answer (no ETag)")
        }
        guard let size = response.header("Content-Length").flatMap({ Int64($0) }), (0...S3Response.maxObjectSize).contains(size) else {
            throw .malformed(link: object.description, detail: "no usable Content-Length")
        }
        return S3ObjectFacts(size: size, lastModified: response.header("Last-Modified"), eTag: eTag,
                             versionId: response.header("x-amz-version-id"))
    }

    /// Every object under a prefix, page by page, up to `limit` objects.
    /// - Returns: the objects (sorted by key, as S3 lists them) and whether more exist past `limit`.
    /// - Throws: ``ObjectStoreError``.
    public func list(_ prefix: S3Location, limit: Int = 100_000) async throws(ObjectStoreError) -> (objects: [S3ListedObject], truncated: Bool) {
        var objects: [S3ListedObject] = []
        var token: String?
        var seenTokens: Set<String> = []
        // S3 answers up to 1,000 objects a page; a store that sends a few per page, or tokens that
        // go round in a circle, is stopped after this many pages (the listing is then incomplete).
        let maxPages = limit / 1000 * 2 + 10
        for _ in 0..<maxPages {
            let page = min(1000, max(1, limit - objects.count))
            let response = try await send(prefix, method: .get) { region in
                prefix.listURL(settings: self.settings, region: region, continuationToken: token, maxKeys: page)
            }
            guard let parsed = S3Response.listPage(response.body, urlEncoded: true) else {
                throw .malformed(link: prefix.description, detail: "not a ListBucketResult")
            }
            objects += parsed.objects
            guard parsed.isTruncated, let next = parsed.nextContinuationToken else { return (objects, false) }
            guard objects.count < limit, seenTokens.insert(next).inserted else { break }
            token = next
        }
        return (Array(objects.prefix(limit)), true)
    }

    /// Streams an object to `path`, from byte `resumeFrom` on (a `Range` request) when above 0.
    /// - Returns: the response (``TransportResponse/appendedToFile`` tells whether the range was honoured).
    /// - Throws: ``ObjectStoreError``.
    /// - Parameter eTag: the ETag the object had when it was listed: sent as `If-Match`, so an object
    ///   replaced since (or between two ranges of one file) answers 412 instead of other bytes.
    public func download(_ object: S3Location, versionId: String? = nil, eTag: String? = nil, to path: String, resumeFrom: Int64,
                         progress: ProgressHandler?) async throws(ObjectStoreError) -> TransportResponse {
        try await send(object, method: .get, sink: .file(path: path), rangeStart: resumeFrom, ifMatch: eTag, progress: progress) { region in
            object.objectURL(settings: self.settings, region: region, versionId: versionId)
        }
    }

    private func send(_ location: S3Location, method: TransportRequest.Method, sink: ResponseSink = .memory,
                      rangeStart: Int64? = nil, rangeEnd: Int64? = nil, ifMatch: String? = nil, progress: ProgressHandler? = nil,
                      url: (String) -> String) async throws(ObjectStoreError) -> TransportResponse {
        var region = regions.withLock { $0[location.bucket] } ?? settings.region
        var attempt = 0
        while true {
            attempt += 1
            var request = TransportRequest(method: method, url: url(region), rangeStart: rangeStart, acceptCompressed: false,
                                           maxBodyBytes: 16 << 20, totalTimeoutMilliseconds: sink == .memory ? Self.factsTimeoutMilliseconds : nil)
            request.awsSignature = AWSSignature(credentials: settings.credentials, region: region)
            request.rangeEnd = rangeEnd
            if let ifMatch { request.headers.append(HTTPHeader("If-Match", "\"\(ifMatch)\"")) }
            let response: TransportResponse
            do {
                response = try await transport.send(request, sink: sink, progress: progress)
            } catch {
                throw ObjectStoreError(error, link: location.description)
            }
            if response.isSuccess { return response }
            // A bucket in another region: S3 names it (301 PermanentRedirect, 400 AuthorizationHeaderMalformed).
            if attempt == 1, [301, 307, 400].contains(response.status),
               let other = response.header("x-amz-bucket-region"), other != region, !other.isEmpty {
                region = other
                regions.withLock { $0[location.bucket] = other }
                continue
            }
            // S3's SlowDown (503) and 429s slow a download's scheduler down (``TransferConcurrency``).
            ThrottleSignals.current?.report(status: response.status, retryAfter: response.header("Retry-After"))
            let error = S3Response.error(response.body)
            switch response.status {
            case 404: throw .notFound(link: location.description, code: error?.code)
            case 403: throw .accessDenied(link: location.description, code: error?.code)
            case 412 where ifMatch != nil: throw .changed(link: location.description)
            default: throw .http(link: location.description, status: response.status, code: error?.code, message: error?.message)
            }
        }
    }
}
