import CometAPI

/// The assets marked in one version's assets pane, for a download of exactly those (`Space` marks
/// the row, `v` opens a range, `d` downloads the marks as one job, `Esc` clears them). Pure: the
/// reducer keeps one per assets listing (``BrowserState/assetMarks``) and asks it what to mark.
///
/// Marks are logical paths, so they survive a sort, a filter, the tree/flat toggle and a refresh
/// that keeps the files. A folder row stands for every asset under it that the pane's filter keeps.
public struct AssetMarks: Sendable, Hashable {
    /// Logical paths of the marked assets (local files and remote links alike).
    public private(set) var paths: Set<String>
    /// The row (``Entry/id``) where `v` opened a range, while one is open: the rows from it to the
    /// cursor count as marked until `v` again (or `d`) keeps them, or `Esc` drops them.
    public var anchor: String?

    public init(paths: Set<String> = [], anchor: String? = nil) {
        self.paths = paths
        self.anchor = anchor
    }

    /// True with no mark and no open range.
    public var isEmpty: Bool { paths.isEmpty && anchor == nil }

    /// The logical paths a row stands for: an asset its own; a folder every asset of `assets`
    /// under it (`a/b` holds `a/b/x` and `a/b/c/y`, not `a/bc`) that matches `filter`, except folder
    /// markers (`a/b/c/`: the tree shows them as their folder, and written as a file one would take
    /// the folder's name); other rows none.
    public static func paths(of entry: Entry, assets: [Entry], filter: String = "") -> [String] {
        switch entry {
        case .asset(let a):
            return [a.logicalPath]
        case .folder(let f):
            let prefix = f.path + "/"
            return assets.compactMap { row in
                guard case .asset(let a) = row, a.logicalPath.hasPrefix(prefix), !a.logicalPath.hasSuffix("/"),
                      row.matches(filter) else { return nil }
                return a.logicalPath
            }
        default:
            return []
        }
    }

    /// `Space`: marks `paths`, or unmarks them when every one is marked already (a folder whose
    /// files are partly marked becomes wholly marked first). Returns true when it marked.
    @discardableResult
    public mutating func toggle(_ paths: [String]) -> Bool {
        guard !paths.isEmpty else { return false }
        if paths.allSatisfy(self.paths.contains) {
            self.paths.subtract(paths)
            return false
        }
        self.paths.formUnion(paths)
        return true
    }

    /// Marks `paths` (a range kept with `v`).
    public mutating func mark(_ paths: [String]) { self.paths.formUnion(paths) }

    /// Drops the marks of assets that are no longer in the version (after a refresh), keeping the rest.
    public mutating func keep(only existing: Set<String>) { paths.formIntersection(existing) }

    /// The rows from the anchor to `cursor`, both included, in `rows`' order; empty without an open
    /// range or when the anchor row is no longer shown (filtered out, or another folder).
    public func rangeRows(_ rows: VisibleRows, cursor: Int) -> [Entry] {
        guard let anchor, let from = rows.position(of: anchor), rows.indices.contains(cursor) else { return [] }
        return Array(rows[Swift.min(from, cursor)...Swift.max(from, cursor)])
    }

    /// What is marked now: the kept marks, plus the open range's rows, each row standing for the
    /// logical paths `pathsOf` gives it (a folder: its assets, as ``paths(of:assets:filter:)``).
    public func effective(rows: VisibleRows?, cursor: Int, pathsOf: (Entry) -> [String]) -> Set<String> {
        guard anchor != nil, let rows else { return paths }
        return paths.union(rangeRows(rows, cursor: cursor).flatMap(pathsOf))
    }

    /// How a row is marked, for its gutter: every asset it stands for, some of them (a folder), or none.
    public enum RowMark: Sendable, Hashable { case none, partly, all }

    /// How `entry` is marked when `marked` are the marked logical paths.
    public static func rowMark(_ entry: Entry, marked: Set<String>, assets: [Entry], filter: String) -> RowMark {
        guard !marked.isEmpty else { return .none }
        if case .asset(let a) = entry { return marked.contains(a.logicalPath) ? .all : .none }
        let inside = paths(of: entry, assets: assets, filter: filter)
        let count = inside.reduce(0) { $0 + (marked.contains($1) ? 1 : 0) }
        return count == 0 ? .none : (count == inside.count ? .all : .partly)
    }

    /// The marked assets counted for the footer: how many, the bytes of the local files, and how
    /// many are remote links (their bytes are not arty's to count).
    public struct Summary: Sendable, Hashable {
        public var count: Int
        public var bytes: Int64
        public var remote: Int

        /// `3 marked · 1.2 MiB`, `4 marked · 1.2 MiB · 1 link`.
        public var text: String {
            var text = "\(count) marked · \(Formatting.size(bytes))"
            if remote > 0 { text += " · " + Plural.count(remote, "link") }
            return text
        }
    }

    /// Counts `marked` among `assets` (paths no longer listed are not counted).
    public static func summary(_ marked: Set<String>, assets: [Entry]) -> Summary {
        var s = Summary(count: 0, bytes: 0, remote: 0)
        guard !marked.isEmpty else { return s }
        for case .asset(let a) in assets where marked.contains(a.logicalPath) {
            s.count += 1
            if a.isRemote { s.remote += 1 } else { s.bytes += a.size }
        }
        return s
    }
}
