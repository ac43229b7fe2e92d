/// The folders that logical paths (`a/b/c.csv`) form, with each folder's total size and file count:
/// the index behind the assets pane's tree view (`T`), built once per loaded asset list.
///
/// Paths split on `/`; empty components are ignored, so `a//b.csv` and `/a/b.csv` are `b.csv` in
/// folder `a`. A path that ends in `/` (`a/b/`, a folder marker as S3 consoles write) makes the folder
/// exist, possibly empty, and is not a file of it. A path with no component at all (`""`, `/`) is a
/// file of the root named by its whole path. Names are compared as Swift strings (canonically
/// equivalent spellings, `é` and `e` + U+0301, are one folder).
///
/// Remote assets (links) are counted apart from local files and add nothing to sizes (their size
/// is unknown). Building is O(total path length) plus O(folders): consecutive paths in the same
/// folder reuse the last lookup, other folders are found by one hash lookup of their path.
public struct FolderTree: Sendable {
    /// One asset as the tree needs it.
    public struct Item: Sendable, Hashable {
        public var path: String
        /// Bytes; ignored for a remote asset.
        public var size: Int64
        public var isRemote: Bool
        /// An asset's logical path, its size in bytes, and whether it is a remote link.
        public init(path: String, size: Int64, isRemote: Bool) {
            self.path = path
            self.size = size
            self.isRemote = isRemote
        }
    }

    /// What a folder holds, over all its descendants: bytes of its local files, how many local
    /// files, how many remote links.
    public struct Totals: Sendable, Hashable {
        public var size: Int64
        public var files: Int
        public var remote: Int
        /// Totals of `size` bytes in `files` local files, and `remote` links.
        public init(size: Int64 = 0, files: Int = 0, remote: Int = 0) {
            self.size = size
            self.files = files
            self.remote = remote
        }

        /// Files and remote links together (what the count sort compares).
        public var count: Int { files + remote }

        /// `12 files · 3 remote`, `1 file`, `3 remote`, or `empty`.
        public var summary: String {
            var parts: [String] = []
            if files > 0 || remote == 0 { parts.append(files == 0 ? "empty" : "\(files) file\(files == 1 ? "" : "s")") }
            if remote > 0 { parts.append("\(remote) remote") }
            return parts.joined(separator: " · ")
        }

        static func += (a: inout Totals, b: Totals) {
            a.size += b.size
            a.files += b.files
            a.remote += b.remote
        }
    }

    /// One folder. Node 0 is the root (empty name and path).
    public struct Node: Sendable, Hashable {
        /// The last component (`c` for `a/b/c`).
        public var name: String
        /// The components joined by `/` (`a/b/c`), empty for the root.
        public var path: String
        /// The parent node, nil for the root.
        public var parent: Int?
        /// Child folders (node numbers), in the order first seen.
        public var folders: [Int32] = []
        /// Files directly in this folder (indices into the items), in input order.
        public var files: [Int32] = []
        /// Everything below, this folder's files included.
        public var totals = Totals()
        /// The smallest item index below (-1 when the folder holds no file).
        public var firstItem: Int32 = -1
    }

    /// Every folder, parents before their children; ``root`` is 0.
    public private(set) var nodes: [Node]
    /// For each item, the node of the folder it is in (-1 for a folder marker, which is no file).
    public private(set) var folderOfItem: [Int32]
    private var byPath: [String: Int32]

    /// The root folder's node number.
    public static let root = 0

    /// Builds the tree of `items` (their order is kept inside each folder).
    public init(_ items: [Item]) {
        self.init(count: items.count) { (items[$0].path, items[$0].size, items[$0].isRemote) }
    }

    /// Builds the tree from `count` (path, size, isRemote) triples, read by index (no intermediate array).
    init(count: Int, _ item: (Int) -> (String, Int64, Bool)) {
        nodes = [Node(name: "", path: "", parent: nil)]
        byPath = ["": 0]
        folderOfItem = []
        folderOfItem.reserveCapacity(count)
        var direct: [Totals] = [Totals()]
        var lastFolder: Substring? = nil
        var lastNode: Int32 = 0
        // Folders by the path text as the items spell it (a slice of the item's path: no copy).
        var seen: [Substring: Int32] = [:]
        for i in 0..<count {
            let (path, size, isRemote) = item(i)
            let (folder, isMarker) = Self.split(path)
            let node: Int32
            if let last = lastFolder, last == folder {
                node = lastNode
            } else if let known = seen[folder] {
                node = known
                lastFolder = folder
                lastNode = node
            } else {
                node = lookupOrCreate(String(folder), &direct)
                seen[folder] = node
                lastFolder = folder
                lastNode = node
            }
            if isMarker {
                folderOfItem.append(-1)
                continue
            }
            folderOfItem.append(node)
            let n = Int(node)
            nodes[n].files.append(Int32(i))
            if nodes[n].firstItem < 0 { nodes[n].firstItem = Int32(i) }
            if isRemote { direct[n].remote += 1 } else { direct[n].size += size; direct[n].files += 1 }
        }
        // Children come after their parents: one backward pass adds every folder into its parent.
        for n in nodes.indices { nodes[n].totals = direct[n] }
        for n in nodes.indices.reversed() {
            guard let p = nodes[n].parent else { continue }
            nodes[p].totals += nodes[n].totals
            let first = nodes[n].firstItem
            if first >= 0, nodes[p].firstItem < 0 || first < nodes[p].firstItem { nodes[p].firstItem = first }
        }
    }

    private mutating func lookupOrCreate(_ path: String, _ direct: inout [Totals]) -> Int32 {
        if let n = byPath[path] { return n }
        let cut = path.lastIndex(of: "/")
        let parentPath = cut.map { String(path[..<$0]) } ?? ""
        let name = cut.map { String(path[path.index(after: $0)...]) } ?? path
        let parent = lookupOrCreate(parentPath, &direct)
        let n = Int32(nodes.count)
        nodes.append(Node(name: name, path: path, parent: Int(parent)))
        direct.append(Totals())
        nodes[Int(parent)].folders.append(n)
        byPath[path] = n
        return n
    }

    /// The normalised folder part of `path` (components joined by `/`), and whether the path is a
    /// folder marker (ends in `/` after at least one component).
    static func split(_ path: String) -> (folder: Substring, isMarker: Bool) {
        let u = path.utf8
        // The common case: no leading, trailing or doubled `/`: the folder is the text before the last `/`.
        var clean = u.first != UInt8(ascii: "/") && u.last != UInt8(ascii: "/")
        var lastSlash: String.Index? = nil
        if clean {
            var previousSlash = false
            var i = u.startIndex
            while i != u.endIndex {
                let isSlash = u[i] == UInt8(ascii: "/")
                if isSlash {
                    if previousSlash { clean = false; break }
                    lastSlash = i
                }
                previousSlash = isSlash
                i = u.index(after: i)
            }
        }
        if clean {
            guard let lastSlash else { return ("", false) }
            return (path[..<lastSlash], false)
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.isEmpty { return ("", false) }
        let isMarker = u.last == UInt8(ascii: "/")
        let folderParts = isMarker ? parts[...] : parts.dropLast()
        return (Substring(folderParts.joined(separator: "/")), isMarker)
    }

    /// The name a file shows in its folder: the last non-empty component of `path`, or the whole
    /// path when it has none (`/`).
    public static func fileName(_ path: String) -> Substring {
        path.split(separator: "/", omittingEmptySubsequences: true).last ?? Substring(path)
    }

    /// The node of the folder at `path` (`a/b`; empty, `/` or `a//b/` spellings are normalised), or nil.
    public func node(at path: String) -> Int? {
        if let n = byPath[path] { return Int(n) }
        let normal = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return byPath[normal].map(Int.init)
    }

    /// The folders from the root down to `node` (root excluded): `[a, a/b]` for `a/b`.
    public func ancestry(of node: Int) -> [Int] {
        var chain: [Int] = []
        var n: Int? = node
        while let c = n, c != Self.root {
            chain.append(c)
            n = nodes[c].parent
        }
        return chain.reversed()
    }

    /// The totals of every node counting only the items in `matching` (indices into the items), and
    /// which items those are: what the tree view shows under a filter (a folder with no match has
    /// zero totals). O(matches + folders): each match counts in its folder, then one pass up the tree.
    public func totals(matching: [Int], items: (Int) -> (size: Int64, isRemote: Bool)) -> (totals: [Totals], matched: [Bool]) {
        var totals = [Totals](repeating: Totals(), count: nodes.count)
        var matched = [Bool](repeating: false, count: folderOfItem.count)
        for i in matching {
            let folder = folderOfItem[i]
            guard folder >= 0 else { continue }
            matched[i] = true
            let (size, isRemote) = items(i)
            let c = Int(folder)
            if isRemote { totals[c].remote += 1 } else { totals[c].size += size; totals[c].files += 1 }
        }
        for n in nodes.indices.reversed() {
            guard let p = nodes[n].parent else { continue }
            totals[p] += totals[n]
        }
        return (totals, matched)
    }
}
