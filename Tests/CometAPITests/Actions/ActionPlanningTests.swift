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
    /// Issue 14: the CLI and the TUI default to the same folder, named by the concrete version.
    @Test func theDefaultDestinationIsNameDashVersion() async throws {
        #expect(DownloadPlan.defaultDestination(artifact: "mnist", version: "2.1.0") == "./mnist-2.1.0")
        #expect(DownloadPlan.defaultDestination(artifact: "a/b c", version: "1.0.0") == "./a_b c-1.0.0")
        // No destination given: the alias is resolved first and names the folder (FakeReader: prod → 1.0.0).
        let plan = try await ActionPlanning.planDownload(ArtifactReference(workspace: "alice", artifact: "cats", selector: .alias("prod")),
                                                         destination: nil, client: FakeReader())
        #expect(plan.destination == "./cats-1.0.0")
        #expect(plan.version.version == "1.0.0")
    }

    /// Issue 12: resolving the reference and listing its assets go out together (one round trip, not
    /// two); the early listing is kept only when its assets are the resolved version's.
    @Test func theVersionIsResolvedAndListedAtOnceAndAMovedAliasIsListedAgain() async throws {
        let reference = ArtifactReference(workspace: "alice", artifact: "cats", selector: .alias("prod"))
        // The alias still names v-1 when the listing is answered: one listing, by the alias.
        let steady = ListingRecorder(listedVersionId: "v-1")
        let (version, assets) = try await ActionPlanning.resolveAndList(reference, client: steady)
        #expect(version.version == "1.2.0")
        #expect(assets.map(\.logicalPath) == ["a.csv"])
        #expect(await steady.listings == [.alias("prod")])
        // The alias moved to another version between the two answers: listed again by the resolved version.
        let moved = ListingRecorder(listedVersionId: "v-2")
        let (_, again) = try await ActionPlanning.resolveAndList(reference, client: moved)
        #expect(again.map(\.artifactVersionId) == ["v-1"])
        #expect(await moved.listings == [.alias("prod"), .version("1.2.0")])
        // A server that leaves artifactVersionId out: the early listing cannot be trusted either.
        let silent = ListingRecorder(listedVersionId: nil)
        _ = try await ActionPlanning.resolveAndList(reference, client: silent)
        #expect(await silent.listings == [.alias("prod"), .version("1.2.0")])
        // A version id is resolved first, then listed by its version string (files are not listed by id).
        let byId = ListingRecorder(listedVersionId: "v-1")
        _ = try await ActionPlanning.resolveAndList(ArtifactReference(workspace: "alice", artifact: "cats", selector: .versionId("v-1")),
                                                   client: byId)
        #expect(await byId.listings == [.version("1.2.0")])
    }

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
        let edit = try LabelEdit.plan(kind: .alias, add: ["production", "new"], remove: [], version: v2, details: Self.details)
        #expect(edit.before == ["staging"])
        #expect(edit.after == ["staging", "production", "new"])
        #expect(edit.delta == LabelDelta(add: ["production", "new"]))
        #expect(edit.moves.map(\.description) == ["production: 1.0.0 → 2.0.0"])
        #expect(edit.summaryLines == ["aliases of 2.0.0: [staging] → [staging, production, new]", "moves production: 1.0.0 → 2.0.0"])
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

    /// Finding 1 of issue 11: the editor opened on [] and the user typed `cold`; meanwhile someone
    /// added `hot`. The plan is made against the server's labels now and keeps `hot`.
    @Test func theChangeIsAppliedToWhatTheServerHoldsNowAndOthersChangesAreShown() throws {
        let opened: [String] = []
        var now = Self.details
        now.versions[1].aliases = ["staging", "hot"]
        let edit = try LabelEdit.plan(kind: .alias, delta: LabelDelta.between(["staging"], ["staging", "cold"]),
                                      version: Self.details.versions[1], details: now, opened: ["staging"] + opened)
        #expect(edit.before == ["staging", "hot"])
        #expect(edit.after == ["staging", "hot", "cold"])
        #expect(edit.concurrentLines == ["hot was added by someone else; kept"])
        var removed = Self.details
        removed.versions[1].aliases = []
        let other = try LabelEdit.plan(kind: .alias, delta: LabelDelta(add: ["cold"]), version: Self.details.versions[1],
                                       details: removed, opened: ["staging"])
        #expect(other.after == ["cold"])
        #expect(other.concurrentLines == ["staging was removed by someone else; stays removed"])
    }

    @Test func deltasApplyToAnyCurrentSet() {
        let delta = LabelDelta(add: ["b", "c"], remove: ["a"])
        #expect(delta.applied(to: ["a", "x", "b"]) == ["x", "b", "c"])
        #expect(delta.applied(to: []) == ["b", "c"])
        #expect(delta.holds(in: ["c", "b", "x"]))
        #expect(!delta.holds(in: ["a", "b", "c"]))
        #expect(!delta.holds(in: ["b"]))
        #expect(LabelDelta.between(["a", "b"], ["b", "c"]) == LabelDelta(add: ["c"], remove: ["a"]))
        #expect(LabelDelta.between(["a"], ["a"]).isEmpty)
        #expect(delta.summary == "Add b, c · Remove a")
        #expect(LabelDelta(add: ["x,y", "my alias"]).summary == #"Add "x,y", my alias · Remove none"#)
        #expect(LabelDelta(add: ["cold"]).summary == "Add cold · Remove none")
    }

    @Test func badLabelsAreRefused() throws {
        let v1 = Self.details.versions[0]
        #expect(throws: ActionError.invalidLabel("' ' starts with a space; remove it.")) {
            try LabelEdit.plan(kind: .alias, add: [" "], remove: [], version: v1, details: Self.details)
        }
        #expect(throws: ActionError.self) { try LabelEdit.plan(kind: .alias, add: ["Latest"], remove: [], version: v1, details: Self.details) }
        // Aliases no reference could reach: ':' or '/', or a semantic version.
        #expect(throws: ActionError.invalidLabel("'a:b' contains ':' or '/', so no reference could name it.")) {
            try LabelEdit.plan(kind: .alias, add: ["a:b"], remove: [], version: v1, details: Self.details)
        }
        #expect(throws: ActionError.invalidLabel("'3.0.0' is a semantic version, so a reference would name that version instead.")) {
            try LabelEdit.plan(kind: .alias, add: ["3.0.0"], remove: [], version: v1, details: Self.details)
        }
        // A version tag may look like a version, and hold a space or a comma.
        #expect(try LabelEdit.plan(kind: .versionTag, add: ["3.0.0"], remove: [], version: v1, details: Self.details).after.contains("3.0.0"))
        #expect(try LabelEdit.plan(kind: .versionTag, add: ["a,b", "bad tag"], remove: [], version: v1, details: Self.details).after
                == ["a", "a,b", "bad tag"])
        #expect(throws: ActionError.self) { try LabelEdit.plan(kind: .versionTag, add: ["x"], remove: [], version: nil, details: Self.details) }
        // An existing label the grammar would refuse can still be removed.
        var odd = Self.details
        odd.versions[0].tags = [" padded"]
        #expect(try LabelEdit.plan(kind: .versionTag, add: [], remove: [" padded"], version: v1, details: odd).after == [])
    }
}

@Suite("Label grammar")
struct LabelGrammarTests {
    @Test func commasSeparateAndSpacesInsideAreKept() throws {
        #expect(try LabelGrammar.parse("bad tag") == ["bad tag"])
        #expect(try LabelGrammar.parse(" a ,b,, c d ,") == ["a", "b", "c d"])
        #expect(try LabelGrammar.parse("staging, cold") == ["staging", "cold"])
        #expect(try LabelGrammar.parse("a, a") == ["a"])
        #expect(try LabelGrammar.parse("") == [])
        #expect(try LabelGrammar.parse(" , ") == [])
    }

    @Test func quotesHoldCommasQuotesAndPadding() throws {
        #expect(try LabelGrammar.parse(#""a,b", c"#) == ["a,b", "c"])
        #expect(try LabelGrammar.parse(#""say ""hi""""#) == [#"say "hi""#])
        #expect(try LabelGrammar.parse(#"" x""#) == [" x"])
        #expect(try LabelGrammar.parse(#""""#) == [""])
        #expect(throws: ActionError.self) { try LabelGrammar.parse(#""open"#) }
        #expect(throws: ActionError.self) { try LabelGrammar.parse(#""a"b"#) }
    }

    @Test func formatRoundTrips() throws {
        let cases: [[String]] = [["a", "bad tag", "x,y", #"q"uote"#, " lead", "trail ", "日本語", "e\u{301}"], [], ["only"]]
        for labels in cases {
            #expect(try LabelGrammar.parse(LabelGrammar.format(labels)) == labels)
        }
        #expect(LabelGrammar.format(["a", "b c", "d,e"]) == #"a, b c, "d,e""#)
    }

    @Test func validationNamesTheRule() throws {
        #expect(try LabelGrammar.validate("bad tag", kind: .versionTag) == "bad tag")
        #expect(throws: ActionError.invalidLabel("a label is empty.")) { try LabelGrammar.validate("", kind: .versionTag) }
        #expect(throws: ActionError.invalidLabel("'x ' ends with a space; remove it.")) { try LabelGrammar.validate("x ", kind: .versionTag) }
        #expect(throws: ActionError.self) { try LabelGrammar.validate("a\u{7}b", kind: .versionTag) }
        #expect(throws: ActionError.self) { try LabelGrammar.validate("a\u{202E}b", kind: .versionTag) }
        #expect(throws: ActionError.self) { try LabelGrammar.validate("a\nb", kind: .artifactTag) }
        #expect(throws: ActionError.self) { try LabelGrammar.validate("latest", kind: .alias) }
        // Invisible characters would make two labels look alike; a zero-width joiner (emoji) is fine.
        #expect(throws: ActionError.self) { try LabelGrammar.validate("p\u{200B}q", kind: .versionTag) }
        #expect(try LabelGrammar.validate("👩\u{200D}💻", kind: .versionTag) == "👩\u{200D}💻")
        #expect(try LabelGrammar.validate(String(repeating: "x", count: 255), kind: .versionTag).count == 255)
        #expect(throws: ActionError.self) { try LabelGrammar.validate(String(repeating: "x", count: 256), kind: .versionTag) }
        #expect(try LabelGrammar.validate("latest", kind: .versionTag) == "latest")
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
    static let sumA = String(repeating: "a", count: 64), sumB = String(repeating: "b", count: 64)

    @Test func addedRemovedChangedAndUnchangedSortedByPath() throws {
        let old = [localAsset("same.csv", size: 5, checksum: Self.sumA), localAsset("grown.csv", size: 5), localAsset("gone.txt", size: 1),
                   localAsset("sum.bin", size: 8, checksum: Self.sumA), remoteAsset("link", link: "s3://a"),
                   remoteAsset("moved", link: "s3://m"), localAsset("kind", size: 3)]
        let new = [localAsset("same.csv", size: 5, checksum: Self.sumA), localAsset("grown.csv", size: 9), localAsset("added.txt", size: 2),
                   localAsset("sum.bin", size: 8, checksum: Self.sumB), remoteAsset("link", link: "s3://a"),
                   remoteAsset("moved", link: "s3://n"), remoteAsset("kind", link: "s3://k")]
        let diff = VersionDiff.compare(from: "1.0.0", old: old, to: "2.0.0", new: new)
        #expect(diff.added.map(\.logicalPath) == ["added.txt"])
        #expect(diff.removed.map(\.logicalPath) == ["gone.txt"])
        #expect(diff.changed.map(\.logicalPath) == ["grown.csv", "kind", "moved", "sum.bin"])
        #expect(diff.changed.map(\.reasons) == [["size"], ["kind"], ["link"], ["checksum"]])
        #expect(diff.unchangedCount == 2)
        #expect(diff.sameSizeNotCompared.isEmpty)
        #expect(diff.lines.first == "+ added.txt  (2 bytes)")
        #expect(diff.lines.last == "1.0.0 → 2.0.0: 1 added, 1 removed, 4 changed, 2 unchanged")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(diff)) as? [String: Any]
        #expect(json?["unchangedCount"] as? Int == 2)
        #expect(VersionDiff.compare(from: "a", old: old.filter { $0.checksum != nil || $0.isRemote },
                                    to: "b", new: old.filter { $0.checksum != nil || $0.isRemote }).isEmpty)
    }

    /// Finding 2 of issue 11: `aaaa` and `bbbb` at the same size are never "unchanged".
    @Test func sameSizeWithoutChecksumsIsNeverCalledUnchanged() throws {
        let old = [localAsset("f.txt", size: 4), localAsset("g.txt", size: 4, checksum: Self.sumA),
                   localAsset("h.txt", size: 4, checksum: String(repeating: "c", count: 40))]
        let new = [localAsset("f.txt", size: 4), localAsset("g.txt", size: 4), localAsset("h.txt", size: 4, checksum: Self.sumA)]
        let diff = VersionDiff.compare(from: "1.0.0", old: old, to: "2.0.0", new: new)
        #expect(diff.unchangedCount == 0)
        #expect(diff.changed.isEmpty)
        // No checksum on one side, or SHA-1 against SHA-256: not compared, counted apart.
        #expect(diff.sameSizeNotCompared.map(\.logicalPath) == ["f.txt", "g.txt", "h.txt"])
        #expect(!diff.isEmpty)
        #expect(diff.lines == ["= f.txt  (4 bytes; same size, content not compared)",
                               "= g.txt  (4 bytes; same size, content not compared)",
                               "= h.txt  (4 bytes; same size, content not compared)",
                               "1.0.0 → 2.0.0: 0 added, 0 removed, 0 changed, 0 unchanged, "
                               + "3 same size (content not compared: the server gives no checksum)"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(diff)) as? [String: Any]
        #expect((json?["sameSizeNotCompared"] as? [[String: Any]])?.compactMap { $0["logicalPath"] as? String } == ["f.txt", "g.txt", "h.txt"])
    }
}

@Suite("Label grammar properties")
struct LabelGrammarPropertyTests {
    /// Any list of labels (commas, quotes, spaces, wide and combining characters, padding) is
    /// written by `format` so that `parse` reads back exactly that list; `parse` of arbitrary text
    /// never crashes and, when it succeeds, round-trips through `format`.
    @Test func formatAndParseRoundTripOnRandomLabels() throws {
        var rng = SeededGenerator(seed: Fuzz.seed)
        let alphabet: [String] = ["a", "Z", "0", " ", ",", "\"", "\"\"", "日", "e\u{301}", "🚀", "-", ":", "/", "\t", "\u{202E}", "\u{7}"]
        for _ in 0..<Fuzz.iterations {
            let labels = (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                (0..<Int.random(in: 0...6, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            }
            var unique: [String] = []
            for label in labels where !unique.contains(label) { unique.append(label) }
            #expect(try LabelGrammar.parse(LabelGrammar.format(unique)) == unique, "\(unique)")
            let text = (0..<Int.random(in: 0...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            if let parsed = try? LabelGrammar.parse(text) {
                #expect(try LabelGrammar.parse(LabelGrammar.format(parsed)) == parsed, "\(text.debugDescription)")
            }
        }
    }
}

/// An ``ArtifactReading`` whose version lookup always answers ``sampleVersion`` (v-1, 1.2.0) and which
/// records the selectors its assets were listed by. A listing by alias answers assets of
/// `listedVersionId` (where the alias points by then); one by version answers v-1's.
private actor ListingRecorder: ArtifactReading {
    let listedVersionId: String?
    private(set) var listings: [VersionSelector] = []

    init(listedVersionId: String?) { self.listedVersionId = listedVersionId }

    func accountDetails() async throws -> AccountDetails { AccountDetails(userName: "alice", defaultWorkspaceName: "alice") }
    func workspaces() async throws -> [String] { ["alice"] }
    func artifacts(workspace: String, type: String?) async throws -> [Artifact] { [] }
    func artifactDetails(workspace: String, name: String) async throws -> ArtifactDetails {
        ArtifactDetails(artifact: Artifact(artifactId: "a1", name: name, type: "dataset"), versions: [sampleVersion])
    }
    func artifactVersion(workspace: String, name: String, selector: VersionSelector) async throws -> ArtifactVersion { sampleVersion }
    func assets(workspace: String, name: String, selector: VersionSelector) async throws -> [Asset] {
        listings.append(selector)
        let id: String? = if case .version = selector { "v-1" } else { listedVersionId }
        return [Asset(assetId: "x", logicalPath: "a.csv", size: 1, isRemote: false, artifactVersionId: id)]
    }
}
