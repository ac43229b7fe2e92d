import CometAPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The rows a pane shows after its filter and sort: a view over the listing's entries through
/// an order of indices (no copy of the rows). Random access, so rendering touches only the
/// visible window.
public struct VisibleRows: RandomAccessCollection, Sendable {
    let entries: [Entry]
    let order: [Int]
    /// The index these rows come from (a listing's ``RowIndex``, or a folder of its tree view), and
    /// the filter and sort that made them.
    let source: any RowLookup
    let filter: String
    let sort: SortOrder
    /// For a folder of the tree view: its largest row's size (the size bar's 100%); nil otherwise.
    var folderMaxSize: Int64? = nil
    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }
    public subscript(i: Int) -> Entry { entries[order[i]] }

    /// The position of the row with ``Entry/id`` `id`, or nil (see ``RowIndex/index(of:filter:sort:)``).
    public func position(of id: String) -> Int? { source.index(of: id, filter: filter, sort: sort) }

    /// Records that the row at `position` was just selected (makes its next lookup O(1)).
    func noteSelection(_ position: Int) { source.noteSelection(position, filter: filter, sort: sort) }
}

/// Where ``VisibleRows`` find a row's position: a listing's ``RowIndex`` or a tree view's folder.
protocol RowLookup: AnyObject, Sendable {
    /// The position of the row with `id` among the rows of `filter` and `sort`, or nil.
    func index(of id: String, filter: String, sort: SortOrder) -> Int?
    /// Records that the row at `position` of that order was just selected.
    func noteSelection(_ position: Int, filter: String, sort: SortOrder)
}

/// A derived, memoised view of one listing's rows: lower-cased names computed once, the last few
/// filtered-and-sorted orders, and an id → position lookup. Keeps a keypress (move, filter
/// keystroke, sort) on a 100,000-row pane from re-lowercasing, re-filtering and re-sorting every
/// row several times per reduce and render (issue 6, BENCHMARKS.md). Not part of a ``Listing``'s
/// value: two listings with equal entries are equal whatever their caches hold. Thread-safe (one lock).
final class RowIndex: @unchecked Sendable, Hashable, RowLookup {
    private let entries: [Entry]
    private let lock = NSLock()
    private var keys: [String]?
    private let ids: [String]
    /// The row number of the last id looked up or selected.
    private var lastRow: Int?
    /// True when every row is an asset: its id is its logical path, all a filter looks in.
    private let assetsOnly: Bool
    /// ``Sorting/sizeOf(_:)`` of every row, for the size order.
    let sizes: [Int64]
    /// The filter's texts by field (`""`: all fields), built on the first filter of that field.
    private var searchTexts: [String: SearchText] = [:]
    private var cache: [CacheKey: View] = [:]
    /// The folder tree of these rows (assets pane, `T`), built on first use.
    private var folderIndex: FolderIndex?
    /// Row number by ``Entry/id`` (the first row of an id), built on the first mark (`Space`, `v`).
    private var rowByID: [String: Int32]?
    /// The last ``markSummary(_:)``: its marks and result (a frame asks with the same set again).
    private var lastSummary: (marked: Set<String>, summary: AssetMarks.Summary)?

    /// Lower-cased searchable texts of every row (see `searchText(_:)`); `ascii[i]` when row `i`'s are ASCII.
    private struct SearchText {
        var blob: [UInt8] = []
        var offsets: [Int] = [0]
        var ascii: [Bool] = []
    }

    private struct CacheKey: Hashable {
        var filter: String
        var sort: SortOrder
    }

    /// One filtered, sorted order and the position of the last selected row in it.
    private final class View {
        let order: [Int]
        var hint = 0
        init(order: [Int]) { self.order = order }
    }

    /// Indexes `entries`; takes their ids up front (shared string storage), so lookups copy no rows.
    init(_ entries: [Entry]) {
        self.entries = entries
        var ids: [String] = [], sizes: [Int64] = []
        ids.reserveCapacity(entries.count)
        sizes.reserveCapacity(entries.count)
        var assetsOnly = true
        for e in entries {
            ids.append(e.id)
            sizes.append(Sorting.sizeOf(e))
            if case .asset = e {} else { assetsOnly = false }
        }
        self.ids = ids
        self.sizes = sizes
        self.assetsOnly = assetsOnly
    }

    /// The folder tree of these rows for the tree view, built once on first use (O(n)).
    func folders() -> FolderIndex {
        lock.lock(); defer { lock.unlock() }
        if let folderIndex { return folderIndex }
        let built = FolderIndex(entries)
        folderIndex = built
        return built
    }

    /// True when the order of `filter` and `sort` is cached (asking for it costs no sort).
    func hasOrder(filter: String, sort: SortOrder) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return cache[CacheKey(filter: filter, sort: sort)] != nil
            || cache[CacheKey(filter: filter, sort: SortOrder(field: sort.field, reversed: !sort.reversed))] != nil && filter.isEmpty
    }

    /// The row numbers of `ids` (missing ids left out), through a table built once (O(n)) on first use.
    func rows(ofIDs ids: some Sequence<String>) -> [Int] {
        lock.lock(); defer { lock.unlock() }
        let table = idTable()
        return ids.compactMap { table[$0].map(Int.init) }
    }

    private func idTable() -> [String: Int32] {
        if let rowByID { return rowByID }
        var table: [String: Int32] = [:]
        table.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() where table[id] == nil { table[id] = Int32(i) }
        rowByID = table
        return table
    }

    /// The footer's count of the marked assets among these rows, as ``AssetMarks/summary(_:assets:)``
    /// computes it, in O(marks) instead of O(rows); the last answer is kept, so the frames that
    /// follow a mark (same set, shared storage) cost one comparison.
    func markSummary(_ marked: Set<String>) -> AssetMarks.Summary {
        lock.lock(); defer { lock.unlock() }
        if let last = lastSummary, last.marked == marked { return last.summary }
        let table = idTable()
        var s = AssetMarks.Summary(count: 0, bytes: 0, remote: 0)
        for path in marked {
            guard let row = table[path].map(Int.init), case .asset(let a) = entries[row] else { continue }
            s.count += 1
            if a.isRemote { s.remote += 1 } else { s.bytes += a.size }
        }
        lastSummary = (marked, s)
        return s
    }

    static func == (a: RowIndex, b: RowIndex) -> Bool { true }
    func hash(into hasher: inout Hasher) {}

    /// The rows matching `filter` (``FilterQuery``, as ``Entry/matches(_:)``), in `sort` order (``Sorting/sorted(_:by:)``).
    func visible(filter: String, sort: SortOrder) -> VisibleRows {
        lock.lock(); defer { lock.unlock() }
        return VisibleRows(entries: entries, order: view(filter: filter, sort: sort).order, source: self, filter: filter, sort: sort)
    }

    /// The position of the row with `id` among the visible rows, or nil: the last hit of this order
    /// first (a move notes its target), then outward from it over the ids (no row copies).
    func index(of id: String, filter: String, sort: SortOrder) -> Int? {
        lock.lock(); defer { lock.unlock() }
        let v = view(filter: filter, sort: sort)
        let order = v.order
        guard !order.isEmpty else { return nil }
        let start = min(v.hint, order.count - 1)
        if ids[order[start]] == id { lastRow = order[start]; return start }
        // The same row as last time, in another order (after a sort or filter): find its number.
        if let r = lastRow, ids[r] == id {
            guard let p = order.firstIndex(of: r) else { return nil }
            v.hint = p
            return p
        }
        var d = 1
        while start - d >= 0 || start + d < order.count {
            if start + d < order.count, ids[order[start + d]] == id { v.hint = start + d; lastRow = order[start + d]; return start + d }
            if start - d >= 0, ids[order[start - d]] == id { v.hint = start - d; lastRow = order[start - d]; return start - d }
            d += 1
        }
        return nil
    }

    /// Records that the row at `position` of this order was just selected (makes its lookup O(1)).
    func noteSelection(_ position: Int, filter: String, sort: SortOrder) {
        lock.lock(); defer { lock.unlock() }
        let v = view(filter: filter, sort: sort)
        guard v.order.indices.contains(position) else { return }
        v.hint = position
        lastRow = v.order[position]
    }

    private func view(filter: String, sort: SortOrder) -> View {
        let key = CacheKey(filter: filter, sort: sort)
        if let v = cache[key] { return v }
        let keys = lowercasedKeys()
        // Sorted once per order (unfiltered), then filtered in that order: a keystroke only scans.
        let unfiltered = CacheKey(filter: "", sort: sort)
        let all: View
        if let v = cache[unfiltered] {
            all = v
        } else {
            all = View(order: sortedOrder(keys, sort))
            store(unfiltered, all)
        }
        let query = FilterQuery(filter)
        if query.matchesEverything { return all }
        // Typing narrows: start from the cached result of the filter minus its last character
        // (when that one matched a superset: same field, a needle inside this one).
        let previous = String(filter.dropLast())
        let base = query.narrows(FilterQuery(previous))
            ? cache[CacheKey(filter: previous, sort: sort)]?.order ?? all.order : all.order
        let needleASCII = query.needle.utf8.allSatisfy { $0 < 0x80 }
        let scope = searchText(query.field)
        let entries = self.entries
        var n = query.needle
        let order = scope.blob.withUnsafeBytes { all in n.withUTF8 { nb in base.filter { i in
            if needleASCII && scope.ascii[i] {
                // ASCII text and needle: bytes are characters, so a byte search is exact.
                let row = UnsafeRawBufferPointer(rebasing: all[scope.offsets[i]..<scope.offsets[i + 1]])
                return Self.bytesContain(row, UnsafeRawBufferPointer(nb))
            }
            return query.matches(entries[i])
        } } }
        let v = View(order: order)
        store(key, v)
        return v
    }

    /// The lower-cased texts a filter on `field` (nil: every searchable field) looks in, per row,
    /// as UTF-8 bytes back to back (`offsets[i]..<offsets[i + 1]`); a row's fields are separated
    /// by a 0 byte, which no typed needle holds, so no match spans two fields. Built once per field.
    private func searchText(_ field: FilterQuery.Field?) -> SearchText {
        let scope = field?.rawValue ?? ""
        if let text = searchTexts[scope] { return text }
        var text = SearchText()
        text.offsets.reserveCapacity(entries.count + 1)
        text.ascii.reserveCapacity(entries.count)
        text.blob.reserveCapacity(entries.count * 48)
        // An asset's searchable text is its logical path, its id (``FilterQuery/texts(of:field:)``):
        // read from the ids taken at init, not from a copy of each row.
        let fromIDs = assetsOnly && (field == nil || field == .name)
        for i in entries.indices {
            var first = true
            var ascii = true
            func add(_ part: String) {
                if !first { text.blob.append(0) }
                first = false
                // ASCII text is lower-cased in place, byte by byte (what `lowercased()` does to it),
                // without a new string per row; other text through `lowercased()`.
                let start = text.blob.count
                text.blob.append(contentsOf: part.utf8)
                let isASCII = text.blob.withUnsafeMutableBufferPointer { bytes in
                    var high: UInt8 = 0
                    for j in start..<bytes.count {
                        let byte = bytes[j]
                        high |= byte
                        if byte &- 0x41 < 26 { bytes[j] = byte | 0x20 }
                    }
                    return high < 0x80
                }
                if !isASCII {
                    ascii = false
                    text.blob.removeSubrange(start...)
                    text.blob.append(contentsOf: part.lowercased().utf8)
                }
            }
            if fromIDs {
                add(ids[i])
            } else {
                for part in FilterQuery.texts(of: entries[i], field: field) { add(part) }
            }
            text.ascii.append(ascii)
            text.offsets.append(text.blob.count)
        }
        searchTexts[scope] = text
        return text
    }

    /// Byte substring search (exact for ASCII text, where bytes are characters).
    static func bytesContain(_ hb: UnsafeRawBufferPointer, _ nb: UnsafeRawBufferPointer) -> Bool {
        guard nb.count > 0 else { return true }
        guard hb.count >= nb.count, let h = hb.baseAddress, let needle = nb.baseAddress else { return false }
        let first = Int32(nb[0])
        var p = h
        let end = h + (hb.count - nb.count + 1)  // last possible start + 1
        while p < end {
            guard let q = memchr(p, first, end - p) else { return false }
            if memcmp(q, needle, nb.count) == 0 { return true }
            p = UnsafeRawPointer(q) + 1
        }
        return false
    }

    private func store(_ key: CacheKey, _ v: View) {
        if cache.count >= 32 {
            // Keep the unfiltered orders (costly to sort); drop the filtered ones.
            cache = cache.filter { $0.key.filter.isEmpty }
        }
        cache[key] = v
    }

    private func lowercasedKeys() -> [String] {
        if let keys { return keys }
        let k = entries.map { $0.name.lowercased() }
        keys = k
        return k
    }

    /// The same order as ``Sorting/sorted(_:by:)``, comparing precomputed keys (lower-cased names,
    /// sizes, dates, parsed versions) instead of recomputing them per comparison. A reversed order
    /// is the other direction's order reversed when that one is cached (as `Sorting` reverses).
    private func sortedOrder(_ keys: [String], _ order: SortOrder) -> [Int] {
        if let other = cache[CacheKey(filter: "", sort: SortOrder(field: order.field, reversed: !order.reversed))] {
            return other.order.reversed()
        }
        let entries = self.entries
        let versions: [ArtifactVersion]? = {
            var out: [ArtifactVersion] = []
            out.reserveCapacity(entries.count)
            for e in entries { guard case .version(let v) = e else { return nil }; out.append(v) }
            return out
        }()
        var idx: [Int]
        switch order.field {
        case .name:
            idx = nameOrder(keys)
        case .size:
            idx = Self.radixSorted(nameOrder(keys), by: sizes)
        case .added where versions != nil:
            idx = Self.radixSorted(nameOrder(keys), by: versions!.map { $0.addedMillis ?? 0 })
        case .type where entries.allSatisfy({ if case .artifact = $0 { true } else { false } }):
            let types = entries.map { if case .artifact(let a) = $0 { a.type.lowercased() } else { "" } }
            idx = Array(entries.indices)
            idx.sort { i, j in types[i] < types[j] ? true : (types[j] < types[i] ? false : keys[i] < keys[j]) }
        case .version where versions != nil:
            let parsed = versions!.map(\.semanticVersion)
            let texts = versions!.map(\.version)
            idx = Array(entries.indices)
            idx.sort { i, j in
                let c: Int
                switch (parsed[i], parsed[j]) {
                case let (p?, q?): c = p < q ? -1 : (q < p ? 1 : 0)
                case (nil, _?): c = -1
                case (_?, nil): c = 1
                default: c = texts[i] < texts[j] ? -1 : (texts[j] < texts[i] ? 1 : 0)
                }
                return c != 0 ? c < 0 : keys[i] < keys[j]
            }
        default:
            idx = Array(entries.indices)
            idx.sort { i, j in
                let c = Sorting.compare(entries[i], entries[j], order.field, names: (keys[i], keys[j]))
                return c != 0 ? c < 0 : keys[i] < keys[j]
            }
        }
        return order.reversed ? idx.reversed() : idx
    }

    /// Rows by lower-cased name (stable), cached as the ascending name order.
    private func nameOrder(_ keys: [String]) -> [Int] {
        let key = CacheKey(filter: "", sort: SortOrder(field: .name))
        if let v = cache[key] { return v.order }
        var idx = Array(entries.indices)
        idx.sort { keys[$0] < keys[$1] }
        store(key, View(order: idx))
        return idx
    }

    /// A stable LSD radix sort of `order` by 64-bit keys (8 bits a pass, constant bytes skipped):
    /// ties keep their order in `order`, so a name-ordered input gives (key, name) order.
    static func radixSorted(_ order: [Int], by keys: [Int64]) -> [Int] {
        var a = order, b = [Int](repeating: 0, count: order.count)
        let k = keys.map { UInt64(bitPattern: $0) ^ (1 << 63) }  // signed → unsigned order
        for shift in stride(from: UInt64(0), to: 64, by: 8) {
            var count = [Int](repeating: 0, count: 257)
            for i in a { count[Int((k[i] >> shift) & 0xFF) + 1] += 1 }
            if count.contains(where: { $0 == a.count }) { continue }  // every key has this byte
            for j in 1..<257 { count[j] += count[j - 1] }
            for i in a {
                let byte = Int((k[i] >> shift) & 0xFF)
                b[count[byte]] = i
                count[byte] += 1
            }
            swap(&a, &b)
        }
        return a
    }
}
