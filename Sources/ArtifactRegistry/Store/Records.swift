import CometAPI
import Foundation

/// A registry user: owns workspaces and API keys.
public struct UserRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
}

/// A workspace row.
public struct WorkspaceRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var ownerId: Int64
}

/// An artifact row, with its workspace name.
public struct ArtifactRecord: Sendable, Equatable {
    /// Dashed UUID chosen by the server.
    public var id: String
    public var workspaceId: Int64
    public var workspaceName: String
    public var name: String
    public var type: String
    public var description: String?
    public var project: String?
    /// Artifact tags (separate from version tags, reference §4.3).
    public var tags: [String]
    /// Artifact metadata as a JSON string, or nil.
    public var metadata: String?
}

/// An artifact version row, with its aliases and the byte size of its assets.
public struct VersionRecord: Sendable, Equatable {
    /// Dashed UUID chosen by the server.
    public var id: String
    public var artifactId: String
    /// Strict semantic version text, e.g. `2.0.0`.
    public var version: String
    public var aliases: [String]
    public var tags: [String]
    /// Version metadata as a JSON string, or nil.
    public var metadata: String?
    public var state: VersionState
    /// User name of the version's owner.
    public var owner: String
    /// Creation time in epoch milliseconds.
    public var addedMillis: Int64
    /// The source experiment key, if the version was logged from an experiment.
    public var experimentKey: String?
    /// Sum of the sizes of the version's assets, in bytes.
    public var sizeInBytes: Int64

    /// The parsed version (always valid: versions are validated on upsert).
    public var semanticVersion: SemanticVersion { SemanticVersion(version) ?? SemanticVersion(major: 0, minor: 0, patch: 0) }
}

/// An asset of an artifact version: a stored blob or a remote link (reference §4.5).
public struct AssetRecord: Sendable, Equatable {
    /// 32 hex characters (client-generated for Python uploads).
    public var assetId: String
    public var versionId: String
    public var artifactId: String
    /// Logical path (`fileName` on the wire), may contain `/`.
    public var logicalPath: String
    /// Size in bytes (0 for remote assets unless the client said otherwise).
    public var size: Int64
    public var type: String
    /// Asset metadata as a JSON string, or nil.
    public var metadata: String?
    /// The URI of a remote asset, nil for stored blobs.
    public var link: String?
    /// Lower-case hex sha256 of a stored blob, nil for remote assets.
    public var sha256: String?

    public var isRemote: Bool { link != nil }
}
