import CompressNIO
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The registry's HTTP front: routes every request of the Comet protocol to ``RegistryStore`` and
/// ``BlobStore`` (reference §2, §5.4 (a) and (b)).
///
/// Wire rules kept here (reference §1.6): JSON answers carry exactly `Content-Type: application/json`;
/// GETs answer exactly 200; errors use Comet's body `{"msg","code","sdk_error_code"}`; request bodies
/// may be gzip-compressed; `artifactName` is double-decoded; booleans are parsed Python-style.
/// Every request but `GET /health` needs a registered API key in `Authorization`; an unknown route is
/// a 404, except the SDK's unmodelled experiment calls (``acceptedExperimentCalls``, `docs/registry.md`).
public struct RegistryResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let store: RegistryStore
    let blobs: BlobStore
    let logger: Logger
    /// Whether arty's extensions are served (`contentSha256` in file listings, `labels/delta`,
    /// `copy-asset`; docs/wire.md). Off, the registry answers like a plain Comet server, which is how
    /// tests exercise the client's fallbacks.
    let extensions: Bool
    /// Largest JSON request body accepted, in bytes (after decompression).
    static let maxJSONBody = 64 * 1024 * 1024
    /// Largest multipart field kept in memory (`metadata`, `link`), in bytes.
    static let maxFieldBytes = 1024 * 1024

    /// Where the content of the multipart part being read goes.
    enum PartSink {
        case file(TemporaryFile)
        case field(String, [UInt8])
        case ignore
    }

    /// A responder over an opened store and blob store (``LocalRegistry/start(_:)`` builds one;
    /// tests can mount it in a Hummingbird `Application` directly).
    public init(store: RegistryStore, blobs: BlobStore, logger: Logger = Logger(label: "arty.registry"), extensions: Bool = true) {
        self.store = store
        self.blobs = blobs
        self.logger = logger
        self.extensions = extensions
    }

    /// Answers one request. Never throws: every failure becomes Comet's error body
    /// (``RegistryError``), unexpected ones a 500 with the same shape.
    public func respond(to request: Request, context: Context) async throws -> Response {
        do {
            return try await route(request, context: context)
        } catch let error as RegistryError {
            return Self.json(error.body, status: error.status)
        } catch {
            logger.error("request failed: \(String(describing: error))")
            return Self.json(RegistryError(status: 500, message: "Internal error").body, status: 500)
        }
    }

    // MARK: Routing

    func route(_ request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let method = request.method
        let query = QueryParameters(query: request.uri.query)

        if method == .get, path == Self.healthPath {
            try await drain(request)
            return health()
        }
        guard let user = try authenticate(request) else {
            try await drain(request)
            throw RegistryError.unauthorized
        }
        RequestUserSlot.current?.set(user.name)

        switch (method, path) {
        case (.get, "/clientlib/isAlive/ver"):
            return Self.json(.object([("version", .string(WireEncoding.backendVersion))]))
        case (.get, "/clientlib/health/ping"):
            return Self.json(.object([("msg", .string("pong"))]))
        case (.post, "/clientlib/logger/add/run"):
            return try await handshake(request, user: user)
        case (.post, "/clientlib/status-report/update"):
            // The last report of a run says `is_alive: false`: that is the experiment's end time.
            let report = (try? await jsonBody(request)) ?? [:]
            if report["is_alive"] as? Bool == false, let key = Self.string(report, "experimentKey") {
                try store.endExperiment(key: key, userId: user.id)
            }
            return Self.json(.object([
                ("is_alive_beat_duration_millis", .int(60_000)), ("gpu_monitor_interval_millis", .int(60_000)),
                ("cpu_monitor_interval_millis", .int(60_000)), ("parameter_update_interval_millis", .int(60_000)),
                ("pending_rpcs", .bool(false)),
            ]))
        case (.post, "/clientlib/asset/upload"), (.post, "/api/rest/v2/write/experiment/upload-asset"):
            return try await uploadAsset(request, query: query, user: user)
        case (.post, "/clientlib/rest/v2/write/artifact/assets/remote/batch"):
            return try await remoteBatch(request, user: user)
        case (.get, "/api/rest/v2/workspaces"):
            return Self.json(.object([("workspaceNames", .strings(try store.workspaceNames(userId: user.id)))]))
        case (.get, "/api/rest/v2/account-details"):
            return Self.json(.object([("userName", .string(user.name)), ("defaultWorkspaceName", .string(user.name))]))
        case (.get, "/api/rest/v2/artifacts/get-all"):
            return try artifactList(query, user: user)
        case (.get, "/api/rest/v2/artifacts/get"):
            return try artifactDetails(query, user: user)
        case (.get, "/api/rest/v2/artifacts/version"):
            return try artifactVersion(query, user: user)
        case (.get, "/api/rest/v2/artifacts/version/files"):
            return try versionFiles(query, user: user)
        case (.get, "/api/rest/v2/experiment/asset/get-asset"):
            return try await getAsset(request, query: query, user: user, context: context)
        case (.get, "/api/rest/v2/get/artifacts"):
            return try lineage(query, user: user)
        case (.get, "/api/rest/v2/experiment/metadata"):
            return try experimentMetadata(query, user: user)
        case (.get, "/api/rest/v2/projects"):
            return try projects(query, user: user)
        case (.get, "/api/rest/v2/experiments"):
            return try experiments(query, user: user)
        case (.get, "/api/rest/v2/experiment/asset/list"):
            return try experimentAssets(query, user: user)
        case (.get, "/api/rest/v2/registry-model"):
            return try registryModels(query, user: user)
        case (.get, "/api/rest/v2/write/experiment/set-status"), (.post, "/api/rest/v2/write/experiment/set-status"):
            try await drain(request)
            return setStatus()
        case (.post, "/api/rest/v2/write/experiment/log-other"):
            return try await logOther(request, user: user)
        case (.post, "/api/rest/v2/write/experiment/set-start-end-time"):
            return try await setStartEnd(request, user: user)
        case (.post, "/api/rest/v2/write/artifacts/upsert"):
            return try await upsert(request, user: user)
        case (.post, "/api/rest/v2/write/artifacts/state"):
            return try await setState(request, user: user)
        case (.post, "/api/rest/v2/write/artifacts/version/labels"):
            return try await updateLabels(request, user: user)
        case (.post, "/api/rest/v2/write/artifacts/details"):
            return try await updateDetails(request, user: user)
        case (.post, "/api/rest/v2/write/experiment/create"):
            return try await createExperiment(request, user: user)
        case (.post, Self.copyAssetPath) where extensions: return try await copyAsset(request, user: user)  // arty extension
        case (.post, Self.labelDeltaPath) where extensions: return try await labelDelta(request, user: user)  // arty extension
        case (.get, Self.consumersPath) where extensions: return try versionConsumers(query, user: user)  // arty extension
        case (.get, Self.consumersPath):  // a plain Comet server has no consumers route
            throw RegistryError.routeNotFound(method: method.rawValue, path: path)
        case (.post, Self.copyAssetPath), (.post, Self.labelDeltaPath):  // a plain Comet server has neither
            try await drain(request)
            throw RegistryError(status: 404, message: "Not found: \(path)")
        default:
            try await drain(request)
            if method == .post, Self.acceptedExperimentCalls.contains(path) {
                // The SDK's experiment calls the registry does not model (metrics, output, ...): 200 {}.
                return Self.json(.object([]))
            }
            throw RegistryError.routeNotFound(method: method.rawValue, path: path)
        }
    }

    func authenticate(_ request: Request) throws -> UserRecord? {
        guard var key = request.headers[.authorization]?.trimmingCharacters(in: .whitespaces), !key.isEmpty else { return nil }
        if key.lowercased().hasPrefix("bearer ") { key = String(key.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        return try store.user(forKey: key)
    }

    // MARK: Responses and bodies

    /// A JSON response with exactly `Content-Type: application/json` (reference §1.6).
    static func json(_ value: WireJSON, status: Int = 200) -> Response {
        let buffer = ByteBuffer(bytes: value.serializedBytes())
        return Response(status: HTTPResponse.Status(code: status),
                        headers: [.contentType: "application/json", .contentLength: String(buffer.readableBytes)],
                        body: .init(byteBuffer: buffer))
    }

    func drain(_ request: Request) async throws {
        for try await _ in request.body {}
    }

    /// The request body as a JSON object, gunzipped when `Content-Encoding: gzip`.
    /// - Throws: ``RegistryError/badRequest(_:)`` for a body that is not a JSON object.
    func jsonBody(_ request: Request) async throws -> [String: Any] {
        var buffer = try await request.body.collect(upTo: Self.maxJSONBody)
        if request.headers[.contentEncoding]?.lowercased().contains("gzip") == true {
            do {
                buffer = try buffer.decompress(with: .gzip(), maxSize: Self.maxJSONBody)
            } catch {
                throw RegistryError.badRequest("Body is not valid gzip")
            }
        }
        let data = Data(buffer.readableBytesView)
        if data.isEmpty { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RegistryError.badRequest("Body is not a JSON object")
        }
        return object
    }

    static func string(_ body: [String: Any], _ key: String) -> String? {
        guard let value = body[key], !(value is NSNull) else { return nil }
        return value as? String
    }

    static func strings(_ body: [String: Any], _ key: String) -> [String]? {
        guard let value = body[key], !(value is NSNull) else { return nil }
        return (value as? [Any])?.compactMap { $0 as? String }
    }

    /// A metadata value as the JSON string the registry stores: strings are kept, objects are
    /// serialised (sorted keys), null / empty objects become nil.
    static func metadataString(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        if let text = value as? String { return text.isEmpty ? nil : text }
        if let dict = value as? [String: Any], dict.isEmpty { return nil }
        guard JSONSerialization.isValidJSONObject(value),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Experiments (reference §2.14)

    func handshake(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        let key = Self.string(body, "experimentKey") ?? UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let ws = try store.registerExperiment(key: key, user: user, workspaceName: Self.string(body, "teamName"),
                                              project: Self.string(body, "projectName"))
        let hex = { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
        let host = request.head.authority ?? "127.0.0.1"
        return Self.json(.object([
            ("runId", .string(hex())),
            ("project_id", .string(hex())),
            ("experimentKey", .string(key)),
            ("workspaceName", .string(ws.name)),
            ("focusUrl", .string("http://\(host)/\(ws.name)/")),
            ("s3DirectAccessEnabled", .bool(false)),
            ("featureToggles", .array([])),
            ("lastOffset", .int(0)),
            ("upload_file_size_limit_in_mb", .int(100_000)),
            ("asset_upload_file_size_limit_in_mb", .int(100_000)),
            ("uploadVideoMaxSizeMB", .int(100_000)),
        ]))
    }

    /// `R:get/artifacts?experimentKey=&filter=all|input|output` (§2.8, the SDK's
    /// `APIExperiment.get_artifact_lineage`): the versions the experiment produced (`output`) and
    /// consumed (`input`). Comet's own shape is not modelled by any SDK; this one names each version
    /// with the fields of `artifacts/version` (docs/registry.md).
    func lineage(_ query: QueryParameters, user: UserRecord) throws -> Response {
        guard let key = query["experimentKey"] else { throw RegistryError.badRequest("experimentKey is required") }
        let filter = (query["filter"] ?? "all").lowercased()
        guard ["all", "input", "output"].contains(filter) else {
            throw RegistryError.badRequest("filter must be all, input or output")
        }
        let edges = try store.lineage(experimentKey: key, userId: user.id)
            .filter { filter == "all" || $0.direction == filter }
        return Self.json(.object([("experimentKey", .string(key)), ("artifacts", .array(edges.map { edge in
            .object([("direction", .string(edge.direction)),
                     ("artifactId", .string(edge.artifact.id)), ("artifactName", .string(edge.artifact.name)),
                     ("artifactType", .string(edge.artifact.type)), ("workspaceName", .string(edge.artifact.workspaceName)),
                     ("artifactVersionId", .string(edge.version.id)), ("version", .string(edge.version.version)),
                     ("alias", .strings(edge.version.aliases)), ("state", .string(edge.version.state.rawValue)),
                     ("sizeInBytes", .int(edge.version.sizeInBytes)),
                     ("experimentKey", .optional(edge.version.experimentKey)), ("added", .int(edge.addedMillis))])
        }))]))
    }

    /// `R:artifacts/version/consumers?artifactVersionId=` (arty extension, docs/wire.md): the
    /// experiments that consumed a version, with their name, project and workspace when known.
    func versionConsumers(_ query: QueryParameters, user: UserRecord) throws -> Response {
        guard let id = query["artifactVersionId"] ?? query["versionId"] else {
            throw RegistryError.badRequest("artifactVersionId is required")
        }
        guard let consumers = try store.consumers(versionId: id, userId: user.id) else { throw RegistryError.versionNotFound(id) }
        return Self.json(.object([("artifactVersionId", .string(id)), ("consumers", .array(consumers.map { c in
            .object([("experimentKey", .string(c.experimentKey)), ("experimentName", .optional(c.experiment?.name)),
                     ("projectName", .optional(c.experiment?.project)), ("workspaceName", .optional(c.experiment?.workspaceName)),
                     ("added", .int(c.addedMillis))])
        }))]))
    }

    /// The route of ``versionConsumers(_:user:)`` (an arty extension).
    static let consumersPath = "/api/rest/v2/artifacts/version/consumers"

    // MARK: Reading artifacts (reference §2.1–§2.6)

    /// The user's workspace named by the `workspace` parameter.
    func workspace(_ name: String?, user: UserRecord) throws -> WorkspaceRecord {
        guard let name else { throw RegistryError.badRequest("workspace is required") }
        guard let ws = try store.workspace(userId: user.id, name: name, create: false) else {
            throw RegistryError.workspaceNotFound(name)
        }
        return ws
    }

    func artifactList(_ query: QueryParameters, user: UserRecord) throws -> Response {
        let ws = try workspace(query["workspace"], user: user)
        let list = try store.artifactsWithVersions(workspaceId: ws.id, type: query["type"]).map { a, versions in
            WireEncoding.artifact(a, versions: versions)
        }
        return Self.json(.object([("artifacts", .array(list))]))
    }

    /// The artifact named by `artifact_id`/`artifactId`, or by `workspace` + `artifactName`
    /// (or by the calling experiment's workspace when `workspace` is absent).
    func findArtifact(_ query: QueryParameters, user: UserRecord, notFound: (String) -> RegistryError) throws -> ArtifactRecord {
        if let id = query["artifact_id"] ?? query["artifactId"] {
            guard let a = try store.artifact(id: id, userId: user.id) else { throw notFound(id) }
            return a
        }
        guard let name = query.artifactName else { throw RegistryError.badRequest("artifactName or artifact_id is required") }
        let wsName: String
        if let given = query["workspace"] {
            wsName = given
        } else if let key = query["experimentKey"] ?? query["consumerExperimentKey"],
                  let (ws, _) = try store.experiment(key: key, userId: user.id) {
            wsName = ws.name
        } else {
            wsName = user.name
        }
        guard let ws = try store.workspace(userId: user.id, name: wsName, create: false),
              let a = try store.artifact(workspaceId: ws.id, name: name) else { throw notFound("\(wsName)/\(name)") }
        return a
    }

    func artifactDetails(_ query: QueryParameters, user: UserRecord) throws -> Response {
        let a = try findArtifact(query, user: user, notFound: RegistryError.artifactNotFound)
        return Self.json(WireEncoding.details(a, versions: try store.versions(artifactId: a.id)))
    }

    func lookup(_ query: QueryParameters) -> VersionLookup {
        if let id = query["versionId"] ?? query["artifactVersionId"] { return .id(id) }
        if let v = query["version"] { return .version(v) }
        if let alias = query["alias"] { return .alias(alias) }
        if let either = query["versionOrAlias"] { return .versionOrAlias(either) }
        return .alias("latest")
    }

    func artifactVersion(_ query: QueryParameters, user: UserRecord) throws -> Response {
        // A bare versionId is enough: it names one version of one artifact.
        if query["artifactId"] == nil, query["artifactName"] == nil, let id = query["versionId"] {
            guard let (a, v) = try store.version(id: id, userId: user.id) else { throw RegistryError.versionNotFound(id) }
            return Self.json(WireEncoding.version(v, of: a))
        }
        let a = try findArtifact(query, user: user, notFound: RegistryError.versionNotFound)
        let v = try VersionRules.resolve(lookup(query), in: try store.versions(artifactId: a.id), artifactName: a.name)
        if let consumer = query["consumerExperimentKey"] { try store.recordConsumption(experimentKey: consumer, versionId: v.id) }
        return Self.json(WireEncoding.version(v, of: a))
    }

    func versionFiles(_ query: QueryParameters, user: UserRecord) throws -> Response {
        let a = try findArtifact(query, user: user, notFound: RegistryError.versionNotFound)
        let versions = try store.versions(artifactId: a.id)
        // Listing is allowed for versions in any state, so a browser can show an upload in progress.
        var l = lookup(query)
        if case .alias(let alias) = l, !VersionRules.isLatest(alias), let v = versions.first(where: { $0.aliases.contains(alias) }) {
            l = .id(v.id)
        } else if case .version(let text) = l, let v = VersionRules.byVersion(text, in: versions) {
            l = .id(v.id)
        }
        let v = try VersionRules.resolve(l, in: versions, artifactName: a.name)
        let checksums = extensions
        return Self.json(.object([("files", .array(try store.assets(versionId: v.id).map { WireEncoding.file($0, checksum: checksums) }))]))
    }

    // MARK: Writing artifacts (reference §2.9–§2.12)

    func upsert(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let name = Self.string(body, "artifactName"), !name.isEmpty else {
            throw RegistryError.badRequest("artifactName is required")
        }
        if let problem = Self.unstorable(name, field: "artifactName") { throw problem }
        let experimentKey = Self.string(body, "experimentKey")
        var project = Self.string(body, "projectName")
        let ws: WorkspaceRecord
        if let wsName = Self.string(body, "workspaceName") ?? Self.string(body, "workspace") {
            guard let found = try store.workspace(userId: user.id, name: wsName, create: true) else {
                throw RegistryError.workspaceNotFound(wsName)
            }
            ws = found
        } else if let experimentKey, let (found, p) = try store.experiment(key: experimentKey, userId: user.id) {
            ws = found
            project = project ?? p
        } else {
            ws = try store.workspace(userId: user.id, name: user.name, create: true)!
        }
        let result = try store.upsert(.init(
            workspace: ws, owner: user.name, name: name, type: Self.string(body, "artifactType") ?? "data",
            version: Self.string(body, "version"), aliases: Self.strings(body, "alias") ?? [],
            tags: Self.strings(body, "versionTags") ?? [], metadata: Self.metadataString(body["versionMetadata"]),
            experimentKey: experimentKey, project: project))
        if let tags = Self.strings(body, "tags") {
            try store.updateArtifact(id: result.artifactId, userId: user.id, type: nil, tags: tags, metadata: nil, description: nil)
        }
        return Self.json(.object([
            ("artifactId", .string(result.artifactId)), ("artifactVersionId", .string(result.versionId)),
            ("currentVersion", .string(result.currentVersion)), ("previousVersion", .optional(result.previousVersion)),
        ]))
    }

    func setState(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let id = Self.string(body, "artifactVersionId") else { throw RegistryError.badRequest("artifactVersionId is required") }
        guard let text = Self.string(body, "state"), let state = VersionState(rawValue: text.uppercased()) else {
            throw RegistryError(status: 400, message: "Invalid version state", sdkErrorCode: 90410)
        }
        try store.setState(versionId: id, state: state, userId: user.id)
        return Self.json(WireEncoding.ok)
    }

    func updateLabels(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let id = Self.string(body, "artifactVersionId") else { throw RegistryError.badRequest("artifactVersionId is required") }
        let metadata: String?? = body["versionMetadata"].flatMap { $0 is NSNull ? nil : .some(Self.metadataString($0)) }
        try store.updateLabels(versionId: id, userId: user.id, aliases: Self.strings(body, "alias"),
                               tags: Self.strings(body, "versionTags"), metadata: metadata)
        return Self.json(WireEncoding.ok)
    }

    func updateDetails(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let id = Self.string(body, "artifactId") else { throw RegistryError.badRequest("artifactId is required") }
        try store.updateArtifact(id: id, userId: user.id, type: Self.string(body, "artifactType"), tags: Self.strings(body, "tags"),
                                 metadata: body["metadata"].flatMap { Self.metadataString($0) },
                                 description: Self.string(body, "description"))
        return Self.json(WireEncoding.ok)
    }

    // MARK: Assets (reference §2.7, §2.13)

    /// One handler for `C:asset/upload` and `R:write/experiment/upload-asset`: a multipart body
    /// with a `file` part (stored as a blob) or a `link` (file part or plain field; a remote asset),
    /// plus an optional `metadata` field. A body that is not multipart is taken as the file bytes.
    /// The body is parsed as it streams in; a file goes straight to a blob temporary file (sha256
    /// computed while writing), is fsynced and renamed into place; nothing large is held in memory.
    func uploadAsset(_ request: Request, query: QueryParameters, user: UserRecord) async throws -> Response {
        guard let versionId = query["artifactVersionId"] else {
            // An experiment asset (source code, ...): not part of any artifact; accepted and dropped.
            try await drain(request)
            return Self.json(WireEncoding.ok)
        }
        guard let (_, version) = try store.version(id: versionId, userId: user.id) else {
            try await drain(request)
            throw RegistryError.versionNotFound(versionId)
        }
        guard version.state == .open else {
            try await drain(request)
            throw RegistryError.versionImmutable(version.version, state: version.state)
        }
        if let name = query["fileName"], let problem = Self.unstorable(name, field: "fileName") {
            try await drain(request)
            throw problem
        }
        var metadata = query["metadata"]
        var link: String?
        var blob: (sha256: String, size: Int64)?
        var partFileName: String?
        if let boundary = Multipart.boundary(fromContentType: request.headers[.contentType] ?? "") {
            // Parse as the bytes arrive: the `file` part goes straight into a blob temporary file,
            // hashed as it is written; small fields (`metadata`, `link`) are kept in memory.
            var parser = MultipartStream(boundary: boundary)
            var current = PartSink.ignore
            do {
                for try await chunk in request.body {
                    try chunk.withUnsafeReadableBytes { bytes in
                        try parser.feed(bytes) { event in
                            switch event {
                            case .begin(let name, let filename):
                                switch name {
                                case "file":
                                    current = .file(try blobs.makeTemporaryFile())
                                    partFileName = filename
                                case "metadata", "link": current = .field(name, [])
                                default: current = .ignore
                                }
                            case .content(let part):
                                switch current {
                                case .file(let file): try file.write(part)
                                case .field(let name, let soFar):
                                    guard soFar.count + part.count <= Self.maxFieldBytes else {
                                        throw RegistryError.badRequest("Multipart field '\(name)' is too large")
                                    }
                                    current = .field(name, soFar + part)
                                case .ignore: break
                                }
                            case .end:
                                switch current {
                                case .file(let file): blob = try blobs.commit(file)
                                case .field("metadata", let value): metadata = String(decoding: value, as: UTF8.self)
                                case .field(_, let value):
                                    link = String(decoding: value, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                                case .ignore: break
                                }
                                current = .ignore
                            }
                        }
                    }
                }
                try parser.finish()
            } catch {
                if case .file(let file) = current { file.discard() }
                throw error
            }
        } else {
            let file = try blobs.makeTemporaryFile()
            do {
                for try await chunk in request.body {
                    try chunk.withUnsafeReadableBytes { try file.write($0) }
                }
                blob = try blobs.commit(file)
            } catch {
                file.discard()
                throw error
            }
        }
        if query.bool("isRemote"), link == nil, let (sha, _) = blob {
            // A `link` sent under the `file` name: read it back as text.
            link = (try? String(contentsOf: blobs.path(forDigest: sha), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            blob = nil
        }
        let remote = link != nil && (query.bool("isRemote") || blob == nil)
        guard remote || blob != nil else { throw RegistryError.badRequest("Upload has neither a file nor a link") }
        let assetId = query["assetId"] ?? UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let fileName = query["fileName"] ?? (remote ? URL(string: link!)?.lastPathComponent : partFileName) ?? assetId
        let asset = AssetRecord(
            assetId: assetId, versionId: versionId, artifactId: "", logicalPath: fileName,
            size: remote ? 0 : blob!.size, type: query["type"] ?? (remote ? "unknown" : "asset"),
            metadata: Self.metadataString(metadata), link: remote ? link : nil, sha256: remote ? nil : blob!.sha256)
        try store.addAsset(asset, userId: user.id)
        return Self.json(.object([("msg", .string("ok")), ("code", .int(200)), ("sdk_error_code", .int(0)),
                                  ("assetId", .string(assetId))]))
    }

    /// A name the store cannot keep exactly as given: SQLite text ends at a NUL character, so
    /// `a\0b` would silently become `a` (and could collide with another asset). Such names are
    /// refused with a 400 instead; every other name (`../x`, escapes, newlines) is stored as given,
    /// for clients to refuse or escape (issue 7).
    static func unstorable(_ name: String, field: String) -> RegistryError? {
        name.utf8.contains(0) ? RegistryError.badRequest("\(field) contains a NUL character, which cannot be stored") : nil
    }

    /// `CR:write/artifact/assets/remote/batch`: gzip JSON list of remote links (§2.13 b).
    func remoteBatch(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        let items = body["remoteArtifactAssetRequests"] as? [[String: Any]] ?? []
        for item in items {
            guard let versionId = Self.string(item, "artifactVersionId"), let link = Self.string(item, "link") else { continue }
            let assetId = Self.string(item, "assetId") ?? UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let fileName = Self.string(item, "fileName") ?? URL(string: link)?.lastPathComponent ?? "remote"
            if let problem = Self.unstorable(fileName, field: "fileName") { throw problem }
            try store.addAsset(AssetRecord(
                assetId: assetId, versionId: versionId, artifactId: "", logicalPath: fileName, size: 0,
                type: Self.string(item, "type") ?? "unknown", metadata: Self.metadataString(item["metadata"]),
                link: link, sha256: nil), userId: user.id)
        }
        return Self.json(WireEncoding.ok)
    }

    /// Bytes read from a blob per chunk of a `get-asset` body: 512 KiB (Hummingbird's default is 128 KiB;
    /// each chunk is a `pread` plus a hop between the file I/O pool and the event loop, issue 6).
    static let fileChunkBytes = 512 * 1024

    /// `R:experiment/asset/get-asset`: the bytes of one stored asset, by `assetId` (+ `artifactVersionId`),
    /// never by experiment. Supports a single `Range` and always sends `Content-Length`.
    func getAsset(_ request: Request, query: QueryParameters, user: UserRecord, context: Context) async throws -> Response {
        guard let assetId = query["assetId"] else { throw RegistryError.badRequest("assetId is required") }
        guard let asset = try store.asset(id: assetId, versionId: query["artifactVersionId"], userId: user.id) else {
            throw RegistryError.assetNotFound(assetId)
        }
        guard let sha = asset.sha256 else {
            throw RegistryError(status: 400, message: "Remote asset \(assetId) is not served: \(asset.link ?? "")")
        }
        let path = blobs.path(forDigest: sha).path
        let size = asset.size
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes"]
        switch ByteRange.resolve(header: request.headers[.range], size: size) {
        case .unsatisfiable:
            headers[.contentRange] = "bytes */\(size)"
            headers[.contentLength] = "0"
            return Response(status: .rangeNotSatisfiable, headers: headers, body: .init())
        case .whole:
            headers[.contentLength] = String(size)
            if size == 0 { return Response(status: .ok, headers: headers, body: .init()) }
            let body = try await FileIO().loadFile(path: path, context: context, chunkLength: Self.fileChunkBytes)
            return Response(status: .ok, headers: headers, body: body)
        case .partial(let range):
            headers[.contentLength] = String(range.count)
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            let body = try await FileIO().loadFile(path: path, range: Int(range.lowerBound)...Int(range.upperBound), context: context,
                                                  chunkLength: Self.fileChunkBytes)
            return Response(status: .partialContent, headers: headers, body: body)
        }
    }
}
