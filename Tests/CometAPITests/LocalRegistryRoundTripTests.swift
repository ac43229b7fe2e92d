import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// The libcurl client against arty's own Comet-compatible registry: every write and read path,
/// end to end over loopback.
@Suite("CometClient against the local registry")
struct LocalRegistryRoundTripTests {
    /// - Parameter extensions: false serves the registry as a plain Comet server (no `contentSha256`,
    ///   no `labels/delta`, no `copy-asset`), to test the client's fallbacks.
    static func startRegistry(requests: RequestCounter? = nil, extensions: Bool = true) async throws -> (LocalRegistry, CometClient) {
        let dir = URL(fileURLWithPath: temporaryPath("registry"), isDirectory: true)
        let registry = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: dir, apiKey: "round-trip-key-1",
                                                                           requests: requests, extensions: extensions))
        let configuration = try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride)
        return (registry, CometClient(configuration: configuration, retryPolicy: .none))
    }

    @Test func logsListsAndDownloadsAVersion() async throws {
        let (registry, client) = try await Self.startRegistry()
        defer { Task { await registry.stop() } }
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        #expect(try await client.workspaces().contains(workspace))

        let experiment = try await client.createExperiment(workspace: workspace, project: "proj")
        let name = "my artifact/é"
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: name, artifactType: "dataset", experimentKey: experiment.experimentKey,
            workspace: workspace, version: "1.0.0", aliases: ["prod"], versionTags: ["first"],
            metadata: .object(["epochs": .number(3)])))
        #expect(upsert.currentVersion == "1.0.0")

        // OPEN versions are readable by id (reference §4.2).
        let open = try await client.artifactVersion(artifactId: upsert.artifactId, versionId: upsert.artifactVersionId)
        #expect(open.state == .open)

        let file = temporaryPath("train.csv")
        let content = Data(patternBytes(offset: 7, count: 200_000))
        try content.write(to: URL(fileURLWithPath: file))
        try await client.uploadAsset(fileAt: file, logicalPath: "data/train.csv", artifactVersionId: upsert.artifactVersionId,
                                     experimentKey: experiment.experimentKey, metadata: .object(["rows": .number(10)]))
        try await client.uploadRemoteAsset(link: "s3://bucket/raw.parquet", logicalPath: "raw.parquet",
                                           artifactVersionId: upsert.artifactVersionId, experimentKey: experiment.experimentKey)
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: experiment.experimentKey,
                                         state: .closed)

        let artifacts = try await client.artifacts(workspace: workspace, type: "dataset")
        #expect(artifacts.map(\.name) == [name])
        let details = try await client.artifactDetails(workspace: workspace, name: name)
        #expect(details.versions.map(\.version) == ["1.0.0"])
        let version = try await client.artifactVersion(workspace: workspace, name: name, selector: .alias("prod"))
        #expect(version.version == "1.0.0")
        #expect(version.state == .closed)
        #expect(version.tags == ["first"])
        #expect(version.metadata == .object(["epochs": .number(3)]))
        let latest = try await client.artifactVersion(workspace: workspace, name: name, selector: .latest)
        #expect(latest.artifactVersionId == upsert.artifactVersionId)

        let assets = try await client.assets(workspace: workspace, name: name, selector: .version("1.0.0"))
        #expect(assets.map(\.logicalPath).sorted() == ["data/train.csv", "raw.parquet"])
        let local = try #require(assets.first { !$0.isRemote })
        #expect(local.size == Int64(content.count))
        #expect(local.metadata == .object(["rows": .number(10)]))
        let remote = try #require(assets.first { $0.isRemote })
        #expect(remote.link == "s3://bucket/raw.parquet")

        let target = temporaryPath("downloaded.csv")
        let outcome = try await client.downloadAsset(assetId: local.assetId, artifactVersionId: local.artifactVersionId, to: target)
        #expect(outcome.fileSize == Int64(content.count))
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == content)

        // Resume the second half with a Range request.
        try content.prefix(100_000).write(to: URL(fileURLWithPath: target))
        let resumed = try await client.downloadAsset(assetId: local.assetId, artifactVersionId: local.artifactVersionId,
                                                     to: target, resumeFrom: 100_000)
        #expect(resumed.resumed)
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == content)
    }

    @Test func editsLabelsAndArtifactTags() async throws {
        let (registry, client) = try await Self.startRegistry()
        defer { Task { await registry.stop() } }
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let experiment = try await client.createExperiment(workspace: workspace, project: "p")
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(
            artifactName: "cats", experimentKey: experiment.experimentKey, workspace: workspace))
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: nil, state: .closed)
        try await client.updateVersionLabels(artifactVersionId: upsert.artifactVersionId, aliases: ["staging"], versionTags: ["t2"])
        try await client.updateArtifactDetails(artifactId: upsert.artifactId, tags: ["raw"])
        let version = try await client.artifactVersion(workspace: workspace, name: "cats", selector: .alias("staging"))
        #expect(version.aliases.contains("staging"))
        #expect(version.tags == ["t2"])
        let details = try await client.artifactDetails(workspace: workspace, name: "cats")
        #expect(details.artifact.tags == ["raw"])
    }

    @Test func missingVersionAndWrongKeyGiveTypedErrors() async throws {
        let (registry, client) = try await Self.startRegistry()
        defer { Task { await registry.stop() } }
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let missing = await #expect(throws: CometAPIError.self) {
            _ = try await client.artifactVersion(workspace: workspace, name: "missing-artifact", selector: .latest)
        }
        #expect(missing?.isNotFound == true)

        let wrong = CometClient(configuration: try CometConfiguration(apiKey: "wrong-key-123", urlOverride: registry.urlOverride),
                                retryPolicy: .none)
        let unauthorised = await #expect(throws: CometAPIError.self) { _ = try await wrong.workspaces() }
        #expect(unauthorised?.isUnauthorized == true)
        #expect(unauthorised?.userMessage.contains("wrong-key-123") == false)
    }
}
