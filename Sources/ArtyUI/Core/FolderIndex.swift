import CometAPI
import Foundation

/// A folder row of the assets pane's tree view (`T`).
public struct FolderRow: Sendable, Hashable {
    /// Its node in the listing's ``FolderTree``.
    public var node: Int
    /// `a/b` (never empty: the root is no row).
    public var path: String
    /// `b`.
    public var name: String
    /// What it holds; under a filter, only the matching files.
    public var totals: FolderTree.Totals

    /// The row of folder `node` of a listing's tree, at `path`, named `name`, showing `totals`.
    public init(node: Int, path: String, name: String, totals: FolderTree.Totals) {
        self.node = node
        self.path = path
        self.name = name
        self.totals = totals
    }
}

/// The tree view of one asset listing: its ``FolderTree`` (built once, when the view is first
/// shown) and memoised folder views, so a key in a 100,000-asset tree only reads cached rows.
///
/// A folder's rows are its sub-folders (sorted among themselves) then its files. Files come in the
/// listing's flat order (``RowIndex``: name or size, the filter already applied), kept to the files
/// of this folder: one O(n) scan per new (folder, filter, sort), no sort of the files again. Under a
/// filter, a folder shows when a file below it matches, with the totals of the matching files.
/// Thread-safe (one lock); `RowIndex` is only called with this lock held, never the other way.
final class FolderIndex: @unchecked Sendable {
    let tree: FolderTree
    private let lock = NSLock()
    private var filtered: [String: (totals: [FolderTree.Totals], matched: [Bool])] = [:]
    private var views: [ViewKey: TreeRows] = [:]

    private struct ViewKey: Hashable {
        var node: Int
        var filter: String
        var sort: SortOrder
    }

    /// Each row's size, -1 for a remote asset (read once: copying an `Entry` to read it costs retains).
    private let sizes: [Int64]
    /// Each row's position in the listing's unfiltered name order (built on the first folder sort).
    private var nameRanks: [Int32]?
    /// The last ``markedCounts(_:filter:entries:rows:)``: its marks, filter and counts per folder.
    private var lastMarked: (marked: Set<String>, filter: String, counts: [Int32])?

    init(_ entries: [Entry]) {
        var sizes = [Int64](repeating: 0, count: entries.count)
        tree = FolderTree(count: entries.count) { i in
            if case .asset(let a) = entries[i] {
                sizes[i] = a.isRemote ? -1 : a.size
                return (a.logicalPath, a.size, a.isRemote)
            }
            return (entries[i].name, 0, false)
        }
        self.sizes = sizes
    }

    /// The rows of the folder at `folder` (empty when no such folder: it went away on a refresh).
    func visible(folder: String, filter: String, sort: SortOrder, entries: [Entry], rows: RowIndex) -> VisibleRows {
        lock.lock(); defer { lock.unlock() }
        let view: TreeRows
        if let node = tree.node(at: folder) {
            view = self.view(node: node, filter: filter, sort: sort, entries: entries, rows: rows)
        } else {
            view = TreeRows(entries: [], ids: [], maxSize: 0)
        }
        return VisibleRows(entries: view.entries, order: view.order, source: view, filter: filter, sort: sort,
                           folderMaxSize: view.maxSize)
    }

    /// The logical paths of the assets below folder `node` (its sub-folders' included) that match
    /// `filter`, in the listing's order of each folder: what `Space` on a folder row marks. O(files
    /// below it), where ``AssetMarks/paths(of:assets:filter:)`` scans the whole listing.
    func assetPaths(below node: Int, filter: String, entries: [Entry], rows: RowIndex) -> [String] {
        lock.lock(); defer { lock.unlock() }
        guard tree.nodes.indices.contains(node) else { return [] }
        let matched = filter.isEmpty ? nil : counts(filter, entries: entries, rows: rows).matched
        var paths: [String] = []
        var stack = [node]
        while let n = stack.popLast() {
            for file in tree.nodes[n].files {
                let i = Int(file)
                if let matched, !matched[i] { continue }
                if case .asset(let a) = entries[i] { paths.append(a.logicalPath) }
            }
            stack.append(contentsOf: tree.nodes[n].folders.reversed().map(Int.init))
        }
        return paths
    }

    /// How a folder row is marked when `marked` are the marked logical paths: compares the marked
    /// files below it that match `filter` with all the files below it that match. O(marks × depth)
    /// for a new set of marks, then O(1) per row (the counts are kept for the last set and filter).
    func rowMark(node: Int, marked: Set<String>, filter: String, entries: [Entry], rows: RowIndex) -> AssetMarks.RowMark {
        lock.lock(); defer { lock.unlock() }
        let counts = markedCounts(marked, filter: filter, entries: entries, rows: rows)
        guard counts.indices.contains(node), counts[node] > 0 else { return .none }
        let total = filter.isEmpty ? tree.nodes[node].totals.count : self.counts(filter, entries: entries, rows: rows).totals[node].count
        return Int(counts[node]) >= total ? .all : .partly
    }

    /// Marked files per folder (below it, sub-folders included) that match `filter`. Lock held.
    private func markedCounts(_ marked: Set<String>, filter: String, entries: [Entry], rows: RowIndex) -> [Int32] {
        if let last = lastMarked, last.filter == filter, last.marked == marked { return last.counts }
        let matched = filter.isEmpty ? nil : counts(filter, entries: entries, rows: rows).matched
        var counts = [Int32](repeating: 0, count: tree.nodes.count)
        for i in rows.rows(ofIDs: marked) {
            let folder = tree.folderOfItem[i]
            guard folder >= 0, matched?[i] ?? true else { continue }
            var n: Int? = Int(folder)
            while let c = n {
                counts[c] += 1
                n = tree.nodes[c].parent
            }
        }
        lastMarked = (marked, filter, counts)
        return counts
    }

    /// The first file (flat order of the listing) below the folder `node`, if any.
    func firstItem(below node: Int) -> Int? {
        let first = tree.nodes[node].firstItem
        return first >= 0 ? Int(first) : nil
    }

    private func view(node: Int, filter: String, sort: SortOrder, entries: [Entry], rows: RowIndex) -> TreeRows {
        let key = ViewKey(node: node, filter: filter, sort: sort)
        if let v = views[key] { return v }
        let counts = filter.isEmpty ? nil : self.counts(filter, entries: entries, rows: rows)
        // Sub-folders: those holding a match under a filter, all of them (empty ones too) otherwise.
        var folders: [FolderRow] = []
        for child in tree.nodes[node].folders {
            let n = Int(child)
            let totals = counts?.totals[n] ?? tree.nodes[n].totals
            if counts != nil && totals.count == 0 { continue }
            folders.append(FolderRow(node: n, path: tree.nodes[n].path, name: tree.nodes[n].name, totals: totals))
        }
        let names = folders.map { $0.name.lowercased() }
        var order = Array(folders.indices)
        order.sort { i, j in
            let c: Int
            switch sort.field {
            case .size: c = Self.cmp(folders[i].totals.size, folders[j].totals.size)
            case .count: c = Self.cmp(folders[i].totals.count, folders[j].totals.count)
            default: c = 0
            }
            if c != 0 { return c < 0 }
            return names[i] != names[j] ? names[i] < names[j] : folders[i].path < folders[j].path
        }
        if sort.reversed { order.reverse() }
        var result: [Entry] = order.map { .folder(folders[$0]) }
        var ids: [String] = order.map { folders[$0].path + "/" }
        var maxSize = folders.map(\.totals.size).max() ?? 0
        // Files: the listing's flat order (the filter applied), kept to this folder. Files all
        // count 1, so the count order lists them by name.
        let directFiles = tree.nodes[node].files.count
        if directFiles > 0 {
            let fileSort = sort.field == .count ? SortOrder(field: .name, reversed: sort.reversed) : sort
            result.reserveCapacity(result.count + directFiles)
            ids.reserveCapacity(result.count + directFiles)
            func add(_ i: Int) {
                maxSize = max(maxSize, sizes[i])
                let entry = entries[i]
                ids.append(entry.id)
                result.append(entry)
            }
            if let files = sortedFiles(node: node, filter: filter, sort: fileSort, entries: entries, rows: rows) {
                files.forEach(add)
            } else {
                let flat = rows.visible(filter: filter, sort: fileSort)
                let folderOf = tree.folderOfItem
                let target = Int32(node)
                for i in flat.order where folderOf[i] == target { add(i) }
            }
        }
        let v = TreeRows(entries: result, ids: ids, maxSize: maxSize)
        if views.count >= 64 { views = [:] }
        views[key] = v
        return v
    }

    /// The files of folder `node` matching `filter` in `sort` order (name or size), sorted among
    /// themselves: the order the listing's flat order kept to them would give (by name rank; by
    /// size, then name rank, as ``RowIndex``'s radix sort over the name order; reversed: the same
    /// reversed), without sorting all the listing's rows for a sort field not used yet (a folder
    /// of 10,000 files in a listing of 100,000: sorts 10,000 numbers instead of 100,000 rows).
    /// Nil when the flat order is cached or the folder holds most of the listing (then a scan of
    /// the flat order is cheaper), and for other sort fields.
    private func sortedFiles(node: Int, filter: String, sort: SortOrder, entries: [Entry], rows: RowIndex) -> [Int]? {
        guard sort.field == .name || sort.field == .size else { return nil }
        let files = tree.nodes[node].files
        guard files.count * 2 < tree.folderOfItem.count, !rows.hasOrder(filter: filter, sort: sort) else { return nil }
        let ranks: [Int32]
        if let nameRanks {
            ranks = nameRanks
        } else {
            var built = [Int32](repeating: 0, count: tree.folderOfItem.count)
            for (position, i) in rows.visible(filter: "", sort: SortOrder(field: .name)).order.enumerated() { built[i] = Int32(position) }
            nameRanks = built
            ranks = built
        }
        let matched = filter.isEmpty ? nil : counts(filter, entries: entries, rows: rows).matched
        var picked: [Int] = []
        picked.reserveCapacity(files.count)
        for file in files where matched?[Int(file)] ?? true { picked.append(Int(file)) }
        if sort.field == .name {
            picked.sort { ranks[$0] < ranks[$1] }
        } else {
            let sizes = rows.sizes
            picked.sort { sizes[$0] != sizes[$1] ? sizes[$0] < sizes[$1] : ranks[$0] < ranks[$1] }
        }
        if sort.reversed { picked.reverse() }
        return picked
    }

    /// Totals per folder of the files matching `filter` (the listing's own filter), memoised.
    private func counts(_ filter: String, entries: [Entry], rows: RowIndex) -> (totals: [FolderTree.Totals], matched: [Bool]) {
        if let c = filtered[filter] { return c }
        let matching = rows.visible(filter: filter, sort: SortOrder(field: .name)).order
        let sizes = self.sizes
        let c = tree.totals(matching: matching) { i in sizes[i] < 0 ? (0, true) : (sizes[i], false) }
        if filtered.count >= 8 { filtered = [:] }
        filtered[filter] = c
        return c
    }

    static func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (y < x ? 1 : 0) }
}

/// The rows of one folder in one order (folders, then files), with their positions by id.
final class TreeRows: @unchecked Sendable, RowLookup {
    let entries: [Entry]
    /// Each row's ``Entry/id``, taken once: comparing them copies no `Entry` (an asset's copy
    /// retains each of its strings).
    let ids: [String]
    let order: [Int]
    /// The largest size among the rows (a folder's total or a local file's size): the size bar's 100%.
    let maxSize: Int64
    private let lock = NSLock()
    private var hint = 0

    init(entries: [Entry], ids: [String], maxSize: Int64) {
        self.entries = entries
        self.ids = ids
        self.order = Array(entries.indices)
        self.maxSize = maxSize
    }

    func index(of id: String, filter: String, sort: SortOrder) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard !ids.isEmpty else { return nil }
        // The row selected last first, then outward from it (a move finds its row at once; one
        // look-up after a sort compares ids once each, cheaper than building a table).
        let h = min(hint, ids.count - 1)
        if ids[h] == id { return h }
        var d = 1
        while h - d >= 0 || h + d < ids.count {
            if h + d < ids.count, ids[h + d] == id { hint = h + d; return h + d }
            if h - d >= 0, ids[h - d] == id { hint = h - d; return h - d }
            d += 1
        }
        return nil
    }

    func noteSelection(_ position: Int, filter: String, sort: SortOrder) {
        lock.lock(); defer { lock.unlock() }
        if entries.indices.contains(position) { hint = position }
    }
}

extension BrowserState {
    /// `T`: the assets pane between its flat list and the folder tree. Into the tree: its root,
    /// with the top folder of the selected asset selected. Back to the list: the selected file,
    /// or the first file of the selected folder, stays selected.
    mutating func toggleTree() -> [Effect] {
        guard current.key.level == .assets else {
            message = StatusMessage("T shows a version's assets as a folder tree: open a version first", kind: .error)
            return []
        }
        let key = current.key
        let index = listings[key]?.index
        let selected = selectedEntry(of: current)
        if current.folder != nil {
            while panes.count > 1, panes[panes.count - 2].key == key, panes[panes.count - 2].folder != nil {
                leaveFolder()
                panes.removeLast()
            }
            current.folder = nil
            assetsTree = false
            switch selected {
            case .asset(let a)?:
                current.selectedID = a.logicalPath
            case .folder(let f)?:
                if let i = index?.folders().firstItem(below: f.node), let entries = listings[key]?.entries {
                    current.selectedID = entries[i].id
                }
            default: break
            }
            message = StatusMessage("Flat list (T: folder tree)")
        } else {
            assetsTree = true
            current.folder = ""
            if case .asset(let a)? = selected, let tree = index?.folders().tree,
               let folder = tree.node(at: String(FolderTree.split(a.logicalPath).folder)),
               let top = tree.ancestry(of: folder).first {
                current.selectedID = tree.nodes[top].path + "/"
            }
            message = StatusMessage("Folder tree (l enters a folder, h leaves it, T: flat list)")
        }
        return ensurePreview()
    }

    /// A new pane for `key`: an assets pane opens at the tree's root while the tree view is on.
    func newPane(_ key: ListingKey) -> Pane {
        Pane(key: key, folder: key.level == .assets && assetsTree ? "" : nil)
    }

    /// `l`/`Enter` on a folder: a pane of the same listing showing that folder, with the filter and sort.
    mutating func enterFolder(_ folder: FolderRow) -> [Effect] {
        panes.append(Pane(key: current.key, filter: current.filter, sort: current.sort, folder: folder.path))
        return ensurePreview()
    }

    /// Before `h` leaves a folder for its parent folder: the parent takes the filter and sort in use.
    mutating func leaveFolder() {
        guard panes.count > 1, current.folder != nil else { return }
        let parent = panes.count - 2
        guard panes[parent].key == current.key, panes[parent].folder != nil else { return }
        panes[parent].filter = current.filter
        panes[parent].sort = current.sort
    }
}
