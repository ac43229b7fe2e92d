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

/// A derived, memoised view of one listing's rows: lower-cased names computed once, the last few
/// filtered-and-sorted orders, and an id → position lookup. Keeps a keypress (move, filter
/// keystroke, sort) on a 100,000-row pane from re-lowercasing, re-filtering and re-sorting every
/// row several times per reduce and render (issue 6, BENCHMARKS.md). Not part of a ``Listing``'s
/// value: two listings with equal entries are equal whatever their caches hold. Thread-safe (one lock).
final class RowIndex: @unchecked Sendable, Hashable {
    private let entries: [Entry]
    private let lock = NSLock()
    private var keys: [String]?
    private var ascii: [Bool] = []
    private var ids: [String: Int]?
    private var cache: [CacheKey: View] = [:]

    private struct CacheKey: Hashable {
        var filter: String
        var sort: SortOrder
    }

    /// One filtered, sorted order and, once looked up, each row's position in it (-1: filtered out).
    private final class View {
        let order: [Int]
        private var inverse: [Int]?
        init(order: [Int]) { self.order = order }
        func positions(rows: Int) -> [Int] {
            if let inverse { return inverse }
            var p = [Int](repeating: -1, count: rows)
            for (position, row) in order.enumerated() { p[row] = position }
            inverse = p
            return p
        }
    }

    init(_ entries: [Entry]) { self.entries = entries }

    static func == (a: RowIndex, b: RowIndex) -> Bool { true }
    func hash(into hasher: inout Hasher) {}

    /// The rows matching `filter` (``Entry/matches(_:)``), in `sort` order (``Sorting/sorted(_:by:)``).
    func visible(filter: String, sort: SortOrder) -> VisibleRows {
        lock.lock(); defer { lock.unlock() }
        return VisibleRows(entries: entries, order: view(filter: filter, sort: sort).order)
    }

    /// The position of the row with `id` among the visible rows, or nil. O(1) after the first lookup
    /// in a listing (an id → row dictionary) and in an order (its inverse permutation).
    func index(of id: String, filter: String, sort: SortOrder) -> Int? {
        lock.lock(); defer { lock.unlock() }
        let v = view(filter: filter, sort: sort)
        guard let row = rowNumbers()[id] else { return nil }
        let position = v.positions(rows: entries.count)[row]
        return position >= 0 ? position : nil
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
                let first = Int32(nb[0])
                var p = UnsafeRawPointer(hb.baseAddress!)
                let end = p + (hb.count - nb.count + 1)  // last possible start + 1
                while p < end {
                    guard let q = memchr(p, first, end - p) else { return false }
                    if memcmp(q, nb.baseAddress!, nb.count) == 0 { return true }
                    p = UnsafeRawPointer(q) + 1
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

    /// ``Entry/id`` → row number (the first row when ids repeat, as a linear search finds).
    private func rowNumbers() -> [String: Int] {
        if let ids { return ids }
        var d = [String: Int](minimumCapacity: entries.count)
        for (i, e) in entries.enumerated() where d[e.id] == nil { d[e.id] = i }
        ids = d
        return d
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
            idx = Self.radixSorted(nameOrder(keys), by: entries.map(Sorting.sizeOf))
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
