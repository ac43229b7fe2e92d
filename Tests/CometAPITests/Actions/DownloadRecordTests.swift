import CometAPI
import Foundation
import Testing

/// An identity as `lstat` would report it; `n` makes distinct ones.
func identity(_ n: Int64, size: Int64) -> FileIdentity {
    FileIdentity(device: 2049, inode: UInt64(1000 + n), size: size, modifiedNanoseconds: 1_700_000_000_000_000_000 + n,
                 changedNanoseconds: 1_700_000_000_000_000_500 + n)
}

/// A record entry for `asset` written with `identity`.
func recorded(_ asset: Asset, identity: FileIdentity, checksum: String? = nil) -> DownloadRecord.File {
    DownloadRecord.File(assetId: asset.assetId, artifactVersionId: asset.artifactVersionId ?? "v-1", artifact: "ws/cats",
                        version: "1.2.0", size: asset.size, checksum: checksum, identity: identity)
}

let sha256OfA = String(repeating: "a", count: 64)
let sha256OfB = String(repeating: "b", count: 64)

@Suite("Download record: planning decisions")
struct DownloadRecordPlanningTests {
    let path = try! LogicalPath("data/x.bin")

    /// The entry for `asset` over an existing 10-byte file of identity `now`, recorded as `record`.
    func entry(_ asset: Asset, now: FileIdentity?, record: DownloadRecord.File?) -> DownloadEntry {
        DownloadEntry(asset: asset, path: path, existing: .file(size: now?.size ?? 10), identity: now, recorded: record)
    }

    @Test func anUntouchedFileOfTheSameAssetIsUnchangedUnderEveryStrategy() {
        let asset = localAsset("data/x.bin", size: 10, id: "asset-1")
        let e = entry(asset, now: identity(1, size: 10), record: recorded(asset, identity: identity(1, size: 10)))
        #expect(e.isTracked)
        #expect(e.isUpToDate)
        for strategy in OverwriteStrategy.allCases {
            #expect(DownloadPlan.decision(for: e, strategy: strategy) == .unchanged, "\(strategy)")
        }
    }

    @Test func anotherAssetWithTheRecordedChecksumIsUnchangedAndADifferentChecksumIsReplaced() {
        // A newer version: new asset ids; the server's checksum says which bytes are the same.
        let old = localAsset("data/x.bin", size: 10, id: "asset-1", checksum: sha256OfA)
        let record = recorded(old, identity: identity(1, size: 10), checksum: sha256OfA)
        let same = entry(localAsset("data/x.bin", size: 10, id: "asset-2", checksum: sha256OfA.uppercased()),
                         now: identity(1, size: 10), record: record)
        #expect(DownloadPlan.decision(for: same, strategy: .fail) == .unchanged)
        let changed = entry(localAsset("data/x.bin", size: 10, id: "asset-3", checksum: sha256OfB),
                            now: identity(1, size: 10), record: record)
        #expect(!changed.isUpToDate)
        // arty's own untouched copy of older content: replaced under FAIL too, kept under PRESERVE.
        #expect(DownloadPlan.decision(for: changed, strategy: .fail) == .replace)
        #expect(DownloadPlan.decision(for: changed, strategy: .overwrite) == .replace)
        #expect(DownloadPlan.decision(for: changed, strategy: .preserve) == .keepExisting)
        // The same asset id whose checksum changed on the server is not up to date either.
        let rewritten = entry(localAsset("data/x.bin", size: 10, id: "asset-1", checksum: sha256OfB),
                              now: identity(1, size: 10), record: record)
        #expect(DownloadPlan.decision(for: rewritten, strategy: .fail) == .replace)
    }

    @Test func withoutAChecksumAnotherAssetIdIsNotKnownToBeTheSame() {
        let asset = localAsset("data/x.bin", size: 10, id: "asset-2")
        let e = entry(asset, now: identity(1, size: 10),
                      record: recorded(localAsset("data/x.bin", size: 10, id: "asset-1"), identity: identity(1, size: 10)))
        #expect(e.isTracked)
        #expect(!e.isUpToDate)
        #expect(DownloadPlan.decision(for: e, strategy: .fail) == .replace)
        #expect(DownloadPlan.decision(for: e, strategy: .preserve) == .keepExisting)
    }

    @Test func aFileEditedSinceIsHandledByTheStrategy() throws {
        let asset = localAsset("data/x.bin", size: 10, id: "asset-1")
        let record = recorded(asset, identity: identity(1, size: 10), checksum: sha256OfA)
        // Same size, rewritten (another mtime and ctime): FAIL compares, with the recorded checksum of this asset.
        let edited = entry(asset, now: identity(2, size: 10), record: record)
        #expect(!edited.isTracked)
        #expect(!edited.isUpToDate)
        #expect(DownloadPlan.decision(for: edited, strategy: .fail) == .verifyAgainstExisting)
        #expect(edited.knownChecksum == sha256OfA)
        #expect(DownloadPlan.decision(for: edited, strategy: .preserve) == .keepExisting)
        #expect(DownloadPlan.decision(for: edited, strategy: .overwrite) == .replace)
        // Another size: FAIL refuses, naming the file.
        let grown = entry(asset, now: identity(2, size: 12), record: record)
        guard case .conflict(let why) = DownloadPlan.decision(for: grown, strategy: .fail) else {
            Issue.record("an edited file of another size must conflict under FAIL"); return
        }
        #expect(why.contains("data/x.bin"))
        // The recorded checksum of another asset says nothing about this one.
        let other = entry(localAsset("data/x.bin", size: 10, id: "asset-9"), now: identity(2, size: 10), record: record)
        #expect(other.knownChecksum == nil)
        // The server's checksum wins over the record's.
        let served = entry(localAsset("data/x.bin", size: 10, id: "asset-1", checksum: sha256OfB), now: identity(2, size: 10),
                           record: record)
        #expect(served.knownChecksum == sha256OfB)
    }

    @Test func aRecordWithoutAFileOrOfAnotherSizeCountsForNothing() {
        let asset = localAsset("data/x.bin", size: 10, id: "asset-1")
        let record = recorded(asset, identity: identity(1, size: 10))
        let folder = DownloadEntry(asset: asset, path: path, existing: .other("a folder"), identity: nil, recorded: record)
        #expect(!folder.isTracked)
        if case .conflict = DownloadPlan.decision(for: folder, strategy: .overwrite) {} else { Issue.record("a folder must conflict") }
        let missing = DownloadEntry(asset: asset, path: path, existing: nil, identity: nil, recorded: record)
        #expect(DownloadPlan.decision(for: missing, strategy: .fail) == .download)
        // The asset grew on the server (same id): the recorded size no longer fits.
        let grown = entry(localAsset("data/x.bin", size: 11, id: "asset-1"), now: identity(1, size: 10), record: record)
        #expect(!grown.isUpToDate)
        #expect(DownloadPlan.decision(for: grown, strategy: .fail) == .replace)
    }

    @Test func planningAttachesTheRecordAndCountsUpToDateEntries() throws {
        let a = localAsset("a.txt", size: 5, id: "id-a"), b = localAsset("b.txt", size: 7, id: "id-b")
        let record = DownloadRecord(files: ["a.txt": recorded(a, identity: identity(1, size: 5)),
                                            "b.txt": recorded(b, identity: identity(2, size: 7))])
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "cats", version: sampleVersion, assets: [a, b, localAsset("c.txt", size: 1)],
                                     destination: "/d", existing: ["a.txt": .file(size: 5), "b.txt": .file(size: 7)],
                                     identities: ["a.txt": identity(1, size: 5), "b.txt": identity(3, size: 7)], record: record)
        #expect(plan.existingEntries.map(\.path.relativePath) == ["a.txt", "b.txt"])
        #expect(plan.upToDateEntries.map(\.path.relativePath) == ["a.txt"])
        #expect(ActionText.confirmLines(plan)[3] == "2 exist already (1 up to date): a.txt, b.txt")
        let all = DownloadPlan.make(workspace: "ws", artifactName: "cats", version: sampleVersion, assets: [a], destination: "/d",
                                    existing: ["a.txt": .file(size: 5)], identities: ["a.txt": identity(1, size: 5)], record: record)
        #expect(ActionText.confirmLines(all)[3] == "1 exists already (all up to date): a.txt")
    }

    @Test func theRecordFolderIsReservedForArty() {
        let assets = [localAsset(".arty/downloads.json", size: 2), localAsset(".arty", size: 1, id: "dir"),
                      localAsset("x/.arty/y", size: 1), localAsset(".artyfacts", size: 1)]
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "a", version: sampleVersion, assets: assets, destination: "/d")
        #expect(Set(plan.refused.map(\.asset.logicalPath)) == [".arty/downloads.json", ".arty"])
        #expect(plan.refused.allSatisfy { $0.reason.contains("'.arty/' is reserved") })
        // Only the top-level folder is arty's: a nested `.arty` and a longer name are ordinary assets.
        #expect(plan.entries.map(\.path.relativePath) == [".artyfacts", "x/.arty/y"])
    }
}

@Suite("Download record: the store's format")
struct DownloadRecordFormatTests {
    @Test func roundTripsAndIgnoresCorruptOrForeignStores() throws {
        let a = localAsset("data/a.bin", size: 5, id: "id-a")
        let record = DownloadRecord(files: ["data/a.bin": recorded(a, identity: identity(1, size: 5), checksum: sha256OfA)])
        let data = record.encoded()
        #expect(DownloadRecord.decode(data) == record)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains(#""format" : 1"#))
        #expect(text.contains(#""data/a.bin" : {"#))
        for bad in ["", "{", "[]", "null", #"{"format": 2, "files": {}}"#, #"{"files": {}}"#,
                    #"{"format": 1, "files": {"a": {"assetId": 3}}}"#, String(repeating: "\u{0}", count: 20)] {
            #expect(DownloadRecord.decode(Data(bad.utf8)) == nil, "\(bad.debugDescription)")
        }
    }

    @Test func entriesWithHostileOrReservedPathsOrInconsistentSizesAreDropped() throws {
        let a = localAsset("a", size: 5)
        let good = recorded(a, identity: identity(1, size: 5))
        var lying = good
        lying.size = 6  // the identity says 5 bytes
        let record = DownloadRecord(files: ["ok.bin": good, "../escape": good, "/etc/passwd": good, ".arty/downloads.json": good,
                                            "a//b": good, "lying.bin": lying])
        let decoded = try #require(DownloadRecord.decode(record.encoded()))
        #expect(decoded.files.keys.sorted() == ["ok.bin"])
    }

    @Test func mergingKeepsOnlyEntriesWhoseFileIsUnchanged() {
        let a = localAsset("a", size: 5), b = localAsset("b", size: 5), c = localAsset("c", size: 5)
        let old = DownloadRecord(files: ["a": recorded(a, identity: identity(1, size: 5)),
                                         "b": recorded(b, identity: identity(2, size: 5)),
                                         "gone": recorded(c, identity: identity(3, size: 5))])
        let now: [String: FileIdentity] = ["a": identity(1, size: 5), "b": identity(9, size: 5), "c": identity(4, size: 5)]
        let merged = old.merged(with: ["c": recorded(c, identity: identity(4, size: 5))]) { now[$0] }
        #expect(merged.files.keys.sorted() == ["a", "c"])
        #expect(merged.files["c"]?.identity == identity(4, size: 5))
        #expect(merged.entry(for: "a", identity: identity(1, size: 5)) != nil)
        #expect(merged.entry(for: "a", identity: identity(2, size: 5)) == nil)
        #expect(merged.entry(for: "a", identity: nil) == nil)
    }
}

@Suite("Download record: the store on disk")
struct DownloadRecordStoreTests {
    func sampleUpdate(_ root: String, name: String = "f.bin") throws -> [String: DownloadRecord.File] {
        try Data("12345".utf8).write(to: URL(fileURLWithPath: root + "/" + name))
        let id = try #require(SafeFileSystem.identity(of: root + "/" + name))
        return [name: recorded(localAsset(name, size: 5), identity: id)]
    }

    @Test func writesAtomicallyReadsBackAndReplacesACorruptStore() throws {
        let root = temporaryPath("dest")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        #expect(DownloadRecordStore.update(root: root, with: [:]) == nil)
        #expect(!FileManager.default.fileExists(atPath: root + "/.arty"))  // nothing to record: nothing created
        let updates = try sampleUpdate(root)
        let written = try #require(DownloadRecordStore.update(root: root, with: updates))
        #expect(DownloadRecordStore.read(root: root) == written)
        #expect(treeListing(root) == [".arty", ".arty/downloads.json", "f.bin"])  // no temporary file left
        try Data("{ not json".utf8).write(to: URL(fileURLWithPath: root + "/.arty/downloads.json"))
        #expect(DownloadRecordStore.read(root: root) == nil)
        #expect(DownloadRecordStore.update(root: root, with: updates) == written)
        #expect(DownloadRecordStore.read(root: root) == written)
    }

    @Test func onlyEntriesSealedWithThisUsersKeyAreTrusted() throws {
        let root = temporaryPath("dest")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let mine = DownloadRecordSeal(key: Data(repeating: 1, count: 32))
        let theirs = DownloadRecordSeal(key: Data(repeating: 2, count: 32))
        let updates = try sampleUpdate(root)
        let written = try #require(DownloadRecordStore.update(root: root, with: updates, seal: mine))
        #expect(written.files.values.allSatisfy { $0.seal?.count == 64 })
        #expect(DownloadRecordStore.read(root: root, seal: mine) == written)
        // Another user's key (or none) trusts nothing in it.
        #expect(DownloadRecordStore.read(root: root, seal: theirs)?.files.isEmpty == true)
        #expect(DownloadRecordStore.read(root: root, seal: nil)?.files.isEmpty == true)
        // Any field changed by hand breaks that entry's seal.
        var edited = written
        edited.files["f.bin"]?.checksum = String(repeating: "0", count: 64)
        #expect(mine.verified(edited).files.isEmpty)
        edited = written
        edited.files["f.bin"]?.seal = nil
        #expect(mine.verified(edited).files.isEmpty)
        // The key is made once, 0600, and read back the same.
        let state = temporaryPath("state")
        let first = try #require(DownloadRecordSeal.loadOrCreate(environment: ["ARTY_STATE_DIR": state]))
        let again = try #require(DownloadRecordSeal.loadOrCreate(environment: ["ARTY_STATE_DIR": state]))
        #expect(first.seal(written.files["f.bin"]!, path: "f.bin") == again.seal(written.files["f.bin"]!, path: "f.bin"))
        let mode = try FileManager.default.attributesOfItem(atPath: state + "/download-record.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aSymlinkedStoreOrFolderIsNeitherReadNorWrittenThrough() throws {
        let root = temporaryPath("dest")
        let outside = temporaryPath("outside")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let updates = try sampleUpdate(root)
        // A real store elsewhere, reached through a symlinked `.arty`.
        let foreign = DownloadRecord(files: updates).encoded()
        try foreign.write(to: URL(fileURLWithPath: outside + "/downloads.json"))
        try FileManager.default.createSymbolicLink(atPath: root + "/.arty", withDestinationPath: outside)
        #expect(DownloadRecordStore.read(root: root) == nil)
        #expect(DownloadRecordStore.update(root: root, with: updates) == nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside + "/downloads.json")) == foreign)
        #expect(treeListing(outside) == ["downloads.json"])
        // A symlinked store file in a real folder: not read; the write replaces the link itself.
        try FileManager.default.removeItem(atPath: root + "/.arty")
        try FileManager.default.createDirectory(atPath: root + "/.arty", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/.arty/downloads.json", withDestinationPath: outside + "/downloads.json")
        #expect(DownloadRecordStore.read(root: root) == nil)
        let written = try #require(DownloadRecordStore.update(root: root, with: updates))
        #expect(SafeFileSystem.kind(of: root + "/.arty/downloads.json") != .symlink)
        #expect(DownloadRecordStore.read(root: root) == written)
        #expect(try Data(contentsOf: URL(fileURLWithPath: outside + "/downloads.json")) == foreign)
    }

    @Test func identityChangesWhenAFileIsRewrittenWithTheSameSize() throws {
        let root = temporaryPath("dest")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = root + "/f.bin"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        let before = try #require(SafeFileSystem.identity(of: path))
        #expect(before.size == 5)
        #expect(SafeFileSystem.identity(of: path) == before)
        // Same size, same mtime put back: the change time still tells.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data("HELLO".utf8))
        try handle.close()
        var times = [timespec(tv_sec: Int(before.modifiedNanoseconds / 1_000_000_000),
                              tv_nsec: Int(before.modifiedNanoseconds % 1_000_000_000))]
        times.append(times[0])
        #expect(utimensat(AT_FDCWD, path, times, 0) == 0)
        let after = try #require(SafeFileSystem.identity(of: path))
        #expect(after.modifiedNanoseconds == before.modifiedNanoseconds)
        #expect(after != before)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: path)
        #expect(SafeFileSystem.identity(of: root + "/link") == nil)
    }
}
