import Crypto
import Foundation
import Hummingbird

/// The experiment and project answers other Comet clients read (issue 15; the table of routes and
/// the reasons are in `docs/registry.md`). Field names and JSON types follow the Java SDK's DTOs
/// (`CreateExperimentResponse`, `ExperimentMetadataRest`, `RestProject`, `ExperimentStatusResponse`,
/// `ExperimentAssetLink`), the R SDK `cometr` (`R/experiment.R`), the Python SDK's `APIExperiment._ATTR_FIELD_MAP`, and what `cometx list`
/// and `cometx download` read through the Python SDK (reference §2.14).
extension RegistryResponder {
    /// Comet's name for the project of an experiment created without one; used in `link`.
    static let defaultProjectName = "general"

    /// A stable project id: the first 32 hex digits of SHA-256 over `workspace/project`.
    /// The registry keeps no project table; clients only echo the id back (`experiments?projectId=`).
    static func projectId(workspace: String, project: String) -> String {
        String(SHA256.hash(data: Data("\(workspace)/\(project)".utf8)).map { String(format: "%02x", $0) }.joined().prefix(32))
    }

    /// The experiment's page, as Comet's `link`: `http://HOST:PORT/WORKSPACE/PROJECT/KEY` (each
    /// part percent-encoded). The R SDK stops `create_experiment` when it is null (as the registry sent
    /// it before issue 15) and builds the same URL itself for an experiment it reopens.
    static func experimentLink(host: String, workspace: String, project: String?, key: String) -> String {
        let parts = [workspace, project ?? defaultProjectName, key].map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? $0
        }
        return "http://\(host)/" + parts.joined(separator: "/")
    }

    /// One experiment as `experiment/metadata` and each entry of `experiments` answer it: the fields
    /// of the Java SDK's `ExperimentMetadataRest` (times and duration in epoch milliseconds, `null`
    /// when unknown; `archived` and `running` booleans: `cometr` branches on `archived`, so it is never
    /// null) plus Python's `hasCrashed` and `throttle`.
    static func experimentJSON(_ e: ExperimentRecord, nowMillis: Int64) -> WireJSON {
        let end = e.endMillis
        return .object([
            ("experimentKey", .string(e.key)),
            ("experimentName", .optional(e.name)),
            ("optimizationId", .null),
            ("userName", .string(e.userName)),
            ("projectId", .optional(e.project.map { projectId(workspace: e.workspaceName, project: $0) })),
            ("projectName", .optional(e.project)),
            ("workspaceName", .string(e.workspaceName)),
            ("filePath", .null),
            ("fileName", .null),
            ("throttle", .bool(false)),
            ("durationMillis", .int(max(0, (end ?? nowMillis) - e.startMillis))),
            ("startTimeMillis", .int(e.startMillis)),
            ("endTimeMillis", end.map { .int($0) } ?? .null),
            ("archived", .bool(false)),
            ("running", .bool(end == nil)),
            ("hasCrashed", .bool(false)),
        ])
    }

    /// `R:write/experiment/create` `{workspaceName, projectName, experimentName?}` → the Java SDK's
    /// `CreateExperimentResponse`: `experimentKey`, `workspaceName`, `projectName`, `link`, `name`.
    func createExperiment(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        let key = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let project = Self.string(body, "projectName")
        let name = Self.string(body, "experimentName")
        let ws = try store.registerExperiment(key: key, user: user, workspaceName: Self.string(body, "workspaceName"), project: project)
        if let name { try store.setExperimentName(key: key, userId: user.id, name: name) }
        let link = Self.experimentLink(host: request.head.authority ?? "127.0.0.1", workspace: ws.name, project: project, key: key)
        return Self.json(.object([("experimentKey", .string(key)), ("workspaceName", .string(ws.name)),
                                  ("projectName", .optional(project)), ("link", .string(link)), ("name", .optional(name))]))
    }

    /// `R:experiment/metadata?experimentKey=`: the full metadata of a known experiment. An unknown
    /// key answers `{}` as before (the Python SDK's end-of-run throttle check reads it, and tolerates
    /// any answer; reference §2.14).
    func experimentMetadata(_ query: QueryParameters, user: UserRecord) throws -> Response {
        guard let key = query["experimentKey"], let e = try store.experimentRecord(key: key, userId: user.id) else {
            return Self.json(.object([]))
        }
        return Self.json(Self.experimentJSON(e, nowMillis: RegistryStore.nowMillis()))
    }

    /// `R:projects?workspaceName=` → `{"projects": [RestProject]}`: the distinct projects of the
    /// workspace's experiments (`cometx list WORKSPACE` prints `WORKSPACE/PROJECT` for each).
    func projects(_ query: QueryParameters, user: UserRecord) throws -> Response {
        let ws = try workspace(query["workspaceName"] ?? query["workspace"], user: user)
        let list = try store.projects(workspaceId: ws.id).map { p -> WireJSON in
            .object([
                ("projectId", .string(Self.projectId(workspace: ws.name, project: p.name))),
                ("projectName", .string(p.name)),
                ("ownerUserName", .string(user.name)),
                ("projectDescription", .null),
                ("workspaceName", .string(ws.name)),
                ("public", .bool(false)),
                ("numberOfExperiments", .int(Int64(p.experimentCount))),
                ("lastUpdated", .int(p.lastUpdatedMillis)),
            ])
        }
        return Self.json(.object([("projects", .array(list))]))
    }

    /// `R:experiments?workspaceName=&projectName=` (or `projectId=`) → `{"experiments": [metadata]}`
    /// (Java's `GetExperimentsResponse`; Python's `API.get_experiments`). `archived=true` lists none:
    /// the registry archives nothing.
    func experiments(_ query: QueryParameters, user: UserRecord) throws -> Response {
        if query.bool("archived") { return Self.json(.object([("experiments", .array([]))])) }
        var list: [ExperimentRecord] = []
        if let id = query["projectId"] {
            for name in try store.workspaceNames(userId: user.id) {
                guard let ws = try store.workspace(userId: user.id, name: name, create: false) else { continue }
                for p in try store.projects(workspaceId: ws.id) where Self.projectId(workspace: ws.name, project: p.name) == id {
                    list += try store.experiments(workspaceId: ws.id, project: p.name)
                }
            }
        } else {
            let ws = try workspace(query["workspaceName"] ?? query["workspace"], user: user)
            list = try store.experiments(workspaceId: ws.id, project: query["projectName"])
        }
        let now = RegistryStore.nowMillis()
        return Self.json(.object([("experiments", .array(list.map { Self.experimentJSON($0, nowMillis: now) }))]))
    }

    /// `R:write/experiment/set-status?experimentKey=` (a GET in the Python and Java SDKs: the
    /// heartbeat of `APIExperiment` and of the Java `OnlineExperiment`) → the Java SDK's
    /// `ExperimentStatusResponse`, intervals in milliseconds (numbers, not strings).
    func setStatus() -> Response {
        Self.json(.object([
            ("isAliveBeatDurationMillis", .int(60_000)),
            ("gpuMonitorIntervalMillis", .int(60_000)),
            ("cpuMonitorIntervalMillis", .int(60_000)),
        ]))
    }

    /// `R:write/experiment/set-start-end-time` `{experimentKey, startTimeMillis?, endTimeMillis?}`
    /// (Python `APIExperiment.set_start_time`/`set_end_time`, Java `ExperimentTimeRequest`).
    func setStartEnd(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let key = Self.string(body, "experimentKey") else { throw RegistryError.badRequest("experimentKey is required") }
        let start = (body["startTimeMillis"] as? NSNumber)?.int64Value
        let end = (body["endTimeMillis"] as? NSNumber)?.int64Value
        guard try store.setExperimentTimes(key: key, userId: user.id, start: start, end: end) else {
            throw RegistryError.badRequest("No experiment \(key)")
        }
        return Self.json(WireEncoding.ok)
    }

    /// `R:write/experiment/log-other` `{experimentKey, key, value}` (Python `APIExperiment.log_other`,
    /// Java `LogOtherRest`). Comet's clients set an experiment's name as the "other" value `Name`
    /// (Python `set_name`), which the registry keeps for `experimentName`; other keys are dropped.
    func logOther(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let key = Self.string(body, "experimentKey") else { throw RegistryError.badRequest("experimentKey is required") }
        if Self.string(body, "key") == "Name", let value = body["value"], !(value is NSNull) {
            let name = value as? String ?? "\(value)"
            guard try store.setExperimentName(key: key, userId: user.id, name: name) else {
                throw RegistryError.badRequest("No experiment \(key)")
            }
        }
        return Self.json(WireEncoding.ok)
    }

    /// `R:experiment/asset/list?experimentKey=` → `{"assets": []}` (Java's `ExperimentAssetListResponse`).
    /// The registry keeps artifact assets only; an experiment's own assets (source code, ...) are
    /// accepted and dropped at upload, so a known experiment has none. An unknown key is a 400.
    func experimentAssets(_ query: QueryParameters, user: UserRecord) throws -> Response {
        guard let key = query["experimentKey"], try store.experimentRecord(key: key, userId: user.id) != nil else {
            throw RegistryError.badRequest("No experiment \(query["experimentKey"] ?? "")")
        }
        return Self.json(.object([("assets", .array([]))]))
    }

    /// `R:registry-model?workspaceName=` → `{"registryModels": []}`: the registry has no model
    /// registry; `cometx list WORKSPACE` lists models after projects and artifacts and aborts on an error.
    func registryModels(_ query: QueryParameters, user: UserRecord) throws -> Response {
        _ = try workspace(query["workspaceName"] ?? query["workspace"], user: user)
        return Self.json(.object([("registryModels", .array([]))]))
    }
}
