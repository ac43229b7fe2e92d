import Foundation

/// Every failure of the Comet API client, with what was being done (`operation`).
///
/// Descriptions and ``userMessage`` never contain the API key (see ``Redaction``).
public enum CometAPIError: Error, Sendable, Hashable, LocalizedError, CustomStringConvertible {
    /// The server answered with a non-success status. `sdkErrorCode` and `message` come from
    /// Comet's error body `{"msg", "code", "sdk_error_code"}` (reference §3) when present.
    case http(status: Int, sdkErrorCode: Int?, message: String?, operation: String)
    /// No usable HTTP answer: libcurl's `CURLcode` (7 could not connect, 28 timeout, 35/60 TLS, ...).
    case transport(code: Int32, message: String, operation: String)
    /// The answer was not the JSON expected.
    case decoding(operation: String, detail: String)
    /// A local file could not be read or written.
    case fileSystem(path: String, detail: String, operation: String)
    /// The task was cancelled and the transfer aborted.
    case cancelled(operation: String)
    /// Bad settings or arguments (URL, API key missing, invalid reference), found before any request.
    case configuration(String)

    // MARK: Comet's error codes (reference §3)

    /// No artifact found (Java SDK's mapping).
    public static let artifactNotFoundCode = 624522
    /// No artifact version found (Python maps it to `ArtifactNotFound`).
    public static let artifactVersionNotFoundCode = 624523
    /// The version string already exists.
    public static let versionExistsCode = 90399
    /// The version is not closed (still OPEN).
    public static let versionNotClosedCode = 90402
    /// The version is not closed: an upload failed (ERROR).
    public static let versionErrorCode = 90403

    /// The HTTP status, for ``http(status:sdkErrorCode:message:operation:)``.
    public var status: Int? {
        if case .http(let status, _, _, _) = self { return status }
        return nil
    }

    /// Comet's `sdk_error_code`, when the server sent one.
    public var sdkErrorCode: Int? {
        if case .http(_, let code, _, _) = self { return code }
        return nil
    }

    /// The operation that failed (`Listing artifacts of workspace 'ws'`).
    public var operation: String {
        switch self {
        case .http(_, _, _, let op), .transport(_, _, let op), .decoding(let op, _), .fileSystem(_, _, let op),
             .cancelled(let op): op
        case .configuration: "Configuration"
        }
    }

    /// 404, or Comet's "no artifact (version) found" codes 624522 / 624523.
    public var isNotFound: Bool {
        guard case .http(let status, let code, _, _) = self else { return false }
        return status == 404 || code == Self.artifactNotFoundCode || code == Self.artifactVersionNotFoundCode
    }

    /// 90402 / 90403: the version exists but is not CLOSED (reference §4.2).
    public var isNotFinal: Bool {
        sdkErrorCode == Self.versionNotClosedCode || sdkErrorCode == Self.versionErrorCode
    }

    /// 401 or 403: the API key is missing, wrong, or lacks access.
    public var isUnauthorized: Bool { status == 401 || status == 403 }

    /// Whether trying again may help: 5xx, 429, and connection-level failures.
    public var isRetryable: Bool {
        switch self {
        case .http(let status, _, _, _): RetryPolicy.isRetryable(status: status)
        case .transport(let code, _, _): RetryPolicy.isRetryable(curlCode: code)
        default: false
        }
    }

    /// True for operations that involve no workspace content (`Listing workspaces`, `Reading account
    /// details`): a 404 there means a wrong server URL, not a missing artifact.
    static func isServerLevel(_ operation: String) -> Bool {
        operation == "Listing workspaces" || operation == "Reading account details"
    }

    /// True when curl's TLS error text shows the peer answered in plain text (OpenSSL's
    /// `wrong version number`, `packet length too long`, `record layer failure`).
    static func isPlainHTTPAnswer(_ message: String) -> Bool {
        let text = message.lowercased()
        return ["wrong version number", "packet length too long", "record layer failure", "http request"].contains { text.contains($0) }
    }

    /// This error after `attempts` tries over `elapsedMilliseconds`: for a transport failure, curl's
    /// per-attempt timing (`after 0 ms`) is replaced by the real count and time
    /// (`… (4 attempts over 3.8 s)`); other errors are returned unchanged. Pure.
    public func afterAttempts(_ attempts: Int, elapsedMilliseconds: Int64) -> CometAPIError {
        guard case .transport(let code, let message, let operation) = self else { return self }
        let trimmed = message.replacing(/\s+after \d+ ms/, with: "")
        let seconds = String(format: "%.1f", Double(elapsedMilliseconds) / 1000)
        return .transport(code: code, message: "\(trimmed) (\(attempts) attempts over \(seconds) s)", operation: operation)
    }

    /// One line for a person: what failed, why, and (when useful) what to do.
    /// `Listing artifacts of workspace 'ws' failed: HTTP 404, Comet error 624523: no version found.`
    public var userMessage: String {
        let text: String
        switch self {
        case .http(let status, let code, let message, let operation):
            var why = "HTTP \(status)"
            if let code, code != 0, code != status { why += ", Comet error \(code)" }
            if let message, !message.isEmpty { why += ": \(message)" }
            var hint = ""
            if status == 401 || status == 403 {
                hint = " Check the API key (--api-key, COMET_API_KEY or api_key in .comet.config)."
            } else if code == Self.versionNotClosedCode {
                hint = " The version is still OPEN (assets are being uploaded)."
            } else if code == Self.versionErrorCode {
                hint = " The version is in ERROR state (an asset upload failed)."
            } else if status == 404, Self.isServerLevel(operation) {
                // No artifact is involved: a 404 here means the URL does not lead to Comet's REST API.
                hint = " Check that COMET_URL_OVERRIDE (or --url-override) points at a Comet server (…/clientlib/)."
            } else if code == Self.artifactNotFoundCode || code == Self.artifactVersionNotFoundCode || status == 404 {
                hint = " Check the workspace, artifact name and version."
            } else if status == 429 {
                hint = " The server is throttling requests; try again later."
            }
            text = "\(operation) failed: \(why).\(hint)"
        case .transport(let code, let message, let operation):
            let hint: String = switch code {
            case 6: " Check the Comet URL (--url-override or COMET_URL_OVERRIDE)."
            case 7: " Is the server running and the URL (--url-override or COMET_URL_OVERRIDE) right?"
            case 28: " The server did not answer in time."
            case 35 where Self.isPlainHTTPAnswer(message):
                " The server does not speak TLS: check the URL scheme (http:// rather than https://?)."
            case 35: " The TLS handshake failed: check the URL scheme (http:// or https://) and port."
            case 51, 58, 60, 77, 83, 90, 91:
                " TLS verification failed: trust the server's CA with COMET_INCLUDE_CUSTOM_CA_BUNDLE=CA.pem, "
                    + "or, for a trusted server with a self-signed certificate, use --insecure."
            default: ""
            }
            text = "\(operation) failed: \(message) (curl error \(code)).\(hint)"
        case .decoding(let operation, let detail):
            text = "\(operation) failed: the server's answer was not understood (\(detail))."
        case .fileSystem(let path, let detail, let operation):
            text = "\(operation) failed: '\(path)': \(detail)."
        case .cancelled(let operation):
            text = "\(operation) was cancelled."
        case .configuration(let message):
            text = message
        }
        return Redaction.redact(text)
    }

    public var description: String { userMessage }
    public var errorDescription: String? { userMessage }

    // MARK: building errors from responses

    /// Comet's error body `{"msg": ..., "code": ..., "sdk_error_code": ...}` (reference §3), tolerant of
    /// numbers sent as strings, `message`/`error` instead of `msg`, and bodies that are not JSON.
    public static func parseErrorBody(_ body: Data) -> (sdkErrorCode: Int?, message: String?) {
        guard !body.isEmpty else { return (nil, nil) }
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: body), case .object = json else {
            let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            // HTML error pages and the like say little: keep only short plain text.
            return (nil, text.isEmpty || text.hasPrefix("<") ? nil : text)
        }
        func int(_ v: JSONValue?) -> Int? {
            switch v {
            case .number(let n)?: Int(exactly: n.rounded()) ?? nil
            case .string(let s)?: Int(s)
            default: nil
            }
        }
        let code = int(json["sdk_error_code"]) ?? int(json["sdkErrorCode"])
        let message = json["msg"]?.stringValue ?? json["message"]?.stringValue ?? json["error"]?.stringValue
        return (code, message)
    }

    /// The error for a non-success HTTP response.
    public static func fromResponse(_ response: TransportResponse, operation: String) -> CometAPIError {
        let (code, message) = parseErrorBody(response.body)
        return .http(status: response.status, sdkErrorCode: code, message: message.map(Redaction.redact), operation: operation)
    }

    /// The error for a transport failure.
    public static func fromTransport(_ error: HTTPTransportError, operation: String) -> CometAPIError {
        switch error {
        case .cancelled: .cancelled(operation: operation)
        case .curl(let code, let message): .transport(code: code, message: Redaction.redact(message), operation: operation)
        case .fileSystem(let path, let message): .fileSystem(path: path, detail: message, operation: operation)
        }
    }
}
