import CometAPI
import Foundation
import Testing

@testable import ArtifactRegistry

@Suite struct LocalRegistryTests {
    @Test func generatesAKeyOnceInAPrivateFileAndBindsAnEphemeralPort() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try await LocalRegistry.start(.init(dataDirectory: dir))
        let key = first.apiKey
        let file = try #require(first.apiKeyFile)
        #expect(first.port > 0)
        #expect(first.urlOverride == "http://127.0.0.1:\(first.port)/clientlib/")
        #expect(key.count == 32)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        await first.stop()

        let second = try await LocalRegistry.start(.init(dataDirectory: dir))
        #expect(second.apiKey == key)  // kept, not regenerated
        let bobKey = try second.addUser(name: "bob")
        #expect(bobKey != key)
        let bob = try #require(try second.store.user(forKey: bobKey))
        #expect(bob.name == "bob")
        #expect(try second.store.workspaceNames(userId: bob.id) == ["bob"])
        await second.stop()
    }

    @Test func crashLeftoversAreCollectedOnlyWhenNoOtherRegistryServesTheDirectory() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try await LocalRegistry.start(.init(dataDirectory: dir, apiKey: "k"))
        let inFlight = dir.appendingPathComponent("tmp/upload-in-progress.part")
        try Data("half an upload".utf8).write(to: inFlight)
        let second = try await LocalRegistry.start(.init(dataDirectory: dir, apiKey: "k"))
        #expect(FileManager.default.fileExists(atPath: inFlight.path))  // the first registry may still be writing it
        await second.stop()
        await first.stop()
        let alone = try await LocalRegistry.start(.init(dataDirectory: dir, apiKey: "k"))
        #expect(!FileManager.default.fileExists(atPath: inFlight.path))
        await alone.stop()
    }

    @Test func anExplicitKeyBelongsToTheDefaultUser() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await LocalRegistry.start(.init(dataDirectory: dir, apiKey: "given-key"))
        #expect(registry.apiKeyFile == nil)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(LocalRegistry.apiKeyFileName).path))
        #expect(try registry.store.user(forKey: "given-key")?.name == LocalRegistry.defaultUserName)
        await registry.stop()
    }

    @Test func defaultDataDirectoryFollowsXDG() {
        #expect(RegistryConfiguration.defaultDataDirectory(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/h"]).path == "/x/data/arty")
        #expect(RegistryConfiguration.defaultDataDirectory(environment: ["HOME": "/h"]).path == "/h/.local/share/arty")
    }
}

@Suite struct DemoTests {
    @Test func planIsDeterministicAndCoversTheIssuesContent() {
        let plan = DemoPlan.standard()
        #expect(plan == DemoPlan.standard())
        #expect(plan.workspaces.count >= 2)
        #expect(Set(plan.artifacts.map(\.type)).isSuperset(of: ["dataset", "model", "image"]))
        let links = plan.artifacts.flatMap(\.versions).flatMap(\.remotes).map(\.link)
        #expect(links.contains { $0.hasPrefix("s3://") } && links.contains { $0.hasPrefix("gs://") } && links.contains { $0.hasPrefix("https://") })
        let aliases = Set(plan.artifacts.flatMap(\.versions).flatMap(\.aliases))
        #expect(aliases.isSuperset(of: ["production", "staging"]))
        #expect(plan.artifacts.contains { $0.name.unicodeScalars.contains { $0.value >= 0x3000 } })
        #expect(plan.artifacts.flatMap(\.versions).flatMap(\.files).contains { $0.logicalPath.split(separator: "/").count >= 4 })
        let file = DemoPlan.File(logicalPath: "a/b.bin", size: 1000, isText: false)
        #expect(file.contents.count == 1000)
        #expect(file.contents == DemoPlan.bytes(seed: "a/b.bin", size: 1000, text: false))
        #expect(file.contents != DemoPlan.bytes(seed: "a/c.bin", size: 1000, text: false))
    }

    /// Seeds over HTTP with the libcurl client, then checks the store.
    @Test func seedingWritesEveryVersionFileAndAlias() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let registry = try await LocalRegistry.start(.init(dataDirectory: dir))
        let plan = DemoPlan.standard()
        let summary = try await DemoSeeder.seed(plan, with: try CometClientDemoWriter(registry: registry), scratch: dir.appendingPathComponent("scratch"))
        #expect(summary.versions == plan.artifacts.reduce(0) { $0 + $1.versions.count })
        #expect(summary.bytes == plan.totalBytes)
        let store = registry.store
        let user = try #require(try store.user(forKey: registry.apiKey))
        #expect(try store.workspaceNames(userId: user.id) == ["arty", "nlp-team", "vision-lab"])
        let ws = try #require(try store.workspace(userId: user.id, name: "vision-lab", create: false))
        let cats = try #require(try store.artifact(workspaceId: ws.id, name: "cats-vs-dogs"))
        let versions = try store.versions(artifactId: cats.id)
        #expect(versions.map(\.version) == ["1.0.0", "1.1.0", "2.0.0"])
        // "production" was given to 1.0.0 and then to 2.0.0: it moved.
        #expect(versions.map(\.aliases) == [[], ["staging"], ["production", "latest-good"]])
        let first = try store.assets(versionId: versions[0].id)
        let planned = plan.artifacts[0].versions[0]
        #expect(first.filter { !$0.isRemote }.count == planned.files.count)
        #expect(first.filter(\.isRemote).map(\.link) == planned.remotes.map(\.link))
        #expect(versions[0].sizeInBytes == Int64(planned.files.reduce(0) { $0 + $1.size }))

        // Read back with arty's client: the CJK artifact by alias, and every byte of its files.
        let client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride))
        let cjk = try #require(plan.artifacts.first { $0.name.hasPrefix("多言語") })
        let version = try await client.artifactVersion(workspace: cjk.workspace, name: cjk.name, selector: .alias("staging"))
        #expect(version.version == "2.0.0")
        let assets = try await client.assets(workspace: cjk.workspace, name: cjk.name, selector: .alias("staging"))
        let expected = Dictionary(uniqueKeysWithValues: cjk.versions[1].files.map { ($0.logicalPath, $0.contents) })
        #expect(Set(assets.map(\.logicalPath)) == Set(expected.keys))
        for asset in assets {
            let target = dir.appendingPathComponent("download-\(asset.assetId)")
            _ = try await client.downloadAsset(assetId: asset.assetId, artifactVersionId: asset.artifactVersionId, to: target.path)
            #expect(try Data(contentsOf: target) == expected[asset.logicalPath])
        }
        await registry.stop()
    }
}
