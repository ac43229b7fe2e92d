import CometAPI

/// Marking assets (`Space`, `v`, `Esc`) for a download of exactly those: the reducer's side of
/// ``AssetMarks``. Pure.
extension BrowserState {
    /// The logical paths marked in `pane` now (kept marks plus an open `v` range); empty outside
    /// an assets pane or without marks.
    public func markedPaths(in pane: Pane) -> Set<String> {
        guard pane.key.level == .assets, let marks = assetMarks[pane.key] else { return [] }
        if marks.anchor == nil { return marks.paths }
        return marks.effective(rows: visibleEntries(of: pane), cursor: cursor(of: pane)) { assetPaths(of: $0, in: pane) }
    }

    /// What the footer shows for `pane`'s marks (`3 marked · 1.2 MiB`), nil without marks.
    /// O(marks) through the listing's index, and O(1) again for the same marks (every frame asks).
    public func markSummary(in pane: Pane) -> AssetMarks.Summary? {
        let marked = markedPaths(in: pane)
        guard !marked.isEmpty, let entries = listings[pane.key]?.entries else { return nil }
        return (listings[pane.key]?.index ?? RowIndex(entries)).markSummary(marked)
    }

    /// The logical paths `entry` stands for in `pane` (``AssetMarks/paths(of:assets:filter:)``): a
    /// folder row of the tree view answers from the listing's folder index, O(files below it)
    /// instead of a scan of every asset.
    func assetPaths(of entry: Entry, in pane: Pane) -> [String] {
        if case .folder(let f) = entry, let entries = listings[pane.key]?.entries {
            let index = listings[pane.key]?.index ?? RowIndex(entries)
            return index.folders().assetPaths(below: f.node, filter: pane.filter, entries: entries, rows: index)
        }
        return AssetMarks.paths(of: entry, assets: [], filter: pane.filter)
    }

    /// How `entry`'s gutter shows `marked` in `pane` (``AssetMarks/rowMark(_:marked:assets:filter:)``):
    /// a folder row from counts per folder kept for the last marks, so a frame costs O(rows on screen).
    public func rowMark(_ entry: Entry, in pane: Pane, marked: Set<String>) -> AssetMarks.RowMark {
        guard !marked.isEmpty else { return .none }
        switch entry {
        case .asset(let a):
            return marked.contains(a.logicalPath) ? .all : .none
        case .folder(let f):
            guard let entries = listings[pane.key]?.entries else { return .none }
            let index = listings[pane.key]?.index ?? RowIndex(entries)
            return index.folders().rowMark(node: f.node, marked: marked, filter: pane.filter, entries: entries, rows: index)
        default:
            return .none
        }
    }

    /// `Space`: marks the selected asset (or every asset of the selected folder that the filter
    /// keeps), or unmarks it when already marked, then moves down a row as file managers do.
    mutating func toggleMark() -> [Effect] {
        guard let entry = selectedEntry(of: current) else { return [] }
        let paths = assetPaths(of: entry, in: current)
        guard !paths.isEmpty else {
            message = StatusMessage("\(entry.name) holds no asset\(current.filter.isEmpty ? "" : " that the filter keeps")")
            return []
        }
        var marks = assetMarks[current.key] ?? AssetMarks()
        marks.toggle(paths)
        setMarks(marks)
        return move(by: 1)
    }

    /// `v`: opens a range at the selected row; pressed again, keeps every row between it and the
    /// cursor marked (a folder row marks its assets).
    mutating func markRange() -> [Effect] {
        guard let entry = selectedEntry(of: current) else { return [] }
        var marks = assetMarks[current.key] ?? AssetMarks()
        if marks.anchor == nil {
            marks.anchor = entry.id
            assetMarks[current.key] = marks
            message = StatusMessage("Range from \(entry.name): move, then v keeps it (Esc drops it)")
            return []
        }
        keepRange()
        return []
    }

    /// Keeps the open range's rows as marks and closes it (`v`, or `d` before downloading).
    mutating func keepRange() {
        guard let marks = assetMarks[current.key], marks.anchor != nil else { return }
        setMarks(AssetMarks(paths: markedPaths(in: current)))
    }

    /// `Esc` with marks: drops an open range, else every mark of this pane's version. False when
    /// there was nothing to drop (then `Esc` clears the filter).
    mutating func clearMarks() -> Bool {
        guard var marks = assetMarks[current.key], !marks.isEmpty else { return false }
        if marks.anchor != nil {
            marks.anchor = nil
            setMarks(marks)
            if marks.paths.isEmpty { message = StatusMessage("Range dropped") }
            return true
        }
        assetMarks[current.key] = nil
        message = StatusMessage("Marks cleared")
        return true
    }

    /// Stores `marks` for the current pane (none when empty) and says what is marked.
    private mutating func setMarks(_ marks: AssetMarks) {
        assetMarks[current.key] = marks.isEmpty ? nil : marks
        if let summary = markSummary(in: current) {
            message = StatusMessage(summary.text + " (d downloads them, Esc clears)")
        } else if marks.anchor == nil {
            message = StatusMessage("No asset marked")
        }
    }
}
