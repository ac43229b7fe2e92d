@testable import ArtyUI
import CometAPI
import Testing

/// The folder index behind the tree view (`T`): aggregation, odd paths, filtering, sorting.
@Suite struct FolderTreeTests {
    typealias Item = FolderTree.Item

    static func tree(_ items: [(String, Int64, Bool)]) -> FolderTree {
        FolderTree(items.map { Item(path: $0.0, size: $0.1, isRemote: $0.2) })
    }

    func folder(_ t: FolderTree, _ path: String) -> FolderTree.Node? {
        t.node(at: path).map { t.nodes[$0] }
    }

    @Test func aggregatesSizesAndCountsUpTheTree() {
        let t = Self.tree([
            ("a/b/c.csv", 100, false), ("a/b/d.csv", 20, false), ("a/e.txt", 3, false),
            ("a/b/link", 999, true), ("top.md", 7, false), ("x/y/z/deep.bin", 1000, false),
        ])
        #expect(t.nodes[FolderTree.root].totals == .init(size: 1130, files: 5, remote: 1))
        #expect(folder(t, "a")?.totals == .init(size: 123, files: 3, remote: 1))
        #expect(folder(t, "a/b")?.totals == .init(size: 120, files: 2, remote: 1))
        #expect(folder(t, "x/y")?.totals == .init(size: 1000, files: 1, remote: 0))
        #expect(folder(t, "a/b")?.name == "b")
        #expect(folder(t, "a/b")?.files == [0, 1, 3])
        #expect(t.nodes[FolderTree.root].files == [4])
        #expect(t.nodes[FolderTree.root].folders.map { t.nodes[Int($0)].name } == ["a", "x"])
        #expect(folder(t, "x/y/z")?.firstItem == 5)
        #expect(folder(t, "a")?.firstItem == 0)
        #expect(t.ancestry(of: t.node(at: "x/y/z")!).map { t.nodes[$0].path } == ["x", "x/y", "x/y/z"])
        #expect(t.node(at: "nope") == nil)
    }

    @Test func oddSlashesAreNormalised() {
        let t = Self.tree([
            ("/lead/a.csv", 1, false), ("lead//b.csv", 2, false), ("lead/c.csv", 4, false),
            ("trail/", 0, false), ("trail/sub/", 0, false), ("/", 5, false), ("", 6, false), ("///", 8, false),
        ])
        #expect(folder(t, "lead")?.totals == .init(size: 7, files: 3))
        #expect(folder(t, "lead")?.files == [0, 1, 2])
        // A trailing `/` is a folder marker: the folders exist, empty, and the marker is no file.
        #expect(folder(t, "trail")?.totals == .init())
        #expect(folder(t, "trail/sub")?.totals == .init())
        #expect(folder(t, "trail")?.folders.count == 1)
        #expect(t.folderOfItem[3] == -1)
        // No component at all: a file of the root, named by its whole path.
        #expect(t.nodes[FolderTree.root].files == [5, 6, 7])
        #expect(FolderTree.fileName("/") == "/")
        #expect(FolderTree.fileName("") == "")
        #expect(FolderTree.fileName("/lead/a.csv") == "a.csv")
        #expect(FolderTree.fileName("a/b/") == "b")
        #expect(t.node(at: "/lead/") == t.node(at: "lead"))
        #expect(t.nodes[FolderTree.root].totals == .init(size: 26, files: 6))
    }

    @Test func wideCombiningAndReplacementCharacterNames() {
        let t = Self.tree([
            ("研究/データ/表.csv", 10, false), ("研究/模型.pt", 5, false),
            ("cafe\u{301}/x", 1, false), ("caf\u{E9}/y", 2, false),  // canonically equivalent: one folder
            ("bad\u{FFFD}bytes/\u{1B}[31m.txt", 3, false),
        ])
        #expect(folder(t, "研究")?.totals == .init(size: 15, files: 2))
        #expect(folder(t, "研究/データ")?.name == "データ")
        #expect(folder(t, "café")?.totals == .init(size: 3, files: 2))
        #expect(folder(t, "bad\u{FFFD}bytes")?.files == [4])
        #expect(FolderTree.fileName("bad\u{FFFD}bytes/\u{1B}[31m.txt") == "\u{1B}[31m.txt")
    }

    @Test func emptyListHasOnlyTheRoot() {
        let t = Self.tree([])
        #expect(t.nodes.count == 1)
        #expect(t.nodes[FolderTree.root].totals == .init())
        #expect(t.nodes[FolderTree.root].firstItem == -1)
    }

    @Test func totalsOfMatchingItemsOnly() {
        let items: [(String, Int64, Bool)] = [("a/b/c.csv", 100, false), ("a/b/d.txt", 20, false), ("a/e.csv", 3, false),
                                              ("f/g.txt", 1, false), ("a/r.csv", 0, true)]
        let t = Self.tree(items)
        let (totals, matched) = t.totals(matching: [0, 2, 4]) { (items[$0].1, items[$0].2) }
        #expect(totals[t.node(at: "a")!] == .init(size: 103, files: 2, remote: 1))
        #expect(totals[t.node(at: "a/b")!] == .init(size: 100, files: 1))
        #expect(totals[t.node(at: "f")!] == .init())
        #expect(totals[FolderTree.root] == .init(size: 103, files: 2, remote: 1))
        #expect(matched == [true, false, true, false, true])
    }

    @Test(arguments: [
        (FolderTree.Totals(size: 5, files: 12, remote: 3), "12 files · 3 remote"),
        (FolderTree.Totals(files: 1), "1 file"), (FolderTree.Totals(remote: 2), "2 remote"), (FolderTree.Totals(), "empty"),
    ])
    func summaries(totals: FolderTree.Totals, text: String) {
        #expect(totals.summary == text)
    }

    @Test func splitFindsTheFolderPart() {
        #expect(FolderTree.split("a/b/c") == ("a/b", false))
        #expect(FolderTree.split("c") == ("", false))
        #expect(FolderTree.split("/a//b/c") == ("a/b", false))
        #expect(FolderTree.split("a/b/") == ("a/b", true))
        #expect(FolderTree.split("//") == ("", false))
    }

    // MARK: The folder views (FolderIndex over a listing's rows)

    static let entries: [Entry] = [
        ("data/train/b.csv", 300), ("data/train/a.csv", 100), ("data/test/c.csv", 50), ("data/big.bin", 1000),
        ("data/empty/", 0), ("README.md", 5), ("zeta/one.txt", 2), ("data/train/link", -1),
    ].map { path, size in
        .asset(Asset(assetId: "id-" + path, logicalPath: path, size: max(0, size), link: size < 0 ? "s3://b/x" : nil))
    }

    func rows(_ folder: String, _ filter: String = "", _ sort: SortOrder = SortOrder(field: .name)) -> [String] {
        let index = RowIndex(Self.entries)
        return index.folders().visible(folder: folder, filter: filter, sort: sort, entries: Self.entries, rows: index).map(\.id)
    }

    @Test func foldersFirstThenFilesInEachOrder() {
        #expect(rows("") == ["data/", "zeta/", "README.md"])
        #expect(rows("data") == ["data/empty/", "data/test/", "data/train/", "data/big.bin"])
        #expect(rows("data", "", SortOrder(field: .size, reversed: true))
            == ["data/train/", "data/test/", "data/empty/", "data/big.bin"])
        #expect(rows("data", "", SortOrder(field: .size)) == ["data/empty/", "data/test/", "data/train/", "data/big.bin"])
        #expect(rows("data", "", SortOrder(field: .count, reversed: true)) == ["data/train/", "data/test/", "data/empty/", "data/big.bin"])
        #expect(rows("data/train", "", SortOrder(field: .size)) == ["data/train/link", "data/train/a.csv", "data/train/b.csv"])
        #expect(rows("data/train", "", SortOrder(field: .name, reversed: true)) == ["data/train/link", "data/train/b.csv", "data/train/a.csv"])
        #expect(rows("no/such") == [])
    }

    @Test func aFilterKeepsFoldersHoldingAMatchWithTheirMatchingCounts() {
        #expect(rows("", ".csv") == ["data/"])
        #expect(rows("data", ".csv") == ["data/test/", "data/train/"])
        #expect(rows("data/train", "A.CSV") == ["data/train/a.csv"])
        #expect(rows("", "nothing") == [])
        // The filter matches the whole path: a folder's name matches all its files.
        #expect(rows("data", "train") == ["data/train/"])
        let index = RowIndex(Self.entries)
        let view = index.folders().visible(folder: "", filter: ".csv", sort: SortOrder(field: .name), entries: Self.entries, rows: index)
        guard case .folder(let data) = view[0] else { Issue.record("not a folder"); return }
        #expect(data.totals == .init(size: 450, files: 3))
        #expect(view.folderMaxSize == 450)
        #expect(view.position(of: "data/") == 0)
    }

    @Test func positionsAndTheSizeBar() {
        let index = RowIndex(Self.entries)
        let view = index.folders().visible(folder: "data", filter: "", sort: SortOrder(field: .name), entries: Self.entries, rows: index)
        #expect(view.position(of: "data/big.bin") == 3)
        #expect(view.position(of: "data/test/") == 1)
        #expect(view.position(of: "README.md") == nil)
        #expect(view.folderMaxSize == 1000)
        #expect(Render.bar(1000, of: 1000, width: 10) == "██████████")
        #expect(Render.bar(550, of: 1000, width: 10) == "█████▌    ")
        #expect(Render.bar(1, of: 1000, width: 10) == "▏         ")
        #expect(Render.bar(0, of: 1000, width: 10) == "          ")
        #expect(Render.bar(5, of: 0, width: 4) == "    ")
    }

    /// A folder's files sorted among themselves (a sort field the listing has not used yet) come
    /// in the order the listing's flat order kept to that folder gives, for every sort, filter and
    /// folder: equal names and equal sizes included, remote links (size -1) first by size.
    @Test func aFoldersOwnSortMatchesTheFlatOrderKeptToIt() {
        var entries: [Entry] = []
        for i in 0..<400 {
            let folder = i % 10 == 0 ? "big" : "f\(i % 4)/g\(i % 3)"
            let name = i % 9 == 0 ? "Same.txt" : "n\((i * 37) % 101)-\(i).\(i % 2 == 0 ? "csv" : "bin")"
            entries.append(.asset(Asset(assetId: "\(i)", logicalPath: "\(folder)/\(i % 9 == 0 ? "\(i)/" : "")\(name)",
                                        size: Int64((i * 7) % 13), link: i % 11 == 0 ? "s3://b/\(i)" : nil)))
        }
        for field in [SortField.name, .size] {
            for reversed in [false, true] {
                for filter in ["", "csv", "n1", "zzz"] {
                    let sort = SortOrder(field: field, reversed: reversed)
                    let fresh = RowIndex(entries)  // no flat order of this sort yet: the folder sorts its own files
                    let warm = RowIndex(entries)
                    let flat = warm.visible(filter: filter, sort: sort).map(\.id)  // cached: the folder keeps the flat order
                    for folder in ["big", "f1/g2", "f2/g0"] {
                        let own = fresh.folders().visible(folder: folder, filter: filter, sort: sort, entries: entries, rows: fresh)
                        let kept = warm.folders().visible(folder: folder, filter: filter, sort: sort, entries: entries, rows: warm)
                        let files = { (rows: VisibleRows) in rows.compactMap { e -> String? in if case .asset = e { e.id } else { nil } } }
                        let expected = flat.filter { FolderTree.split($0).folder == folder }
                        #expect(files(own) == expected, "\(field) reversed \(reversed) filter '\(filter)' in \(folder)")
                        #expect(files(kept) == expected)
                    }
                }
            }
        }
    }
}
