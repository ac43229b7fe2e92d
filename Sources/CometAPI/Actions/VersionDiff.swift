import Foundation

/// The difference between the assets of two versions, by logical path (pure; `arty diff`, the
/// compare pane). Sizes in bytes.
public struct VersionDiff: Sendable, Hashable, Encodable {
    /// One asset as compared: local files by size (and checksum), remote assets by link.
    public struct Entry: Sendable, Hashable, Encodable {
        public var logicalPath: String
        public var size: Int64
        public var remote: Bool
        public var link: String?
        public var checksum: String?

        public init(_ asset: Asset) {
            logicalPath = asset.logicalPath
            size = asset.size
            remote = asset.isRemote
            link = asset.link
            checksum = asset.checksum
        }
    }

    /// An asset present in both versions whose content differs.
    public struct Change: Sendable, Hashable, Encodable {
        public var logicalPath: String
        public var old: Entry
        public var new: Entry
        /// Why: `size`, `checksum`, `link`, `kind` (local ↔ remote).
        public var reasons: [String]
    }

    /// Labels of the two sides (`1.0.0`, `2.0.0`).
    public var from: String
    public var to: String
    /// In `to` only, sorted by logical path.
    public var added: [Entry]
    /// In `from` only, sorted by logical path.
    public var removed: [Entry]
    /// In both with different content, sorted by logical path.
    public var changed: [Change]
    /// In both with the same content.
    public var unchangedCount: Int

    /// True when the versions have the same assets.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// Compares `old` (version `from`) with `new` (version `to`). Local assets differ when their
    /// sizes differ, or their checksums differ when both have one; remote assets when their links
    /// differ; a local asset that became remote (or back) always differs.
    public static func compare(from: String, old: [Asset], to: String, new: [Asset]) -> VersionDiff {
        let oldByPath = Dictionary(old.map { ($0.logicalPath, $0) }, uniquingKeysWith: { a, _ in a })
        let newByPath = Dictionary(new.map { ($0.logicalPath, $0) }, uniquingKeysWith: { a, _ in a })
        var added: [Entry] = [], removed: [Entry] = [], changed: [Change] = []
        var unchanged = 0
        for path in Set(oldByPath.keys).union(newByPath.keys).sorted() {
            switch (oldByPath[path], newByPath[path]) {
            case (nil, let n?): added.append(Entry(n))
            case (let o?, nil): removed.append(Entry(o))
            case (let o?, let n?):
                let reasons = differences(o, n)
                if reasons.isEmpty { unchanged += 1 } else {
                    changed.append(Change(logicalPath: path, old: Entry(o), new: Entry(n), reasons: reasons))
                }
            case (nil, nil): break
            }
        }
        return VersionDiff(from: from, to: to, added: added, removed: removed, changed: changed, unchangedCount: unchanged)
    }

    static func differences(_ a: Asset, _ b: Asset) -> [String] {
        if a.isRemote != b.isRemote { return ["kind"] }
        if a.isRemote { return a.link == b.link ? [] : ["link"] }
        var reasons: [String] = []
        if a.size != b.size { reasons.append("size") }
        if let x = a.checksum?.lowercased(), let y = b.checksum?.lowercased(), x != y { reasons.append("checksum") }
        return reasons
    }

    /// Lines for a pane or the terminal: `+ path (size)`, `- path`, `~ path (old → new)`, then a count line.
    public var lines: [String] {
        func describe(_ e: Entry) -> String { e.remote ? (e.link ?? "remote") : "\(e.size) bytes" }
        var out: [String] = []
        var rows: [(String, String)] = []
        rows += added.map { ($0.logicalPath, "+ \($0.logicalPath)  (\(describe($0)))") }
        rows += removed.map { ($0.logicalPath, "- \($0.logicalPath)  (\(describe($0)))") }
        rows += changed.map { ($0.logicalPath, "~ \($0.logicalPath)  (\(describe($0.old)) → \(describe($0.new)); \($0.reasons.joined(separator: ", ")))") }
        out += rows.sorted { $0.0 < $1.0 }.map(\.1)
        out.append("\(from) → \(to): \(added.count) added, \(removed.count) removed, \(changed.count) changed, \(unchangedCount) unchanged")
        return out
    }
}
