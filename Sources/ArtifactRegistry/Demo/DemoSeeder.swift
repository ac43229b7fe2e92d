import CometAPI
import Foundation

/// Where the demo seeder writes: the write half of the Comet protocol (reference §2.9–§2.13).
public protocol DemoWriter: Sendable {
    /// Creates a new OPEN version (`write/artifacts/upsert`); returns the artifact and version ids.
    func createVersion(workspace: String, name: String, type: String, version: String?, aliases: [String],
                       tags: [String], metadata: String?) async throws -> (artifactId: String, versionId: String)
    /// Uploads a local file into an OPEN version under a logical path.
    func addFile(versionId: String, logicalPath: String, fileAt url: URL) async throws
    /// Adds a remote asset (a link) to an OPEN version.
    func addRemote(versionId: String, logicalPath: String, link: String) async throws
    /// Marks a version CLOSED.
    func close(versionId: String) async throws
    /// Replaces the artifact tags.
    func setArtifactTags(artifactId: String, tags: [String]) async throws
}

/// Seeds a registry with a ``DemoPlan``.
public enum DemoSeeder {
    /// What was seeded.
    public struct Summary: Sendable, Equatable {
        public var workspaces: Int
        public var artifacts: Int
        public var versions: Int
        public var files: Int
        public var remotes: Int
        /// Bytes of local files uploaded.
        public var bytes: Int
    }

    /// Writes `plan` through `writer`. Files are generated into `scratch` (a directory that is
    /// created if needed and removed afterwards) and uploaded from there.
    /// - Throws: whatever `writer` throws; the registry keeps what was written before the error.
    @discardableResult
    public static func seed(_ plan: DemoPlan = .standard(), with writer: any DemoWriter, scratch: URL) async throws -> Summary {
        let fm = FileManager.default
        try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: scratch) }
        var summary = Summary(workspaces: plan.workspaces.count, artifacts: plan.artifacts.count, versions: 0, files: 0, remotes: 0, bytes: 0)
        for artifact in plan.artifacts {
            var artifactId: String?
            for version in artifact.versions {
                let ids = try await writer.createVersion(workspace: artifact.workspace, name: artifact.name, type: artifact.type,
                                                         version: version.version, aliases: version.aliases, tags: version.tags,
                                                         metadata: version.metadata)
                artifactId = ids.artifactId
                for file in version.files {
                    let url = scratch.appendingPathComponent(UUID().uuidString)
                    try file.contents.write(to: url)
                    try await writer.addFile(versionId: ids.versionId, logicalPath: file.logicalPath, fileAt: url)
                    try? fm.removeItem(at: url)
                    summary.files += 1
                    summary.bytes += file.size
                }
                for remote in version.remotes {
                    try await writer.addRemote(versionId: ids.versionId, logicalPath: remote.logicalPath, link: remote.link)
                    summary.remotes += 1
                }
                if version.close { try await writer.close(versionId: ids.versionId) }
                summary.versions += 1
            }
            if let artifactId, !artifact.tags.isEmpty { try await writer.setArtifactTags(artifactId: artifactId, tags: artifact.tags) }
        }
        return summary
    }
}

/// A ``DemoWriter`` that goes through the Comet REST API with arty's libcurl client: the demo is
/// seeded exactly as any other client would log artifacts (upsert, upload-asset, state, details).
public struct CometClientDemoWriter: DemoWriter {
    let client: CometClient

    public init(client: CometClient) {
        self.client = client
    }

    /// A client for a running local registry, authenticated as its default user.
    /// - Throws: ``CometAPIError/configuration(_:)`` for an unusable URL.
    public init(registry: LocalRegistry) throws {
        client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride))
    }

    public func createVersion(workspace: String, name: String, type: String, version: String?, aliases: [String],
                              tags: [String], metadata: String?) async throws -> (artifactId: String, versionId: String) {
        let result = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: name, artifactType: type, workspace: workspace, version: version, aliases: aliases,
            versionTags: tags, metadata: metadata.flatMap(JSONValue.parse)))
        return (result.artifactId, result.artifactVersionId)
    }

    public func addFile(versionId: String, logicalPath: String, fileAt url: URL) async throws {
        try await client.uploadAsset(fileAt: url.path, logicalPath: logicalPath, artifactVersionId: versionId, experimentKey: nil)
    }

    public func addRemote(versionId: String, logicalPath: String, link: String) async throws {
        try await client.uploadRemoteAsset(link: link, logicalPath: logicalPath, artifactVersionId: versionId, experimentKey: nil)
    }

    public func close(versionId: String) async throws {
        try await client.setVersionState(artifactVersionId: versionId, experimentKey: nil, state: .closed)
    }

    public func setArtifactTags(artifactId: String, tags: [String]) async throws {
        try await client.updateArtifactDetails(artifactId: artifactId, tags: tags)
    }
}
