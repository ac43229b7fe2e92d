import Foundation
import Logging

/// The Comet REST v2 client (reference §2): typed async reads, writes, uploads and downloads
/// over libcurl (``CurlTransport``), with retries (``RetryPolicy``) and typed errors
/// (``CometAPIError``). Safe to share between tasks; calls may run in parallel.
///
/// Every request carries `Authorization: <raw API key>` (§1.2). The key is registered with
/// ``Redaction`` and never appears in errors or logs.
public final class CometClient: ArtifactReading, Sendable {
    /// The configuration this client talks to.
    public let configuration: CometConfiguration
    /// The transport (the libcurl one unless a test injected another).
    public let transport: any HTTPTransport
    public let retryPolicy: RetryPolicy
    private let logger: Logger

    /// Total time limit of a JSON call, in milliseconds (the SDK uses 10 s; a little slack here).
    public static let jsonTimeoutMilliseconds = 60_000

    /// - Parameters:
    ///   - configuration: where and how to connect (see ``CometConfiguration/resolve(flags:environment:currentDirectory:homeDirectory:readFile:isDirectory:)``).
    ///   - transport: nil for a new ``CurlTransport`` honouring the configuration's TLS settings.
    ///   - retryPolicy: how 5xx / 429 / connection failures are retried.
    public init(configuration: CometConfiguration, transport: (any HTTPTransport)? = nil,
                retryPolicy: RetryPolicy = .default, logger: Logger = Logger(label: "arty.api")) {
        self.configuration = configuration
        if let key = configuration.apiKey { Redaction.register(key) }
        self.transport = transport ?? CurlTransport(options: CurlTransportOptions(
            insecure: configuration.isInsecure, caBundlePath: configuration.caBundlePath))
        self.retryPolicy = retryPolicy
        self.logger = logger
    }

    // MARK: - Reads (ArtifactReading)

    public func accountDetails() async throws -> AccountDetails {
        try await getJSON("account-details", [], operation: "Reading account details")
    }

    public func workspaces() async throws -> [String] {
        struct Body: Decodable {
            var workspaceNames: [String]
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                workspaceNames = try c.decodeIfPresent([String].self, forKey: .workspaceNames) ?? []
            }
            enum CodingKeys: String, CodingKey { case workspaceNames }
        }
        let body: Body = try await getJSON("workspaces", [], operation: "Listing workspaces")
        return body.workspaceNames
    }

    public func artifacts(workspace: String, type: String?) async throws -> [Artifact] {
        struct Body: Decodable {
            var artifacts: [Artifact]
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                artifacts = try c.decodeIfPresent([Artifact].self, forKey: .artifacts) ?? []
            }
            enum CodingKeys: String, CodingKey { case artifacts }
        }
        let what = type.map { " of type '\($0)'" } ?? ""
        let body: Body = try await getJSON("artifacts/get-all", [.plain("workspace", workspace), .plain("type", type)],
                                           operation: "Listing artifacts\(what) of workspace '\(workspace)'")
        return body.artifacts.map { var a = $0; if a.workspace == nil { a.workspace = workspace }; return a }
    }

    public func artifactDetails(workspace: String, name: String) async throws -> ArtifactDetails {
        var details: ArtifactDetails = try await getJSON(
            "artifacts/get", [.plain("workspace", workspace), .artifactName(name)],
            operation: "Reading artifact '\(workspace)/\(name)'")
        if details.artifact.workspace == nil { details.artifact.workspace = workspace }
        return details
    }

    /// `GET artifacts/get?artifact_id=` (snake_case, §2.4): an artifact and its versions by id.
    public func artifactDetails(artifactId: String) async throws -> ArtifactDetails {
        try await getJSON("artifacts/get", [.plain("artifact_id", artifactId)],
                          operation: "Reading artifact \(artifactId)")
    }

    public func artifactVersion(workspace: String, name: String, selector: VersionSelector) async throws -> ArtifactVersion {
        var items: [QueryItem] = [.plain("workspace", workspace), .artifactName(name)]
        items.append(Self.selectorItem(selector))
        var version: ArtifactVersion = try await getJSON(
            "artifacts/version", items, operation: "Reading version '\(workspace)/\(name):\(selector)'")
        if version.artifact != nil, version.artifact?.workspace == nil { version.artifact?.workspace = workspace }
        return version
    }

    /// `GET artifacts/version?artifactId=&versionId=` (§2.5): works for OPEN versions too.
    public func artifactVersion(artifactId: String, versionId: String) async throws -> ArtifactVersion {
        try await getJSON("artifacts/version", [.plain("artifactId", artifactId), .plain("versionId", versionId)],
                          operation: "Reading artifact version \(versionId)")
    }

    /// Lists by `version` or `alias` (§2.6). A ``VersionSelector/versionOrAlias(_:)`` is sent as a
    /// version when it is strict semver, else as an alias; a ``VersionSelector/versionId(_:)`` is
    /// first resolved to its version string.
    public func assets(workspace: String, name: String, selector: VersionSelector) async throws -> [Asset] {
        struct Body: Decodable {
            var files: [Asset]
            init(from decoder: any Decoder) throws {
                let c = try decoder.container(keyedBy: CodingKeys.self)
                files = try c.decodeIfPresent([Asset].self, forKey: .files) ?? []
            }
            enum CodingKeys: String, CodingKey { case files }
        }
        let selectorItem: QueryItem
        switch selector {
        case .version(let v): selectorItem = .plain("version", v)
        case .alias(let a): selectorItem = .plain("alias", a)
        case .versionOrAlias(let s): selectorItem = SemanticVersion(s) != nil ? .plain("version", s) : .plain("alias", s)
        case .versionId:
            let resolved = try await artifactVersion(workspace: workspace, name: name, selector: selector)
            selectorItem = .plain("version", resolved.version)
        }
        let operation = "Listing assets of '\(workspace)/\(name):\(selector)'"
        let response = try await getResponse("artifacts/version/files",
                                             [.plain("workspace", workspace), .artifactName(name), selectorItem], operation: operation)
        // A big version's list is decoded in batches, its repeated ids sharing one string; a document
        // the batch scanner does not follow, or a bad element, is decoded whole for the usual error.
        var interner = StringInterner()
        if let files = try? BatchedArrayDecoding.decode(Asset.self, ofArrayAt: "files", in: response.body, transform: { asset in
            asset.artifactId = interner.intern(asset.artifactId)
            asset.artifactVersionId = interner.intern(asset.artifactVersionId)
            asset.type = interner.intern(asset.type)
        }) {
            return files
        }
        return try Self.decode(Body.self, from: response, operation: operation).files
    }

    static func selectorItem(_ selector: VersionSelector) -> QueryItem {
        switch selector {
        case .version(let v): .plain("version", v)
        case .alias(let a): .plain("alias", a)
        case .versionOrAlias(let s): .plain("versionOrAlias", s)
        case .versionId(let id): .plain("versionId", id)
        }
    }

    // MARK: - Downloads

    /// `GET experiment/asset/get-asset` (§2.7): streams one asset's bytes to `path`, chunk by chunk.
    ///
    /// With `resumeFrom` > 0 sends `Range: bytes=N-`; a `206` answer keeps the file's first N bytes
    /// and appends, a `200` rewrites the file. The file is untouched by an error answer.
    /// - Parameters:
    ///   - progress: called on the transport thread with bytes on disk so far and the expected total.
    /// - Returns: bytes written by this call and whether it appended to existing bytes.
    /// - Throws: ``CometAPIError`` (`.http` for an error answer, `.fileSystem`, `.cancelled`, ...).
    public func downloadAsset(assetId: String, artifactVersionId: String?, experimentKey: String = "",
                              to path: String, resumeFrom: Int64 = 0,
                              progress: ProgressHandler? = nil) async throws -> DownloadOutcome {
        let query: [QueryItem] = [.plain("assetId", assetId), .plain("allow301", "False"),
                                  .plain("experimentKey", experimentKey), .plain("artifactVersionId", artifactVersionId)]
        var request = makeRequest(.get, url: url("experiment/asset/get-asset", query))
        request.rangeStart = resumeFrom > 0 ? resumeFrom : nil
        request.acceptCompressed = false  // byte ranges and sizes refer to the stored bytes
        let response = try await perform(request, operation: "Downloading asset \(assetId)", sink: .file(path: path),
                                         progress: progress, idempotent: true)
        return DownloadOutcome(bytesWritten: response.bytesWrittenToFile, resumed: response.appendedToFile,
                               fileSize: (response.appendedToFile ? resumeFrom : 0) + response.bytesWrittenToFile)
    }

    /// `GET experiment/asset/get-asset` (§2.7) for bytes `range` of one asset, written in place into
    /// the existing file `target.path` at `target.offset` (``ResponseSink/fileRange(_:)``): one segment
    /// of a segmented download (issue 12). Several may run at once on one file.
    ///
    /// An error answer (5xx, 429) is retried as usual; a broken connection is not (the caller resumes
    /// the range from ``FileRangeTarget/bytesWritten``, which counts what reached the file even when
    /// this throws).
    /// - Returns: the answer's status (`206`, or `200` when the server sent the whole body, written
    ///   from byte 0 only when `range` starts there), headers, bytes written, and whether the range was
    ///   refused (``TransportResponse/rangeRefused``: nothing written).
    /// - Throws: ``CometAPIError`` (`.http` for an error answer, `.transport`, `.fileSystem`, `.cancelled`).
    public func downloadAssetRange(assetId: String, artifactVersionId: String?, experimentKey: String = "",
                                   range: ClosedRange<Int64>, into target: FileRangeTarget,
                                   progress: ProgressHandler? = nil) async throws -> RangeDownloadOutcome {
        let query: [QueryItem] = [.plain("assetId", assetId), .plain("allow301", "False"),
                                  .plain("experimentKey", experimentKey), .plain("artifactVersionId", artifactVersionId)]
        var request = makeRequest(.get, url: url("experiment/asset/get-asset", query))
        request.rangeStart = range.lowerBound
        request.rangeEnd = range.upperBound
        request.acceptCompressed = false  // byte ranges refer to the stored bytes
        let response = try await perform(request, operation: "Downloading asset \(assetId)", sink: .fileRange(target),
                                         progress: progress, idempotent: false)
        return RangeDownloadOutcome(status: response.status, headers: response.headers,
                                    bytesWritten: response.bytesWrittenToFile, refused: response.rangeRefused)
    }

    // MARK: - Writes

    /// `POST write/artifacts/upsert` (§2.9): creates a new OPEN version (and the artifact if needed).
    /// - Throws: ``CometAPIError``; `sdkErrorCode` 90399 when the version already exists.
    public func upsertArtifactVersion(_ upsert: ArtifactVersionUpsert) async throws -> ArtifactVersionUpsertResult {
        try await postJSON("write/artifacts/upsert", upsert.jsonBody,
                           operation: "Creating a version of artifact '\(upsert.artifactName)'")
    }

    /// `POST write/artifacts/state` (§2.10): marks a version CLOSED (complete) or ERROR.
    public func setVersionState(artifactVersionId: String, experimentKey: String?, state: ArtifactVersionState) async throws {
        let body: JSONValue = .object(["artifactVersionId": .string(artifactVersionId),
                                       "experimentKey": experimentKey.map(JSONValue.string) ?? .null,
                                       "state": .string(state.rawValue)])
        _ = try await postRaw("write/artifacts/state", body, contentType: "application/json",
                              operation: "Setting version \(artifactVersionId) to \(state)")
    }

    /// `POST write/artifacts/version/labels` (§2.11). A non-nil list **replaces** the whole set;
    /// nil leaves it unchanged. Metadata is sent as a JSON string.
    public func updateVersionLabels(artifactVersionId: String, aliases: [String]? = nil, versionTags: [String]? = nil,
                                    metadata: JSONValue? = nil) async throws {
        let body: JSONValue = .object([
            "alias": aliases.map { .array($0.map(JSONValue.string)) } ?? .null,
            "artifactVersionId": .string(artifactVersionId),
            "versionMetadata": ArtifactVersionUpsert.metadataString(metadata).map(JSONValue.string) ?? .null,
            "versionTags": versionTags.map { .array($0.map(JSONValue.string)) } ?? .null,
        ])
        _ = try await postRaw("write/artifacts/version/labels", body, operation: "Updating labels of version \(artifactVersionId)",
                              idempotent: true)
    }

    /// `POST write/artifacts/details` (§2.12): replaces the artifact tags and/or changes its type.
    public func updateArtifactDetails(artifactId: String, tags: [String]? = nil, type: String? = nil) async throws {
        let body: JSONValue = .object([
            "artifactId": .string(artifactId),
            "artifactType": type.map(JSONValue.string) ?? .null,
            "versionMetadata": .null, "version": .null,
            "tags": tags.map { .array($0.map(JSONValue.string)) } ?? .null,
        ])
        _ = try await postRaw("write/artifacts/details", body, operation: "Updating artifact \(artifactId)", idempotent: true)
    }

    /// `POST write/experiment/create` (§2.14): a new experiment, whose key an upsert can carry.
    public func createExperiment(workspace: String, project: String, name: String? = nil) async throws -> ExperimentInfo {
        let body: JSONValue = .object(["workspaceName": .string(workspace), "projectName": .string(project),
                                       "experimentName": name.map(JSONValue.string) ?? .null])
        return try await postJSON("write/experiment/create", body,
                                  operation: "Creating an experiment in '\(workspace)/\(project)'")
    }

    // MARK: - Uploads (§2.13 d)

    /// Uploads a local file into an OPEN version: `POST write/experiment/upload-asset` with a
    /// multipart `file` part streamed from disk (never loaded into memory) and `metadata`.
    /// - Parameters:
    ///   - logicalPath: the asset's path inside the version (`data/train.csv`), sent as `fileName`.
    ///   - progress: upload progress (bytes sent of the multipart body).
    public func uploadAsset(fileAt path: String, logicalPath: String, artifactVersionId: String, experimentKey: String?,
                            metadata: JSONValue? = nil, overwrite: Bool = false,
                            progress: ProgressHandler? = nil) async throws {
        let ext = (logicalPath as NSString).pathExtension
        let query: [QueryItem] = [.plain("experimentKey", experimentKey), .plain("fileName", logicalPath),
                                  .plain("overwrite", overwrite ? "true" : "false"),
                                  .plain("extension", ext.isEmpty ? nil : ext), .plain("artifactVersionId", artifactVersionId)]
        var parts = [MultipartPart(name: "file", content: .file(path: path), fileName: "file")]
        if let meta = ArtifactVersionUpsert.metadataString(metadata) { parts.append(.field("metadata", meta)) }
        var request = makeRequest(.post, url: url("write/experiment/upload-asset", query))
        request.body = .multipart(parts)
        _ = try await perform(request, operation: "Uploading '\(logicalPath)'", sink: .memory, progress: progress,
                              idempotent: false)
    }

    /// Adds a remote asset (a link, never uploaded as bytes) to an OPEN version:
    /// `POST write/experiment/upload-asset?isRemote=true` with a multipart `link` field (§2.13 c/d).
    public func uploadRemoteAsset(link: String, logicalPath: String, artifactVersionId: String, experimentKey: String?,
                                  metadata: JSONValue? = nil, overwrite: Bool = false) async throws {
        let query: [QueryItem] = [.plain("experimentKey", experimentKey), .plain("fileName", logicalPath),
                                  .plain("overwrite", overwrite ? "true" : "false"), .plain("isRemote", "true"),
                                  .plain("artifactVersionId", artifactVersionId)]
        var parts = [MultipartPart.field("link", link)]
        if let meta = ArtifactVersionUpsert.metadataString(metadata) { parts.append(.field("metadata", meta)) }
        var request = makeRequest(.post, url: url("write/experiment/upload-asset", query))
        request.body = .multipart(parts)
        _ = try await perform(request, operation: "Adding remote asset '\(logicalPath)'", sink: .memory, progress: nil,
                              idempotent: false)
    }

    // MARK: - Plumbing

    /// The REST v2 URL of `path` with `query`.
    func url(_ path: String, _ query: [QueryItem]) -> String {
        let q = QueryItem.render(query)
        return configuration.restRoot + path + (q.isEmpty ? "" : "?" + q)
    }

    func makeRequest(_ method: TransportRequest.Method, url: String) -> TransportRequest {
        var headers = [HTTPHeader("Accept", "application/json")]
        if let key = configuration.apiKey { headers.append(HTTPHeader("Authorization", key)) }
        return TransportRequest(method: method, url: url, headers: headers)
    }

    private func getJSON<T: Decodable>(_ path: String, _ query: [QueryItem], operation: String) async throws -> T {
        try Self.decode(T.self, from: try await getResponse(path, query, operation: operation), operation: operation)
    }

    /// A JSON `GET`'s whole answer, undecoded.
    private func getResponse(_ path: String, _ query: [QueryItem], operation: String) async throws -> TransportResponse {
        var request = makeRequest(.get, url: url(path, query))
        request.totalTimeoutMilliseconds = Self.jsonTimeoutMilliseconds
        return try await perform(request, operation: operation, sink: .memory, progress: nil, idempotent: true)
    }

    private func postJSON<T: Decodable>(_ path: String, _ body: JSONValue, operation: String) async throws -> T {
        let response = try await postRaw(path, body, operation: operation)
        return try Self.decode(T.self, from: response, operation: operation)
    }

    /// - Parameter idempotent: true for writes that replace a whole state (labels, artifact
    ///   details, version state): sending them twice does no harm, so a lost answer (a dropped
    ///   connection, a timeout) is retried like a read's.
    private func postRaw(_ path: String, _ body: JSONValue, contentType: String = "application/json;charset=utf-8",
                         operation: String, idempotent: Bool = false) async throws -> TransportResponse {
        var request = makeRequest(.post, url: url(path, []))
        request.body = .data(Data(body.compactJSON.utf8), contentType: contentType)
        request.totalTimeoutMilliseconds = Self.jsonTimeoutMilliseconds
        return try await perform(request, operation: operation, sink: .memory, progress: nil, idempotent: idempotent)
    }

    /// Decodes a JSON answer; any `application/json` variant (with or without charset) and bodies
    /// without a Content-Type are accepted.
    static func decode<T: Decodable>(_ type: T.Type, from response: TransportResponse, operation: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            let contentType = response.header("Content-Type") ?? "none"
            let detail: String = switch error {
            case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
            case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
                "unexpected value at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'"
            default: "not JSON"
            }
            throw CometAPIError.decoding(operation: operation, detail: "\(detail); Content-Type \(contentType), \(response.body.count) bytes")
        }
    }

    /// Sends with retries: 5xx and 429 always (honouring `Retry-After` / `Retry-After-Custom`),
    /// connection failures only when `idempotent`; never 4xx.
    func perform(_ request: TransportRequest, operation: String, sink: ResponseSink, progress: ProgressHandler?,
                 idempotent: Bool) async throws -> TransportResponse {
        var attempt = 1
        let started = monotonicMilliseconds()
        while true {
            var failure: CometAPIError
            var retryAfter: String?
            do {
                let response = try await transport.send(request, sink: sink, progress: progress)
                logger.debug("\(request.method.rawValue) \(Redaction.redact(request.url)) -> \(response.status)")
                if response.isSuccess { return response }
                failure = CometAPIError.fromResponse(response, operation: operation)
                retryAfter = response.header("Retry-After") ?? response.header("Retry-After-Custom")
                // A download's scheduler slows down on 429/503 (``TransferConcurrency``).
                ThrottleSignals.current?.report(status: response.status, retryAfter: retryAfter)
            } catch let error as HTTPTransportError {
                failure = CometAPIError.fromTransport(error, operation: operation)
                if case .transport = failure, !idempotent { throw failure }
            } catch is CancellationError {
                throw CometAPIError.cancelled(operation: operation)
            }
            guard failure.isRetryable, attempt < retryPolicy.maxAttempts else {
                if attempt > 1 { failure = failure.afterAttempts(attempt, elapsedMilliseconds: monotonicMilliseconds() - started) }
                throw failure
            }
            let delay = retryPolicy.delayMilliseconds(afterAttempt: attempt, retryAfter: retryAfter)
            logger.debug("\(Redaction.redact(failure.userMessage)) Retrying in \(delay) ms (attempt \(attempt + 1) of \(retryPolicy.maxAttempts)).")
            do {
                try await Task.sleep(for: .milliseconds(delay))
            } catch {
                throw CometAPIError.cancelled(operation: operation)
            }
            attempt += 1
        }
    }
}

/// What ``CometClient/downloadAsset(assetId:artifactVersionId:experimentKey:to:resumeFrom:progress:)`` did.
public struct DownloadOutcome: Sendable, Hashable {
    /// Bytes written by this call.
    public var bytesWritten: Int64
    /// True when the server honoured the Range request and the bytes were appended.
    public var resumed: Bool
    /// The file's size afterwards, in bytes.
    public var fileSize: Int64

    public init(bytesWritten: Int64, resumed: Bool, fileSize: Int64) {
        self.bytesWritten = bytesWritten
        self.resumed = resumed
        self.fileSize = fileSize
    }
}

/// What ``CometClient/downloadAssetRange(assetId:artifactVersionId:experimentKey:range:into:progress:)`` did.
public struct RangeDownloadOutcome: Sendable, Hashable {
    /// `206`, or `200` when the server ignored `Range`.
    public var status: Int
    public var headers: [HTTPHeader]
    /// Bytes written by this call from the target's offset on.
    public var bytesWritten: Int64
    /// The answer's body did not start at the range's first byte: nothing was written.
    public var refused: Bool

    public init(status: Int, headers: [HTTPHeader] = [], bytesWritten: Int64, refused: Bool = false) {
        self.status = status
        self.headers = headers
        self.bytesWritten = bytesWritten
        self.refused = refused
    }
}

/// The body of `write/artifacts/upsert` (§2.9).
public struct ArtifactVersionUpsert: Sendable, Hashable {
    public var artifactName: String
    /// The artifact type; the SDK's default is `data`.
    public var artifactType: String
    /// The experiment creating the version (Comet records it as the version's source).
    public var experimentKey: String?
    /// The workspace (Java SDK field; the SDK otherwise uses the experiment's workspace).
    public var workspace: String?
    /// The project (Java SDK field).
    public var project: String?
    /// The new version; nil lets the server pick (`1.0.0`, then the next major).
    public var version: String?
    public var aliases: [String]
    public var versionTags: [String]
    /// Version metadata, sent as a compact JSON string (`null` when empty).
    public var metadata: JSONValue?

    public init(artifactName: String, artifactType: String = "data", experimentKey: String? = nil,
                workspace: String? = nil, project: String? = nil, version: String? = nil, aliases: [String] = [],
                versionTags: [String] = [], metadata: JSONValue? = nil) {
        self.artifactName = artifactName
        self.artifactType = artifactType
        self.experimentKey = experimentKey
        self.workspace = workspace
        self.project = project
        self.version = version
        self.aliases = aliases
        self.versionTags = versionTags
        self.metadata = metadata
    }

    /// Metadata as Comet sends it: compact JSON with sorted keys; nil for none or an empty object (§1.6).
    public static func metadataString(_ metadata: JSONValue?) -> String? {
        switch metadata {
        case nil, .null?: nil
        case .object(let o)? where o.isEmpty: nil
        case let m?: m.compactJSON
        }
    }

    /// The JSON body, with nulls written out like the SDK.
    public var jsonBody: JSONValue {
        var o: [String: JSONValue] = [
            "artifactName": .string(artifactName), "artifactType": .string(artifactType),
            "experimentKey": experimentKey.map(JSONValue.string) ?? .null,
            "versionMetadata": Self.metadataString(metadata).map(JSONValue.string) ?? .null,
            "version": version.map(JSONValue.string) ?? .null,
            "alias": .array(aliases.map(JSONValue.string)), "versionTags": .array(versionTags.map(JSONValue.string)),
        ]
        if let workspace { o["workspaceName"] = .string(workspace) }
        if let project { o["projectName"] = .string(project) }
        return .object(o)
    }
}

/// The answer to an upsert (§2.9).
public struct ArtifactVersionUpsertResult: Sendable, Hashable, Decodable {
    public var artifactId: String
    public var artifactVersionId: String
    /// The version created.
    public var currentVersion: String
    /// The highest version before, nil for the first.
    public var previousVersion: String?

    public init(artifactId: String, artifactVersionId: String, currentVersion: String, previousVersion: String?) {
        self.artifactId = artifactId
        self.artifactVersionId = artifactVersionId
        self.currentVersion = currentVersion
        self.previousVersion = previousVersion
    }
}

/// A created experiment (`write/experiment/create`, §2.14).
public struct ExperimentInfo: Sendable, Hashable, Decodable {
    public var experimentKey: String
    public var workspaceName: String?
    public var projectName: String?
    public var link: String?

    public init(experimentKey: String, workspaceName: String? = nil, projectName: String? = nil, link: String? = nil) {
        self.experimentKey = experimentKey
        self.workspaceName = workspaceName
        self.projectName = projectName
        self.link = link
    }
}
