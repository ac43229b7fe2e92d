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
            let flat = rows.visible(filter: filter, sort: fileSort)
            let folderOf = tree.folderOfItem
            let target = Int32(node)
            result.reserveCapacity(result.count + directFiles)
            ids.reserveCapacity(result.count + directFiles)
            for i in flat.order where folderOf[i] == target {
                maxSize = max(maxSize, sizes[i])
                let entry = entries[i]
                ids.append(entry.id)
                result.append(entry)
            }
        }
        let v = TreeRows(entries: result, ids: ids, maxSize: maxSize)
        if views.count >= 64 { views = [:] }
        views[key] = v
        return v
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
