import CometAPI

/// A pane filter as typed after `/`, parsed: an optional field prefix and the text to find.
///
/// `model` matches any searchable field of a row (artifacts: name, type, tags; versions: the
/// version string, aliases, version tags; workspaces and assets: their name / logical path);
/// `type:model`, `alias:prod`, `tag:x` and `name:x` look in that one field only. A prefix that
/// is not a field name (`foo:bar`) is no prefix: the whole text is matched literally. Matching is
/// a case-insensitive substring test (`String.contains` on lower-cased text, so canonically
/// equivalent spellings such as `é` and `e` + U+0301 match). An empty needle matches every row.
public struct FilterQuery: Sendable, Hashable {
    /// The fields a prefix narrows the match to.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case name, type, alias, tag
    }

    /// The field named by the prefix, or nil for every searchable field.
    public var field: Field?
    /// The lower-cased text to find.
    public var needle: String

    /// Parses `text`: `field:rest` when `field` is one of ``Field`` (any case), else all of `text`.
    public init(_ text: String) {
        if let colon = text.firstIndex(of: ":"), let field = Field(rawValue: text[..<colon].lowercased()) {
            self.field = field
            self.needle = text[text.index(after: colon)...].lowercased()
        } else {
            self.field = nil
            self.needle = text.lowercased()
        }
    }

    /// True when every row matches (an empty needle, with or without a prefix).
    public var matchesEverything: Bool { needle.isEmpty }

    /// True when every row this query matches also matches `other`'s (same field, and this
    /// needle contains `other`'s): typing narrows, so the narrower result can start from the wider.
    func narrows(_ other: FilterQuery) -> Bool {
        other.needle.isEmpty || (field == other.field && needle.contains(other.needle))
    }

    /// The lower-cased texts of `entry` this query looks in (in a fixed order; empty when the
    /// row has no such field, e.g. `alias:` on an artifact).
    public func haystacks(of entry: Entry) -> [String] {
        FilterQuery.texts(of: entry, field: field).map { $0.lowercased() }
    }

    /// The texts of `entry` searched for `field` (nil: all searchable fields), not lower-cased.
    static func texts(of entry: Entry, field: Field?) -> [String] {
        switch (entry, field) {
        case (.workspace(let name), nil), (.workspace(let name), .name): [name]
        case (.artifact(let a), nil): [a.name, a.type] + a.tags
        case (.artifact(let a), .name): [a.name]
        case (.artifact(let a), .type): [a.type]
        case (.artifact(let a), .tag): a.tags
        case (.version(let v), nil): [v.version] + v.aliases + v.tags
        case (.version(let v), .name): [v.version]
        case (.version(let v), .alias): v.aliases
        case (.version(let v), .tag): v.tags
        case (.asset(let a), nil), (.asset(let a), .name): [a.logicalPath]
        default: []
        }
    }

    /// True when `entry` matches (see the type's description).
    public func matches(_ entry: Entry) -> Bool {
        if needle.isEmpty { return true }
        return haystacks(of: entry).contains { $0.contains(needle) }
    }
}

/// The filters used this session (kept with Enter), newest first, and the walk through them that
/// `↑` / `↓` make in the filter field, as a shell's history does. Pure.
public struct FilterHistory: Sendable, Hashable {
    /// Kept filters, newest first, without repeats; at most ``limit``.
    public private(set) var entries: [String] = []
    /// The index in ``entries`` shown in the field while walking, nil while editing fresh text.
    public private(set) var position: Int?
    /// What the field held before the first `↑`, given back by `↓` past the newest entry.
    private var draft = ""
    /// How many filters are kept: 50.
    public static let limit = 50

    /// A history holding `entries` (newest first), not walking.
    public init(entries: [String] = []) {
        self.entries = entries
    }

    /// Remembers `text` as the newest filter (an empty one is not kept; a repeat moves to the front)
    /// and ends any walk.
    public mutating func record(_ text: String) {
        position = nil
        draft = ""
        guard !text.isEmpty else { return }
        entries.removeAll { $0 == text }
        entries.insert(text, at: 0)
        if entries.count > Self.limit { entries.removeLast(entries.count - Self.limit) }
    }

    /// `↑`: the next older filter, or nil when there is none (the field keeps its text).
    /// `current` is the field's text, kept as the draft when the walk starts.
    public mutating func older(current: String) -> String? {
        let next = (position ?? -1) + 1
        guard next < entries.count else { return nil }
        if position == nil { draft = current }
        position = next
        return entries[next]
    }

    /// `↓`: the next newer filter, the draft after the newest, or nil when not walking.
    public mutating func newer() -> String? {
        guard let position else { return nil }
        if position == 0 {
            self.position = nil
            return draft
        }
        self.position = position - 1
        return entries[position - 1]
    }

    /// Ends a walk without recording anything (an edit, or the field closing).
    public mutating func stopWalking() {
        position = nil
        draft = ""
    }
}

/// Stepping through a pane's matching rows with `n` / `N`.
public enum FilterMatches {
    /// The row after (`forward`) or before `from` among `count` rows, wrapping at both ends;
    /// from nowhere (`from` nil: the selection is not among the rows) `n` goes to the first row and
    /// `N` to the last. `count` must be at least 1.
    public static func step(from: Int?, count: Int, forward: Bool) -> Int {
        guard let from else { return forward ? 0 : count - 1 }
        return ((from + (forward ? 1 : -1)) % count + count) % count
    }
}
