import CometAPI

/// Marking assets (`Space`, `v`, `Esc`) for a download of exactly those: the reducer's side of
/// ``AssetMarks``. Pure.
extension BrowserState {
    /// The logical paths marked in `pane` now (kept marks plus an open `v` range); empty outside
    /// an assets pane or without marks.
    public func markedPaths(in pane: Pane) -> Set<String> {
        guard pane.key.level == .assets, let marks = assetMarks[pane.key], let assets = listings[pane.key]?.entries else { return [] }
        return marks.effective(rows: visibleEntries(of: pane), cursor: cursor(of: pane), assets: assets, filter: pane.filter)
    }

    /// What the footer shows for `pane`'s marks (`3 marked · 1.2 MiB`), nil without marks.
    public func markSummary(in pane: Pane) -> AssetMarks.Summary? {
        let marked = markedPaths(in: pane)
        guard !marked.isEmpty, let assets = listings[pane.key]?.entries else { return nil }
        return AssetMarks.summary(marked, assets: assets)
    }

    /// `Space`: marks the selected asset (or every asset of the selected folder that the filter
    /// keeps), or unmarks it when already marked, then moves down a row as file managers do.
    mutating func toggleMark() -> [Effect] {
        guard let entry = selectedEntry(of: current), let assets = listings[current.key]?.entries else { return [] }
        let paths = AssetMarks.paths(of: entry, assets: assets, filter: current.filter)
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
