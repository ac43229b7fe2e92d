import ArtifactRegistry
import CometAPI
import Foundation
import Testing

extension ActionsFixture {
    /// Creates and closes version `version` of `name` with `files`, each asset carrying its SHA-256
    /// as the SDK's `checksum` metadata (what ``Asset/checksum`` reads).
    func logWithChecksums(_ name: String, version: String, files: [String: Data]) async throws {
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(artifactName: name, workspace: workspace,
                                                                                  version: version))
        for (path, data) in files.sorted(by: { $0.key < $1.key }) {
            let file = temporaryPath("upload.bin")
            try data.write(to: URL(fileURLWithPath: file))
            let sha256 = try FileDigest.hex(of: file, algorithm: .sha256)
            try await client.uploadAsset(fileAt: file, logicalPath: path, artifactVersionId: upsert.artifactVersionId,
                                         experimentKey: nil, metadata: .object(["checksum": .string(sha256)]))
        }
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: nil, state: .closed)
    }
}

/// Downloads against the local registry, counting `get-asset` requests at the server (issue 11:
/// "already have it" costs no network).
@Suite("Download record against the local registry", .serialized)
struct DownloadRecordIntegrationTests {
    let files: [String: Data] = ["a.txt": Data("hello".utf8), "sub/b.bin": bigFile, "sub/c.bin": Data(patternBytes(offset: 9, count: 70_000)),
                                 "d.csv": Data("x,y\n1,2\n".utf8)]

    /// Plans and runs a download of `reference` into `dest`; returns the summary and the get-asset
    /// requests it sent.
    func download(_ f: ActionsFixture, _ counter: RequestCounter, _ reference: ArtifactReference, into dest: String,
                  _ strategy: OverwriteStrategy = .fail) async throws -> (DownloadSummary, Int) {
        let before = counter.count(path: RequestCounter.getAssetPath)
        let plan = try await ActionPlanning.planDownload(reference, destination: dest, client: f.client)
        let summary = try await ArtifactDownloader(client: f.client, options: DownloadOptions(strategy: strategy)).run(plan)
        return (summary, counter.count(path: RequestCounter.getAssetPath) - before)
    }

    @Test func aSecondDownloadOfTheSameVersionSendsNoGetAssetRequest() async throws {
        let counter = try RequestCounter()
        let f = try await ActionsFixture.start(requests: counter)
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: files)
        let ref = f.reference("cats", .version("1.0.0"))
        let dest = temporaryPath("out")
        let (first, firstRequests) = try await download(f, counter, ref, into: dest)
        #expect(first.downloaded == ["a.txt", "d.csv", "sub/b.bin", "sub/c.bin"])
        #expect(firstRequests == 4)
        let record = try #require(DownloadRecordStore.read(root: dest))
        #expect(record.files.keys.sorted() == ["a.txt", "d.csv", "sub/b.bin", "sub/c.bin"])
        #expect(record.files["sub/b.bin"]?.size == 300_000)
        #expect(record.files["sub/b.bin"]?.version == "1.0.0")
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "a.txt", "d.csv", "sub", "sub/b.bin", "sub/c.bin"])

        for strategy in OverwriteStrategy.allCases {
            let (again, requests) = try await download(f, counter, ref, into: dest, strategy)
            #expect(requests == 0, "\(strategy)")
            #expect(again.downloaded.isEmpty)
            #expect(again.kept == ["a.txt", "d.csv", "sub/b.bin", "sub/c.bin"])
            #expect(again.unchanged == again.kept)
            #expect(again.bytesTransferred == 0)
            #expect(again.bytesCompared == 0)
            #expect(again.succeeded)
        }
        #expect(ActionText.summaryLine(try await download(f, counter, ref, into: dest).0)
                == "Downloaded 0 files (\(Listing.byteCount(0))) to \(dest) · 4 kept (4 up to date)")
        // The confirm dialog's plan knows it before anything runs.
        let plan = try await ActionPlanning.planDownload(ref, destination: dest, client: f.client)
        #expect(plan.upToDateEntries.count == 4)
        #expect(ActionText.confirmLines(plan)[3].hasPrefix("4 exist already (all up to date): "))
    }

    @Test func anEditedFileIsRefusedUnderFailAndFetchedAloneUnderOverwrite() async throws {
        let counter = try RequestCounter()
        let f = try await ActionsFixture.start(requests: counter, extensions: false)  // a server that gives no checksum
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: files)
        let ref = f.reference("cats", nil)
        let dest = temporaryPath("out")
        _ = try await download(f, counter, ref, into: dest)
        // Same size, different bytes, in place.
        let handle = try #require(FileHandle(forWritingAtPath: dest + "/d.csv"))
        try handle.write(contentsOf: Data("X,Y\n1,2\n".utf8))
        try handle.close()

        // No checksum from this server: FAIL fetches that one file to compare, then refuses it.
        let (fail, failRequests) = try await download(f, counter, ref, into: dest, .fail)
        #expect(failRequests == 1)
        #expect(fail.failed.map(\.path) == ["d.csv"])
        #expect(fail.failed.first?.reason.contains("d.csv") == true)
        #expect(fail.unchanged == ["a.txt", "sub/b.bin", "sub/c.bin"])
        #expect(try String(contentsOfFile: dest + "/d.csv", encoding: .utf8) == "X,Y\n1,2\n")

        let (preserve, preserveRequests) = try await download(f, counter, ref, into: dest, .preserve)
        #expect(preserveRequests == 0)
        #expect(preserve.kept == ["a.txt", "d.csv", "sub/b.bin", "sub/c.bin"])
        #expect(preserve.unchanged == ["a.txt", "sub/b.bin", "sub/c.bin"])
        #expect(try String(contentsOfFile: dest + "/d.csv", encoding: .utf8) == "X,Y\n1,2\n")

        let (overwrite, overwriteRequests) = try await download(f, counter, ref, into: dest, .overwrite)
        #expect(overwriteRequests == 1)
        #expect(overwrite.downloaded == ["d.csv"])
        #expect(overwrite.unchanged == ["a.txt", "sub/b.bin", "sub/c.bin"])
        #expect(try String(contentsOfFile: dest + "/d.csv", encoding: .utf8) == "x,y\n1,2\n")
        // Recorded again: the next run is free.
        #expect(try await download(f, counter, ref, into: dest).1 == 0)
    }

    @Test func withChecksumsAnEditedFileIsRefusedWithoutATransfer() async throws {
        let counter = try RequestCounter()
        let f = try await ActionsFixture.start(requests: counter)
        defer { Task { await f.registry.stop() } }
        try await f.logWithChecksums("cats", version: "1.0.0", files: files)
        let ref = f.reference("cats", nil)
        let dest = temporaryPath("out")
        #expect(try await download(f, counter, ref, into: dest).1 == 4)
        #expect(DownloadRecordStore.read(root: dest)?.files["a.txt"]?.checksum
                == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")  // sha256("hello")
        try Data("HELLO".utf8).write(to: URL(fileURLWithPath: dest + "/a.txt"))  // a new file of the same size
        let (fail, requests) = try await download(f, counter, ref, into: dest, .fail)
        #expect(requests == 0)
        #expect(fail.failed.map(\.path) == ["a.txt"])
        #expect(fail.bytesCompared == 0)
        // Put the right bytes back by hand: a local hash proves them, records them, and keeps them.
        try Data("hello".utf8).write(to: URL(fileURLWithPath: dest + "/a.txt"))
        let (restored, restoredRequests) = try await download(f, counter, ref, into: dest, .fail)
        #expect(restoredRequests == 0)
        #expect(restored.kept == ["a.txt", "d.csv", "sub/b.bin", "sub/c.bin"])
        #expect(restored.unchanged == ["d.csv", "sub/b.bin", "sub/c.bin"])
        #expect(try await download(f, counter, ref, into: dest).0.unchanged.count == 4)
    }

    @Test func aNewerVersionFetchesOnlyTheFilesThatDiffer() async throws {
        let counter = try RequestCounter()
        let f = try await ActionsFixture.start(requests: counter)
        defer { Task { await f.registry.stop() } }
        try await f.logWithChecksums("cats", version: "1.0.0", files: files)
        var newer = files
        newer["d.csv"] = Data("x,y\n3,4\n".utf8)  // same size, other bytes
        newer["sub/c.bin"] = Data(patternBytes(offset: 10, count: 70_001))
        newer["e.txt"] = Data("new".utf8)
        try await f.logWithChecksums("cats", version: "2.0.0", files: newer)
        let dest = temporaryPath("out")
        #expect(try await download(f, counter, f.reference("cats", .version("1.0.0")), into: dest).1 == 4)

        let (second, requests) = try await download(f, counter, f.reference("cats", .version("2.0.0")), into: dest)
        #expect(requests == 3)
        #expect(second.downloaded == ["d.csv", "e.txt", "sub/c.bin"])
        #expect(second.unchanged == ["a.txt", "sub/b.bin"])
        #expect(second.succeeded)
        #expect(second.bytesTransferred == 8 + 3 + 70_001)
        for (path, data) in newer {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/" + path)) == data, "\(path)")
        }
        let record = try #require(DownloadRecordStore.read(root: dest))
        #expect(Set(record.files.values.map(\.version)) == ["2.0.0"])
        #expect(try await download(f, counter, f.reference("cats", .version("2.0.0")), into: dest).1 == 0)
    }

    /// The review's finding: a store edited by hand to claim the newer version's checksum for an
    /// untouched older file must not make arty call the old bytes up to date.
    @Test func aHandEditedEntryIsNotTrusted() async throws {
        let counter = try RequestCounter()
        let f = try await ActionsFixture.start(requests: counter)
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: ["same.txt": Data("AAAA".utf8)])
        try await f.log("cats", files: ["same.txt": Data("BBBB".utf8)])
        let dest = temporaryPath("out")
        _ = try await download(f, counter, f.reference("cats", .version("1.0.0")), into: dest)
        let storePath = DownloadRecordStore.path(under: dest)
        let newer = try await f.client.assets(workspace: f.workspace, name: "cats", selector: .version("2.0.0"))
        let newerSum = try #require(newer.first?.checksum)
        var text = try String(contentsOfFile: storePath, encoding: .utf8)
        let older = try #require(DownloadRecordStore.read(root: dest)?.files["same.txt"]?.checksum)
        text = text.replacingOccurrences(of: older, with: newerSum)
        try text.write(toFile: storePath, atomically: true, encoding: .utf8)
        #expect(DownloadRecordStore.read(root: dest)?.files.isEmpty == true)  // the edited entry's seal fails

        let (summary, _) = try await download(f, counter, f.reference("cats", .version("2.0.0")), into: dest)
        #expect(summary.unchanged.isEmpty)
        #expect(summary.failed.map(\.path) == ["same.txt"])  // FAIL: different content, named
        #expect(try String(contentsOfFile: dest + "/same.txt", encoding: .utf8) == "AAAA")
        let (overwrite, _) = try await download(f, counter, f.reference("cats", .version("2.0.0")), into: dest, .overwrite)
        #expect(overwrite.downloaded == ["same.txt"])
        #expect(try String(contentsOfFile: dest + "/same.txt", encoding: .utf8) == "BBBB")
    }

    @Test func aForeignOrCorruptStoreIsIgnored() async throws {
        let counter = try RequestCounter()
        let f = try await ActionsFixture.start(requests: counter, extensions: false)  // a server that gives no checksum
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: files)
        let ref = f.reference("cats", nil)
        let dest = temporaryPath("out")
        _ = try await download(f, counter, ref, into: dest)
        // A copy of the folder carries the store, but every file has a new identity there.
        let copy = temporaryPath("copy")
        try FileManager.default.copyItem(atPath: dest, toPath: copy)
        try Data("HELLO".utf8).write(to: URL(fileURLWithPath: copy + "/a.txt"))
        let (copied, copiedRequests) = try await download(f, counter, ref, into: copy, .fail)
        #expect(copied.unchanged.isEmpty)
        #expect(copied.failed.map(\.path) == ["a.txt"])
        #expect(copiedRequests == 4)  // no checksum from this server: each same-size file is fetched to compare
        // Now recorded in the copy: the matching files are free from here on.
        #expect(DownloadRecordStore.read(root: copy)?.files.keys.sorted() == ["d.csv", "sub/b.bin", "sub/c.bin"])
        // A corrupt store is the same as none: nothing is trusted, nothing crashes, it is rewritten.
        try Data(#"{"format": 1, "files": {"a.txt": 7"#.utf8).write(to: URL(fileURLWithPath: dest + "/.arty/downloads.json"))
        let (corrupt, corruptRequests) = try await download(f, counter, ref, into: dest, .fail)
        #expect(corruptRequests == 4)
        #expect(corrupt.kept.count == 4)
        #expect(corrupt.unchanged.isEmpty)
        #expect(try await download(f, counter, ref, into: dest).1 == 0)
    }

    @Test func anAssetInsideTheRecordFolderIsRefused() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        try await f.logWithChecksums("sneaky", version: "1.0.0",
                                     files: [".arty/downloads.json": Data(#"{"format":1,"files":{}}"#.utf8), "ok.txt": Data("ok".utf8)])
        let dest = temporaryPath("out")
        let plan = try await ActionPlanning.planDownload(f.reference("sneaky", nil), destination: dest, client: f.client)
        #expect(plan.refused.map(\.asset.logicalPath) == [".arty/downloads.json"])
        let summary = try await ArtifactDownloader(client: f.client).run(plan)
        #expect(summary.downloaded == ["ok.txt"])
        #expect(summary.failed.first?.reason.contains("reserved") == true)
        #expect(DownloadRecordStore.read(root: dest)?.files.keys.sorted() == ["ok.txt"])
    }
}
