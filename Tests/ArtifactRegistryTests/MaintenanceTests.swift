import Foundation
import Testing

@testable import ArtifactRegistry

/// `arty registry check` / `gc` logic in process: cases the end-to-end tests do not plant.
@Suite struct MaintenanceTests {
    /// A registry directory with one version of `cats` holding `a.txt` ("alpha").
    func withRegistry(_ body: (URL, BlobStore) throws -> Void) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try RegistryStore(path: dir.appendingPathComponent(LocalRegistry.databaseFileName).path)
        try store.addKey("k", userName: "alice")
        let user = try #require(try store.user(forKey: "k"))
        let ws = try #require(try store.workspace(userId: user.id, name: "team", create: true))
        let up = try store.upsert(.init(workspace: ws, owner: "alice", name: "cats", type: "dataset", version: "1.2.0", aliases: [],
                                        tags: [], metadata: nil, experimentKey: nil, project: nil))
        let blobs = try BlobStore(root: dir)
        let (sha, size) = try blobs.store(Data("alpha".utf8))
        try store.addAsset(AssetRecord(assetId: "a1", versionId: up.versionId, artifactId: "", logicalPath: "a.txt", size: size,
                                       type: "asset", metadata: nil, link: nil, sha256: sha), userId: user.id)
        try body(dir, blobs)
    }

    @Test func anUnreferencedCorruptBlobIsReportedAndQuarantinedBesideAnEarlierOne() throws {
        try withRegistry { dir, blobs in
            let name = String(repeating: "ab", count: 32)
            let stray = blobs.path(forDigest: name)
            for round in 0..<2 {
                try FileManager.default.createDirectory(at: stray.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data("not what the name says \(round)".utf8).write(to: stray)
                let report = try RegistryMaintenance.check(dataDirectory: dir, repair: true)
                #expect(report.problemCount == 1)
                #expect(report.missing.isEmpty)
                #expect(report.corrupt.first?.references == [])
                let expected = "quarantine/\(name)" + (round == 0 ? "" : ".1")
                #expect(report.corrupt.first?.quarantinedTo == expected)
                #expect(report.lines().first == "corrupt blob blobs/ab/ab/\(name): content sha256 is "
                    + "\(report.corrupt.first?.actualSha256 ?? "?"); referenced by no asset")
                #expect(report.assetsWithoutBytes.isEmpty)
                #expect(FileManager.default.contents(atPath: dir.appendingPathComponent(expected).path)
                    == Data("not what the name says \(round)".utf8))
            }
            let clean = try RegistryMaintenance.check(dataDirectory: dir, repair: false)
            #expect(clean.problemCount == 0)
            #expect(clean.lines() == ["checked 1 blob and 1 asset: no problems"])
        }
    }

    @Test func gcKeepsReferencedBlobsAndRefusesWhileServed() throws {
        try withRegistry { dir, blobs in
            let (orphan, _) = try blobs.store(Data("nobody's".utf8))
            let lock = try DataDirectoryLock(directory: dir)
            lock.share()
            #expect(throws: MaintenanceError.inUse(dir.path)) {
                try RegistryMaintenance.collectGarbage(dataDirectory: dir, dryRun: false)
            }
            lock.release()
            let report = try RegistryMaintenance.collectGarbage(dataDirectory: dir, dryRun: false)
            #expect(report.removed.map(\.path) == ["blobs/\(orphan.prefix(2))/\(orphan.dropFirst(2).prefix(2))/\(orphan)"])
            #expect(report.bytesFreed == 8)
            #expect(FileManager.default.fileExists(atPath: blobs.path(forDigest: orphan).path) == false)
            #expect(try RegistryMaintenance.check(dataDirectory: dir, repair: false).problemCount == 0)
        }
    }
}
