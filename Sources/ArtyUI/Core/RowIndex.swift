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
    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }
    public subscript(i: Int) -> Entry { entries[order[i]] }
}

/// A derived, memoised view of one listing's rows: lower-cased names computed once, and the last
/// few filtered-and-sorted orders with a cursor hint. Keeps a keypress (move, filter keystroke)
/// on a 100,000-row pane from re-lowercasing, re-filtering and re-sorting every row several times
/// per reduce and render (issue 6). Not part of a ``Listing``'s value: two listings with equal
/// entries are equal whatever their caches hold. Thread-safe (one lock).
final class RowIndex: @unchecked Sendable, Hashable {
    private let entries: [Entry]
    private let lock = NSLock()
    private var keys: [String]?
    private var ids: [String]?
    private var ascii: [Bool] = []
    private var cache: [CacheKey: View] = [:]

    private struct CacheKey: Hashable {
        var filter: String
        var sort: SortOrder
    }

    /// One filtered, sorted order and where the last id lookup found its row.
    private final class View {
        let order: [Int]
        var hint = 0
        init(order: [Int]) { self.order = order }
    }

    init(_ entries: [Entry]) { self.entries = entries }

    static func == (a: RowIndex, b: RowIndex) -> Bool { true }
    func hash(into hasher: inout Hasher) {}

    /// The rows matching `filter` (``Entry/matches(_:)``), in `sort` order (``Sorting/sorted(_:by:)``).
    func visible(filter: String, sort: SortOrder) -> VisibleRows {
        lock.lock(); defer { lock.unlock() }
        return VisibleRows(entries: entries, order: view(filter: filter, sort: sort).order)
    }

    /// The index of the row with `id` in the visible rows, or nil; searched outward from the last hit.
    func index(of id: String, filter: String, sort: SortOrder) -> Int? {
        lock.lock(); defer { lock.unlock() }
        let v = view(filter: filter, sort: sort)
        let order = v.order
        let ids = rowIDs()
        guard !order.isEmpty else { return nil }
        let start = min(v.hint, order.count - 1)
        var d = 0
        while start - d >= 0 || start + d < order.count {
            if start + d < order.count, ids[order[start + d]] == id { v.hint = start + d; return start + d }
            if d > 0, start - d >= 0, ids[order[start - d]] == id { v.hint = start - d; return start - d }
            d += 1
        }
        return nil
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
        if filter.isEmpty { return all }
        // Typing narrows: start from the cached result of the filter minus its last character.
        let base = cache[CacheKey(filter: String(filter.dropLast()), sort: sort)]?.order ?? all.order
        let needle = filter.lowercased()
        let needleASCII = needle.utf8.allSatisfy { $0 < 0x80 }
        let entries = self.entries
        let ascii = self.ascii
        let order = base.filter { i in
            if needleASCII && ascii[i] {
                if Self.bytesContain(keys[i], needle) { return true }
                if case .version = entries[i] { return entries[i].matches(needle: needle, lowercasedName: keys[i]) }
                return false
            }
            return entries[i].matches(needle: needle, lowercasedName: keys[i])
        }
        let v = View(order: order)
        store(key, v)
        return v
    }

    /// Byte substring search (exact for ASCII text, where bytes are characters).
    static func bytesContain(_ haystack: String, _ needle: String) -> Bool {
        var h = haystack, n = needle
        return h.withUTF8 { hb in
            n.withUTF8 { nb in
                guard nb.count > 0 else { return true }
                guard hb.count >= nb.count else { return false }
                let first = nb[0], last = hb.count - nb.count
                var i = 0
                while i <= last {
                    if hb[i] == first && memcmp(hb.baseAddress! + i, nb.baseAddress!, nb.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }

    private func store(_ key: CacheKey, _ v: View) {
        if cache.count >= 32 {
            // Keep the unfiltered orders (costly to sort); drop the filtered ones.
            cache = cache.filter { $0.key.filter.isEmpty }
        }
        cache[key] = v
    }

    /// ``Entry/id`` of every row (shares the strings' storage), so a lookup copies no rows.
    private func rowIDs() -> [String] {
        if let ids { return ids }
        let i = entries.map(\.id)
        ids = i
        return i
    }

    private func lowercasedKeys() -> [String] {
        if let keys { return keys }
        let k = entries.map { $0.name.lowercased() }
        ascii = k.map { $0.utf8.allSatisfy { $0 < 0x80 } }
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
        var idx = Array(entries.indices)
        func by<T: Comparable>(_ k: [T]) {
            idx.sort { i, j in k[i] < k[j] ? true : (k[j] < k[i] ? false : keys[i] < keys[j]) }
        }
        let versions: [ArtifactVersion]? = {
            var out: [ArtifactVersion] = []
            out.reserveCapacity(entries.count)
            for e in entries { guard case .version(let v) = e else { return nil }; out.append(v) }
            return out
        }()
        switch order.field {
        case .name:
            idx.sort { keys[$0] < keys[$1] }
        case .size:
            by(entries.map(Sorting.sizeOf))
        case .type where entries.allSatisfy({ if case .artifact = $0 { true } else { false } }):
            by(entries.map { if case .artifact(let a) = $0 { a.type.lowercased() } else { "" } })
        case .added where versions != nil:
            by(versions!.map { $0.addedMillis ?? 0 })
        case .version where versions != nil:
            let parsed = versions!.map(\.semanticVersion)
            let texts = versions!.map(\.version)
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
            idx.sort { i, j in
                let c = Sorting.compare(entries[i], entries[j], order.field, names: (keys[i], keys[j]))
                return c != 0 ? c < 0 : keys[i] < keys[j]
            }
        }
        return order.reversed ? idx.reversed() : idx
    }
}
