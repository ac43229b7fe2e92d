import Foundation

// Comet's artifact model, as the REST v2 API sends it (reference §2).
// Decoders are tolerant of what real servers send: unknown fields are ignored, `null` lists are
// empty, metadata is a JSON string or an object, and missing optional fields take defaults.

/// The state of an artifact version (reference §4.2): OPEN while assets upload, CLOSED when
/// complete, ERROR when an upload failed. Unknown strings are kept as `.other`.
public enum ArtifactVersionState: Sendable, Hashable, Codable, CustomStringConvertible {
    case open, closed, error
    case other(String)

    public init(rawValue: String) {
        switch rawValue.uppercased() {
        case "OPEN": self = .open
        case "CLOSED": self = .closed
        case "ERROR": self = .error
        default: self = .other(rawValue)
        }
    }

    public var rawValue: String {
        switch self {
        case .open: "OPEN"
        case .closed: "CLOSED"
        case .error: "ERROR"
        case .other(let s): s
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The signed-in user and their default workspace (`GET account-details`, reference §2.2).
public struct AccountDetails: Sendable, Hashable, Decodable {
    public var userName: String?
    public var defaultWorkspaceName: String?

    public init(userName: String?, defaultWorkspaceName: String?) {
        self.userName = userName
        self.defaultWorkspaceName = defaultWorkspaceName
    }
}

/// An artifact: a named, typed collection of versions in a workspace
/// (`artifacts/get-all` items and the top level of `artifacts/get`, reference §2.3–2.4).
public struct Artifact: Sendable, Hashable, Identifiable, Decodable {
    /// Server-chosen id (a dashed UUID on comet.com).
    public var artifactId: String
    public var name: String
    /// The artifact type (`dataset`, `model`, …).
    public var type: String
    /// The workspace, when the server says (artifacts/version's `artifact.workspaceName`);
    /// otherwise filled in by the client from the request.
    public var workspace: String?
    public var project: String?
    public var description: String?
    /// The highest version's string, as the server reports it.
    public var latestVersion: String?
    /// Artifact tags (distinct from version tags).
    public var tags: [String]
    public var isPublic: Bool
    public var emoji: String?
    /// Total size of all versions, in bytes.
    public var sizeInBytes: Int64
    /// Free-form artifact metadata, when the server sends it.
    public var metadata: JSONValue?
    /// When the artifact last changed: its newest version's `added`, epoch milliseconds. No
    /// artifact listing of the API carries it (§6), so it is filled in from the versions
    /// (``ArtifactDetails/lastUpdatedMillis``) when they have been read; nil until then.
    public var lastUpdatedMillis: Int64? = nil

    public var id: String { artifactId }

    public init(artifactId: String, name: String, type: String, workspace: String? = nil,
                project: String? = nil, description: String? = nil, latestVersion: String? = nil,
                tags: [String] = [], isPublic: Bool = false, emoji: String? = nil,
                sizeInBytes: Int64 = 0, metadata: JSONValue? = nil) {
        self.artifactId = artifactId
        self.name = name
        self.type = type
        self.workspace = workspace
        self.project = project
        self.description = description
        self.latestVersion = latestVersion
        self.tags = tags
        self.isPublic = isPublic
        self.emoji = emoji
        self.sizeInBytes = sizeInBytes
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case artifactId, name, artifactName, type, artifactType, workspace, workspaceName, project,
             description, latestVersion, tags, isPublic, emoji, sizeInBytes, metadata
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        artifactId = try c.decodeIfPresent(String.self, forKey: .artifactId) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name)
            ?? c.decodeIfPresent(String.self, forKey: .artifactName) ?? ""
        type = try c.decodeIfPresent(String.self, forKey: .type)
            ?? c.decodeIfPresent(String.self, forKey: .artifactType) ?? ""
        workspace = try c.decodeIfPresent(String.self, forKey: .workspaceName)
            ?? c.decodeIfPresent(String.self, forKey: .workspace)
        project = try? c.decodeIfPresent(String.self, forKey: .project)
        description = try? c.decodeIfPresent(String.self, forKey: .description)
        latestVersion = try? c.decodeIfPresent(String.self, forKey: .latestVersion)
        tags = (try? c.decodeIfPresent([String].self, forKey: .tags)) ?? []
        isPublic = (try? c.decodeIfPresent(Bool.self, forKey: .isPublic)) ?? false
        emoji = try? c.decodeIfPresent(String.self, forKey: .emoji)
        sizeInBytes = (try? c.decodeIfPresent(Int64.self, forKey: .sizeInBytes)) ?? 0
        metadata = JSONValue.decodeMetadata(from: c, forKey: .metadata)
    }
}

/// One version of an artifact (`artifacts/get` → `versions[]`, and `artifacts/version`,
/// reference §2.4–2.5).
public struct ArtifactVersion: Sendable, Hashable, Identifiable, Decodable {
    /// Server-chosen id of this version.
    public var artifactVersionId: String
    /// The version string as sent (normally strict semver).
    public var version: String
    /// Aliases naming this version (`production`, `staging`); unique per artifact.
    public var aliases: [String]
    /// Version tags (distinct from artifact tags).
    public var tags: [String]
    public var metadata: JSONValue?
    /// Sum of the version's asset sizes, in bytes.
    public var sizeInBytes: Int64
    /// OPEN / CLOSED / ERROR; nil for old versions.
    public var state: ArtifactVersionState?
    /// User name of whoever logged the version.
    public var owner: String?
    /// When the version was added, in epoch milliseconds.
    public var addedMillis: Int64?
    /// Key of the experiment that created the version (`createdFrom`, or `experimentKey` in
    /// `artifacts/version`).
    public var sourceExperimentKey: String?
    /// The artifact this version belongs to, when the response carries it (`artifacts/version`).
    public var artifact: Artifact?
    /// How many assets (files and remote links) the version holds. No version listing of the API
    /// carries it (§2.4), so it is filled in from `artifacts/version/files` when read; nil until then.
    public var assetCount: Int? = nil

    public var id: String { artifactVersionId }
    /// The parsed semantic version, nil when the string is not strict semver.
    public var semanticVersion: SemanticVersion? { SemanticVersion(version) }
    /// When the version was added, if known.
    public var added: Date? { addedMillis.map { Date(timeIntervalSince1970: Double($0) / 1000) } }

    public init(artifactVersionId: String, version: String, aliases: [String] = [], tags: [String] = [],
                metadata: JSONValue? = nil, sizeInBytes: Int64 = 0, state: ArtifactVersionState? = nil,
                owner: String? = nil, addedMillis: Int64? = nil, sourceExperimentKey: String? = nil,
                artifact: Artifact? = nil) {
        self.artifactVersionId = artifactVersionId
        self.version = version
        self.aliases = aliases
        self.tags = tags
        self.metadata = metadata
        self.sizeInBytes = sizeInBytes
        self.state = state
        self.owner = owner
        self.addedMillis = addedMillis
        self.sourceExperimentKey = sourceExperimentKey
        self.artifact = artifact
    }

    enum CodingKeys: String, CodingKey {
        case artifactVersionId, version, artifactVersion, alias, tags, metadata, sizeInBytes, state,
             owner, added, createdFrom, experimentKey, artifact
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        artifactVersionId = try c.decodeIfPresent(String.self, forKey: .artifactVersionId) ?? ""
        version = try c.decodeIfPresent(String.self, forKey: .version)
            ?? c.decodeIfPresent(String.self, forKey: .artifactVersion) ?? ""
        aliases = (try? c.decodeIfPresent([String].self, forKey: .alias)) ?? []
        tags = (try? c.decodeIfPresent([String].self, forKey: .tags)) ?? []
        metadata = JSONValue.decodeMetadata(from: c, forKey: .metadata)
        sizeInBytes = (try? c.decodeIfPresent(Int64.self, forKey: .sizeInBytes)) ?? 0
        state = try? c.decodeIfPresent(ArtifactVersionState.self, forKey: .state)
        owner = try? c.decodeIfPresent(String.self, forKey: .owner)
        addedMillis = try? c.decodeIfPresent(Int64.self, forKey: .added)
        sourceExperimentKey = (try? c.decodeIfPresent(String.self, forKey: .createdFrom))
            ?? (try? c.decodeIfPresent(String.self, forKey: .experimentKey))
        artifact = try? c.decodeIfPresent(Artifact.self, forKey: .artifact)
    }
}

/// An artifact with its versions (`GET artifacts/get`, reference §2.4).
public struct ArtifactDetails: Sendable, Hashable, Decodable {
    public var artifact: Artifact
    /// The versions, in the order the server sent them.
    public var versions: [ArtifactVersion]

    public init(artifact: Artifact, versions: [ArtifactVersion]) {
        self.artifact = artifact
        self.versions = versions
    }

    enum CodingKeys: String, CodingKey { case versions }

    public init(from decoder: any Decoder) throws {
        artifact = try Artifact(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        versions = (try c.decodeIfPresent([ArtifactVersion].self, forKey: .versions)) ?? []
    }

    /// The newest version's `added` (epoch ms): when the artifact last changed; nil without dated versions.
    public var lastUpdatedMillis: Int64? { versions.compactMap(\.addedMillis).max() }
}

/// One asset of an artifact version (`artifacts/version/files` → `files[]`, reference §2.6):
/// either a local file stored by Comet (downloadable) or a remote link (never downloaded).
public struct Asset: Sendable, Hashable, Identifiable, Decodable {
    public var assetId: String
    /// The logical path inside the version (`data/train.csv`); untrusted: check it before
    /// using it as a file system path (see ``LogicalPath``).
    public var logicalPath: String
    /// Size in bytes (0 for remote assets).
    public var size: Int64
    /// The link of a remote asset (`s3://bucket/train.csv`), nil for local files.
    public var link: String?
    /// True for a remote asset (server's `remote`, or a non-null `link` when absent).
    public var isRemote: Bool
    public var type: String?
    public var metadata: JSONValue?
    public var artifactId: String?
    public var artifactVersionId: String?
    /// Lower-case hex SHA-256 of the asset's bytes, when the server tells it: arty's registry sends
    /// `contentSha256` in `artifacts/version/files` (not part of Comet's API; nil elsewhere).
    public var contentSha256: String?

    public var id: String { assetId }

    /// The content checksum arty checks downloads and comparisons against: the server's
    /// `contentSha256`, else a hex `checksum` from the asset's metadata (reserved by the SDK,
    /// reference §4.4); nil when the server gives neither.
    public var checksum: String? { contentSha256 ?? metadata?["checksum"]?.stringValue }

    public init(assetId: String, logicalPath: String, size: Int64, link: String? = nil,
                isRemote: Bool? = nil, type: String? = nil, metadata: JSONValue? = nil,
                artifactId: String? = nil, artifactVersionId: String? = nil, contentSha256: String? = nil) {
        self.contentSha256 = contentSha256
        self.assetId = assetId
        self.logicalPath = logicalPath
        self.size = size
        self.link = link
        self.isRemote = isRemote ?? (link != nil)
        self.type = type
        self.metadata = metadata
        self.artifactId = artifactId
        self.artifactVersionId = artifactVersionId
    }

    enum CodingKeys: String, CodingKey {
        case assetId, fileName, fileSize, link, remote, type, metadata, artifactId, artifactVersionId, contentSha256
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        assetId = try c.decodeIfPresent(String.self, forKey: .assetId) ?? ""
        logicalPath = try c.decodeIfPresent(String.self, forKey: .fileName) ?? ""
        size = (try? c.decodeIfPresent(Int64.self, forKey: .fileSize)) ?? 0
        link = try? c.decodeIfPresent(String.self, forKey: .link)
        isRemote = (try? c.decodeIfPresent(Bool.self, forKey: .remote)) ?? (link != nil)
        type = try? c.decodeIfPresent(String.self, forKey: .type)
        metadata = JSONValue.decodeMetadata(from: c, forKey: .metadata)
        artifactId = try? c.decodeIfPresent(String.self, forKey: .artifactId)
        artifactVersionId = try? c.decodeIfPresent(String.self, forKey: .artifactVersionId)
        // Only a well-formed digest counts: anything else is as if the server had sent none.
        contentSha256 = (try? c.decodeIfPresent(String.self, forKey: .contentSha256)).flatMap { hex in
            hex.count == 64 && hex.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0) }
                ? hex.lowercased() : nil
        }
    }
}
