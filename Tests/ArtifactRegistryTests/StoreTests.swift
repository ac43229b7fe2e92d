import CometAPI
import Foundation
import Testing

@testable import ArtifactRegistry

/// A fresh temporary data directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("arty-registry-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct RegistryStoreTests {
    func withStore(_ body: (RegistryStore, UserRecord, WorkspaceRecord) throws -> Void) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
        try store.addKey("k1", userName: "alice")
        let user = try #require(try store.user(forKey: "k1"))
        let ws = try #require(try store.workspace(userId: user.id, name: "team", create: true))
        try body(store, user, ws)
    }

    func upsert(_ store: RegistryStore, _ ws: WorkspaceRecord, version: String? = nil, aliases: [String] = []) throws -> RegistryStore.UpsertResult {
        try store.upsert(.init(workspace: ws, owner: "alice", name: "cats", type: "dataset", version: version, aliases: aliases,
                               tags: ["t"], metadata: #"{"k":1}"#, experimentKey: nil, project: nil))
    }

    @Test func versionsNumberFromOneAndRefuseDuplicates() throws {
        try withStore { store, _, ws in
            let first = try upsert(store, ws)
            #expect(first.currentVersion == "1.0.0" && first.previousVersion == nil)
            let explicit = try upsert(store, ws, version: "4.2.0")
            #expect(explicit.previousVersion == "1.0.0")
            #expect(try upsert(store, ws).currentVersion == "5.0.0")
            let error = #expect(throws: RegistryError.self) { try upsert(store, ws, version: "4.2.0") }
            #expect(error?.sdkErrorCode == 90399)
            #expect(throws: RegistryError.invalidVersion("1.0")) { try upsert(store, ws, version: "1.0") }
            #expect(try store.versions(artifactId: first.artifactId).map(\.version) == ["1.0.0", "4.2.0", "5.0.0"])
        }
    }

    @Test func unreachableAliasesAreRefusedWith400() throws {
        try withStore { store, user, ws in
            let v1 = try upsert(store, ws, aliases: ["production"])
            for bad in ["a:b", "a/b", "2.0.0"] {
                let error = #expect(throws: RegistryError.self) { try upsert(store, ws, aliases: [bad]) }
                #expect(error?.status == 400)
                #expect(error?.message.hasPrefix("Invalid alias: '\(bad)'") == true, "\(String(describing: error))")
                #expect(throws: RegistryError.self) {
                    try store.updateLabels(versionId: v1.versionId, userId: user.id, aliases: ["production", bad], tags: nil, metadata: nil)
                }
            }
            // Nothing was created or changed by the refused requests.
            #expect(try store.versions(artifactId: v1.artifactId).map(\.version) == ["1.0.0"])
            #expect(try store.versions(artifactId: v1.artifactId).map(\.aliases) == [["production"]])
        }
    }

    @Test func userKeysCanBeRevoked() throws {
        try withStore { store, _, _ in
            let alice = try store.userExists(name: "alice")
            let bob = try store.userExists(name: "bob")
            let revoked = try store.revokeKeys(userName: "alice")
            let user = try store.user(forKey: "k1")
            #expect(alice && !bob)
            #expect(revoked == 1)
            #expect(user == nil)
        }
    }

    @Test func assigningAnAliasMovesItVisibly() throws {
        try withStore { store, user, ws in
            let v1 = try upsert(store, ws, aliases: ["production", "staging"])
            let v2 = try upsert(store, ws, aliases: ["production"])
            var versions = try store.versions(artifactId: v1.artifactId)
            #expect(versions.map(\.aliases) == [["staging"], ["production"]])
            try store.updateLabels(versionId: v1.versionId, userId: user.id, aliases: ["production"], tags: nil, metadata: nil)
            versions = try store.versions(artifactId: v1.artifactId)
            #expect(versions.map(\.aliases) == [["production"], []])
            #expect(versions.map(\.tags) == [["t"], ["t"]])  // untouched: nil means "leave unchanged"
            _ = v2
        }
    }

    @Test func anotherUsersWorkspaceIsNotFound() throws {
        try withStore { store, user, ws in
            let v1 = try upsert(store, ws)
            try store.addKey("k2", userName: "bob")
            let bob = try #require(try store.user(forKey: "k2"))
            #expect(try store.workspaceNames(userId: bob.id) == ["bob"])
            #expect(try store.workspaceNames(userId: user.id) == ["alice", "team"])
            #expect(try store.workspace(userId: bob.id, name: "team", create: false) == nil)
            #expect(try store.artifact(id: v1.artifactId, userId: bob.id) == nil)
            #expect(try store.version(id: v1.versionId, userId: bob.id) == nil)
            #expect(throws: RegistryError.self) { try store.setState(versionId: v1.versionId, state: .closed, userId: bob.id) }
            #expect(try store.user(forKey: "unknown") == nil)
        }
    }

    @Test func assetsSumIntoVersionSizesAndReplaceBySamePath() throws {
        try withStore { store, user, ws in
            let v1 = try upsert(store, ws)
            func asset(_ path: String, _ size: Int64, link: String? = nil) -> AssetRecord {
                AssetRecord(assetId: UUID().uuidString, versionId: v1.versionId, artifactId: "", logicalPath: path, size: size,
                            type: "asset", metadata: nil, link: link, sha256: link == nil ? String(repeating: "a", count: 64) : nil)
            }
            try store.addAsset(asset("a/b.txt", 10), userId: user.id)
            try store.addAsset(asset("c.txt", 5), userId: user.id)
            try store.addAsset(asset("a/b.txt", 7), userId: user.id)
            try store.addAsset(asset("r", 0, link: "s3://b/r"), userId: user.id)
            let assets = try store.assets(versionId: v1.versionId)
            #expect(assets.map(\.logicalPath) == ["a/b.txt", "c.txt", "r"])
            #expect(assets.map(\.isRemote) == [false, false, true])
            #expect(assets.allSatisfy { $0.artifactId == v1.artifactId })
            #expect(try store.versions(artifactId: v1.artifactId).first?.sizeInBytes == 12)
            try store.setState(versionId: v1.versionId, state: .closed, userId: user.id)
            let error = #expect(throws: RegistryError.self) { try store.addAsset(asset("late.txt", 1), userId: user.id) }
            #expect(error?.sdkErrorCode == 90401)
            #expect(try store.assets(versionId: v1.versionId).count == 3)
        }
    }
}

@Suite struct BlobStoreTests {
    @Test func storesByContentDeduplicatesAndCollectsOrphans() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let blobs = try BlobStore(root: dir)
        let (digest, size) = try blobs.store(Data("hello".utf8))
        #expect(digest == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(size == 5)
        #expect(blobs.path(forDigest: digest).path.hasSuffix("blobs/2c/f2/\(digest)"))
        #expect(try blobs.store(Data("hello".utf8)).sha256 == digest)
        let (other, _) = try blobs.store(Data("orphan".utf8))
        let leftover = try blobs.makeTemporaryFile()
        try leftover.write(Data("half".utf8))
        #expect(try blobs.collectGarbage(referenced: [digest]) == 2)
        #expect(FileManager.default.fileExists(atPath: blobs.path(forDigest: digest).path))
        #expect(!FileManager.default.fileExists(atPath: blobs.path(forDigest: other).path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: blobs.tmpDirectory.path).isEmpty)
        #expect(try String(contentsOf: blobs.path(forDigest: digest), encoding: .utf8) == "hello")
    }
}
