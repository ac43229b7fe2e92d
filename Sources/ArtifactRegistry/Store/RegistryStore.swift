import CometAPI
import Crypto
import Foundation
import GRDB

/// The registry's metadata in SQLite (GRDB `DatabasePool`, WAL journal), with schema migrations.
///
/// Every method that takes a `userId` only sees that user's workspaces: another user's workspace
/// answers as not found (issue 3, "Access"). Blobs live outside the database in ``BlobStore``;
/// an asset row is written only after its blob has been renamed into place.
public final class RegistryStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    /// - Throws: GRDB errors when the file cannot be opened or migrated.
    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.foreignKeysEnabled = true
        pool = try DatabasePool(path: path, configuration: config)
        try Self.migrator.migrate(pool)
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-schema") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  name TEXT NOT NULL UNIQUE,
                  created INTEGER NOT NULL);
                CREATE TABLE api_keys (
                  key_sha256 TEXT PRIMARY KEY,
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  created INTEGER NOT NULL);
                CREATE TABLE workspaces (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  name TEXT NOT NULL,
                  owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  created INTEGER NOT NULL,
                  UNIQUE(owner_id, name));
                CREATE TABLE experiments (
                  key TEXT PRIMARY KEY,
                  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                  project TEXT,
                  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                  created INTEGER NOT NULL);
                CREATE TABLE artifacts (
                  id TEXT PRIMARY KEY,
                  workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                  name TEXT NOT NULL,
                  type TEXT NOT NULL,
                  description TEXT,
                  project TEXT,
                  tags TEXT NOT NULL DEFAULT '[]',
                  metadata TEXT,
                  created INTEGER NOT NULL,
                  UNIQUE(workspace_id, name));
                CREATE TABLE versions (
                  id TEXT PRIMARY KEY,
                  artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
                  version TEXT NOT NULL,
                  tags TEXT NOT NULL DEFAULT '[]',
                  metadata TEXT,
                  state TEXT NOT NULL CHECK (state IN ('OPEN','CLOSED','ERROR')),
                  owner TEXT NOT NULL,
                  added INTEGER NOT NULL,
                  experiment_key TEXT,
                  UNIQUE(artifact_id, version));
                CREATE TABLE aliases (
                  artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
                  alias TEXT NOT NULL,
                  version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                  position INTEGER NOT NULL,
                  PRIMARY KEY(artifact_id, alias));
                CREATE TABLE assets (
                  rowid INTEGER PRIMARY KEY AUTOINCREMENT,
                  asset_id TEXT NOT NULL,
                  version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                  logical_path TEXT NOT NULL,
                  size INTEGER NOT NULL,
                  type TEXT NOT NULL,
                  metadata TEXT,
                  link TEXT,
                  blob_sha256 TEXT,
                  added INTEGER NOT NULL,
                  CHECK ((link IS NULL) <> (blob_sha256 IS NULL)),
                  UNIQUE(version_id, logical_path));
                CREATE INDEX assets_by_id ON assets(asset_id);
                CREATE INDEX assets_by_blob ON assets(blob_sha256);
                CREATE TABLE consumptions (
                  experiment_key TEXT NOT NULL,
                  version_id TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
                  added INTEGER NOT NULL,
                  PRIMARY KEY(experiment_key, version_id));
                """)
        }
        // Issue 15: experiment name and end time, for `experiment/metadata`, `experiments` and `set-name`.
        m.registerMigration("v2-experiment-details") { db in
            try db.execute(sql: """
                ALTER TABLE experiments ADD COLUMN name TEXT;
                ALTER TABLE experiments ADD COLUMN ended INTEGER;
                """)
        }
        return m
    }

    static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// Lower-case hex sha256 of an API key: keys are stored hashed, never in clear.
    static func keyDigest(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func encodeList(_ list: [String]) -> String {
        WireJSON.strings(list).serialized()
    }

    static func decodeList(_ text: String?) -> [String] {
        guard let text, let data = text.data(using: .utf8),
              let list = try? JSONSerialization.jsonObject(with: data) as? [String] else { return [] }
        return list
    }

    /// Runs `SELECT 1`: throws when the database cannot answer (the health probe).
    public func ping() throws {
        _ = try pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: Users, keys, workspaces

    /// Creates a user with a default workspace of the same name, or returns the existing one.
    @discardableResult
    public func ensureUser(name: String) throws -> UserRecord {
        try pool.write { db in try Self.ensureUser(db, name: name) }
    }

    static func ensureUser(_ db: Database, name: String) throws -> UserRecord {
        if let row = try Row.fetchOne(db, sql: "SELECT id, name FROM users WHERE name = ?", arguments: [name]) {
            return UserRecord(id: row["id"], name: row["name"])
        }
        try db.execute(sql: "INSERT INTO users(name, created) VALUES (?, ?)", arguments: [name, nowMillis()])
        let user = UserRecord(id: db.lastInsertedRowID, name: name)
        _ = try workspace(db, userId: user.id, name: name, create: true)
        return user
    }

    /// True when a user named `name` exists.
    public func userExists(name: String) throws -> Bool {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id FROM users WHERE name = ?", arguments: [name]) != nil
        }
    }

    /// Removes every API key of the user named `userName` (the user and its workspaces stay).
    /// - Returns: how many keys were revoked.
    @discardableResult
    public func revokeKeys(userName: String) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM api_keys WHERE user_id IN (SELECT id FROM users WHERE name = ?)",
                           arguments: [userName])
            return db.changesCount
        }
    }

    /// Registers `key` for the user named `userName` (created if needed). Idempotent.
    public func addKey(_ key: String, userName: String) throws {
        try pool.write { db in
            let user = try Self.ensureUser(db, name: userName)
            try db.execute(sql: "INSERT OR REPLACE INTO api_keys(key_sha256, user_id, created) VALUES (?, ?, ?)",
                           arguments: [Self.keyDigest(key), user.id, Self.nowMillis()])
        }
    }

    /// The user an API key belongs to, or nil for an unknown key.
    public func user(forKey key: String) throws -> UserRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT users.id, users.name FROM api_keys JOIN users ON users.id = api_keys.user_id
                WHERE api_keys.key_sha256 = ?
                """, arguments: [Self.keyDigest(key)]).map { UserRecord(id: $0["id"], name: $0["name"]) }
        }
    }

    /// Names of the user's workspaces, sorted.
    public func workspaceNames(userId: Int64) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM workspaces WHERE owner_id = ? ORDER BY name", arguments: [userId])
        }
    }

    /// The user's workspace named `name`; with `create`, it is created when missing.
    public func workspace(userId: Int64, name: String, create: Bool) throws -> WorkspaceRecord? {
        if !create {
            return try pool.read { db in try Self.workspace(db, userId: userId, name: name, create: false) }
        }
        return try pool.write { db in try Self.workspace(db, userId: userId, name: name, create: true) }
    }

    static func workspace(_ db: Database, userId: Int64, name: String, create: Bool) throws -> WorkspaceRecord? {
        if let row = try Row.fetchOne(db, sql: "SELECT id, name, owner_id FROM workspaces WHERE owner_id = ? AND name = ?",
                                      arguments: [userId, name]) {
            return WorkspaceRecord(id: row["id"], name: row["name"], ownerId: row["owner_id"])
        }
        guard create else { return nil }
        try db.execute(sql: "INSERT INTO workspaces(name, owner_id, created) VALUES (?, ?, ?)", arguments: [name, userId, nowMillis()])
        return WorkspaceRecord(id: db.lastInsertedRowID, name: name, ownerId: userId)
    }

    // MARK: Experiments

    /// Records an experiment (handshake `logger/add/run`) in the user's workspace `workspaceName`
    /// (created if missing; the user's default workspace when nil). Returns the workspace.
    @discardableResult
    public func registerExperiment(key: String, user: UserRecord, workspaceName: String?, project: String?) throws -> WorkspaceRecord {
        try pool.write { db in
            let name = workspaceName ?? user.name
            guard let ws = try Self.workspace(db, userId: user.id, name: name, create: true) else {
                throw RegistryError.workspaceNotFound(name)
            }
            try db.execute(sql: """
                INSERT INTO experiments(key, workspace_id, project, user_id, created) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET workspace_id = excluded.workspace_id, project = excluded.project
                """, arguments: [key, ws.id, project, user.id, Self.nowMillis()])
            return ws
        }
    }

    /// The workspace and project of a known experiment of this user, or nil.
    public func experiment(key: String, userId: Int64) throws -> (workspace: WorkspaceRecord, project: String?)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT w.id, w.name, w.owner_id, e.project FROM experiments e JOIN workspaces w ON w.id = e.workspace_id
                WHERE e.key = ? AND e.user_id = ?
                """, arguments: [key, userId]) else { return nil }
            return (WorkspaceRecord(id: row["id"], name: row["name"], ownerId: row["owner_id"]), row["project"])
        }
    }

    // MARK: Artifacts and versions

    static let artifactColumns = """
        a.id, a.workspace_id, w.name AS workspace_name, a.name, a.type, a.description, a.project, a.tags, a.metadata
        """

    static func artifact(from row: Row) -> ArtifactRecord {
        ArtifactRecord(id: row["id"], workspaceId: row["workspace_id"], workspaceName: row["workspace_name"],
                       name: row["name"], type: row["type"], description: row["description"], project: row["project"],
                       tags: decodeList(row["tags"]), metadata: row["metadata"])
    }

    /// Artifacts of a workspace, optionally of one type, sorted by name.
    public func artifacts(workspaceId: Int64, type: String?) throws -> [ArtifactRecord] {
        try pool.read { db in
            var sql = "SELECT \(Self.artifactColumns) FROM artifacts a JOIN workspaces w ON w.id = a.workspace_id WHERE a.workspace_id = ?"
            var args: [(any DatabaseValueConvertible)?] = [workspaceId]
            if let type { sql += " AND a.type = ?"; args.append(type) }
            sql += " ORDER BY a.name"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(Self.artifact(from:))
        }
    }

    /// An artifact by name in a workspace, or nil.
    public func artifact(workspaceId: Int64, name: String) throws -> ArtifactRecord? {
        try pool.read { db in try Self.artifact(db, workspaceId: workspaceId, name: name) }
    }

    static func artifact(_ db: Database, workspaceId: Int64, name: String) throws -> ArtifactRecord? {
        try Row.fetchOne(db, sql: """
            SELECT \(artifactColumns) FROM artifacts a JOIN workspaces w ON w.id = a.workspace_id
            WHERE a.workspace_id = ? AND a.name = ?
            """, arguments: [workspaceId, name]).map(artifact(from:))
    }

    /// An artifact by id, if it is in one of the user's workspaces.
    public func artifact(id: String, userId: Int64) throws -> ArtifactRecord? {
        try pool.read { db in try Self.artifact(db, id: id, userId: userId) }
    }

    static func artifact(_ db: Database, id: String, userId: Int64) throws -> ArtifactRecord? {
        try Row.fetchOne(db, sql: """
            SELECT \(artifactColumns) FROM artifacts a JOIN workspaces w ON w.id = a.workspace_id
            WHERE a.id = ? AND w.owner_id = ?
            """, arguments: [id, userId]).map(artifact(from:))
    }

    /// All versions of an artifact (with aliases and sizes), lowest version first.
    public func versions(artifactId: String) throws -> [VersionRecord] {
        try pool.read { db in try Self.versions(db, artifactId: artifactId) }
    }

    static func versions(_ db: Database, artifactId: String) throws -> [VersionRecord] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT v.*, (SELECT COALESCE(SUM(size), 0) FROM assets WHERE assets.version_id = v.id) AS size
            FROM versions v WHERE v.artifact_id = ?
            """, arguments: [artifactId])
        var aliases: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT alias, version_id FROM aliases WHERE artifact_id = ? ORDER BY position, alias",
                                    arguments: [artifactId]) {
            aliases[row["version_id"], default: []].append(row["alias"])
        }
        return sortedByVersion(rows.map { version(from: $0, aliases: aliases) })
    }

    /// A version by id, with its artifact, if it is in one of the user's workspaces.
    public func version(id: String, userId: Int64) throws -> (ArtifactRecord, VersionRecord)? {
        try pool.read { db in try Self.version(db, id: id, userId: userId) }
    }

    static func version(_ db: Database, id: String, userId: Int64) throws -> (ArtifactRecord, VersionRecord)? {
        guard let artifactId = try String.fetchOne(db, sql: "SELECT artifact_id FROM versions WHERE id = ?", arguments: [id]),
              let artifact = try artifact(db, id: artifactId, userId: userId),
              let version = try versions(db, artifactId: artifactId).first(where: { $0.id == id }) else { return nil }
        return (artifact, version)
    }

    /// What an upsert asks for (reference §2.9).
    public struct UpsertRequest: Sendable {
        public var workspace: WorkspaceRecord
        public var owner: String
        public var name: String
        public var type: String
        /// Explicit version text, or nil for "next major".
        public var version: String?
        public var aliases: [String]
        public var tags: [String]
        public var metadata: String?
        public var experimentKey: String?
        public var project: String?

        public init(workspace: WorkspaceRecord, owner: String, name: String, type: String, version: String?,
                    aliases: [String], tags: [String], metadata: String?, experimentKey: String?, project: String?) {
            self.workspace = workspace; self.owner = owner; self.name = name; self.type = type; self.version = version
            self.aliases = aliases; self.tags = tags; self.metadata = metadata; self.experimentKey = experimentKey
            self.project = project
        }
    }

    /// The result of an upsert: ids, and the new and previous highest version.
    public struct UpsertResult: Sendable, Equatable {
        public var artifactId: String
        public var versionId: String
        public var currentVersion: String
        public var previousVersion: String?
    }

    /// Creates the artifact if needed and a new OPEN version (reference §2.9, §4.1).
    /// - Throws: ``RegistryError/invalidVersion(_:)`` (42001), ``RegistryError/versionExists(_:)`` (90399).
    public func upsert(_ request: UpsertRequest) throws -> UpsertResult {
        if let text = request.version, SemanticVersion(text) == nil { throw RegistryError.invalidVersion(text) }
        return try pool.write { db in
            let now = Self.nowMillis()
            let artifactId: String
            if let existing = try Self.artifact(db, workspaceId: request.workspace.id, name: request.name) {
                artifactId = existing.id
            } else {
                artifactId = UUID().uuidString.lowercased()
                try db.execute(sql: """
                    INSERT INTO artifacts(id, workspace_id, name, type, project, created) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [artifactId, request.workspace.id, request.name, request.type, request.project, now])
            }
            let existing = try Self.versions(db, artifactId: artifactId)
            let previous = existing.map(\.semanticVersion).max()
            let version: String
            if let text = request.version {
                let wanted = SemanticVersion(text)!
                if existing.contains(where: { $0.semanticVersion == wanted }) { throw RegistryError.versionExists(text) }
                version = wanted.description
            } else {
                guard let next = VersionRules.nextVersion(after: existing.map(\.semanticVersion)) else {
                    throw RegistryError.badRequest("Artifact '\(request.name)' has no next major version after \(previous.map(\.description) ?? "")")
                }
                version = next.description
            }
            let versionId = UUID().uuidString.lowercased()
            try db.execute(sql: """
                INSERT INTO versions(id, artifact_id, version, tags, metadata, state, owner, added, experiment_key)
                VALUES (?, ?, ?, ?, ?, 'OPEN', ?, ?, ?)
                """, arguments: [versionId, artifactId, version, Self.encodeList(VersionRules.normalizedLabels(request.tags)),
                                 request.metadata, request.owner, now, request.experimentKey])
            try Self.setAliases(db, artifactId: artifactId, versionId: versionId, aliases: request.aliases)
            return UpsertResult(artifactId: artifactId, versionId: versionId, currentVersion: version,
                                previousVersion: previous?.description)
        }
    }

    /// Replaces a version's aliases; each alias is moved away from any other version of the artifact.
    /// - Throws: ``RegistryError/badRequest(_:)`` (400) for an alias no reference could reach
    ///   (``ArtifactReference/aliasProblem(_:)``); nothing is changed then.
    static func setAliases(_ db: Database, artifactId: String, versionId: String, aliases: [String]) throws {
        for alias in VersionRules.normalizedLabels(aliases) {
            if let problem = ArtifactReference.aliasProblem(alias) { throw RegistryError.badRequest("Invalid alias: \(problem)") }
        }
        try db.execute(sql: "DELETE FROM aliases WHERE version_id = ?", arguments: [versionId])
        for (position, alias) in VersionRules.normalizedLabels(aliases).enumerated() {
            try db.execute(sql: "DELETE FROM aliases WHERE artifact_id = ? AND alias = ?", arguments: [artifactId, alias])
            try db.execute(sql: "INSERT INTO aliases(artifact_id, alias, version_id, position) VALUES (?, ?, ?, ?)",
                           arguments: [artifactId, alias, versionId, position])
        }
    }

    /// Sets a version's state (`write/artifacts/state`, reference §2.10).
    /// - Throws: ``RegistryError/versionNotFound(_:)`` for an unknown or foreign version.
    public func setState(versionId: String, state: VersionState, userId: Int64) throws {
        try pool.write { db in
            guard try Self.version(db, id: versionId, userId: userId) != nil else { throw RegistryError.versionNotFound(versionId) }
            try db.execute(sql: "UPDATE versions SET state = ? WHERE id = ?", arguments: [state.rawValue, versionId])
        }
    }

    /// Updates aliases, version tags and/or version metadata (`version/labels`, reference §2.11).
    /// A nil argument leaves that field unchanged; a list replaces the whole set.
    public func updateLabels(versionId: String, userId: Int64, aliases: [String]?, tags: [String]?, metadata: String??) throws {
        try pool.write { db in
            guard let (artifact, _) = try Self.version(db, id: versionId, userId: userId) else {
                throw RegistryError.versionNotFound(versionId)
            }
            if let aliases { try Self.setAliases(db, artifactId: artifact.id, versionId: versionId, aliases: aliases) }
            if let tags {
                try db.execute(sql: "UPDATE versions SET tags = ? WHERE id = ?",
                               arguments: [Self.encodeList(VersionRules.normalizedLabels(tags)), versionId])
            }
            if let metadata {
                try db.execute(sql: "UPDATE versions SET metadata = ? WHERE id = ?", arguments: [metadata, versionId])
            }
        }
    }

    /// Updates artifact-level fields (`write/artifacts/details`, reference §2.12). Nil leaves a field unchanged.
    public func updateArtifact(id: String, userId: Int64, type: String?, tags: [String]?, metadata: String?, description: String?) throws {
        try pool.write { db in
            guard try Self.artifact(db, id: id, userId: userId) != nil else { throw RegistryError.artifactNotFound(id) }
            if let type { try db.execute(sql: "UPDATE artifacts SET type = ? WHERE id = ?", arguments: [type, id]) }
            if let tags {
                try db.execute(sql: "UPDATE artifacts SET tags = ? WHERE id = ?",
                               arguments: [Self.encodeList(VersionRules.normalizedLabels(tags)), id])
            }
            if let metadata { try db.execute(sql: "UPDATE artifacts SET metadata = ? WHERE id = ?", arguments: [metadata, id]) }
            if let description { try db.execute(sql: "UPDATE artifacts SET description = ? WHERE id = ?", arguments: [description, id]) }
        }
    }

    // MARK: Assets

    static func asset(from row: Row) -> AssetRecord {
        AssetRecord(assetId: row["asset_id"], versionId: row["version_id"], artifactId: row["artifact_id"],
                    logicalPath: row["logical_path"], size: row["size"], type: row["type"], metadata: row["metadata"],
                    link: row["link"], sha256: row["blob_sha256"])
    }

    /// Assets of a version, sorted by logical path.
    ///
    /// Columns are read by position from one reused cursor row: reading them by name lower-cased each
    /// column name per row, a sixth of a 100,000-asset `version/files` answer (issue 6).
    public func assets(versionId: String) throws -> [AssetRecord] {
        try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT assets.asset_id, assets.version_id, versions.artifact_id, assets.logical_path, assets.size,
                       assets.type, assets.metadata, assets.link, assets.blob_sha256
                FROM assets JOIN versions ON versions.id = assets.version_id
                WHERE assets.version_id = ? ORDER BY logical_path
                """, arguments: [versionId])
            var result: [AssetRecord] = []
            while let row = try rows.next() {
                result.append(AssetRecord(assetId: row[0], versionId: row[1], artifactId: row[2], logicalPath: row[3],
                                          size: row[4], type: row[5], metadata: row[6], link: row[7], sha256: row[8]))
            }
            return result
        }
    }

    /// Adds (or replaces, same logical path) an asset of an OPEN version. The blob must already be in place.
    /// - Throws: ``RegistryError/versionNotFound(_:)`` for an unknown or foreign version,
    ///   ``RegistryError/versionImmutable(_:state:)`` (90401) once the version is CLOSED or ERROR.
    public func addAsset(_ asset: AssetRecord, userId: Int64) throws {
        try pool.write { db in
            guard let (_, version) = try Self.version(db, id: asset.versionId, userId: userId) else {
                throw RegistryError.versionNotFound(asset.versionId)
            }
            guard version.state == .open else { throw RegistryError.versionImmutable(version.version, state: version.state) }
            try db.execute(sql: "DELETE FROM assets WHERE version_id = ? AND logical_path = ?",
                           arguments: [asset.versionId, asset.logicalPath])
            try db.execute(sql: """
                INSERT INTO assets(asset_id, version_id, logical_path, size, type, metadata, link, blob_sha256, added)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [asset.assetId, asset.versionId, asset.logicalPath, asset.size, asset.type, asset.metadata,
                                 asset.link, asset.sha256, Self.nowMillis()])
        }
    }

    /// An asset by id (and version id when given), if it is in one of the user's workspaces.
    public func asset(id: String, versionId: String?, userId: Int64) throws -> AssetRecord? {
        try pool.read { db in
            var sql = """
                SELECT assets.*, versions.artifact_id FROM assets
                JOIN versions ON versions.id = assets.version_id
                JOIN artifacts ON artifacts.id = versions.artifact_id
                JOIN workspaces ON workspaces.id = artifacts.workspace_id
                WHERE assets.asset_id = ? AND workspaces.owner_id = ?
                """
            var args: [(any DatabaseValueConvertible)?] = [id, userId]
            if let versionId { sql += " AND assets.version_id = ?"; args.append(versionId) }
            return try Row.fetchOne(db, sql: sql, arguments: StatementArguments(args)).map(Self.asset(from:))
        }
    }

    /// Every blob digest some asset references (for garbage collection of orphaned blobs).
    public func referencedBlobs() throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT blob_sha256 FROM assets WHERE blob_sha256 IS NOT NULL")) }
    }

    // MARK: Lineage

    /// Records that an experiment consumed a version (`consumerExperimentKey`, reference §6).
    public func recordConsumption(experimentKey: String, versionId: String) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO consumptions(experiment_key, version_id, added) VALUES (?, ?, ?)",
                           arguments: [experimentKey, versionId, Self.nowMillis()])
        }
    }

    /// One edge of an experiment's lineage (``lineage(experimentKey:userId:)``).
    public struct LineageEdge: Sendable {
        /// `output` (the experiment produced the version) or `input` (it consumed it).
        public var direction: String
        public var artifact: ArtifactRecord
        public var version: VersionRecord
        /// When the edge was made, epoch milliseconds: the version's creation for an output, the
        /// first consumption for an input.
        public var addedMillis: Int64
    }

    /// Versions an experiment produced (output) or consumed (input), within the user's workspaces;
    /// outputs first, each group oldest first.
    public func lineage(experimentKey: String, userId: Int64) throws -> [LineageEdge] {
        try pool.read { db in
            var result: [LineageEdge] = []
            let outputs = try Row.fetchAll(db, sql: "SELECT id, added FROM versions WHERE experiment_key = ? ORDER BY added, id",
                                           arguments: [experimentKey])
            let inputs = try Row.fetchAll(db, sql: "SELECT version_id AS id, added FROM consumptions WHERE experiment_key = ? ORDER BY added, version_id",
                                          arguments: [experimentKey])
            for (direction, rows) in [("output", outputs), ("input", inputs)] {
                for row in rows {
                    let id: String = row["id"]
                    if let (a, v) = try Self.version(db, id: id, userId: userId) {
                        result.append(LineageEdge(direction: direction, artifact: a, version: v, addedMillis: row["added"]))
                    }
                }
            }
            return result
        }
    }

    /// One experiment that consumed a version (``consumers(versionId:userId:)``).
    public struct Consumer: Sendable {
        public var experimentKey: String
        /// When it first read the version (`artifacts/version` with `consumerExperimentKey`), epoch ms.
        public var addedMillis: Int64
        /// The experiment as the registry knows it (name, project, workspace); nil for a key the
        /// registry never saw start.
        public var experiment: ExperimentRecord?
    }

    /// The experiments that consumed version `versionId`, first consumer first; nil when the user
    /// cannot see the version.
    public func consumers(versionId: String, userId: Int64) throws -> [Consumer]? {
        try pool.read { db in
            guard try Self.version(db, id: versionId, userId: userId) != nil else { return nil }
            let rows = try Row.fetchAll(db, sql: "SELECT experiment_key, added FROM consumptions WHERE version_id = ? ORDER BY added, experiment_key",
                                        arguments: [versionId])
            return try rows.map { row in
                let key: String = row["experiment_key"]
                let experiment = try Row.fetchOne(db, sql: "SELECT \(Self.experimentColumns) WHERE e.key = ?", arguments: [key])
                    .map(Self.experimentRecord)
                return Consumer(experimentKey: key, addedMillis: row["added"], experiment: experiment)
            }
        }
    }
}
