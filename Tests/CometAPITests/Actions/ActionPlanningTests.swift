import CometAPI
import Foundation
import Testing

/// Test helpers: assets and versions as the server would send them.
func localAsset(_ path: String, size: Int64, id: String? = nil, checksum: String? = nil) -> Asset {
    Asset(assetId: id ?? "id-\(path)", logicalPath: path, size: size, isRemote: false,
          metadata: checksum.map { .object(["checksum": .string($0)]) }, artifactVersionId: "v-1")
}

func remoteAsset(_ path: String, link: String) -> Asset {
    Asset(assetId: "id-\(path)", logicalPath: path, size: 0, link: link, isRemote: true, artifactVersionId: "v-1")
}

let sampleVersion = ArtifactVersion(artifactVersionId: "v-1", version: "1.2.0")

@Suite("Download planning")
struct DownloadPlanTests {
    @Test func globsMatchWholePathsAndLastSegments() {
        #expect(GlobPattern("*.csv").matches("data/train.csv"))
        #expect(GlobPattern("data/*").matches("data/train.csv"))
        #expect(!GlobPattern("img/*").matches("data/train.csv"))
        #expect(GlobPattern("img_[0-9].png").matches("a/img_3.png"))
        #expect(!GlobPattern("img_[0-9].png").matches("a/img_x.png"))
        #expect(GlobPattern.selects("a.csv", include: [], exclude: []))
        #expect(!GlobPattern.selects("a.csv", include: [GlobPattern("*.png")], exclude: []))
        #expect(!GlobPattern.selects("a.csv", include: [GlobPattern("*")], exclude: [GlobPattern("*.csv")]))
    }

    @Test func hostileLogicalPathsAreRefusedWithReasons() {
        let hostile = ["../x", "a/../../x", "/etc/x", "C:\\x", "..\\x", "a\u{0}b", "C:x", "", "~/x"]
        let assets = hostile.map { localAsset($0, size: 1) } + [localAsset("ok/file.txt", size: 3)]
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion, assets: assets, destination: "/tmp/d")
        #expect(plan.entries.map(\.path.relativePath) == ["ok/file.txt"])
        #expect(Set(plan.refused.map(\.asset.logicalPath)) == Set(hostile))
        let reason = { (p: String) in plan.refused.first { $0.asset.logicalPath == p }?.reason ?? "" }
        #expect(reason("../x").contains("'..'"))
        #expect(reason("/etc/x").contains("absolute"))
        #expect(reason("C:\\x").contains("backslash"))
        #expect(reason("C:x").contains("drive letter"))
        #expect(reason("a\u{0}b").contains("control character"))
        #expect(plan.totalBytes == 3)
    }

    @Test func remoteAssetsAreListedNotTransferred() throws {
        let assets = [localAsset("b.csv", size: 10), remoteAsset("raw.parquet", link: "s3://bucket/raw.parquet"),
                      localAsset("a.png", size: 5)]
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion, assets: assets,
                                     destination: "/tmp/d", exclude: [GlobPattern("*.png")])
        #expect(plan.entries.map(\.path.relativePath) == ["b.csv"])
        #expect(plan.remote == [RemoteAssetEntry(logicalPath: "raw.parquet", link: "s3://bucket/raw.parquet", assetId: "id-raw.parquet")])
        #expect(plan.excludedCount == 1)
        let decoded = try JSONDecoder().decode([RemoteAssetEntry].self, from: plan.remoteManifestJSON())
        #expect(decoded == plan.remote)
    }

    @Test func duplicatesFileFolderClashesAndTheManifestNameAreRefused() {
        let assets = [localAsset("a", size: 1), localAsset("a/b", size: 1), localAsset("./c", size: 1, id: "c1"),
                      localAsset("c", size: 2, id: "c2"), localAsset("remote-assets.json", size: 2)]
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion, assets: assets, destination: "/d")
        #expect(plan.entries.map(\.path.relativePath) == ["a/b", "c"])
        #expect(plan.refused.map(\.asset.logicalPath).sorted() == ["a", "c", "remote-assets.json"])
    }

    @Test func aFileFolderClashIsFoundOnBytesEvenBehindACombiningMark() {
        // `e/\u{35C}f` lies in folder `e` although Swift's Character-wise `hasPrefix("e/")` says no.
        let assets = [localAsset("e", size: 1), localAsset("e/\u{35C}f", size: 1)]
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion, assets: assets, destination: "/d")
        #expect(plan.entries.map(\.path.relativePath) == ["e/\u{35C}f"])
        #expect(plan.refused.map(\.asset.logicalPath) == ["e"])
    }

    @Test func overwriteStrategiesDecideLikeTheSDK() throws {
        let path = try LogicalPath("x.bin")
        let asset = localAsset("x.bin", size: 10)
        let fresh = DownloadEntry(asset: asset, path: path)
        let sameSize = DownloadEntry(asset: asset, path: path, existing: .file(size: 10))
        let otherSize = DownloadEntry(asset: asset, path: path, existing: .file(size: 11))
        let folder = DownloadEntry(asset: asset, path: path, existing: .other("a folder"))
        #expect(DownloadPlan.decision(for: fresh, strategy: .fail) == .download)
        #expect(DownloadPlan.decision(for: sameSize, strategy: .fail) == .verifyAgainstExisting)
        guard case .conflict(let why) = DownloadPlan.decision(for: otherSize, strategy: .fail) else {
            Issue.record("FAIL with a different size must conflict"); return
        }
        #expect(why.contains("different content"))
        #expect(DownloadPlan.decision(for: otherSize, strategy: .preserve) == .keepExisting)
        #expect(DownloadPlan.decision(for: otherSize, strategy: .overwrite) == .replace)
        if case .conflict = DownloadPlan.decision(for: folder, strategy: .overwrite) {} else {
            Issue.record("a folder in the way must conflict even with OVERWRITE")
        }
        #expect(OverwriteStrategy(argument: "preserve") == .preserve)
        #expect(OverwriteStrategy(argument: "Overwrite") == .overwrite)
        #expect(OverwriteStrategy(argument: "clobber") == nil)
    }
}

@Suite("Transfer statistics")
struct TransferStatsTests {
    @Test func rateAndETAFromInjectedSamples() {
        var stats = TransferStats(totalBytes: 10_000, windowMilliseconds: 5_000)
        #expect(stats.bytesPerSecond == nil)
        #expect(stats.etaMilliseconds == nil)
        stats.record(bytes: 0, at: 1_000)
        stats.record(bytes: 2_000, at: 2_000)
        #expect(stats.bytesPerSecond == 2_000)
        #expect(stats.etaMilliseconds == 4_000)
        #expect(stats.fraction == 0.2)
        // Old samples leave the window: the rate follows the recent speed.
        stats.record(bytes: 3_000, at: 8_000)
        stats.record(bytes: 4_000, at: 9_000)
        #expect(stats.samples.first?.milliseconds == 2_000)
        #expect(stats.bytesPerSecond == 2_000.0 / 7)
        stats.record(bytes: 10_000, at: 10_000)
        #expect(stats.etaMilliseconds == 0)
    }

    @Test func noRateFromABurstOfTheFirstMilliseconds() {
        var stats = TransferStats(totalBytes: 1 << 20, windowMilliseconds: 5_000)
        stats.record(bytes: 0, at: 0)
        stats.record(bytes: 256 << 10, at: 20)  // socket and file buffers filling: 12.8 MiB/s for 20 ms
        #expect(stats.bytesPerSecond == nil)
        #expect(stats.etaMilliseconds == nil)
        stats.record(bytes: 300 << 10, at: 499)
        #expect(stats.bytesPerSecond == nil)
        stats.record(bytes: 320 << 10, at: 1_000)  // the real pace shows once half a second has passed
        #expect(stats.bytesPerSecond == Double(320 << 10))
    }

    @Test func throttleLetsTenPerSecondAndForcedEventsThrough() {
        var throttle = ProgressThrottle(intervalMilliseconds: 100)
        let emitted = (0..<50).filter { throttle.shouldEmit(at: Int64($0 * 20)) }
        #expect(emitted == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45])
        let forced = throttle.shouldEmit(at: 981, force: true)
        let tooSoon = throttle.shouldEmit(at: 990)
        #expect(forced)
        #expect(!tooSoon)
    }
}

@Suite("Label edits")
struct LabelEditTests {
    static let details = ArtifactDetails(
        artifact: Artifact(artifactId: "art", name: "cats", type: "dataset", tags: ["raw"]),
        versions: [ArtifactVersion(artifactVersionId: "v1", version: "1.0.0", aliases: ["production", "old"], tags: ["a"]),
                   ArtifactVersion(artifactVersionId: "v2", version: "2.0.0", aliases: ["staging"], tags: ["b"])])

    @Test func addingAnAliasHeldElsewhereIsAMove() throws {
        let v2 = Self.details.versions[1]
        let edit = try LabelEdit.plan(kind: .alias, add: ["production", "new "], remove: [], version: v2, details: Self.details)
        #expect(edit.before == ["staging"])
        #expect(edit.after == ["staging", "production", "new"])
        #expect(edit.moves.map(\.description) == ["production: 1.0.0 → 2.0.0"])
        #expect(edit.otherVersionsAfter == ["v1": ["old"]])
        #expect(edit.summaryLines.last == "moves production: 1.0.0 → 2.0.0")
    }

    @Test func removalsTagsAndNoOps() throws {
        let v1 = Self.details.versions[0]
        let removal = try LabelEdit.plan(kind: .alias, add: [], remove: ["old"], version: v1, details: Self.details)
        #expect(removal.after == ["production"])
        #expect(removal.moves.isEmpty)
        let tags = try LabelEdit.plan(kind: .versionTag, add: ["a", "c"], remove: [], version: v1, details: Self.details)
        #expect(tags.after == ["a", "c"])
        let artifactTags = try LabelEdit.plan(kind: .artifactTag, add: [], remove: ["raw"], version: nil, details: Self.details)
        #expect(artifactTags.before == ["raw"])
        #expect(artifactTags.after == [])
        let noop = try LabelEdit.plan(kind: .alias, add: ["production"], remove: [], version: v1, details: Self.details)
        #expect(noop.isNoOp)
    }

    @Test func badLabelsAreRefused() throws {
        let v1 = Self.details.versions[0]
        #expect(throws: ActionError.self) { try LabelEdit.plan(kind: .alias, add: [" "], remove: [], version: v1, details: Self.details) }
        #expect(throws: ActionError.self) { try LabelEdit.plan(kind: .alias, add: ["Latest"], remove: [], version: v1, details: Self.details) }
        // Aliases no reference could reach: ':' or '/', or a semantic version.
        #expect(throws: ActionError.invalidLabel("'a:b' contains ':' or '/', so no reference could name it.")) {
            try LabelEdit.plan(kind: .alias, add: ["a:b"], remove: [], version: v1, details: Self.details)
        }
        #expect(throws: ActionError.invalidLabel("'3.0.0' is a semantic version, so a reference would name that version instead.")) {
            try LabelEdit.plan(kind: .alias, add: ["3.0.0"], remove: [], version: v1, details: Self.details)
        }
        // A version tag may look like a version.
        #expect(try LabelEdit.plan(kind: .versionTag, add: ["3.0.0"], remove: [], version: v1, details: Self.details).after.contains("3.0.0"))
        #expect(throws: ActionError.self) { try LabelEdit.plan(kind: .versionTag, add: ["a,b"], remove: [], version: v1, details: Self.details) }
        #expect(throws: ActionError.self) { try LabelEdit.plan(kind: .versionTag, add: ["x"], remove: [], version: nil, details: Self.details) }
    }
}

@Suite("Bump planning")
struct BumpPlanTests {
    static let details = ArtifactDetails(
        artifact: Artifact(artifactId: "art", name: "cats", type: "dataset"),
        versions: [ArtifactVersion(artifactVersionId: "v1", version: "1.2.0", aliases: ["prod"], tags: ["t"]),
                   ArtifactVersion(artifactVersionId: "v2", version: "2.0.0")])

    @Test func previewsTheNextVersion() throws {
        let plan = try BumpPlan.make(workspace: "ws", source: Self.details.versions[0], kind: .minor, details: Self.details,
                                     assets: [localAsset("b", size: 4), remoteAsset("a", link: "s3://x/a")])
        #expect(plan.preview == "1.2.0 → 1.3.0")
        #expect(plan.assets.map(\.logicalPath) == ["a", "b"])
        #expect(plan.localBytes == 4)
        #expect(plan.aliases == [])
        let withAliases = try BumpPlan.make(workspace: "ws", source: Self.details.versions[0], kind: .patch,
                                            details: Self.details, assets: [], withAliases: true)
        #expect(withAliases.target.description == "1.2.1")
        #expect(withAliases.aliases == ["prod"])
    }

    @Test func refusesAnExistingVersionAndNonSemver() throws {
        let error = #expect(throws: ActionError.self) {
            try BumpPlan.make(workspace: "ws", source: Self.details.versions[0], kind: .major, details: Self.details, assets: [])
        }
        #expect(error == .versionExists(artifact: "cats", version: "2.0.0"))
        let odd = ArtifactVersion(artifactVersionId: "v9", version: "1.0")
        #expect(throws: ActionError.notSemantic(version: "1.0")) {
            try BumpPlan.make(workspace: "ws", source: odd, kind: .major, details: Self.details, assets: [])
        }
        let top = ArtifactVersion(artifactVersionId: "v10", version: "1.\(Int.max).0")
        let overflow = #expect(throws: ActionError.self) {
            try BumpPlan.make(workspace: "ws", source: top, kind: .minor, details: Self.details, assets: [])
        }
        #expect(overflow == .versionOverflow(version: "1.\(Int.max).0", kind: "minor"))
        #expect(overflow?.userMessage == "Version '1.\(Int.max).0' has no next minor version: that number is already the largest arty can count to.")
        #expect(try BumpPlan.make(workspace: "ws", source: top, kind: .patch, details: Self.details, assets: []).target.description == "1.\(Int.max).1")
    }
}

@Suite("Version diff")
struct VersionDiffTests {
    @Test func addedRemovedChangedAndUnchangedSortedByPath() throws {
        let old = [localAsset("same.csv", size: 5), localAsset("grown.csv", size: 5), localAsset("gone.txt", size: 1),
                   localAsset("sum.bin", size: 8, checksum: "aa"), remoteAsset("link", link: "s3://a"),
                   remoteAsset("moved", link: "s3://m"), localAsset("kind", size: 3)]
        let new = [localAsset("same.csv", size: 5), localAsset("grown.csv", size: 9), localAsset("added.txt", size: 2),
                   localAsset("sum.bin", size: 8, checksum: "bb"), remoteAsset("link", link: "s3://a"),
                   remoteAsset("moved", link: "s3://n"), remoteAsset("kind", link: "s3://k")]
        let diff = VersionDiff.compare(from: "1.0.0", old: old, to: "2.0.0", new: new)
        #expect(diff.added.map(\.logicalPath) == ["added.txt"])
        #expect(diff.removed.map(\.logicalPath) == ["gone.txt"])
        #expect(diff.changed.map(\.logicalPath) == ["grown.csv", "kind", "moved", "sum.bin"])
        #expect(diff.changed.map(\.reasons) == [["size"], ["kind"], ["link"], ["checksum"]])
        #expect(diff.unchangedCount == 2)
        #expect(diff.lines.first == "+ added.txt  (2 bytes)")
        #expect(diff.lines.last == "1.0.0 → 2.0.0: 1 added, 1 removed, 4 changed, 2 unchanged")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(diff)) as? [String: Any]
        #expect(json?["unchangedCount"] as? Int == 2)
        #expect(VersionDiff.compare(from: "a", old: old, to: "b", new: old).isEmpty)
    }
}

@Suite("Folder log planning")
struct FolderLogTests {
    @Test func remoteLinksAreNamedByTheirLastSegment() throws {
        #expect(try FolderLog.remoteLogicalPath("s3://bucket/x/data.csv") == "data.csv")
        #expect(try FolderLog.remoteLogicalPath("https://h/a/b.bin?sig=1/2") == "b.bin")
        #expect(throws: ActionError.self) { try FolderLog.remoteLogicalPath("s3://") }
    }

    @Test func scanSkipsSymlinksLeavingTheFolder() throws {
        let root = temporaryPath("folder")
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        try Data("abc".utf8).write(to: URL(fileURLWithPath: root + "/sub/a.txt"))
        try Data("z".utf8).write(to: URL(fileURLWithPath: root + "/z.txt"))
        try FileManager.default.createSymbolicLink(atPath: root + "/outside", withDestinationPath: "/etc/hostname")
        try FileManager.default.createSymbolicLink(atPath: root + "/inside", withDestinationPath: root + "/z.txt")
        let log = try FolderLog.prepare(directory: root, workspace: "ws", artifactName: "a", artifactType: "dataset",
                                        remoteLinks: ["s3://b/r.parquet"])
        #expect(log.files.map(\.logicalPath) == ["inside", "sub/a.txt", "z.txt"])
        #expect(log.files.map(\.size) == [1, 3, 1])
        #expect(log.skipped == ["outside: a symlink leaving the folder"])
        #expect(log.remoteLinks.map(\.logicalPath) == ["r.parquet"])
        #expect(throws: ActionError.self) {
            try FolderLog.prepare(directory: root + "/missing", workspace: "ws", artifactName: "a", artifactType: "t")
        }
    }
}

@Suite("Action texts")
struct ActionTextTests {
    @Test func durationsProgressAndSummaries() {
        #expect(ActionText.duration(milliseconds: 0) == "0:00")
        #expect(ActionText.duration(milliseconds: 4_001) == "0:05")
        #expect(ActionText.duration(milliseconds: 3_725_000) == "1:02:05")
        let progress = DownloadProgress(
            files: [FileProgress(path: "a", bytes: 1024, totalBytes: 1024, state: .done),
                    FileProgress(path: "b", bytes: 0, totalBytes: 3072, state: .transferring)],
            bytesDone: 1024, totalBytes: 4096, bytesPerSecond: 512, etaMilliseconds: 6_000)
        #expect(ActionText.progressLine(progress) == "1/2 files · \(Listing.byteCount(1024)) of \(Listing.byteCount(4096)) · \(Listing.byteCount(512))/s · ETA 0:06")
        let summary = DownloadSummary(destination: "out", workspace: "ws", artifact: "a", version: "1.0.0",
                                      downloaded: ["a"], kept: ["b"], failed: [.init(path: "c", reason: "x")],
                                      remote: [RemoteAssetEntry(logicalPath: "r", link: "s3://r", assetId: "1")],
                                      remoteManifest: nil, bytesTransferred: 1024, cancelled: false)
        #expect(ActionText.summaryLine(summary) == "Downloaded 1 files (\(Listing.byteCount(1024))) to out · 1 kept · 1 failed · 1 remote listed")
    }

    @Test func confirmDialogLines() {
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "cats", version: sampleVersion,
                                     assets: [localAsset("a", size: 10), localAsset("b", size: 20), localAsset("../x", size: 1),
                                              remoteAsset("r", link: "s3://r")],
                                     destination: "/tmp/out", existing: ["b": .file(size: 20)])
        #expect(ActionText.confirmLines(plan) == [
            "ws/cats:1.2.0", "to /tmp/out", "2 files, \(Listing.byteCount(30))", "1 exist already: b",
            "1 refused (unsafe logical path)", "1 remote assets listed in remote-assets.json, not fetched",
        ])
    }
}

@Suite("arty log: file names and alias moves")
struct FolderLogNameTests {
    @Test func aFileNameWithANewlineIsRefusedBeforeAnyVersionExists() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("arty-log-names-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data("ok".utf8).write(to: URL(fileURLWithPath: dir + "/good.txt"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/sub/bad\nname.txt"))
        let error = #expect(throws: ActionError.self) {
            try FolderLog.prepare(directory: dir, workspace: "ws", artifactName: "a", artifactType: "dataset")
        }
        #expect(error == .folder(path: dir, detail: "sub/bad\\nname.txt: its name contains a control character, so no download could write it (rename it and log again)"))
        #expect(error?.userMessage.contains("\n") == false)
    }

    @Test(arguments: [
        ("data/train.csv", true, nil),
        ("a\tb", true, "its name contains a control character, so no download could write it"),
        ("caf\u{FFFD}.txt", false, "its name is not valid UTF-8"),
        ("caf\u{FFFD}.txt", true, nil),  // a real U+FFFD in a name that exists is fine
        // Names LogicalPath refuses: logging them made versions that `arty download` could not write.
        ("sub/back\\slash.txt", true, "its name contains a backslash, which downloads refuse"),
        ("~notes.txt", true, "its name starts with '~', which downloads refuse"),
        ("C:report.txt", true, "its name starts with a drive letter, which downloads refuse"),
        ("sub/~notes.txt", true, nil),  // only a leading '~' or drive letter of the whole path is refused
        ("quote\" : colon.txt", true, nil),
    ] as [(String, Bool, String?)])
    func nameProblems(name: String, exists: Bool, problem: String?) {
        #expect(FolderLog.nameProblem(name, exists: exists) == problem)
    }

    @Test func loggingWithAnAliasHeldByAnOlderVersionReportsTheMove() {
        let details = LabelEditTests.details
        let held = details.versions.first { !$0.aliases.isEmpty }!
        let alias = held.aliases[0]
        let moves = FolderLog.aliasMoves(aliases: [alias, "fresh"], existing: details, newVersion: "9.0.0")
        #expect(moves.map(\.description) == ["\(alias): \(held.version) → 9.0.0"])
        #expect(FolderLog.aliasMoves(aliases: [alias], existing: nil, newVersion: "1.0.0").isEmpty)
    }

    @Test func logAliasesMustBeReachable() {
        #expect(throws: ActionError.invalidLabel("'1.2.3' is a semantic version, so a reference would name that version instead.")) {
            try FolderLog.validateAlias("1.2.3")
        }
        #expect(throws: ActionError.self) { try FolderLog.validateAlias("latest") }
        #expect(throws: ActionError.self) { try FolderLog.validateAlias("") }
        #expect((try? FolderLog.validateAlias(" best ")) == "best")
    }
}

@Suite("partial file names")
struct PartialPathTests {
    @Test func aShortNameGetsDotPartBesideIt() {
        #expect(SafeFileSystem.partialPath(for: "/d/sub/a.txt") == "/d/sub/a.txt.part")
        #expect(SafeFileSystem.partialPath(for: "a.txt") == "a.txt.part")
        let fits = String(repeating: "n", count: 250)  // 250 + ".part" = 255 bytes, the limit
        #expect(SafeFileSystem.partialPath(for: "/d/" + fits) == "/d/" + fits + ".part")
    }

    @Test func aShortNameCanBeAskedForTheShortenedForm() {
        let part = SafeFileSystem.partialPath(for: "/d/x", shortened: true)
        #expect(part.hasPrefix("/d/x~") && part.hasSuffix(".part"))
        #expect(part.count == "/d/x~".count + 16 + ".part".count)
        #expect(part != "/d/x.part")
    }

    @Test(arguments: [251, 253, 255])
    func aNameTooLongForDotPartGetsAShortenedStableOne(length: Int) throws {
        let name = String(repeating: "é", count: length / 2) + String(repeating: "n", count: length % 2)  // 2-byte characters
        let part = SafeFileSystem.partialPath(for: "/d/sub/" + name)
        #expect(part.hasPrefix("/d/sub/"))
        let component = String(part.dropFirst("/d/sub/".count))
        #expect(component.utf8.count <= SafeFileSystem.maxNameBytes)
        #expect(component.hasSuffix(".part"))
        #expect(!component.contains("/"))
        #expect(component.hasPrefix(String(repeating: "é", count: 50)))  // cut at a character boundary, readable
        #expect(SafeFileSystem.partialPath(for: "/d/sub/" + name) == part)  // a rerun finds it again
        // Two long names that share their first 233 bytes still get different partial files.
        let other = SafeFileSystem.partialPath(for: "/d/sub/" + String(name.dropLast()) + "x")
        #expect(other != part)
    }
}
