@testable import ArtyUI
import CometAPI
import Foundation
import Testing

/// Remote assets' store facts in the TUI (issue 16): read lazily for the rows on screen, once per
/// session, never without AWS credentials; shown in the SIZE column and the details.
@Suite("Remote asset facts in the browser")
struct RemoteFactsReducerTests {
    private static let key = ListingKey.assets(workspace: "ws", artifact: "a", version: "1.0.0", versionId: "v1")

    /// An assets pane of `count` remote `s3://` links (plus one local file and one synced link).
    private func state(count: Int, readsStores: Bool = true, height: Int = 24) -> BrowserState {
        var context = BrowserContext(serverLabel: "test", userName: "u")
        context.readsRemoteStores = readsStores
        var s = BrowserState(context: context, size: Size(width: 100, height: height))
        var entries: [Entry] = (0..<count).map { i in
            .asset(Asset(assetId: "r\(i)", logicalPath: String(format: "remote/%03d.bin", i), size: 0,
                         link: "s3://bkt/obj-\(i)", isRemote: true))
        }
        entries.append(.asset(Asset(assetId: "local", logicalPath: "README.md", size: 5)))
        entries.append(.asset(Asset(assetId: "synced", logicalPath: "synced/x.csv", size: 0, link: "s3://bkt/x.csv", isRemote: true,
                                    metadata: .object(["file_size": .number(1024), "checksum": .string("\"5d41402abc4b2a76b9719d911017c592\"")]))))
        s.listings[Self.key] = Listing(entries: entries)
        s.panes = [Pane(key: .workspaces, selectedID: "ws"), Pane(key: Self.key, selectedID: "remote/000.bin")]
        return s
    }

    private func asked(_ effects: [Effect]) -> [String] {
        effects.flatMap { effect -> [String] in
            if case .inspectRemoteAssets(let assets) = effect { return assets.map(\.assetId) }
            return []
        }
    }

    @Test func onlyTheRowsOnScreenAreAskedAboutOnce() {
        var s = state(count: 200, height: 24)  // 19 rows on screen
        let first = asked(s.ensureRemoteFacts())
        #expect(first == (0..<18).map { "r\($0)" })  // README.md sorts first: 19 rows on screen, cursor on the 2nd
        #expect(s.remoteFacts["r0"] == .loading)
        #expect(asked(s.ensureRemoteFacts()).isEmpty)  // asked already: never twice
        // Moving the cursor far down asks about the rows now on screen, not those in between.
        let (moved, effects) = reduce(s, .key(.char("G")))
        let later = asked(effects)
        #expect(!later.isEmpty && !later.contains("r0") && !later.contains("r50"), "\(later)")
        let onScreen = moved.onScreenRows(of: moved.current).compactMap { entry -> String? in
            if case .asset(let a) = entry { return a.assetId }
            return nil
        }
        #expect(later.allSatisfy(onScreen.contains), "\(later) vs \(onScreen)")
        #expect(later.count + 2 >= 17)  // a screenful, minus the local and synced rows at the end
    }

    @Test func nothingIsAskedWithoutCredentialsAndSyncedFactsNeedNoRequest() {
        var s = state(count: 3, readsStores: false)
        #expect(s.ensureRemoteFacts().isEmpty)
        #expect(s.remoteFacts.isEmpty)
        let synced = Asset(assetId: "synced", logicalPath: "synced/x.csv", size: 0, link: "s3://bkt/x.csv", isRemote: true,
                           metadata: .object(["file_size": .number(1024)]))
        #expect(s.remoteFactsOf(synced) == .known(.object(S3ObjectFacts(size: 1024), fromMetadata: true)))
        var with = state(count: 3)
        _ = s
        #expect(!asked(with.ensureRemoteFacts()).contains("synced"))
    }

    @Test func answersAreKeptAndDrawnInTheSizeColumnAndDetails() {
        var s = state(count: 2)
        _ = s.ensureRemoteFacts()
        let answer: [String: RemoteAssetFacts?] = [
            "r0": .object(S3ObjectFacts(size: 3 << 20, lastModified: "Thu, 03 Dec 2026 12:00:00 GMT", eTag: "abc"), fromMetadata: false),
            "r1": .unavailable("access denied (403)"),
        ]
        let (after, effects) = reduce(s, .remoteFactsLoaded(answer))
        #expect(asked(effects).isEmpty)
        #expect(after.remoteFacts["r1"] == .known(.unavailable("access denied (403)")))
        let screen = render(after, size: after.size).text
        #expect(screen.contains("↗ 3.0 MiB s3"), "\(screen)")
        #expect(screen.contains("↗ access denied (403)"))
        #expect(screen.contains("↗ 1.0 KiB s3"))  // the synced link, from its metadata
        #expect(screen.contains("S3 object: 3.0 MiB"))  // details of the selected row
        #expect(screen.contains("ETag: abc"))
    }

    @Test func confirmingWaitsForARePlan() throws {
        var s = state(count: 1)
        let asset = Asset(assetId: "local", logicalPath: "README.md", size: 5)
        let plan = DownloadPlan(workspace: "ws", artifactName: "a", version: ArtifactVersion(artifactVersionId: "v1", version: "1.0.0"),
                                destination: "./a-1.0.0", entries: [DownloadEntry(asset: asset, path: try LogicalPath("README.md"))],
                                refused: [], remote: [], excludedCount: 0)
        s.overlay = .download(DownloadDialog(plan: plan, focus: .confirm))
        // r re-plans with the S3 objects: until the new plan arrives, y starts nothing.
        var (after, effects) = reduce(s, .key(.char("r")))
        #expect(effects.contains { if case .planDownload(_, _, _, _, "./a-1.0.0", true) = $0 { true } else { false } })
        (after, effects) = reduce(after, .key(.char("y")))
        #expect(!effects.contains { if case .startDownload = $0 { true } else { false } })
        #expect(after.message?.text.hasPrefix("Still planning") == true)
        (after, _) = reduce(after, .downloadPlanned(.success(plan), assets: nil))
        (after, effects) = reduce(after, .key(.char("y")))
        #expect(effects.contains { if case .startDownload = $0 { true } else { false } })
    }
}
