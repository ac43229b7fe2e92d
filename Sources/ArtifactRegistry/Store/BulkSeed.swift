import Foundation
import GRDB

extension RegistryStore {
    /// One artifact to seed in bulk: its versions (strict semver text, distinct), each CLOSED at once.
    public struct SeedArtifact: Sendable {
        public var name: String
        public var type: String
        public var versions: [SeedVersion]
        public init(name: String, type: String, versions: [SeedVersion]) {
            self.name = name
            self.type = type
            self.versions = versions
        }
    }

    /// One version to seed: aliases, and its stored assets (logical path, size in bytes, blob sha256).
    public struct SeedVersion: Sendable {
        public var version: String
        public var aliases: [String]
        public var assets: [(logicalPath: String, size: Int64, sha256: String)]
        public init(version: String, aliases: [String] = [], assets: [(logicalPath: String, size: Int64, sha256: String)] = []) {
            self.version = version
            self.aliases = aliases
            self.assets = assets
        }
    }

    /// Inserts many artifacts, CLOSED versions and assets in one transaction: the fast path for
    /// benchmarks and demos (the REST path makes one transaction per version and per asset).
    /// The blobs must already be in the blob store. Returns the version ids, in input order.
    /// - Throws: GRDB errors, e.g. a duplicate artifact name in the workspace or duplicate version.
    public func seedBulk(workspace: WorkspaceRecord, owner: String, artifacts: [SeedArtifact]) throws -> [[String]] {
        try pool.write { db in
            let now = Self.nowMillis()
            var ids: [[String]] = []
            let insertArtifact = try db.makeStatement(sql: """
                INSERT INTO artifacts(id, workspace_id, name, type, created) VALUES (?, ?, ?, ?, ?)
                """)
            let insertVersion = try db.makeStatement(sql: """
                INSERT INTO versions(id, artifact_id, version, state, owner, added) VALUES (?, ?, ?, 'CLOSED', ?, ?)
                """)
            let insertAlias = try db.makeStatement(sql: """
                INSERT INTO aliases(artifact_id, alias, version_id, position) VALUES (?, ?, ?, ?)
                """)
            let insertAsset = try db.makeStatement(sql: """
                INSERT INTO assets(asset_id, version_id, logical_path, size, type, blob_sha256, added)
                VALUES (?, ?, ?, ?, 'asset', ?, ?)
                """)
            for artifact in artifacts {
                let artifactId = UUID().uuidString.lowercased()
                try insertArtifact.execute(arguments: [artifactId, workspace.id, artifact.name, artifact.type, now])
                var versionIds: [String] = []
                for (i, version) in artifact.versions.enumerated() {
                    let versionId = UUID().uuidString.lowercased()
                    try insertVersion.execute(arguments: [versionId, artifactId, version.version, owner, now + Int64(i)])
                    for (position, alias) in version.aliases.enumerated() {
                        try insertAlias.execute(arguments: [artifactId, alias, versionId, position])
                    }
                    for asset in version.assets {
                        let assetId = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
                        try insertAsset.execute(arguments: [assetId, versionId, asset.logicalPath, asset.size, asset.sha256, now])
                    }
                    versionIds.append(versionId)
                }
                ids.append(versionIds)
            }
            return ids
        }
    }
}
