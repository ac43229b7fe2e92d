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
    /// In both with the same content (same checksum, or the same link for remote assets).
    public var unchangedCount: Int
    /// In both, local files of the same size whose content could not be compared because the
    /// server gave no checksum for one of them (comet.com may give none): never called unchanged.
    /// Sorted by logical path.
    public var sameSizeNotCompared: [Entry]

    /// True when the versions are known to have the same assets (nothing added, removed, changed,
    /// and nothing left uncompared).
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty && sameSizeNotCompared.isEmpty }

    /// How two assets at one logical path compare.
    enum Verdict: Equatable {
        case same
        case differs([String])
        /// Same size, and no checksum pair to compare the bytes with.
        case notCompared
    }

    /// Compares `old` (version `from`) with `new` (version `to`). Local assets differ when their
    /// sizes differ or their checksums differ; they are the same only when both checksums are known
    /// (same algorithm) and equal: same-size files without that go to ``sameSizeNotCompared``.
    /// Remote assets differ when their links differ; a local asset that became remote (or back)
    /// always differs.
    public static func compare(from: String, old: [Asset], to: String, new: [Asset]) -> VersionDiff {
        let oldByPath = Dictionary(old.map { ($0.logicalPath, $0) }, uniquingKeysWith: { a, _ in a })
        let newByPath = Dictionary(new.map { ($0.logicalPath, $0) }, uniquingKeysWith: { a, _ in a })
        var added: [Entry] = [], removed: [Entry] = [], changed: [Change] = []
        var unchanged = 0
        var notCompared: [Entry] = []
        for path in Set(oldByPath.keys).union(newByPath.keys).sorted() {
            switch (oldByPath[path], newByPath[path]) {
            case (nil, let n?): added.append(Entry(n))
            case (let o?, nil): removed.append(Entry(o))
            case (let o?, let n?):
                switch verdict(o, n) {
                case .same: unchanged += 1
                case .notCompared: notCompared.append(Entry(n))
                case .differs(let reasons):
                    changed.append(Change(logicalPath: path, old: Entry(o), new: Entry(n), reasons: reasons))
                }
            case (nil, nil): break
            }
        }
        return VersionDiff(from: from, to: to, added: added, removed: removed, changed: changed, unchangedCount: unchanged,
                           sameSizeNotCompared: notCompared)
    }

    static func verdict(_ a: Asset, _ b: Asset) -> Verdict {
        if a.isRemote != b.isRemote { return .differs(["kind"]) }
        if a.isRemote { return a.link == b.link ? .same : .differs(["link"]) }
        var reasons: [String] = []
        if a.size != b.size { reasons.append("size") }
        // Checksums compare only when both are known and of one algorithm (a SHA-1 never equals a SHA-256).
        if let x = a.checksum?.lowercased(), let y = b.checksum?.lowercased(), x.count == y.count {
            if x != y { reasons.append("checksum") }
            return reasons.isEmpty ? .same : .differs(reasons)
        }
        return reasons.isEmpty ? .notCompared : .differs(reasons)
    }

    /// Lines for a pane or the terminal: `+ path (size)`, `- path`, `~ path (old → new)`,
    /// `= path (same size, content not compared)`, then a count line.
    public var lines: [String] {
        func describe(_ e: Entry) -> String { e.remote ? (e.link ?? "remote") : "\(e.size) bytes" }
        var out: [String] = []
        var rows: [(String, String)] = []
        rows += added.map { ($0.logicalPath, "+ \($0.logicalPath)  (\(describe($0)))") }
        rows += removed.map { ($0.logicalPath, "- \($0.logicalPath)  (\(describe($0)))") }
        rows += changed.map { ($0.logicalPath, "~ \($0.logicalPath)  (\(describe($0.old)) → \(describe($0.new)); \($0.reasons.joined(separator: ", ")))") }
        rows += sameSizeNotCompared.map { ($0.logicalPath, "= \($0.logicalPath)  (\(describe($0)); same size, content not compared)") }
        out += rows.sorted { $0.0 < $1.0 }.map(\.1)
        var count = "\(from) → \(to): \(added.count) added, \(removed.count) removed, \(changed.count) changed, \(unchangedCount) unchanged"
        if !sameSizeNotCompared.isEmpty {
            count += ", \(sameSizeNotCompared.count) same size (content not compared: the server gives no checksum)"
        }
        out.append(count)
        return out
    }
}
