import CometAPI
import Foundation
import Testing

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

@Suite("Decoding the reference's response examples")
struct ModelDecodingTests {
    @Test func accountDetails() throws {
        let account = try decode(AccountDetails.self, Fixtures.accountDetails)
        #expect(account == AccountDetails(userName: "alice", defaultWorkspaceName: "alice"))
    }

    @Test func artifactsGetAllItem() throws {
        struct Body: Decodable { var artifacts: [Artifact] }
        let artifact = try #require(try decode(Body.self, Fixtures.artifactsGetAll).artifacts.first)
        #expect(artifact == Artifact(artifactId: "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11", name: "cats", type: "dataset",
                                     project: "vision", latestVersion: "3.0.0", tags: ["raw"], sizeInBytes: 52341))
    }

    @Test func artifactDetailsWithVersions() throws {
        let details = try decode(ArtifactDetails.self, Fixtures.artifactsGet)
        #expect(details.artifact.name == "cats")
        #expect(details.artifact.latestVersion == "2.0.0")
        #expect(details.versions.count == 2)
        let v1 = details.versions[0]
        #expect(v1 == ArtifactVersion(artifactVersionId: "a1b2c3d4-0000-4000-8000-000000000001", version: "1.0.0",
                                      aliases: ["prod"], tags: ["v-tag"], sizeInBytes: 0, state: nil, owner: "alice",
                                      addedMillis: 1_700_000_000_000))
        let v2 = details.versions[1]
        #expect(v2.metadata == .object(["epochs": .number(3)]))
        #expect(v2.state == .closed)
        #expect(v2.sourceExperimentKey == "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
        #expect(v2.aliases == ["Latest"])
        #expect(v2.added == Date(timeIntervalSince1970: 1_700_000_500))
        #expect(v2.semanticVersion == SemanticVersion(major: 2, minor: 0, patch: 0))
    }

    @Test func artifactVersionWithArtifactSummary() throws {
        let version = try decode(ArtifactVersion.self, Fixtures.artifactsVersion)
        #expect(version.version == "2.0.0")
        #expect(version.aliases == ["prod"])
        #expect(version.tags == ["v-tag"])
        #expect(version.sizeInBytes == 52341)
        #expect(version.sourceExperimentKey == "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
        #expect(version.owner == "alice")
        #expect(version.addedMillis == 1_700_000_500_000)
        let artifact = try #require(version.artifact)
        #expect(artifact == Artifact(artifactId: "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11", name: "cats", type: "dataset",
                                     workspace: "alice", tags: ["raw"]))
    }

    @Test func versionFilesLocalAndRemote() throws {
        struct Body: Decodable { var files: [Asset] }
        let files = try decode(Body.self, Fixtures.versionFiles).files
        #expect(files.count == 2)
        #expect(files[0] == Asset(assetId: "0d5f2c1b9a8e4f7d6c5b4a3928171605", logicalPath: "data/train.csv", size: 52311,
                                  link: nil, isRemote: false, type: "asset", metadata: .object(["rows": .number(1000)]),
                                  artifactId: "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11",
                                  artifactVersionId: "a1b2c3d4-0000-4000-8000-000000000002"))
        #expect(files[1].isRemote)
        #expect(files[1].link == "s3://bucket/raw.parquet")
        #expect(files[1].size == 0)
        #expect(files[1].metadata == nil)
    }

    @Test func upsertAnswer() throws {
        let result = try decode(ArtifactVersionUpsertResult.self, Fixtures.upsertResponse)
        #expect(result == ArtifactVersionUpsertResult(artifactId: "3f0c2a9e-0d4b-4c57-9d43-1b2f6a7c8e11",
                                                       artifactVersionId: "a1b2c3d4-0000-4000-8000-000000000003",
                                                       currentVersion: "3.0.0", previousVersion: "2.0.0"))
        let first = try decode(ArtifactVersionUpsertResult.self,
                               #"{"artifactId":"a","artifactVersionId":"v","currentVersion":"1.0.0","previousVersion":null}"#)
        #expect(first.previousVersion == nil)
    }

    @Test func experimentCreateAnswer() throws {
        let info = try decode(ExperimentInfo.self, #"{"experimentKey": "9f8e7d6c5b4a39281706f5e4d3c2b1a0", "workspaceName": "alice", "projectName": "vision", "link": "https://comet.example/x"}"#)
        #expect(info == ExperimentInfo(experimentKey: "9f8e7d6c5b4a39281706f5e4d3c2b1a0", workspaceName: "alice",
                                       projectName: "vision", link: "https://comet.example/x"))
    }

    /// The wrappers of §2.1, §2.3 and §2.6, through the client: null or missing lists are empty.
    @Test func listWrappersTolerateNullAndMissingLists() async throws {
        let transport = ScriptedTransport([.respond(200, Fixtures.workspaces, []), .respond(200, #"{"workspaceNames": null}"#, []),
                                           .respond(200, #"{"artifacts": null}"#, []), .respond(200, "{}", [])])
        let client = CometClient(configuration: try CometConfiguration(apiKey: "k-1234", urlOverride: "http://h:1/clientlib/"),
                                 transport: transport, retryPolicy: .none)
        #expect(try await client.workspaces() == ["ws-a", "ws-b"])
        #expect(try await client.workspaces() == [])
        #expect(try await client.artifacts(workspace: "w", type: nil) == [])
        #expect(try await client.assets(workspace: "w", name: "a", selector: .version("1.0.0")) == [])
    }

    @Test func errorBody() {
        let (code, message) = CometAPIError.parseErrorBody(Data(Fixtures.notFoundError.utf8))
        #expect(code == 624523)
        #expect(message == "Artifact version not found")
    }

    // MARK: tolerance

    @Test func unknownFieldsAreIgnoredAndNullListsAreEmpty() throws {
        let version = try decode(ArtifactVersion.self, #"""
        {"artifactVersionId": "v", "version": "1.0.0", "alias": null, "tags": null, "brandNew": {"x": [1, 2]},
         "sizeInBytes": null, "state": "SOMETHING_NEW"}
        """#)
        #expect(version.aliases == [])
        #expect(version.tags == [])
        #expect(version.sizeInBytes == 0)
        #expect(version.state == .other("SOMETHING_NEW"))
    }

    @Test(arguments: [
        (#""{\"a\":1}""#, JSONValue.object(["a": .number(1)])),
        (#"{"a": 1}"#, JSONValue.object(["a": .number(1)])),
        ("null", nil),
        (#""""#, nil),
        (#""not json""#, nil),
        (#""null""#, nil),
    ])
    func metadataAsStringOrObject(raw: String, expected: JSONValue?) throws {
        let asset = try decode(Asset.self, #"{"assetId": "a", "fileName": "f", "fileSize": 1, "metadata": \#(raw)}"#)
        #expect(asset.metadata == expected)
    }

    @Test func remoteFlagFallsBackToLink() throws {
        let asset = try decode(Asset.self, #"{"assetId": "a", "fileName": "r", "link": "https://x/r"}"#)
        #expect(asset.isRemote)
        let local = try decode(Asset.self, #"{"assetId": "b", "fileName": "l", "link": null}"#)
        #expect(!local.isRemote)
    }

    @Test func stateStringsAreCaseInsensitive() throws {
        #expect(ArtifactVersionState(rawValue: "open") == .open)
        #expect(ArtifactVersionState(rawValue: "Error") == .error)
        #expect(ArtifactVersionState(rawValue: "CLOSED").rawValue == "CLOSED")
    }
}
