import CCurl
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings shared by every transfer of a ``CurlTransport``.
public struct CurlTransportOptions: Sendable, Hashable {
    /// Give up connecting after this many milliseconds.
    public var connectTimeoutMilliseconds: Int
    /// Read timeout: abort when fewer than 1 byte arrived during this many seconds.
    public var readTimeoutSeconds: Int
    /// Skip TLS certificate and host name verification. Only by explicit opt-in
    /// (`--insecure`, `COMET_INTERNAL_CHECK_TLS_CERTIFICATE=false`, reference §1.4).
    public var insecure: Bool
    /// A PEM bundle of extra CA certificates (`COMET_INCLUDE_CUSTOM_CA_BUNDLE`, `REQUESTS_CA_BUNDLE`).
    public var caBundlePath: String?
    /// Most simultaneous connections to one host (kept alive and reused between transfers). The
    /// default is the adaptive download cap (``TransferParallelism/defaultCap``, 32), so that every
    /// transfer the cap allows gets its own HTTP/1.1 connection; further transfers wait inside
    /// libcurl for a connection to free up. Over HTTP/2 libcurl multiplexes them on one connection.
    public var maxConnectionsPerHost: Int
    /// The `User-Agent` header.
    public var userAgent: String

    public init(connectTimeoutMilliseconds: Int = 10_000, readTimeoutSeconds: Int = 60, insecure: Bool = false,
                caBundlePath: String? = nil, maxConnectionsPerHost: Int = TransferParallelism.defaultCap, userAgent: String = "arty/0.1 libcurl") {
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.readTimeoutSeconds = readTimeoutSeconds
        self.insecure = insecure
        self.caBundlePath = caBundlePath
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.userAgent = userAgent
    }
}

/// The libcurl transport: one curl *multi* handle driven by one dedicated thread.
///
/// - Transfers run in parallel on that thread; no Swift concurrency thread ever blocks on the network.
/// - The multi handle keeps a connection cache, so HTTP/1.1 connections are kept alive and reused
///   across calls (``TransportResponse/newConnections`` is 0 on reuse).
/// - HTTP/2 where a TLS server offers it (ALPN): `https` URLs ask for `CURL_HTTP_VERSION_2TLS`, and
///   the multi handle multiplexes (`CURLMOPT_PIPELINING = CURLPIPE_MULTIPLEX`), with `CURLOPT_PIPEWAIT`
///   so that parallel transfers wait for the first connection to say whether it multiplexes rather
///   than each opening its own. Plain `http` stays HTTP/1.1 (no cleartext upgrade round trip).
///   ``TransportResponse/httpVersion`` says what was used.
/// - Responses may be gzip/deflate compressed (`CURLOPT_ACCEPT_ENCODING ""`) when the request allows.
/// - Cancelling the calling task aborts its transfer at once.
/// - TLS verification is on unless ``CurlTransportOptions/insecure``.
///
/// The thread stops when the transport is released.
public final class CurlTransport: HTTPTransport, Sendable {
    private let engine: CurlEngine

    public init(options: CurlTransportOptions = CurlTransportOptions()) {
        CurlGlobal.initialize()
        engine = CurlEngine(options: options)
        engine.start()
    }

    deinit { engine.shutdown() }

    public func send(_ request: TransportRequest, sink: ResponseSink, progress: ProgressHandler?) async throws -> TransportResponse {
        try Task.checkCancellation()
        // The destination file is opened (created) here, on the caller's thread: creating a file can
        // block for a millisecond or more (ext4's inode allocator after mass deletes, a busy journal),
        // and on the engine thread that would stall every transfer in flight (issue 6).
        var destination: DestinationFile?
        if case .file(let path) = sink, request.method != .head {
            destination = try DestinationFile.open(path)
        } else if case .fileRange(let target) = sink, request.method != .head {
            // Shared by the transfers of every range: it must exist, and is never created or removed here.
            destination = try DestinationFile.open(target.path, create: false)
        }
        let transfer: CurlTransfer
        do {
            transfer = try CurlTransfer(request: request, sink: sink, progress: progress, options: engine.options,
                                        destination: destination)
        } catch {
            destination?.discard()
            throw error
        }
        do {
            let response = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<TransportResponse, any Error>) in
                    transfer.setContinuation(continuation)
                    engine.submit(transfer)
                }
            } onCancel: {
                transfer.markCancelled()
                engine.cancel(transfer)
            }
            // An error answer never touches the file: remove it when this call created it.
            if let destination, !(200..<300).contains(response.status) { destination.discardIfCreated() }
            return response
        } catch {
            if let destination, !transfer.receivedBody { destination.discardIfCreated() }
            throw error
        }
    }
}

/// A download's destination, opened before its transfer starts (without truncating: whether the answer
/// is a `200`, a `206` or an error decides what happens to existing bytes).
struct DestinationFile: Sendable {
    let path: String
    let descriptor: Int32
    /// The file did not exist before ``open(_:)``.
    let created: Bool
    /// Its size when opened, in bytes.
    let initialSize: Int64

    /// Opens `path` for writing, creating it if missing; never follows a symbolic link at `path`.
    /// An existing file must be a regular file with no other hard link: a FIFO planted there would
    /// block the open (hence `O_NONBLOCK`, harmless on regular files), a device or a second link
    /// would send the bytes somewhere else.
    /// - Throws: ``HTTPTransportError/fileSystem(path:message:)``.
    /// - Parameter create: false to require an existing file (``ResponseSink/fileRange(_:)``).
    static func open(_ path: String, create: Bool = true) throws -> DestinationFile {
        var created = create
        var fd = create ? Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644) : -1
        if !create || (fd < 0 && errno == EEXIST) {
            created = false
            fd = Glibc.open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
            // ENXIO: a FIFO with no reader (the open would have blocked).
            if fd < 0, errno == ENXIO { throw HTTPTransportError.fileSystem(path: path, message: "it exists and is not a regular file") }
        }
        guard fd >= 0 else { throw HTTPTransportError.fileSystem(path: path, message: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw HTTPTransportError.fileSystem(path: path, message: message)
        }
        if !created {
            let problem: String? = (info.st_mode & S_IFMT) != S_IFREG ? "it exists and is not a regular file"
                : info.st_nlink > 1 ? "it has other hard links, so writing to it would change another file" : nil
            if let problem {
                close(fd)
                throw HTTPTransportError.fileSystem(path: path, message: problem)
            }
        }
        return DestinationFile(path: path, descriptor: fd, created: created, initialSize: Int64(info.st_size))
    }

    /// Closes the descriptor (if the transfer never took it) and removes the file when this call created it.
    func discard() {
        close(descriptor)
        discardIfCreated()
    }

    func discardIfCreated() {
        if created { unlink(path) }
    }
}

/// `curl_global_init`, exactly once per process (it is not thread-safe).
enum CurlGlobal {
    private static let once: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        return true
    }()

    static func initialize() { _ = once }
}

/// The multi handle and its thread. Pending work crosses threads under a lock; everything else is
/// touched only by the engine thread.
final class CurlEngine: @unchecked Sendable {
    let options: CurlTransportOptions
    private let multi: UnsafeMutableRawPointer
    private let inbox = Locked<Inbox>(Inbox())
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]  // engine thread only
    private let logger = Logger(label: "arty.api.curl")

    private struct Inbox {
        var submitted: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
        var shuttingDown = false
    }

    init(options: CurlTransportOptions) {
        self.options = options
        multi = curl_multi_init()
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, options.maxConnectionsPerHost)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(16, options.maxConnectionsPerHost * 2))
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
    }

    deinit { curl_multi_cleanup(multi) }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "arty.curl"
        thread.start()
    }

    func submit(_ transfer: CurlTransfer) {
        inbox.withLock { $0.submitted.append(transfer) }
        curl_multi_wakeup(multi)
    }

    func cancel(_ transfer: CurlTransfer) {
        inbox.withLock { $0.cancelled.append(transfer) }
        curl_multi_wakeup(multi)
    }

    func shutdown() {
        inbox.withLock { $0.shuttingDown = true }
        curl_multi_wakeup(multi)
    }

    private func run() {
        while true {
            let work = inbox.withLock { box -> Inbox in
                let w = box
                box.submitted.removeAll()
                box.cancelled.removeAll()
                return w
            }
            for transfer in work.submitted {
                if transfer.isCancelled {
                    transfer.finish(.failure(.cancelled))
                    continue
                }
                let code = curl_multi_add_handle(multi, transfer.easy)
                if code != CURLM_OK {
                    transfer.finish(.failure(.curl(code: Int32(code.rawValue), message: String(cString: curl_multi_strerror(code)))))
                } else {
                    active[transfer.easy] = transfer
                }
            }
            for transfer in work.cancelled {
                if active.removeValue(forKey: transfer.easy) != nil {
                    curl_multi_remove_handle(multi, transfer.easy)
                    transfer.finish(.failure(.cancelled))
                }
            }
            if work.shuttingDown {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.finish(.failure(.cancelled))
                }
                active.removeAll()
                return  // the multi handle is cleaned up when the engine is released
            }

            var running: Int32 = 0
            let performCode = curl_multi_perform(multi, &running)
            if performCode != CURLM_OK {
                logger.error("curl_multi_perform failed: \(String(cString: curl_multi_strerror(performCode)))")
            }
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let result = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, easy)
                if let transfer = active.removeValue(forKey: easy) {
                    transfer.complete(result)
                }
            }
            // Sleep until a socket is ready, curl's next timer, or a wakeup (new work, cancellation).
            var timeout = -1
            curl_multi_timeout(multi, &timeout)
            let wait = timeout < 0 ? (active.isEmpty ? 60_000 : 1000) : min(timeout, 1000)
            var fds: Int32 = 0
            curl_multi_poll(multi, nil, 0, Int32(wait), &fds)
        }
    }
}

/// One request in flight: the easy handle, its callbacks' state, and the waiting continuation.
/// Callbacks run on the engine thread; cancellation flags and the continuation are lock-guarded.
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private let request: TransportRequest
    private let sink: ResponseSink
    private let progress: ProgressHandler?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var mime: OpaquePointer?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let state = Locked<SharedState>(SharedState())

    private struct SharedState {
        var cancelled = false
        var finished = false
        var continuation: CheckedContinuation<TransportResponse, any Error>?
        var earlyResult: Result<TransportResponse, HTTPTransportError>?
    }

    // Engine-thread-only state.
    private var headers: [HTTPHeader] = []
    private var body = Data()
    private var fileDescriptor: Int32 = -1
    private let destination: DestinationFile?
    /// The destination holds this response's body (set once a 2xx status is known); engine thread only
    /// until the transfer finishes.
    private var fileReady = false
    private var fileError: HTTPTransportError?
    private var bytesWritten: Int64 = 0
    private var appending = false
    private var tooLarge = false
    /// The memory sink kept ``TransportRequest/bodyPrefixBytes`` bytes and refused the rest.
    private var prefixCut = false
    /// Range sink: where the next gathered bytes go in the file.
    private var writeOffset: Int64 = 0
    /// Range sink: body bytes still wanted (the rest of the range); nil for no limit.
    private var rangeRemaining: Int64?
    /// Range sink: the range's last byte arrived and the transfer was stopped there.
    private var rangeFull = false
    /// Range sink: the body does not start at the requested byte; nothing was written.
    private var rangeRefused = false
    private var lastReported: (Int64, Int64) = (-1, -1)
    private var statusChecked = false
    private var bodyToFile = false
    /// Body bytes received but not yet written to the file: libcurl hands the write callback at most
    /// `CURL_MAX_WRITE_SIZE` (16 KiB) per call whatever the receive buffer, so writing each call through
    /// made 64 `write(2)`s per MiB (issue 6). Allocated on the first body byte of a file download.
    private var pending: UnsafeMutableRawBufferPointer?
    private var pendingCount = 0
    /// Bytes gathered before one `write(2)` to the destination file (also libcurl's receive buffer size).
    static let fileChunkBytes = 512 * 1024

    init(request: TransportRequest, sink: ResponseSink, progress: ProgressHandler?, options: CurlTransportOptions,
         destination: DestinationFile? = nil) throws {
        guard let easy = curl_easy_init() else {
            throw HTTPTransportError.curl(code: -1, message: "curl_easy_init failed")
        }
        self.easy = easy
        self.destination = destination
        fileDescriptor = destination?.descriptor ?? -1
        self.request = request
        self.sink = sink
        self.progress = progress
        errorBuffer = .allocate(capacity: ccurl_error_size())
        errorBuffer.initialize(repeating: 0, count: ccurl_error_size())
        do {
            try configure(options: options)
        } catch {
            fileDescriptor = -1  // the caller still owns the destination and closes it (deinit runs too)
            throw error
        }
    }

    deinit {
        curl_easy_cleanup(easy)
        if let headerList { curl_slist_free_all(headerList) }
        if let mime { curl_mime_free(mime) }
        errorBuffer.deallocate()
        if fileDescriptor >= 0 { close(fileDescriptor) }
        pending?.deallocate()
    }

    private func configure(options: CurlTransportOptions) throws {
        let me = Unmanaged.passUnretained(self).toOpaque()
        func check(_ code: CURLcode, _ what: String) throws {
            if code != CURLE_OK {
                throw HTTPTransportError.curl(code: Int32(code.rawValue), message: "\(what): \(String(cString: curl_easy_strerror(code)))")
            }
        }
        try check(ccurl_setopt_string(easy, CURLOPT_URL, request.url), "URL")
        _ = ccurl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        if Self.isTLS(request.url) {
            _ = ccurl_setopt_long(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
            _ = ccurl_setopt_long(easy, CURLOPT_PIPEWAIT, 1)
        } else {
            _ = ccurl_setopt_long(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        }
        _ = ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        _ = ccurl_setopt_long(easy, CURLOPT_MAXREDIRS, 10)
        _ = ccurl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMilliseconds)
        _ = ccurl_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = ccurl_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, options.readTimeoutSeconds)
        if let total = request.totalTimeoutMilliseconds { _ = ccurl_setopt_long(easy, CURLOPT_TIMEOUT_MS, total) }
        _ = ccurl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        _ = ccurl_setopt_string(easy, CURLOPT_USERAGENT, options.userAgent)
        _ = ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, options.insecure ? 0 : 1)
        _ = ccurl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, options.insecure ? 0 : 2)
        if let ca = options.caBundlePath { _ = ccurl_setopt_string(easy, CURLOPT_CAINFO, ca) }
        if request.acceptCompressed { _ = ccurl_setopt_string(easy, CURLOPT_ACCEPT_ENCODING, "") }
        // Only follow redirects to http(s).
        _ = ccurl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")

        switch request.method {
        case .get: _ = ccurl_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case .head: _ = ccurl_setopt_long(easy, CURLOPT_NOBODY, 1)
        case .post: break
        case .put, .delete: _ = ccurl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }

        var headerLines = request.headers.map { "\($0.name): \($0.value)" }
        if let signature = request.awsSignature {
            // libcurl signs the request as sent: the host, x-amz-date and every header below.
            try check(ccurl_setopt_string(easy, CURLOPT_AWS_SIGV4, signature.curlProvider), "AWS SigV4")
            try check(ccurl_setopt_string(easy, CURLOPT_USERNAME, signature.credentials.accessKeyId), "AWS access key")
            try check(ccurl_setopt_string(easy, CURLOPT_PASSWORD, signature.credentials.secretAccessKey), "AWS secret")
            headerLines.append("x-amz-content-sha256: \(AWSSignature.emptyPayloadSHA256)")
            if let token = signature.credentials.sessionToken { headerLines.append("x-amz-security-token: \(token)") }
            // Object keys are bytes, not paths: `a/../b` names its own object, so libcurl must not
            // squash dot segments (which would also break the signature).
            _ = ccurl_setopt_long(easy, CURLOPT_PATH_AS_IS, 1)
            // A redirect to another host must not carry the signature (S3 redirects across regions).
            _ = ccurl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        }
        // No 100-continue round trip for uploads. Not on signed requests (which have no body here):
        // libcurl 7.88's SigV4 would sign the removed header as `expect` and S3 would refuse it.
        if request.awsSignature == nil { headerLines.append("Expect:") }
        switch request.body {
        case .empty:
            if request.method == .post {
                _ = ccurl_setopt_long(easy, CURLOPT_POSTFIELDSIZE, 0)
                _ = ccurl_setopt_string(easy, CURLOPT_POSTFIELDS, "")
            }
        case .data(let data, let contentType):
            headerLines.append("Content-Type: \(contentType)")
            if request.method != .post { _ = ccurl_setopt_long(easy, CURLOPT_POST, 1) }
            _ = ccurl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(data.count))
            try data.withUnsafeBytes { raw in
                // COPYPOSTFIELDS copies the bytes, so `data` need not outlive this call.
                let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                try check(ccurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base)), "body")
            }
        case .multipart(let parts):
            let mime = curl_mime_init(easy)
            self.mime = mime
            for part in parts {
                let p = curl_mime_addpart(mime)
                curl_mime_name(p, part.name)
                switch part.content {
                case .data(let data):
                    data.withUnsafeBytes { raw in
                        _ = curl_mime_data(p, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count)
                    }
                case .file(let path):
                    guard access(path, R_OK) == 0 else {
                        throw HTTPTransportError.fileSystem(path: path, message: String(cString: strerror(errno)))
                    }
                    try check(curl_mime_filedata(p, path), "multipart file")
                }
                // curl_mime_filedata sets the file name to the basename; override or clear it.
                curl_mime_filename(p, part.fileName)
                if let type = part.contentType { curl_mime_type(p, type) }
            }
            try check(ccurl_setopt_pointer(easy, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime)), "multipart")
        }
        if let end = request.rangeEnd {
            headerLines.append("Range: bytes=\(request.rangeStart ?? 0)-\(end)")
        } else if let start = request.rangeStart, start > 0 {
            headerLines.append("Range: bytes=\(start)-")
        }
        for line in headerLines { headerList = curl_slist_append(headerList, line) }
        _ = ccurl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList)

        _ = ccurl_setopt_write_callback(easy, curlWriteCallback)
        _ = ccurl_setopt_pointer(easy, CURLOPT_WRITEDATA, me)
        _ = ccurl_setopt_header_callback(easy, curlHeaderCallback)
        _ = ccurl_setopt_pointer(easy, CURLOPT_HEADERDATA, me)
        _ = ccurl_setopt_xferinfo_callback(easy, curlProgressCallback)
        _ = ccurl_setopt_pointer(easy, CURLOPT_XFERINFODATA, me)
        _ = ccurl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        // Downloads to a file: a 512 KiB receive buffer (libcurl's default is 16 KiB; the curl tool
        // uses 100 KiB) makes 32× fewer recv(2) calls per byte; `receiveBody` gathers the callbacks'
        // 16 KiB pieces into writes of the same size (issue 6).
        if isFileSink { _ = ccurl_setopt_long(easy, CURLOPT_BUFFERSIZE, Self.fileChunkBytes) }
    }

    // MARK: cross-thread state

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func markCancelled() { state.withLock { $0.cancelled = true } }

    func setContinuation(_ continuation: CheckedContinuation<TransportResponse, any Error>) {
        let early: Result<TransportResponse, HTTPTransportError>? = state.withLock { s in
            if let r = s.earlyResult { return r }
            s.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early.mapError { $0 as any Error }) }
    }

    /// Resumes the waiting task exactly once.
    func finish(_ result: Result<TransportResponse, HTTPTransportError>) {
        if fileDescriptor >= 0 {
            _ = flushPending()  // the bytes that arrived stay in the file, for a resume
            close(fileDescriptor); fileDescriptor = -1
        }
        let continuation: CheckedContinuation<TransportResponse, any Error>? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true
            if let c = s.continuation { s.continuation = nil; return c }
            s.earlyResult = result
            return nil
        }
        continuation?.resume(with: result.mapError { $0 as any Error })
    }

    // MARK: engine thread

    func complete(_ result: CURLcode) {
        // A prefix fetch ends by refusing the bytes past the prefix: that write error is its success.
        let code = (prefixCut || rangeFull || rangeRefused) && result == CURLE_WRITE_ERROR ? CURLE_OK : result
        if fileDescriptor >= 0 { _ = flushPending() }  // sets `fileError` when the disk refuses the bytes
        if let fileError { return finish(.failure(fileError)) }
        if code == CURLE_ABORTED_BY_CALLBACK, isCancelled { return finish(.failure(.cancelled)) }
        if tooLarge {
            return finish(.failure(.curl(code: Int32(CURLE_WRITE_ERROR.rawValue),
                                         message: "response body larger than \(request.maxBodyBytes) bytes")))
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            return finish(.failure(.curl(code: Int32(code.rawValue), message: message)))
        }
        let status = responseStatus()
        if isFileSink, (200..<300).contains(status), !fileReady, request.method != .head {
            // A 2xx with an empty body still produces the (empty) file.
            if !prepareFile(status: status), let fileError { return finish(.failure(fileError)) }
        }
        var connects = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
        var version = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
        var response = TransportResponse(status: status, headers: headers, body: body, bytesWrittenToFile: bytesWritten,
                                         appendedToFile: appending, newConnections: connects)
        response.bodyCut = prefixCut || rangeFull
        response.rangeRefused = rangeRefused
        response.httpVersion = Self.versionName(version)
        finish(.success(response))
    }

    /// Whether `url` is `https://` (case-insensitive scheme).
    static func isTLS(_ url: String) -> Bool {
        url.prefix(8).lowercased() == "https://"
    }

    /// `HTTP/1.0`, `HTTP/1.1`, `HTTP/2` or `HTTP/3` for a `CURLINFO_HTTP_VERSION` value; nil for 0 (none).
    static func versionName(_ value: Int) -> String? {
        switch value {
        case CURL_HTTP_VERSION_1_0: "HTTP/1.0"
        case CURL_HTTP_VERSION_1_1: "HTTP/1.1"
        case CURL_HTTP_VERSION_2_0: "HTTP/2"
        case CURL_HTTP_VERSION_3: "HTTP/3"
        default: nil
        }
    }

    private func responseStatus() -> Int {
        var code = 0
        _ = ccurl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    fileprivate func receiveHeader(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard var line = String(bytes: bytes, encoding: .utf8) ?? String(bytes: bytes, encoding: .isoLatin1) else { return }
        line = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (redirect, 100 Continue): keep only the final one
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        headers.append(HTTPHeader(name, value))
    }

    /// Returns the number of bytes consumed; anything else makes libcurl abort with CURLE_WRITE_ERROR.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        if isCancelled { return 0 }
        if !statusChecked {
            statusChecked = true
            let status = responseStatus()
            if isFileSink, (200..<300).contains(status) {
                bodyToFile = true
                guard prepareFile(status: status) else { return 0 }
            }
        }
        if bodyToFile {
            guard !bytes.isEmpty else { return 0 }
            if let remaining = rangeRemaining, Int64(bytes.count) >= remaining {
                // The range's last byte: keep up to it and stop the transfer (a 200 that goes on, or a
                // server sending more than asked, must not write over the next range).
                let kept = Int(remaining)
                if kept > 0, gather(UnsafeRawBufferPointer(rebasing: bytes[..<kept])) == 0 { return 0 }
                rangeRemaining = 0
                if Int64(bytes.count) == remaining { return bytes.count }
                rangeFull = true
                return 0
            }
            rangeRemaining = rangeRemaining.map { $0 - Int64(bytes.count) }
            return gather(bytes)
        }
        if isFileSink {
            // An error body: keep its first MiB for the message, drop the rest.
            let room = max(0, (1 << 20) - body.count)
            body.append(contentsOf: bytes.prefix(room))
            return bytes.count
        }
        if let limit = request.bodyPrefixBytes {
            // Keep the first `limit` bytes; past them, stop the transfer (never more than one
            // callback's piece beyond the prefix is ever seen, none of it kept).
            let room = max(0, limit - body.count)
            guard bytes.count > room else {
                body.append(contentsOf: bytes)
                return bytes.count
            }
            body.append(contentsOf: bytes.prefix(room))
            prefixCut = true
            return 0
        }
        if body.count + bytes.count > request.maxBodyBytes {
            tooLarge = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Adds body bytes to the 512 KiB gathering buffer (writing it out when full); returns the count
    /// consumed, 0 when the disk refused bytes.
    private func gather(_ bytes: UnsafeRawBufferPointer) -> Int {
        let buffer = pending ?? {
            let b = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.fileChunkBytes, alignment: 16)
            pending = b
            return b
        }()
        if pendingCount + bytes.count > buffer.count {
            guard flushPending() else { return 0 }
        }
        if bytes.count >= buffer.count {
            guard writeAll(bytes) else { return 0 }
        } else {
            UnsafeMutableRawBufferPointer(rebasing: buffer[pendingCount...]).copyMemory(from: bytes)
            pendingCount += bytes.count
        }
        bytesWritten += Int64(bytes.count)
        return bytes.count
    }

    /// Writes the gathered body bytes to the file; false (and `fileError` set) when the disk refuses them.
    private func flushPending() -> Bool {
        guard let pending, pendingCount > 0 else { return true }
        let ok = writeAll(UnsafeRawBufferPointer(rebasing: pending[..<pendingCount]))
        pendingCount = 0
        return ok
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard fileError == nil else { return false }
        var offset = 0
        while offset < bytes.count {
            let n: Int
            if case .fileRange(let target) = sink {
                // In place: other transfers write other ranges of the same file at the same time.
                n = pwrite(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset, off_t(writeOffset))
                if n > 0 {
                    writeOffset += Int64(n)
                    target.addWritten(Int64(n))
                }
            } else {
                n = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                fileError = .fileSystem(path: sinkPath, message: String(cString: strerror(errno)))
                return false
            }
            offset += n
        }
        return true
    }

    private var sinkIsMemory: Bool { sink == .memory }

    /// The body goes to a file (whole or one range).
    private var isFileSink: Bool {
        switch sink {
        case .memory: false
        case .file, .fileRange: true
        }
    }

    private var sinkPath: String {
        switch sink {
        case .file(let path): path
        case .fileRange(let target): target.path
        case .memory: ""
        }
    }

    /// Readies the pre-opened destination for a 2xx body: a `206` to a range request keeps exactly the
    /// bytes before the range and appends; anything else rewrites the file from the start.
    private func prepareFile(status: Int) -> Bool {
        fileReady = true
        guard let destination, fileDescriptor >= 0 else {
            fileError = .fileSystem(path: sinkPath, message: "the destination file is not open")
            return false
        }
        if case .fileRange(let target) = sink { return prepareRange(target, status: status) }
        let start = request.rangeStart ?? 0
        let keep: Int64 = (status == 206 && start > 0) ? start : 0
        if destination.initialSize != keep, ftruncate(fileDescriptor, off_t(keep)) != 0 {
            fileError = .fileSystem(path: destination.path, message: String(cString: strerror(errno)))
            return false
        }
        if keep > 0 {
            guard lseek(fileDescriptor, off_t(keep), SEEK_SET) >= 0 else {
                fileError = .fileSystem(path: destination.path, message: String(cString: strerror(errno)))
                return false
            }
            appending = true
        }
        return true
    }

    /// Range sink: decides whether the answer's body is the requested range (see
    /// ``ResponseSink/fileRange(_:)``) and where it goes. Never truncates: other ranges share the file.
    /// False stops the transfer (a refused range, ``rangeRefused``).
    private func prepareRange(_ target: FileRangeTarget, status: Int) -> Bool {
        target.reportHead(status: status, headers: headers)
        let start = request.rangeStart ?? 0
        let wanted = request.rangeEnd.map { $0 - start + 1 }
        writeOffset = target.offset
        if status == 206, let range = ContentRange(headerValue: headers.last { $0.name.caseInsensitiveCompare("Content-Range") == .orderedSame }?.value),
           range.first == start {
            rangeRemaining = wanted
            return true
        }
        if status == 200, start == 0 {
            // The whole body, from byte 0. A server that says it serves ranges gets its 200 cut where the
            // range ends (the rest is asked for as ranges); one that does not is kept whole.
            let acceptsRanges = headers.contains {
                $0.name.caseInsensitiveCompare("Accept-Ranges") == .orderedSame && $0.value.lowercased().contains("bytes")
            }
            rangeRemaining = acceptsRanges ? wanted : nil
            return true
        }
        bodyToFile = false
        rangeRefused = true
        return false
    }

    /// Whether any body byte was accepted for the file (read after the transfer finished).
    var receivedBody: Bool { bytesWritten > 0 }

    fileprivate func reportProgress(downloadTotal: Int64, downloadNow: Int64, uploadTotal: Int64, uploadNow: Int64) -> Int32 {
        if isCancelled { return 1 }
        guard let progress else { return 0 }
        let (now, total): (Int64, Int64)
        if case .multipart = request.body {
            (now, total) = (uploadNow, uploadTotal)
        } else {
            // Until the first body byte, whether a Range request is honoured (206) is unknown.
            guard statusChecked, bodyToFile || sinkIsMemory else { return 0 }
            let base = appending ? (request.rangeStart ?? 0) : 0
            (now, total) = (base + downloadNow, downloadTotal > 0 ? base + downloadTotal : 0)
        }
        if (now, total) != lastReported {
            lastReported = (now, total)
            progress(TransferProgress(completedBytes: now, totalBytes: total > 0 ? total : nil))
        }
        return 0
    }
}

private func curlWriteCallback(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard let ptr, length > 0 else { return length }
    return transfer.receiveBody(UnsafeRawBufferPointer(start: ptr, count: length))
}

private func curlHeaderCallback(_ ptr: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let userdata else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
    let length = size * count
    guard let ptr, length > 0 else { return length }
    ptr.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.receiveHeader(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}

private func curlProgressCallback(_ clientp: UnsafeMutableRawPointer?, _ dltotal: curl_off_t, _ dlnow: curl_off_t,
                                  _ ultotal: curl_off_t, _ ulnow: curl_off_t) -> Int32 {
    guard let clientp else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(clientp).takeUnretainedValue()
    return transfer.reportProgress(downloadTotal: Int64(dltotal), downloadNow: Int64(dlnow),
                                   uploadTotal: Int64(ultotal), uploadNow: Int64(ulnow))
}
