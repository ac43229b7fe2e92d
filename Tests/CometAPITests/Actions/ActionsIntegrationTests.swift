import ArtifactRegistry
import CometAPI
import Foundation
import Hummingbird
import Testing

/// A local registry with a client, and helpers to log sample versions through the actions engine.
struct ActionsFixture {
    let registry: LocalRegistry
    let client: CometClient
    let workspace: String

    /// - Parameters:
    ///   - requests: counts the requests the registry answers (nil: none counted).
    ///   - extensions: false: the registry answers like a plain Comet server (no checksums, no arty routes).
    static func start(requests: RequestCounter? = nil, extensions: Bool = true) async throws -> ActionsFixture {
        let (registry, client) = try await LocalRegistryRoundTripTests.startRegistry(requests: requests, extensions: extensions)
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        return ActionsFixture(registry: registry, client: client, workspace: workspace)
    }

    /// Logs `files` (logical path → bytes) and `remote` links as a new version of `name`.
    @discardableResult
    func log(_ name: String, files: [String: Data], remote: [String] = [], aliases: [String] = [],
             tags: [String] = []) async throws -> VersionCreated {
        let root = temporaryPath("src")
        for (path, data) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let plan = try FolderLog.prepare(directory: root, workspace: workspace, artifactName: name, artifactType: "dataset",
                                         aliases: aliases, versionTags: tags, remoteLinks: remote)
        return try await VersionCopier(client: client).log(plan)
    }

    func reference(_ name: String, _ selector: VersionSelector?) -> ArtifactReference {
        ArtifactReference(workspace: workspace, artifact: name, selector: selector)
    }
}

let bigFile = Data(patternBytes(offset: 3, count: 300_000))
let sampleFiles: [String: Data] = ["a.txt": Data("hello".utf8), "sub/b.bin": bigFile]

/// Every file under `root`, relative, sorted (symlinks listed, not followed).
func treeListing(_ root: String) -> [String] {
    (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
}

@Suite("Actions against the local registry", .serialized)
struct ActionsIntegrationTests {
    @Test func logThenDownloadByAliasGivesTheSameBytes() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        let created = try await f.log("my data", files: sampleFiles, remote: ["s3://bucket/x/raw.parquet"],
                                      aliases: ["production"], tags: ["t1"])
        #expect(created.version == "1.0.0")
        #expect(created.localAssets == 2)
        let dest = temporaryPath("out")
        let plan = try await ActionPlanning.planDownload(f.reference("my data", .alias("production")), destination: dest,
                                                         client: f.client)
        #expect(plan.version.version == "1.0.0")
        #expect(plan.totalBytes == 300_005)
        let reports = LockedBox<[DownloadProgress]>([])
        let summary = try await ArtifactDownloader(client: f.client).run(plan) { p in reports.mutate { $0.append(p) } }
        #expect(summary.succeeded)
        #expect(summary.downloaded == ["a.txt", "sub/b.bin"])
        #expect(summary.bytesTransferred == 300_005)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/a.txt")) == Data("hello".utf8))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/sub/b.bin")) == bigFile)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "a.txt", "remote-assets.json", "sub", "sub/b.bin"])
        let manifest = try JSONDecoder().decode([RemoteAssetEntry].self,
                                                from: Data(contentsOf: URL(fileURLWithPath: dest + "/remote-assets.json")))
        #expect(manifest.map(\.link) == ["s3://bucket/x/raw.parquet"])
        #expect(manifest.map(\.logicalPath) == ["raw.parquet"])
        let last = try #require(reports.value.last)
        #expect(last.bytesDone == 300_005)
        #expect(last.files.map(\.state) == [.done, .done])
    }

    @Test func aFileNameOf253BytesIsLoggedAndDownloaded() async throws {
        // Legal on ext4 (255 bytes at most), but its `NAME.part` is not: the download failed with
        // "File name too long" for every name of 251 to 255 bytes.
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        let name = "sub/" + String(repeating: "n", count: 253)
        try await f.log("long names", files: [name: bigFile])
        let dest = temporaryPath("out")
        let plan = try await ActionPlanning.planDownload(f.reference("long names", nil), destination: dest, client: f.client)
        let summary = try await ArtifactDownloader(client: f.client).run(plan)
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        #expect(summary.downloaded == [name])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/" + name)) == bigFile)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "sub", name])
    }

    @Test func assetsNamedXAndXDotPartBothArrive() async throws {
        // `x` streamed into `x.part`, the final name of the other asset: with parallel transfers the
        // summary said "x.part downloaded" while `x` failed verification and its cleanup deleted `x.part`.
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        let small = Data("the other file".utf8)
        try await f.log("part clash", files: ["d/x": bigFile, "d/x.part": small])
        let dest = temporaryPath("out")
        let plan = try await ActionPlanning.planDownload(f.reference("part clash", nil), destination: dest, client: f.client)
        let summary = try await ArtifactDownloader(client: f.client).run(plan)
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        #expect(summary.downloaded == ["d/x", "d/x.part"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/d/x")) == bigFile)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/d/x.part")) == small)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "d", "d/x", "d/x.part"])
    }

    /// Downloading `x` alone into a folder where an earlier download put the asset `x.part`: the
    /// partial goes to another name; `x.part` stays as it was (it was taken for `x`'s partial file,
    /// and deleted or mixed into `x`).
    @Test func downloadingXAloneLeavesTheXDotPartDownloadedBeforeAlone() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        let small = Data("the other file".utf8)
        try await f.log("part alone", files: ["x": bigFile, "x.part": small])
        let dest = temporaryPath("alone")
        let first = try await ActionPlanning.planDownload(f.reference("part alone", nil), destination: dest, assetPaths: ["x.part"], client: f.client)
        #expect(try await ArtifactDownloader(client: f.client).run(first).downloaded == ["x.part"])
        let second = try await ActionPlanning.planDownload(f.reference("part alone", nil), destination: dest, assetPaths: ["x"], client: f.client)
        let summary = try await ArtifactDownloader(client: f.client).run(second)
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        #expect(summary.downloaded == ["x"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/x")) == bigFile)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/x.part")) == small)
    }

    /// An asset `x` beside a folder `x.part/` (assets `x.part/y`): `x`'s partial file cannot be
    /// `x.part`, in one download or when the folder is already there.
    @Test func anAssetBesideAFolderNamedLikeItsPartialFile() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        let small = Data("inside".utf8)
        try await f.log("part folder", files: ["x": bigFile, "x.part/y": small])
        let dest = temporaryPath("folder")
        let all = try await ActionPlanning.planDownload(f.reference("part folder", nil), destination: dest, client: f.client)
        let summary = try await ArtifactDownloader(client: f.client).run(all)
        #expect(summary.failed.isEmpty, "\(summary.failed)")
        #expect(Set(summary.downloaded) == ["x", "x.part/y"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/x")) == bigFile)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/x.part/y")) == small)
        // Again, into a folder that holds `x.part/` already (only `x` this time).
        let again = temporaryPath("folder-again")
        try FileManager.default.createDirectory(atPath: again + "/x.part", withIntermediateDirectories: true)
        let onlyX = try await ActionPlanning.planDownload(f.reference("part folder", nil), destination: again, assetPaths: ["x"], client: f.client)
        let second = try await ArtifactDownloader(client: f.client).run(onlyX)
        #expect(second.failed.isEmpty, "\(second.failed)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: again + "/x")) == bigFile)
    }

    @Test func eachOverwriteStrategy() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: sampleFiles)
        let ref = f.reference("cats", .version("1.0.0"))
        let dest = temporaryPath("out")
        func run(_ strategy: OverwriteStrategy) async throws -> DownloadSummary {
            let plan = try await ActionPlanning.planDownload(ref, destination: dest, client: f.client)
            return try await ArtifactDownloader(client: f.client, options: DownloadOptions(strategy: strategy)).run(plan)
        }
        #expect(try await run(.fail).downloaded == ["a.txt", "sub/b.bin"])

        // FAIL: identical content is accepted; same size but different content is an error.
        try Data("HELLO".utf8).write(to: URL(fileURLWithPath: dest + "/a.txt"))
        let failSame = try await run(.fail)
        #expect(failSame.kept == ["sub/b.bin"])
        #expect(failSame.failed.map(\.path) == ["a.txt"])
        #expect(failSame.failed.first?.reason.contains("different content") == true)
        #expect(failSame.failed.first?.reason.contains("--overwrite preserve") == true)
        #expect(failSame.bytesTransferred == 0)
        #expect(try String(contentsOfFile: dest + "/a.txt", encoding: .utf8) == "HELLO")
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "a.txt", "sub", "sub/b.bin"])  // no .part left

        // sub/b.bin is as the first run left it (arty's record in .arty/ says so): kept with no transfer.
        #expect(failSame.unchanged == ["sub/b.bin"])
        #expect(failSame.bytesCompared == 0)  // a.txt was hashed on disk against the registry's SHA-256, not fetched

        // FAIL with another size fails without a transfer. Without the record, sub/b.bin (same size) is
        // hashed on disk against the registry's SHA-256 and kept: nothing is fetched.
        try FileManager.default.removeItem(atPath: dest + "/.arty")
        try Data("longer text".utf8).write(to: URL(fileURLWithPath: dest + "/a.txt"))
        let failSize = try await run(.fail)
        #expect(failSize.failed.map(\.path) == ["a.txt"])
        #expect(failSize.unchanged.isEmpty)
        #expect(failSize.kept == ["sub/b.bin"])
        #expect(failSize.bytesTransferred == 0)
        #expect(failSize.bytesCompared == 0)

        let preserve = try await run(.preserve)
        #expect(preserve.kept == ["a.txt", "sub/b.bin"])
        #expect(preserve.bytesTransferred == 0)
        #expect(try String(contentsOfFile: dest + "/a.txt", encoding: .utf8) == "longer text")

        let overwrite = try await run(.overwrite)
        // OVERWRITE replaces the file that differs; the one recorded as this asset's bytes is already right.
        #expect(overwrite.downloaded == ["a.txt"])
        #expect(overwrite.unchanged == ["sub/b.bin"])
        #expect(try String(contentsOfFile: dest + "/a.txt", encoding: .utf8) == "hello")
    }

    @Test func symlinksPlantedInTheDestinationAreNotFollowed() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: sampleFiles)
        let dest = temporaryPath("out")
        let outside = temporaryPath("outside")
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: URL(fileURLWithPath: outside + "/a.txt"))
        try FileManager.default.createSymbolicLink(atPath: dest + "/sub", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: dest + "/a.txt", withDestinationPath: outside + "/a.txt")
        let plan = try await ActionPlanning.planDownload(f.reference("cats", nil), destination: dest, client: f.client)
        let summary = try await ArtifactDownloader(client: f.client, options: DownloadOptions(strategy: .overwrite)).run(plan)
        #expect(summary.downloaded.isEmpty)
        #expect(summary.failed.map(\.path) == ["a.txt", "sub/b.bin"])
        #expect(treeListing(outside) == ["a.txt"])
        #expect(try String(contentsOfFile: outside + "/a.txt", encoding: .utf8) == "secret")
    }

    @Test func hostileLogicalPathFromTheServerIsRefused() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        let upsert = try await f.client.upsertArtifactVersion(ArtifactVersionUpsert(artifactName: "evil", workspace: f.workspace))
        let file = temporaryPath("x")
        try Data("pwned".utf8).write(to: URL(fileURLWithPath: file))
        for path in ["../escape.txt", "ok.txt"] {
            try await f.client.uploadAsset(fileAt: file, logicalPath: path, artifactVersionId: upsert.artifactVersionId, experimentKey: nil)
        }
        try await f.client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: nil, state: .closed)
        let parent = temporaryPath("parent")
        let dest = parent + "/dest"
        let plan = try await ActionPlanning.planDownload(f.reference("evil", nil), destination: dest, client: f.client)
        #expect(plan.refused.map(\.asset.logicalPath) == ["../escape.txt"])
        let summary = try await ArtifactDownloader(client: f.client).run(plan)
        #expect(summary.downloaded == ["ok.txt"])
        #expect(!summary.succeeded)
        #expect(treeListing(parent) == ["dest", "dest/.arty", "dest/.arty/downloads.json", "dest/ok.txt"])
    }

    @Test func anAliasMoveIsVisibleOnTheServer() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: ["a": Data("1".utf8)], aliases: ["production"])
        try await f.log("cats", files: ["a": Data("2".utf8)])
        let details = try await f.client.artifactDetails(workspace: f.workspace, name: "cats")
        let v2 = try #require(details.versions.first { $0.version == "2.0.0" })
        let edit = try LabelEdit.plan(kind: .alias, add: ["production"], remove: [], version: v2, details: details)
        #expect(edit.moves.map(\.description) == ["production: 1.0.0 → 2.0.0"])
        let outcome = try await LabelEditor.apply(edit, workspace: f.workspace, artifactName: "cats", client: f.client)
        #expect(outcome.atomic)  // the registry's delta extension
        #expect(outcome.moves.map(\.description) == ["production: 1.0.0 → 2.0.0"])
        let after = outcome.details
        #expect(after.versions.first { $0.version == "2.0.0" }?.aliases == ["production"])
        #expect(after.versions.first { $0.version == "1.0.0" }?.aliases == [])
        let resolved = try await f.client.artifactVersion(workspace: f.workspace, name: "cats", selector: .alias("production"))
        #expect(resolved.version == "2.0.0")

        let tags = try LabelEdit.plan(kind: .artifactTag, add: ["raw"], remove: [], version: nil, details: after)
        let tagged = try await LabelEditor.apply(tags, workspace: f.workspace, artifactName: "cats", client: f.client)
        #expect(tagged.details.artifact.tags == ["raw"])
    }

    /// Finding 1 of issue 11 against the registry: the edit planned on [] writes only its change,
    /// so `hot`, added by another client between planning and writing, is kept: through the
    /// registry's atomic delta, and with the extensions off (a plain Comet server) through
    /// read-apply-write-verify.
    @Test(arguments: [true, false])
    func aLabelAddedByAnotherClientMeanwhileIsKept(extensions: Bool) async throws {
        let f = try await ActionsFixture.start(extensions: extensions)
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: ["a": Data("1".utf8)])
        let details = try await f.client.artifactDetails(workspace: f.workspace, name: "cats")
        let v1 = try #require(details.versions.first)
        let edit = try LabelEdit.plan(kind: .alias, delta: LabelDelta(add: ["cold"]), version: v1, details: details, opened: [])
        // The other client (the SDK writes whole lists, like this).
        try await f.client.updateVersionLabels(artifactVersionId: v1.artifactVersionId, aliases: ["hot"])
        try await f.client.updateVersionLabels(artifactVersionId: v1.artifactVersionId, versionTags: ["keep me"])
        let outcome = try await LabelEditor.apply(edit, workspace: f.workspace, artifactName: "cats", client: f.client)
        #expect(outcome.atomic == extensions)
        #expect(outcome.before == ["hot"])
        #expect(outcome.after == ["hot", "cold"])
        let tagEdit = try LabelEdit.plan(kind: .versionTag, delta: LabelDelta(add: ["bad tag"]), version: v1, details: details)
        let tagged = try await LabelEditor.apply(tagEdit, workspace: f.workspace, artifactName: "cats", client: f.client)
        #expect(tagged.after == ["keep me", "bad tag"])
    }

    /// The review's finding on a server without the delta extension (a plain Comet server, whose
    /// label writes replace whole sets): writers adding and removing their own version tags at once.
    /// Read-apply-write-verify with the settle check keeps every change (before it, about 1 in 10 was lost).
    @Test func concurrentWritersOnAPlainCometServerLoseNothing() async throws {
        let f = try await ActionsFixture.start(extensions: false)
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: ["a": Data("1".utf8)])
        let details = try await f.client.artifactDetails(workspace: f.workspace, name: "cats")
        let version = try #require(details.versions.first)
        let (client, ws, artifactId) = (f.client, f.workspace, details.artifact.artifactId)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<6 {
                group.addTask {
                    for round in 0..<4 {
                        let outcome = try await LabelEditor.apply(LabelDelta(add: ["w\(writer)-\(round)"]), kind: .versionTag,
                                                                  artifactId: artifactId, version: version, workspace: ws,
                                                                  artifactName: "cats", client: client)
                        #expect(!outcome.atomic)
                        if round % 2 == 1 {
                            try await LabelEditor.apply(LabelDelta(remove: ["w\(writer)-\(round - 1)"]), kind: .versionTag,
                                                        artifactId: artifactId, version: version, workspace: ws,
                                                        artifactName: "cats", client: client)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let tags = try #require(try await f.client.artifactDetails(workspace: f.workspace, name: "cats").versions.first?.tags)
        #expect(Set(tags) == Set((0..<6).flatMap { w in [1, 3].map { "w\(w)-\($0)" } }))
    }

    /// The registry keeps its invariants under concurrent writers: 16 tasks add and remove their
    /// own labels and move one alias, all at once, through the delta extension.
    @Test func sixteenConcurrentWritersLoseNothing() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        for n in 0..<3 { try await f.log("cats", files: ["a": Data("\(n)".utf8)]) }
        let details = try await f.client.artifactDetails(workspace: f.workspace, name: "cats")
        let versions = details.versions
        let artifactId = details.artifact.artifactId
        let client = f.client
        let ws = f.workspace
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for round in 0..<6 {
                        let v = versions[(writer + round) % versions.count]
                        try await LabelEditor.apply(LabelDelta(add: ["w\(writer)-\(round)"]), kind: .versionTag, artifactId: artifactId,
                                                    version: v, workspace: ws, artifactName: "cats", client: client)
                        try await LabelEditor.apply(LabelDelta(add: ["a\(writer)-\(round)"]), kind: .artifactTag, artifactId: artifactId,
                                                    version: nil, workspace: ws, artifactName: "cats", client: client)
                        if round % 2 == 1 {  // remove the previous round's artifact tag
                            try await LabelEditor.apply(LabelDelta(remove: ["a\(writer)-\(round - 1)"]), kind: .artifactTag,
                                                        artifactId: artifactId, version: nil, workspace: ws, artifactName: "cats",
                                                        client: client)
                        }
                        try await LabelEditor.apply(LabelDelta(add: ["hot"]), kind: .alias, artifactId: artifactId, version: v,
                                                    workspace: ws, artifactName: "cats", client: client)
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await f.client.artifactDetails(workspace: f.workspace, name: "cats")
        for writer in 0..<16 {
            for round in 0..<6 {
                let v = versions[(writer + round) % versions.count]
                #expect(final.versions.first { $0.artifactVersionId == v.artifactVersionId }?.tags.contains("w\(writer)-\(round)") == true)
                #expect(final.artifact.tags.contains("a\(writer)-\(round)") == (round % 2 == 1))
            }
        }
        #expect(final.versions.filter { $0.aliases.contains("hot") }.count == 1)
    }

    @Test func bumpCopiesAssetsAndRefusesAnExistingVersion() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        let v1 = try await f.log("cats", files: sampleFiles, remote: ["s3://bucket/raw.parquet"], aliases: ["prod"], tags: ["t1"])
        try await f.client.updateVersionLabels(artifactVersionId: v1.artifactVersionId, metadata: .object(["epochs": .number(3)]))
        let plan = try await BumpPlan.prepare(f.reference("cats", .alias("prod")), kind: .minor, client: f.client)
        #expect(plan.preview == "1.0.0 → 1.1.0")
        let created = try await VersionCopier(client: f.client).bump(plan)
        #expect(created.version == "1.1.0")
        #expect(created.localAssets == 2)
        #expect(created.remoteAssets == 1)
        #expect(created.copiedOnServer == 2)  // the registry already holds the bytes
        #expect(created.bytesUploaded == 0)

        let new = try await f.client.artifactVersion(workspace: f.workspace, name: "cats", selector: .version("1.1.0"))
        #expect(new.state == .closed)
        #expect(new.tags == ["t1"])
        #expect(new.aliases.filter { $0 != "Latest" && $0 != "latest" } == [])
        #expect(new.metadata == .object(["epochs": .number(3)]))
        let oldAssets = try await f.client.assets(workspace: f.workspace, name: "cats", selector: .version("1.0.0"))
        let newAssets = try await f.client.assets(workspace: f.workspace, name: "cats", selector: .version("1.1.0"))
        #expect(VersionDiff.compare(from: "1.0.0", old: oldAssets, to: "1.1.0", new: newAssets).isEmpty)
        let dest = temporaryPath("bumped")
        let download = try await ActionPlanning.planDownload(f.reference("cats", .version("1.1.0")), destination: dest, client: f.client)
        #expect(try await ArtifactDownloader(client: f.client).run(download).succeeded)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/sub/b.bin")) == bigFile)

        // The same bump again: 1.1.0 exists now.
        await #expect(throws: ActionError.versionExists(artifact: "cats", version: "1.1.0")) {
            _ = try await BumpPlan.prepare(f.reference("cats", .version("1.0.0")), kind: .minor, client: f.client)
        }
        // A stale plan is refused by the server (sdk_error_code 90399) and creates nothing.
        await #expect(throws: ActionError.versionExists(artifact: "cats", version: "1.1.0")) {
            _ = try await VersionCopier(client: f.client).bump(plan)
        }
        let versions = try await f.client.artifactDetails(workspace: f.workspace, name: "cats").versions.map(\.version)
        #expect(versions.sorted() == ["1.0.0", "1.1.0"])
    }
    @Test func aFailedBumpLeavesTheNewVersionInError() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: sampleFiles)
        var plan = try await BumpPlan.prepare(f.reference("cats", nil), kind: .major, client: f.client)
        plan.assets[0].assetId = "no-such-asset"
        let reports = LockedBox<[DownloadProgress]>([])
        await #expect(throws: CometAPIError.self) {
            _ = try await VersionCopier(client: f.client).bump(plan) { p in reports.mutate { $0.append(p) } }
        }
        let details = try await f.client.artifactDetails(workspace: f.workspace, name: "cats")
        #expect(details.versions.first { $0.version == "2.0.0" }?.state == .error)
        // The last report names the asset that failed (the TUI's status line and jobs view show it).
        let last = try #require(reports.value.last)
        let failed = last.files.filter { if case .failed = $0.state { true } else { false } }.map(\.path)
        #expect(failed == [plan.assets[0].logicalPath])
    }

    @Test func bumpWithoutTheServerCopyDownloadsAndUploads() async throws {
        let f = try await ActionsFixture.start()
        defer { Task { await f.registry.stop() } }
        try await f.log("cats", files: sampleFiles, remote: ["s3://bucket/raw.parquet"])
        let plan = try await BumpPlan.prepare(f.reference("cats", nil), kind: .patch, client: f.client)
        let reports = LockedBox<[DownloadProgress]>([])
        let created = try await VersionCopier(client: f.client, serverSideCopy: false).bump(plan) { p in
            reports.mutate { $0.append(p) }
        }
        #expect(created.version == "1.0.1")
        #expect(created.copiedOnServer == 0)
        #expect(created.bytesUploaded == 300_005)
        #expect(reports.value.last?.bytesDone == 600_010)  // each byte counted downloaded and uploaded
        let dest = temporaryPath("bumped")
        let download = try await ActionPlanning.planDownload(f.reference("cats", .version("1.0.1")), destination: dest, client: f.client)
        #expect(try await ArtifactDownloader(client: f.client).run(download).succeeded)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/sub/b.bin")) == bigFile)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/a.txt")) == Data("hello".utf8))
    }
}

/// Downloads against a scripted test server: drops, cancellation, checksums.
@Suite("Downloader transfers")
struct DownloaderTransferTests {
    static func plan(size: Int64, checksum: String? = nil, destination: String) -> DownloadPlan {
        DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion,
                          assets: [localAsset("data/big.bin", size: size, checksum: checksum)], destination: destination)
    }

    @Test func resumesWithRangeAfterAConnectionDropMidFile() async throws {
        let size = 2 << 20
        let half = 1 << 20
        let server = try await TestServer.start { request in
            let start = rangeStart(request) ?? 0
            if start == 0 {
                return .stream(status: 200, headers: [], contentLength: size) { writer in
                    try await writePattern(&writer, count: half)
                    throw CancellationError()  // the connection drops mid-file
                }
            }
            return .stream(status: 206, headers: [("Content-Range", "bytes \(start)-\(size - 1)/\(size)")],
                           contentLength: size - start) { writer in
                try await writePattern(&writer, offset: start, count: size - start)
            }
        }
        defer { server.stop() }
        let client = try makeTestClient(server, retry: .none)
        let dest = temporaryPath("out")
        let summary = try await ArtifactDownloader(client: client, options: DownloadOptions(retryDelayMilliseconds: 1))
            .run(Self.plan(size: Int64(size), destination: dest))
        #expect(summary.downloaded == ["data/big.bin"])
        #expect(try fileMatchesPattern(dest + "/data/big.bin", count: size))
        #expect(server.requests.count == 2)
        let resumedAt = try #require(server.requests.last.flatMap(rangeStart))
        #expect(resumedAt > 0 && resumedAt <= half)
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "data", "data/big.bin"])
    }

    /// Starts a download of 1 GiB served slowly, cancels it once bytes arrive, and returns the
    /// summary and what is left in the destination.
    static func cancelMidTransfer(keepPartialFiles: Bool) async throws -> (DownloadSummary, [String]) {
        let server = try await TestServer.startSlowGiB()
        defer { server.stop() }
        let client = try makeTestClient(server)
        let dest = temporaryPath("out")
        let started = AsyncStream<Void>.makeStream()
        var options = DownloadOptions(progressIntervalMilliseconds: 0)
        options.keepPartialFiles = keepPartialFiles
        let downloader = ArtifactDownloader(client: client, options: options)
        let task = Task {
            try await downloader.run(Self.plan(size: 1 << 30, destination: dest)) { p in
                if p.bytesDone > 0 { started.continuation.yield() }
            }
        }
        for await _ in started.stream { break }
        task.cancel()
        return (try await task.value, treeListing(dest))
    }

    @Test func cancellingLeavesNoFinalFileAndNoPart() async throws {
        let (summary, listing) = try await Self.cancelMidTransfer(keepPartialFiles: false)
        #expect(summary.cancelled)
        #expect(summary.downloaded.isEmpty)
        #expect(listing == [])  // no file, no .part, and not the folder made for them
    }

    @Test func cancellingCanKeepThePartFileForAResume() async throws {
        let (summary, listing) = try await Self.cancelMidTransfer(keepPartialFiles: true)
        #expect(summary.cancelled)
        // The partial bytes stay under NAME.part only, never under the final name.
        #expect(listing.count == 2 && listing.first == "data" && listing.last?.hasSuffix(".part") == true, "\(listing)")
    }

    @Test(arguments: [true, false])
    func anErrorAnswerKeepsAnEarlierRunsPartialBytesOnlyWhenAskedTo(_ keep: Bool) async throws {
        let server = try await TestServer.start { _ in .cometError(status: 403, code: 0, msg: "forbidden") }
        defer { server.stop() }
        let client = try makeTestClient(server, retry: .none)
        let dest = temporaryPath("out")
        try FileManager.default.createDirectory(atPath: dest + "/data", withIntermediateDirectories: true)
        let earlier = Data(patternBytes(offset: 0, count: 30_000))
        try earlier.write(to: URL(fileURLWithPath: dest + "/data/big.bin.part"))  // what an interrupted run left
        var options = DownloadOptions(maxAttempts: 2, retryDelayMilliseconds: 1)
        options.keepPartialFiles = keep
        let summary = try await ArtifactDownloader(client: client, options: options).run(Self.plan(size: 100_000, destination: dest))
        let failure = try #require(summary.failed.first)
        #expect(failure.path == "data/big.bin")
        if keep {
            #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/data/big.bin.part")) == earlier)
            #expect(failure.reason.hasSuffix("(30000 bytes kept in big.bin.part for the next run)"))
        } else {
            #expect(!FileManager.default.fileExists(atPath: dest + "/data/big.bin.part"))
            #expect(!failure.reason.contains("kept"))
        }
        #expect(!FileManager.default.fileExists(atPath: dest + "/data/big.bin"))
    }

    @Test func foldersMadeForFilesThatAllFailedAreRemovedAndFoldersThatExistedStay() async throws {
        let server = try await TestServer.start { request in
            request.query["assetId"] == "id-ok/a.txt" ? .bytes(status: 200, headers: [], body: Data("abc".utf8))
                : .cometError(status: 500, code: 0, msg: "broken")
        }
        defer { server.stop() }
        let client = try makeTestClient(server, retry: .none)
        let dest = temporaryPath("out")
        try FileManager.default.createDirectory(atPath: dest + "/mine/empty", withIntermediateDirectories: true)
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion,
                                     assets: [localAsset("ok/a.txt", size: 3), localAsset("ok/deep/b.txt", size: 3),
                                              localAsset("gone/x/y.txt", size: 3), localAsset("mine/empty/z.txt", size: 3)],
                                     destination: dest)
        let summary = try await ArtifactDownloader(client: client, options: DownloadOptions(maxAttempts: 1)).run(plan)
        #expect(summary.downloaded == ["ok/a.txt"])
        #expect(summary.failed.count == 3)
        // ok/ holds a file; ok/deep and gone/x were made for failed files only; mine/empty was there before.
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "mine", "mine/empty", "ok", "ok/a.txt"])
    }

    @Test func aChecksumMismatchFailsAndAMatchPasses() async throws {
        let body = Data(patternBytes(offset: 0, count: 10_000))
        let server = try await TestServer.start { _ in .bytes(status: 200, headers: [], body: body) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let good = temporaryPath("good.bin")
        try body.write(to: URL(fileURLWithPath: good))
        let sha1 = try FileDigest.hex(of: good, algorithm: .sha1)
        let sha256 = try FileDigest.hex(of: good, algorithm: .sha256)

        let bad = temporaryPath("bad")
        let failed = try await ArtifactDownloader(client: client).run(Self.plan(size: 10_000, checksum: String(repeating: "0", count: 64), destination: bad))
        #expect(failed.failed.first?.reason.contains("checksum") == true)
        #expect(treeListing(bad) == [])
        for checksum in [sha1, sha256.uppercased()] {
            let ok = temporaryPath("ok")
            let summary = try await ArtifactDownloader(client: client).run(Self.plan(size: 10_000, checksum: checksum, destination: ok))
            #expect(summary.downloaded == ["data/big.bin"])
        }
        let short = temporaryPath("short")
        let sizeMismatch = try await ArtifactDownloader(client: client).run(Self.plan(size: 20_000, destination: short))
        #expect(sizeMismatch.failed.first?.reason.contains("10000 bytes received, 20000 expected") == true)
        #expect(treeListing(short) == [])
    }

    @Test func failWithAKnownChecksumDecidesWithoutATransfer() async throws {
        let server = try await TestServer.start { _ in .bytes(status: 200, headers: [], body: Data("unused".utf8)) }
        defer { server.stop() }
        let client = try makeTestClient(server)
        let dest = temporaryPath("out")
        try FileManager.default.createDirectory(atPath: dest + "/data", withIntermediateDirectories: true)
        let content = Data(patternBytes(offset: 0, count: 1_000))
        try content.write(to: URL(fileURLWithPath: dest + "/data/big.bin"))
        let sha256 = try FileDigest.hex(of: dest + "/data/big.bin", algorithm: .sha256)
        func plan(_ checksum: String) -> DownloadPlan {
            DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion,
                              assets: [localAsset("data/big.bin", size: 1_000, checksum: checksum)], destination: dest,
                              existing: ["data/big.bin": .file(size: 1_000)])
        }
        let same = try await ArtifactDownloader(client: client).run(plan(sha256))
        #expect(same.kept == ["data/big.bin"])
        let other = try await ArtifactDownloader(client: client).run(plan(String(repeating: "1", count: 64)))
        #expect(other.failed.map(\.path) == ["data/big.bin"])
        #expect(server.requests.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dest + "/data/big.bin")) == content)
    }

    @Test func aPartLeftByAnInterruptedRunIsResumed() async throws {
        let size = 500_000
        let server = try await TestServer.start { request in
            let start = rangeStart(request) ?? 0
            return .stream(status: start > 0 ? 206 : 200,
                           headers: start > 0 ? [("Content-Range", "bytes \(start)-\(size - 1)/\(size)")] : [],
                           contentLength: size - start) { writer in
                try await writePattern(&writer, offset: start, count: size - start)
            }
        }
        defer { server.stop() }
        let dest = temporaryPath("out")
        try FileManager.default.createDirectory(atPath: dest + "/data", withIntermediateDirectories: true)
        try Data(patternBytes(offset: 0, count: 200_000)).write(to: URL(fileURLWithPath: dest + "/data/big.bin.part"))
        let summary = try await ArtifactDownloader(client: try makeTestClient(server)).run(Self.plan(size: Int64(size), destination: dest))
        #expect(summary.downloaded == ["data/big.bin"])
        #expect(summary.bytesTransferred == 300_000)
        #expect(server.requests.compactMap(rangeStart) == [200_000])
        #expect(try fileMatchesPattern(dest + "/data/big.bin", count: size))
        #expect(treeListing(dest) == [".arty", ".arty/downloads.json", "data", "data/big.bin"])
    }

    @Test(.timeLimit(.minutes(1))) func transfersRunInParallel() async throws {
        // Every answer waits until three requests are in flight: a sequential downloader would never finish.
        let barrier = Barrier(count: 3)
        let server = try await TestServer.start { _ in
            await barrier.arrive()
            return .bytes(status: 200, headers: [], body: Data(patternBytes(offset: 0, count: 1_000)))
        }
        defer { server.stop() }
        let dest = temporaryPath("out")
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion,
                                     assets: ["a", "b", "c"].map { localAsset($0, size: 1_000) }, destination: dest)
        let summary = try await ArtifactDownloader(client: try makeTestClient(server),
                                                   options: DownloadOptions(parallelTransfers: 3)).run(plan)
        #expect(summary.downloaded == ["a", "b", "c"])
    }
}

/// Releases every waiter once `count` have arrived.
actor Barrier {
    private let count: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var arrived = 0

    init(count: Int) { self.count = count }

    func arrive() async {
        arrived += 1
        if arrived >= count {
            for w in waiting { w.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
