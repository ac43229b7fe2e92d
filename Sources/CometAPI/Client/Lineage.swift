import Foundation

/// An experiment as lineage names it: its key, and its name, project and workspace when the server
/// knows them (`experiment/metadata`, reference §2.14).
public struct ExperimentSummary: Sendable, Hashable, Codable {
    /// The experiment key (32 hex digits on Comet).
    public var experimentKey: String
    /// The experiment's name; nil when it has none or the server did not say.
    public var experimentName: String?
    public var projectName: String?
    public var workspaceName: String?
    /// For a consumer: when it first read the version, epoch milliseconds (nil when unknown).
    public var addedMillis: Int64?

    public init(experimentKey: String, experimentName: String? = nil, projectName: String? = nil,
                workspaceName: String? = nil, addedMillis: Int64? = nil) {
        self.experimentKey = experimentKey
        self.experimentName = experimentName
        self.projectName = projectName
        self.workspaceName = workspaceName
        self.addedMillis = addedMillis
    }

    enum CodingKeys: String, CodingKey { case experimentKey, experimentName, projectName, workspaceName, addedMillis = "added" }

    /// One line for a person: `KEY (name · workspace/project)`, the parts the server knows.
    public var label: String {
        var parts: [String] = []
        if let experimentName, !experimentName.isEmpty { parts.append(experimentName) }
        switch (workspaceName, projectName) {
        case let (ws?, p?): parts.append("\(ws)/\(p)")
        case let (nil, p?): parts.append(p)
        default: break
        }
        return parts.isEmpty ? experimentKey : "\(experimentKey) (\(parts.joined(separator: " · ")))"
    }
}

/// Who produced a version and who consumed it.
public struct VersionLineage: Sendable, Hashable {
    /// The producing experiment (the version's `experimentKey` / `createdFrom`, §2.4–2.5), with its
    /// metadata when the server knows it; nil when the version names none.
    public var producer: ExperimentSummary?
    /// The consuming experiments, first consumer first; nil when the server cannot list them
    /// (comet.com offers no call for a version's consumers: only an experiment's own lineage, §2.8).
    public var consumers: [ExperimentSummary]?

    public init(producer: ExperimentSummary?, consumers: [ExperimentSummary]?) {
        self.producer = producer
        self.consumers = consumers
    }

    /// What to say where ``consumers`` is nil.
    public static let consumersUnavailable = "not available from this server"
}

/// Reading a version's lineage. ``CometClient`` implements it; tests use fakes.
public protocol LineageReading: Sendable {
    /// The experiment `key` as the server knows it; a summary with the key alone when the server
    /// knows nothing more (an empty `experiment/metadata`, or 404).
    /// - Throws: ``CometAPIError`` for other failures (auth, transport).
    func experimentSummary(key: String) async throws -> ExperimentSummary
    /// The experiments that consumed the version, or nil when the server offers no such list.
    /// - Throws: ``CometAPIError`` for failures other than the list being unavailable.
    func versionConsumers(artifactVersionId: String) async throws -> [ExperimentSummary]?
}

extension LineageReading {
    /// The lineage of `version`: its producer (with metadata) and its consumers, fetched together.
    /// - Throws: ``CometAPIError`` when a request fails (not for a missing consumers list).
    public func lineage(of version: ArtifactVersion) async throws -> VersionLineage {
        async let consumers = versionConsumers(artifactVersionId: version.artifactVersionId)
        var producer: ExperimentSummary?
        if let key = version.sourceExperimentKey, !key.isEmpty { producer = try await experimentSummary(key: key) }
        return VersionLineage(producer: producer, consumers: try await consumers)
    }
}

extension CometClient: LineageReading {
    /// `GET experiment/metadata?experimentKey=` (§2.14; `experimentName`, `projectName`,
    /// `workspaceName` as the Java SDK's `ExperimentMetadataRest` names them).
    public func experimentSummary(key: String) async throws -> ExperimentSummary {
        struct Body: Decodable {
            var experimentName: String?
            var projectName: String?
            var workspaceName: String?
        }
        var request = makeRequest(.get, url: url("experiment/metadata", [.plain("experimentKey", key)]))
        request.totalTimeoutMilliseconds = Self.jsonTimeoutMilliseconds
        let operation = "Reading experiment \(key)"
        do {
            let response = try await perform(request, operation: operation, sink: .memory, progress: nil, idempotent: true)
            let body = (try? Self.decode(Body.self, from: response, operation: operation))
            return ExperimentSummary(experimentKey: key, experimentName: body?.experimentName, projectName: body?.projectName,
                                     workspaceName: body?.workspaceName)
        } catch let error as CometAPIError where error.status == 404 || error.status == 400 {
            // An experiment the server does not know (or no such route): the key is all there is.
            return ExperimentSummary(experimentKey: key)
        }
    }

    /// `GET artifacts/version/consumers?artifactVersionId=` (arty's registry extension, docs/wire.md);
    /// nil on a server without it (it answers 400, 403, 404, 405 or 501 to a route it does not know:
    /// comet.com).
    public func versionConsumers(artifactVersionId: String) async throws -> [ExperimentSummary]? {
        struct Body: Decodable { var consumers: [ExperimentSummary]? }
        var request = makeRequest(.get, url: url("artifacts/version/consumers", [.plain("artifactVersionId", artifactVersionId)]))
        request.totalTimeoutMilliseconds = Self.jsonTimeoutMilliseconds
        let operation = "Reading the consumers of version \(artifactVersionId)"
        do {
            let response = try await perform(request, operation: operation, sink: .memory, progress: nil, idempotent: true)
            return try Self.decode(Body.self, from: response, operation: operation).consumers
        } catch let error as CometAPIError where [400, 403, 404, 405, 501].contains(error.status ?? 0) {
            return nil
        }
    }
}

/// Web addresses of things on a Comet web UI.
public enum WebLinks {
    /// The web UI's root for a clientlib URL (`https://www.comet.com/clientlib/` → `https://www.comet.com`)
    /// when the server is comet.com (`comet.com`, `*.comet.com`; the older `comet.ml` hosts map to
    /// `www.comet.com`); nil for any other server, e.g. arty's local registry, which has no web UI.
    public static func webRoot(forClientlibURL url: String) -> String? {
        guard let host = URL(string: url)?.host?.lowercased() else { return nil }
        if host == "comet.ml" || host.hasSuffix(".comet.ml") { return "https://www.comet.com" }
        guard host == "comet.com" || host.hasSuffix(".comet.com") else { return nil }
        return "https://" + host
    }

    /// The web page of an artifact version: `ROOT/WORKSPACE/artifacts/NAME/VERSION` (each part
    /// percent-encoded as a path segment); without `version`, the artifact's page.
    public static func version(root: String, workspace: String, artifact: String, version: String?) -> String {
        let segment = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: Self.segmentCharacters) ?? s }
        var url = root + "/" + segment(workspace) + "/artifacts/" + segment(artifact)
        if let version { url += "/" + segment(version) }
        return url
    }

    /// RFC 3986 unreserved characters: everything else in a segment is percent-encoded.
    static let segmentCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
