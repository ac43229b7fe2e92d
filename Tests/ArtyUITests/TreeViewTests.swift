@testable import ArtyUI
import CometAPI
import Testing

/// The assets pane's folder tree (`T`): the reducer's moves through folders, and the screens.
@Suite struct TreeViewTests {
    static let longName = "a very long descriptive file name for a dog photo taken at the park.jpg"

    /// The sample service with a `vision/folders:1.0.0` version of nested folders, an empty folder
    /// (a marker), remote links, a wide-character folder and a long file name.
    static func service() -> FakeArtifactService {
        var s = FakeArtifactService.sample()
        func asset(_ path: String, _ size: Int64, link: String? = nil) -> Asset {
            Asset(assetId: "t-" + path, logicalPath: path, size: size, link: link)
        }
        let assets = [
            asset("data/train/part-000.parquet", 48_000_000), asset("data/train/part-001.parquet", 47_500_000),
            asset("data/train/part-002.parquet", 12_250_000), asset("data/test/part-000.parquet", 9_800_000),
            asset("data/validation/", 0),
            asset("images/cats/cat_0001.jpg", 24_051), asset("images/cats/cat_0002.jpg", 31_200),
            asset("images/dogs/dog_0001.jpg", 28_900), asset("images/dogs/" + longName, 41_000),
            asset("models/checkpoints/epoch-10/model.safetensors", 440_000_000),
            asset("models/checkpoints/epoch-20/model.safetensors", 440_000_000),
            asset("models/config.json", 1_204),
            asset("raw/imagenet-subset.tar", 0, link: "s3://comet-demo/raw/imagenet-subset.tar"),
            asset("raw/labels.csv", 0, link: "s3://comet-demo/raw/labels.csv"),
            asset("README.md", 2_310), asset("研究/データ.csv", 5_000),
        ]
        let total = assets.reduce(Int64(0)) { $0 + $1.size }
        let version = ArtifactVersion(artifactVersionId: "tv1", version: "1.0.0", sizeInBytes: total, state: .closed,
                                      owner: "alice", addedMillis: FakeArtifactService.sampleNowMillis - 3_600_000)
        let details = ArtifactDetails(artifact: Artifact(artifactId: "tree-0001", name: "folders", type: "dataset",
                                                         latestVersion: "1.0.0", sizeInBytes: total), versions: [version])
        s.data["vision"] = [(details, ["1.0.0": assets])]
        return s
    }

    /// A harness on the flat assets pane of `vision/folders:1.0.0` (opened from the vision workspace).
    static func assetsPane(_ size: Size = Size(width: 80, height: 24)) async -> Harness {
        var h = await Harness(size: size, service: service(),
                              context: BrowserContext(serverLabel: "local registry", userName: "alice", initialWorkspace: "vision"))
        await h.press(.enter, .enter)
        return h
    }

    func ids(_ h: Harness) -> [String] { h.state.visibleEntries(of: h.state.current)?.map(\.id) ?? [] }

    @Test func tOpensTheRootFoldersFirstAndHLeavesBackToTheVersions() async {
        var h = await Self.assetsPane()
        #expect(h.state.current.key.level == .assets)
        #expect(h.selected?.id == "data/test/part-000.parquet")
        await h.press(.char("T"))
        #expect(h.state.assetsTree)
        #expect(h.state.current.folder == "")
        #expect(ids(h) == ["data/", "images/", "models/", "raw/", "研究/", "README.md"])
        #expect(h.selected?.id == "data/")  // the top folder of the asset that was selected
        guard case .folder(let data)? = h.selected else { Issue.record("no folder selected"); return }
        #expect(data.totals == .init(size: 117_550_000, files: 4))
        await h.press(.char("j"), .char("l"))  // images/
        #expect(h.state.panes.count == 5)
        #expect(h.state.current.folder == "images")
        #expect(ids(h) == ["images/cats/", "images/dogs/"])
        await h.press(.char("j"), .enter)  // images/dogs/
        #expect(ids(h) == ["images/dogs/" + Self.longName, "images/dogs/dog_0001.jpg"])
        await h.press(.char("h"))
        #expect(h.state.current.folder == "images")
        #expect(h.selected?.id == "images/dogs/")  // the parent keeps its selection
        await h.press(.left, .backspace)
        #expect(h.state.current.key.level == .versions)
        #expect(h.state.panes.count == 3)
    }

    @Test func enterOnAFileStillPreviewsIt() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("G"))
        #expect(h.selected?.id == "README.md")
        await h.press(.enter)
        #expect(h.state.preview?.asset.logicalPath == "README.md")
        await h.press(.char("h"))
        #expect(h.state.preview == nil)
        #expect(h.state.current.folder == "")
    }

    @Test func sortCyclesNameSizeCountAndFoldersStayFirst() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("s"))
        #expect(h.state.current.sort == SortOrder(field: .size))
        #expect(ids(h) == ["raw/", "研究/", "images/", "data/", "models/", "README.md"])
        await h.press(.char("S"))
        #expect(ids(h) == ["models/", "data/", "images/", "研究/", "raw/", "README.md"])
        await h.press(.char("s"))
        #expect(h.state.current.sort == SortOrder(field: .count, reversed: true))
        #expect(h.state.message?.text == "Sorted by count ↓")
        #expect(ids(h) == ["images/", "data/", "models/", "raw/", "研究/", "README.md"])  // ties reversed too
        await h.press(.char("s"))
        #expect(h.state.current.sort.field == .name)
        // The flat list keeps its own two orders.
        await h.press(.char("T"), .char("s"), .char("s"))
        #expect(h.state.current.sort.field == .name)
    }

    @Test func aFilterKeepsTheFoldersHoldingAMatchAndFollowsIntoFolders() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("/"))
        await h.type("part-00")
        await h.press(.enter)
        #expect(ids(h) == ["data/"])
        guard case .folder(let data)? = h.selected else { Issue.record("no folder selected"); return }
        #expect(data.totals == .init(size: 117_550_000, files: 4))
        await h.press(.char("/"))  // a fresh field: type the narrower filter whole
        await h.type("part-001")
        await h.press(.enter)
        guard case .folder(let narrowed)? = h.selected else { Issue.record("no folder selected"); return }
        #expect(narrowed.totals == .init(size: 47_500_000, files: 1))
        await h.press(.char("l"))
        #expect(h.state.current.filter == "part-001")
        #expect(ids(h) == ["data/train/"])
        await h.press(.escape)  // cleared inside: the parent takes it when h leaves
        #expect(ids(h) == ["data/test/", "data/train/", "data/validation/"])
        await h.press(.char("h"))
        #expect(h.state.current.filter == "")
        #expect(ids(h).count == 6)
    }

    @Test func backToTheFlatListKeepsTheSelectedFile() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("j"), .char("l"), .char("l"))  // images/cats/
        #expect(h.selected?.id == "images/cats/cat_0001.jpg")
        await h.press(.char("j"), .char("T"))
        #expect(!h.state.assetsTree)
        #expect(h.state.panes.count == 4)
        #expect(h.state.current.folder == nil)
        #expect(h.selected?.id == "images/cats/cat_0002.jpg")
        // From a selected folder: its first file.
        await h.press(.char("T"), .char("k"), .char("T"))
        #expect(h.selected?.id == "data/train/part-000.parquet")
    }

    @Test func theTreeViewStaysOnForTheNextVersionAndOnlyInAssetsPanes() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("h"))
        #expect(h.state.current.key.level == .versions)
        await h.press(.char("T"))
        #expect(h.state.message == StatusMessage("T shows a version's assets as a folder tree: open a version first", kind: .info))
        await h.press(.enter)
        #expect(h.state.current.folder == "")
        #expect(h.state.current.selectedID == nil)
        #expect(h.selected?.id == "data/")
    }

    @Test func previewKeysSkipFolders() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("G"), .char("p"))
        #expect(h.state.preview?.asset.logicalPath == "README.md")
        await h.press(.char("["))
        #expect(h.selected?.id == "README.md")
        #expect(h.state.preview?.asset.logicalPath == "README.md")
    }

    @Test func yCopiesAFoldersPath() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("l"), .char("j"), .char("y"))
        #expect(h.effects.last == .copyToClipboard("data/train/"))
    }

    // MARK: Screens

    @Test(arguments: SnapshotTests.sizes) func treeRoot(size: Size) async {
        var h = await Self.assetsPane(size)
        await h.press(.char("T"), .char("s"), .char("S"))  // size ↓: the biggest folder first
        assertSnapshot(h.text, named: SnapshotTests.name("tree-root", size))
    }

    @Test(arguments: SnapshotTests.sizes) func treeFolder(size: Size) async {
        var h = await Self.assetsPane(size)
        await h.press(.char("T"), .char("j"), .char("l"), .char("j"), .char("l"))  // images/dogs/, the long name
        #expect(h.state.current.folder == "images/dogs")
        assertSnapshot(h.text, named: SnapshotTests.name("tree-folder", size))
    }

    @Test func treeFiltered() async {
        var h = await Self.assetsPane()
        await h.press(.char("T"), .char("/"))
        await h.type(".jpg")
        await h.press(.enter)
        assertSnapshot(h.text, named: "tree-filtered-80x24")
    }

    @Test func flatListCutsLongPathsInTheMiddle() async {
        var h = await Self.assetsPane()
        await h.press(.char("/"))
        await h.type("dogs")
        await h.press(.enter)
        #expect(h.selected?.id == "images/dogs/" + Self.longName)
        let screen = h.text
        #expect(screen.contains("park.jpg"))  // the file name's end stays, its middle is cut
        assertSnapshot(screen, named: "assets-long-path-80x24")
    }
}
