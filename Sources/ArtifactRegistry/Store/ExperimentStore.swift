import Foundation
import GRDB

/// One experiment as the registry knows it: enough for Comet's experiment and project listings
/// (issue 15; the fields are those of the Java SDK's `ExperimentMetadataRest` and `RestProject`).
public struct ExperimentRecord: Sendable, Equatable {
    /// The experiment key (32 lower-case hex digits).
    public var key: String
    /// The workspace the experiment belongs to.
    public var workspaceName: String
    /// The project name, nil when the client sent none.
    public var project: String?
    /// The name set by `write/experiment/set-name` or `write/experiment/create`, nil otherwise.
    public var name: String?
    /// The user who created the experiment.
    public var userName: String
    /// Start time, epoch milliseconds.
    public var startMillis: Int64
    /// End time, epoch milliseconds; nil while the experiment runs.
    public var endMillis: Int64?
}

/// A project of a workspace: the distinct `project` of its experiments.
public struct ProjectSummary: Sendable, Equatable {
    /// The project name.
    public var name: String
    /// How many experiments of the workspace name this project.
    public var experimentCount: Int
    /// Start time of the project's newest experiment, epoch milliseconds.
    public var lastUpdatedMillis: Int64
}

extension RegistryStore {
    static let experimentColumns = """
        e.key, w.name AS workspace_name, e.project, e.name, u.name AS user_name, e.created, e.ended
        FROM experiments e JOIN workspaces w ON w.id = e.workspace_id JOIN users u ON u.id = e.user_id
        """

    static func experimentRecord(_ row: Row) -> ExperimentRecord {
        ExperimentRecord(key: row["key"], workspaceName: row["workspace_name"], project: row["project"], name: row["name"],
                         userName: row["user_name"], startMillis: row["created"], endMillis: row["ended"])
    }

    /// The experiment `key` of this user, or nil.
    public func experimentRecord(key: String, userId: Int64) throws -> ExperimentRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.experimentColumns) WHERE e.key = ? AND e.user_id = ?",
                             arguments: [key, userId]).map(Self.experimentRecord)
        }
    }

    /// The experiments of workspace `workspaceId`, of `project` when given, oldest first.
    public func experiments(workspaceId: Int64, project: String?) throws -> [ExperimentRecord] {
        try pool.read { db in
            var sql = "SELECT \(Self.experimentColumns) WHERE e.workspace_id = ?"
            var arguments: StatementArguments = [workspaceId]
            if let project {
                sql += " AND e.project = ?"
                arguments += [project]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY e.created, e.key", arguments: arguments).map(Self.experimentRecord)
        }
    }

    /// The projects of workspace `workspaceId` (experiments without a project are not counted), by name.
    public func projects(workspaceId: Int64) throws -> [ProjectSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT project, COUNT(*) AS n, MAX(created) AS last FROM experiments
                WHERE workspace_id = ? AND project IS NOT NULL GROUP BY project ORDER BY project
                """, arguments: [workspaceId]).map { ProjectSummary(name: $0["project"], experimentCount: $0["n"], lastUpdatedMillis: $0["last"]) }
        }
    }

    /// Sets the name of an experiment of this user. Returns false when there is no such experiment.
    @discardableResult
    public func setExperimentName(key: String, userId: Int64, name: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE experiments SET name = ? WHERE key = ? AND user_id = ?", arguments: [name, key, userId])
            return db.changesCount > 0
        }
    }

    /// Records the end time (now) of an experiment of this user, once.
    public func endExperiment(key: String, userId: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE experiments SET ended = ? WHERE key = ? AND user_id = ? AND ended IS NULL",
                           arguments: [Self.nowMillis(), key, userId])
        }
    }
}

extension RegistryStore {
    /// Sets the start and/or end time (epoch milliseconds) of an experiment of this user.
    /// Returns false when there is no such experiment.
    public func setExperimentTimes(key: String, userId: Int64, start: Int64?, end: Int64?) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE experiments SET created = COALESCE(?, created), ended = COALESCE(?, ended) WHERE key = ? AND user_id = ?",
                           arguments: [start, end, key, userId])
            return db.changesCount > 0
        }
    }
}
