@testable import ArtyUI
import CometAPI
import Testing

/// Marking assets (`Space`, `v`, `Esc`) and downloading exactly the marked ones with `d`.
@Suite struct MarkTests {
    func ids(_ h: Harness) -> [String] { h.state.visibleEntries(of: h.state.current)?.map(\.id) ?? [] }
    func marked(_ h: Harness) -> [String] { h.state.markedPaths(in: h.state.current).sorted() }

    // MARK: AssetMarks alone

    static func row(_ path: String, _ size: Int64 = 10, link: String? = nil) -> Entry {
        .asset(Asset(assetId: path, logicalPath: path, size: size, link: link))
    }

    @Test func aFolderStandsForItsAssetsAndNotForASiblingWithTheSamePrefix() {
        let assets = [Self.row("a/b/x"), Self.row("a/b/c/y"), Self.row("a/bc"), Self.row("z"), Self.row("a/b/d/", 0)]
        let folder = Entry.folder(FolderRow(node: 1, path: "a/b", name: "b", totals: FolderTree.Totals()))
        #expect(AssetMarks.paths(of: folder, assets: assets) == ["a/b/x", "a/b/c/y"])  // not the folder marker a/b/d/
        #expect(AssetMarks.paths(of: folder, assets: assets, filter: "y") == ["a/b/c/y"])
        #expect(AssetMarks.paths(of: Self.row("z"), assets: assets) == ["z"])
        #expect(AssetMarks.paths(of: .workspace("w"), assets: assets).isEmpty)
    }

    @Test func toggleMarksAPartlyMarkedFolderWhollyThenUnmarksIt() {
        var m = AssetMarks(paths: ["a/b/x"])
        let first = m.toggle(["a/b/x", "a/b/c/y"])
        #expect(first)
        #expect(m.paths == ["a/b/x", "a/b/c/y"])
        let second = m.toggle(["a/b/x", "a/b/c/y"])
        #expect(!second)
        #expect(m.paths.isEmpty && m.isEmpty)
        let none = m.toggle([])
        #expect(!none)
    }

    @Test func rowMarksAndTheSummaryCountLocalBytesAndLinksApart() {
        let assets = [Self.row("a/x", 1_000), Self.row("a/y", 24), Self.row("a/r", 0, link: "s3://b/r"), Self.row("b", 5)]
        let folder = Entry.folder(FolderRow(node: 1, path: "a", name: "a", totals: FolderTree.Totals()))
        #expect(AssetMarks.rowMark(folder, marked: ["a/x"], assets: assets, filter: "") == .partly)
        #expect(AssetMarks.rowMark(folder, marked: ["a/x", "a/y", "a/r"], assets: assets, filter: "") == .all)
        #expect(AssetMarks.rowMark(Self.row("b"), marked: ["a/x"], assets: assets, filter: "") == .none)
        let s = AssetMarks.summary(["a/x", "a/y", "a/r", "gone"], assets: assets)
        #expect(s == AssetMarks.Summary(count: 3, bytes: 1_024, remote: 1))
        #expect(s.text == "3 marked · 1.0 KiB · 1 link")
        #expect(AssetMarks.summary(["b"], assets: assets).text == "1 marked · 5 B")
    }

    /// The listing's index answers what `AssetMarks`' definitions answer (folder rows' paths and
    /// marks, the footer's summary) for every folder, several filters and several sets of marks,
    /// from counts per folder instead of a scan of every asset per row and frame.
    @Test func theIndexedMarksAgreeWithTheDefinitions() {
        var entries: [Entry] = []
        for i in 0..<600 {
            let path = i % 7 == 0 ? "top-\(i).txt" : "d\(i % 3)/e\(i % 5)/\(i % 11 == 0 ? "deep/" : "")f\(i).\(i % 2 == 0 ? "csv" : "bin")"
            entries.append(Self.row(path, Int64(i * 13), link: i % 17 == 0 ? "s3://b/\(i)" : nil))
            if i % 97 == 0 { entries.append(Self.row("d\(i % 3)/marker-\(i)/", 0)) }  // folder markers
        }
        let index = RowIndex(entries)
        let folders = index.folders()
        let tree = folders.tree
        let allPaths = entries.map(\.id)
        let markSets: [Set<String>] = [
            [], Set(allPaths.filter { $0.hasPrefix("d1/") }), Set(allPaths.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)),
            Set(allPaths), ["d2/e4/f14.csv", "gone/x"],
        ]
        for filter in ["", "csv", "e3", "nothing-matches"] {
            for node in 1..<tree.nodes.count {
                let row = Entry.folder(FolderRow(node: node, path: tree.nodes[node].path, name: tree.nodes[node].name, totals: tree.nodes[node].totals))
                let reference = AssetMarks.paths(of: row, assets: entries, filter: filter)
                #expect(folders.assetPaths(below: node, filter: filter, entries: entries, rows: index).sorted() == reference.sorted())
                for marked in markSets {
                    #expect(folders.rowMark(node: node, marked: marked, filter: filter, entries: entries, rows: index)
                            == AssetMarks.rowMark(row, marked: marked, assets: entries, filter: filter),
                            "folder \(tree.nodes[node].path) filter '\(filter)' marks \(marked.count)")
                }
            }
        }
        for marked in markSets {
            #expect(index.markSummary(marked) == AssetMarks.summary(marked, assets: entries))
            #expect(index.markSummary(marked) == AssetMarks.summary(marked, assets: entries))  // the kept answer
        }
        #expect(tree.nodes.count > 20)
        #expect(index.markSummary(markSets[1]).count > 50)
    }

    // MARK: The reducer

    @Test func spaceMarksAndMovesDownAndASecondSpaceUnmarks() async {
        var h = await TreeViewTests.assetsPane()
        let rows = ids(h)
        await h.press(.char(" "), .char(" "))
        #expect(marked(h) == [rows[0], rows[1]].sorted())
        #expect(h.selected?.id == rows[2])
        #expect(h.state.message?.text.hasPrefix("2 marked · ") == true)
        await h.press(.char("k"), .char(" "))
        #expect(marked(h) == [rows[0]])
        #expect(h.selected?.id == rows[2])
    }

    @Test func vMarksARangeThatFollowsTheCursorUntilKept() async {
        var h = await TreeViewTests.assetsPane()
        let rows = ids(h)
        await h.press(.char("j"), .char("v"), .char("j"), .char("j"))
        // Open: the range counts as marked (and draws as such) while the cursor moves.
        #expect(marked(h) == Array(rows[1...3]).sorted())
        await h.press(.char("k"))
        #expect(marked(h) == Array(rows[1...2]).sorted())
        await h.press(.char("v"))
        #expect(h.state.assetMarks[h.state.current.key]?.anchor == nil)
        await h.press(.char("G"))
        #expect(marked(h) == Array(rows[1...2]).sorted())
    }

    @Test func escDropsAnOpenRangeThenTheMarksThenTheFilter() async {
        var h = await TreeViewTests.assetsPane()
        let rows = ids(h)
        await h.press(.char(" "), .char("v"), .char("j"))
        #expect(marked(h) == Array(rows[0...2]).sorted())
        await h.press(.escape)
        #expect(marked(h) == [rows[0]])
        await h.press(.escape)
        #expect(marked(h).isEmpty)
        #expect(h.state.message?.text == "Marks cleared")
        await h.press(.char("/"))
        await h.type("jpg")
        await h.press(.enter, .escape)
        #expect(h.state.current.filter.isEmpty)
    }

    @Test func spaceOnAFolderMarksEveryFileUnderItAndTheFilterNarrowsIt() async {
        var h = await TreeViewTests.assetsPane()
        await h.press(.char("T"))
        #expect(h.selected?.id == "data/")
        await h.press(.char(" "))
        // Not the folder marker `data/validation/`: the tree shows it as the folder itself (`empty`),
        // and as a file it would be written as `data/validation`, the folder's own name.
        #expect(marked(h) == ["data/test/part-000.parquet", "data/train/part-000.parquet", "data/train/part-001.parquet",
                              "data/train/part-002.parquet"])
        await h.press(.char("k"), .char(" "))  // all marked: unmarks
        #expect(marked(h).isEmpty)
        await h.press(.char("/"))
        await h.type("cat_")
        await h.press(.enter)
        #expect(h.selected?.id == "images/")
        await h.press(.char(" "))
        #expect(marked(h) == ["images/cats/cat_0001.jpg", "images/cats/cat_0002.jpg"])
    }

    @Test func marksSurviveTheTreeToggleAndASortAndBelongToTheirVersion() async {
        var h = await TreeViewTests.assetsPane()
        await h.press(.char(" "))
        let first = marked(h)
        await h.press(.char("T"), .char("T"), .char("s"))
        #expect(marked(h) == first)
        await h.press(.char("h"))  // the versions pane: no asset marks there, none shown
        #expect(h.state.markSummary(in: h.state.current) == nil)
        await h.press(.char("l"))
        #expect(marked(h) == first)
    }

    @Test func dWithMarksPlansExactlyThemAsOneDownloadAndConfirmingClearsThem() async {
        var h = await TreeViewTests.assetsPane()
        await h.press(.char("T"), .char("j"))
        #expect(h.selected?.id == "images/")
        await h.press(.char(" "), .char("j"))  // images/: 4 files; then past models/ to raw/ (2 remote links)
        #expect(h.selected?.id == "raw/")
        await h.press(.char(" "))
        let chosen = marked(h)
        #expect(chosen.count == 6)
        await h.press(.char("d"))
        #expect(h.lastEffect == .planDownload(workspace: "vision", artifact: "folders", version: "1.0.0", assets: chosen,
                                              destination: "./folders-1.0.0"))
        await h.answerPlan()
        guard case .download(let d)? = h.overlay else { Issue.record("no dialog"); return }
        // Exactly the marks: the 4 images as files, the 2 links listed as remote (not fetched).
        #expect(d.plan.entries.map(\.asset.logicalPath).sorted() == chosen.filter { $0.hasPrefix("images/") })
        #expect(d.plan.remote.map(\.logicalPath).sorted() == ["raw/imagenet-subset.tar", "raw/labels.csv"])
        #expect(h.text.contains("Download 6 marked assets of folders:1.0.0"))
        await h.press(.right, .enter)
        guard case .startDownload(_, let plan, _)? = h.lastEffect else { Issue.record("no job"); return }
        #expect(plan.entries.count == 4)
        #expect(marked(h).isEmpty)
    }

    @Test func dWithAnOpenRangeKeepsItFirst() async {
        var h = await TreeViewTests.assetsPane()
        let rows = ids(h)
        await h.press(.char("v"), .char("j"), .char("d"))
        #expect(h.lastEffect == .planDownload(workspace: "vision", artifact: "folders", version: "1.0.0",
                                              assets: Array(rows[0...1]).sorted(), destination: "./folders-1.0.0"))
        #expect(h.state.assetMarks[h.state.current.key]?.anchor == nil)
    }

    @Test func spaceOutsideTheAssetsPaneSaysWhereItWorks() async {
        var h = await TreeViewTests.assetsPane()
        await h.press(.char("h"), .char(" "))
        #expect(h.state.current.key.level == .versions)
        #expect(h.state.message?.text.hasPrefix("Space marks assets to download") == true)
        #expect(h.state.message?.kind == .info)
    }

    @Test func theFooterShowsTheCountAndSizeAndTheGutterTheMarks() async {
        var h = await TreeViewTests.assetsPane()
        await h.press(.char("T"), .char("j"), .char("l"), .char(" "))  // images/cats/ marked from inside images/
        await h.press(.char("h"))
        let screen = h.text
        let footer = screen.split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.hasPrefix("2 marked · 54.0 KiB"))
        #expect(screen.contains("›+"))  // images/: some of its files marked
        assertSnapshot(screen, named: "marks-tree-80x24")
    }

    @Test func marksInTheFlatList() async {
        var h = await TreeViewTests.assetsPane()
        await h.press(.char(" "), .char("j"), .char(" "), .char("v"), .char("j"))
        assertSnapshot(h.text, named: "marks-flat-range-80x24")
    }
}
