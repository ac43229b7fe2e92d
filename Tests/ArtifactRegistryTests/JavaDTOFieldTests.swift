import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import ArtifactRegistry

/// Every field that the Java SDK's response DTOs name is present in the registry's answer with the
/// JSON type Jackson needs (issue 15). The tables are transcribed from the public sources of
/// `comet-ml/comet-java-sdk`, package `ml.comet.experiment.impl.rest` (`ArtifactEntry`,
/// `ArtifactVersionDetail` + `BaseExperimentObject`, `ArtifactDto`, `ArtifactVersionAsset`,
/// `CreateExperimentResponse`, `ExperimentMetadataRest`, `RestProject`, `ExperimentStatusResponse`,
/// `ExperimentAssetListResponse`). Java `String`, boxed `Long`/`Boolean`, `List` and `Timestamp`
/// may be `null`; primitives (`long`, `boolean`) may not.
@Suite struct JavaDTOFieldTests {
    static let key = "dto-field-key"

    /// A JSON type as Jackson maps it onto a Java field.
    enum Kind {
        case string, int, bool, stringList, object, array
    }

    /// Field → (type, may be null).
    typealias Table = [String: (Kind, nullable: Bool)]

    // ArtifactEntry (write/artifacts/upsert)
    static let artifactEntry: Table = [
        "artifactId": (.string, false), "artifactVersionId": (.string, false),
        "previousVersion": (.string, true), "currentVersion": (.string, false),
    ]
    // ArtifactVersionDetail extends BaseExperimentObject (artifacts/version); `files` is read from version/files.
    static let artifactVersionDetail: Table = [
        "experimentKey": (.string, true), "artifactVersionId": (.string, false), "artifactVersion": (.string, false),
        "owner": (.string, true), "createdFrom": (.string, true), "sizeInBytes": (.int, false), "metadata": (.string, true),
        "note": (.string, true), "added": (.int, false), "state": (.string, false), "tags": (.stringList, false),
        "alias": (.stringList, false), "artifact": (.object, false),
    ]
    // ArtifactDto (artifacts/version → artifact). No @JsonIgnoreProperties: no other key is allowed.
    static let artifactDto: Table = [
        "artifactId": (.string, false), "artifactName": (.string, false), "projectId": (.string, true),
        "workspaceId": (.string, true), "workspaceName": (.string, false), "experimentKey": (.string, true),
        "description": (.string, true), "version": (.string, true), "metadata": (.string, true),
        "artifactType": (.string, false), "isPublic": (.bool, false), "owner": (.string, true),
        "s3FileSize": (.int, true), "emoji": (.string, true), "tags": (.stringList, false),
    ]
    // ArtifactVersionAsset (artifacts/version/files → files[]); `fileSize` is a primitive long.
    static let artifactVersionAsset: Table = [
        "artifactId": (.string, false), "artifactVersionId": (.string, false), "assetId": (.string, false),
        "fileName": (.string, false), "fileSize": (.int, false), "link": (.string, true), "dir": (.string, true),
        "type": (.string, false), "metadata": (.string, true), "remote": (.bool, false),
    ]
    // CreateExperimentResponse extends BaseExperimentObject (write/experiment/create); `link` must be set.
    static let createExperimentResponse: Table = [
        "experimentKey": (.string, false), "workspaceName": (.string, false), "projectName": (.string, true),
        "link": (.string, false), "name": (.string, true),
    ]
    // ExperimentMetadataRest extends BaseExperimentObject (experiment/metadata, experiments[]);
    // Lombok's `isArchived` is the JSON property `archived`.
    static let experimentMetadataRest: Table = [
        "experimentKey": (.string, false), "experimentName": (.string, true), "optimizationId": (.string, true),
        "userName": (.string, true), "projectId": (.string, true), "projectName": (.string, true),
        "workspaceName": (.string, false), "filePath": (.string, true), "fileName": (.string, true),
        "throttle": (.bool, true), "durationMillis": (.int, true), "startTimeMillis": (.int, true),
        "endTimeMillis": (.int, true), "archived": (.bool, false), "running": (.bool, false),
    ]
    // RestProject (projects → projects[]); `isPublic` is @JsonProperty("public").
    static let restProject: Table = [
        "projectId": (.string, false), "projectName": (.string, false), "ownerUserName": (.string, true),
        "projectDescription": (.string, true), "workspaceName": (.string, false), "public": (.bool, false),
        "numberOfExperiments": (.int, true), "lastUpdated": (.int, true),
    ]
    // ExperimentStatusResponse (write/experiment/set-status): three primitive longs.
    static let experimentStatusResponse: Table = [
        "isAliveBeatDurationMillis": (.int, false), "gpuMonitorIntervalMillis": (.int, false), "cpuMonitorIntervalMillis": (.int, false),
    ]

    /// A decoded JSON value that keeps `true`/`false` apart from numbers (JSONSerialization does not
    /// on every platform: both come back as NSNumber).
    indirect enum JSON: Decodable, Equatable {
        case null, bool(Bool), int(Int64), double(Double), string(String), array([JSON]), object([String: JSON])

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int64.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([JSON].self) { self = .array(a) }
            else { self = .object(try c.decode([String: JSON].self)) }
        }

        static func parse(_ data: Data) throws -> [String: JSON] { try JSONDecoder().decode([String: JSON].self, from: data) }

        var text: String? { if case .string(let v) = self { v } else { nil } }
        var integer: Int64? { if case .int(let v) = self { v } else { nil } }
        var boolean: Bool? { if case .bool(let v) = self { v } else { nil } }
        var fields: [String: JSON]? { if case .object(let v) = self { v } else { nil } }
        var objects: [[String: JSON]]? { if case .array(let v) = self { v.compactMap(\.fields) } else { nil } }
    }

    /// The problems of `object` against `table`: a missing field, a null where Java has a primitive,
    /// a value of the wrong JSON type; and, when `closed`, a key the DTO does not name.
    static func problems(_ object: [String: JSON], _ table: Table, closed: Bool = false) -> [String] {
        var out: [String] = []
        for (field, (kind, nullable)) in table.sorted(by: { $0.key < $1.key }) {
            guard let value = object[field] else { out.append("\(field): missing"); continue }
            if value == .null {
                if !nullable { out.append("\(field): null") }
                continue
            }
            if !matches(value, kind) { out.append("\(field): not \(kind): \(value)") }
        }
        if closed { out += object.keys.filter { table[$0] == nil }.sorted().map { "\($0): not in the DTO" } }
        return out
    }

    static func matches(_ value: JSON, _ kind: Kind) -> Bool {
        switch (kind, value) {
        case (.string, .string), (.int, .int), (.bool, .bool), (.object, .object), (.array, .array): return true
        case (.stringList, .array(let items)):
            return items.allSatisfy { if case .string = $0 { true } else { false } }
        default: return false
        }
    }

    @Test func theCheckerCatchesMissingNullAndWrongTypes() throws {
        let table: Table = ["a": (.int, false), "b": (.bool, false), "c": (.string, true)]
        #expect(Self.problems(try JSON.parse(Data(#"{"a":1,"b":true,"c":null}"#.utf8)), table).isEmpty)
        #expect(Self.problems(try JSON.parse(Data(#"{"a":null,"b":1,"x":1}"#.utf8)), table, closed: true)
                == ["a: null", "b: not bool: int(1)", "c: missing", "x: not in the DTO"])
        #expect(Self.problems(try JSON.parse(Data(#"{"a":"1","b":false,"c":"s"}"#.utf8)), table) == [#"a: not int: string("1")"#])
    }

    /// The R SDK refuses an experiment without a `link`; the registry builds Comet's page URL.
    @Test func linkIsTheExperimentsPageWithEncodedParts() {
        #expect(RegistryResponder.experimentLink(host: "127.0.0.1:5000", workspace: "my ws", project: nil, key: "abc")
                == "http://127.0.0.1:5000/my%20ws/general/abc")
        #expect(RegistryResponder.experimentLink(host: "h", workspace: "w", project: "a/b", key: "k") == "http://h/w/a%2Fb/k")
    }

    @Test func everyAnswerCarriesTheJavaSDKsFieldsWithTheirTypes() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        try store.addKey(Self.key, userName: "arty")
        let app = Application(responder: RegistryResponder(store: store, blobs: try BlobStore(root: dir)))
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: Self.key, .contentType: "application/json"]
            func get(_ uri: String) async throws -> [String: JSON] {
                let response = try await client.execute(uri: uri, method: .get, headers: auth)
                #expect(response.status == .ok, "\(uri)")
                return try JSON.parse(Data(response.body.readableBytesView))
            }
            func post(_ uri: String, _ body: [String: Any]) async throws -> [String: JSON] {
                let response = try await client.execute(uri: uri, method: .post, headers: auth,
                                                        body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
                #expect(response.status == .ok, "\(uri)")
                return try JSON.parse(Data(response.body.readableBytesView))
            }

            let created = try await post("/api/rest/v2/write/experiment/create", ["workspaceName": "team", "projectName": "vision"])
            #expect(Self.problems(created, Self.createExperimentResponse).isEmpty, "\(Self.problems(created, Self.createExperimentResponse))")
            let key = try #require(created["experimentKey"]?.text)
            #expect(created["link"]?.text?.hasPrefix("http://") == true)
            #expect(created["link"]?.text?.hasSuffix("/team/vision/\(key)") == true)

            let entry = try await post("/api/rest/v2/write/artifacts/upsert",
                                       ["artifactName": "cats", "artifactType": "dataset", "experimentKey": key, "projectName": "vision",
                                        "workspaceName": "team", "alias": ["prod"], "versionTags": ["t"]])
            #expect(Self.problems(entry, Self.artifactEntry).isEmpty, "\(Self.problems(entry, Self.artifactEntry))")
            let versionId = try #require(entry["artifactVersionId"]?.text)
            let upload = try await client.execute(uri: "/clientlib/asset/upload?fileName=a.txt&artifactVersionId=\(versionId)", method: .post,
                                                  headers: [.authorization: Self.key], body: ByteBuffer(string: "hello"))
            #expect(upload.status == .ok)
            _ = try await post("/api/rest/v2/write/artifacts/state", ["artifactVersionId": versionId, "state": "CLOSED"])

            let detail = try await get("/api/rest/v2/artifacts/version?workspace=team&artifactName=cats&alias=prod")
            #expect(Self.problems(detail, Self.artifactVersionDetail).isEmpty, "\(Self.problems(detail, Self.artifactVersionDetail))")
            let dto = try #require(detail["artifact"]?.fields)
            #expect(Self.problems(dto, Self.artifactDto, closed: true).isEmpty, "\(Self.problems(dto, Self.artifactDto, closed: true))")
            #expect(dto["projectId"]?.text == RegistryResponder.projectId(workspace: "team", project: "vision"))

            let files = try #require(try await get("/api/rest/v2/artifacts/version/files?workspace=team&artifactName=cats&version=1.0.0")["files"]?.objects)
            #expect(files.count == 1)
            for file in files { #expect(Self.problems(file, Self.artifactVersionAsset).isEmpty, "\(Self.problems(file, Self.artifactVersionAsset))") }

            let metadata = try await get("/api/rest/v2/experiment/metadata?experimentKey=\(key)")
            #expect(Self.problems(metadata, Self.experimentMetadataRest).isEmpty, "\(Self.problems(metadata, Self.experimentMetadataRest))")
            #expect(metadata["running"]?.boolean == true)
            #expect(metadata["endTimeMillis"] == .null)

            let listed = try #require(try await get("/api/rest/v2/experiments?workspaceName=team&projectName=vision")["experiments"]?.objects)
            #expect(listed.map { $0["experimentKey"]?.text } == [key])
            for e in listed { #expect(Self.problems(e, Self.experimentMetadataRest).isEmpty) }

            let projects = try #require(try await get("/api/rest/v2/projects?workspaceName=team")["projects"]?.objects)
            #expect(projects.map { $0["projectName"]?.text } == ["vision"])
            #expect(projects.first?["numberOfExperiments"]?.integer == 1)
            for p in projects { #expect(Self.problems(p, Self.restProject).isEmpty, "\(Self.problems(p, Self.restProject))") }

            let status = try await get("/api/rest/v2/write/experiment/set-status?experimentKey=\(key)")
            #expect(Self.problems(status, Self.experimentStatusResponse).isEmpty, "\(Self.problems(status, Self.experimentStatusResponse))")

            let assets = try await get("/api/rest/v2/experiment/asset/list?experimentKey=\(key)")
            #expect(assets["assets"] == .array([]))

            // The Python SDK's set_name: the "other" value `Name` becomes `experimentName`.
            _ = try await post("/api/rest/v2/write/experiment/log-other", ["experimentKey": key, "key": "Name", "value": "first run"])
            // set-start-end-time: the end makes the experiment finished, with its duration.
            _ = try await post("/api/rest/v2/write/experiment/set-start-end-time",
                               ["experimentKey": key, "startTimeMillis": 1_700_000_000_000, "endTimeMillis": 1_700_000_060_000])
            let ended = try await get("/api/rest/v2/experiment/metadata?experimentKey=\(key)")
            #expect(ended["running"]?.boolean == false)
            #expect(ended["startTimeMillis"]?.integer == 1_700_000_000_000)
            #expect(ended["endTimeMillis"]?.integer == 1_700_000_060_000)
            #expect(ended["durationMillis"]?.integer == 60_000)
            #expect(ended["experimentName"]?.text == "first run")
            #expect(Self.problems(ended, Self.experimentMetadataRest).isEmpty)
        }
    }
}
