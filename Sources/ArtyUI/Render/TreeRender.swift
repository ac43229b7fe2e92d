/// The assets pane's tree view (`T`): its title with the folder's path, the size bar, and the
/// details of a selected folder.
extension Render {
    /// Cells of the size bar.
    static let barWidth = 10

    /// An ncdu-style bar of `size` against `maximum`, exactly `width` cells: full blocks, then an
    /// eighth block for the rest (`█████▌    ` is 55%); any non-zero size shows at least `▏`.
    static func bar(_ size: Int64, of maximum: Int64, width: Int) -> String {
        guard maximum > 0, size > 0, width > 0 else { return String(repeating: " ", count: max(0, width)) }
        let eighths = min(width * 8, max(1, Int((Double(size) / Double(maximum) * Double(width * 8)).rounded())))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        let text = String(repeating: "█", count: eighths / 8) + partial
        return text + String(repeating: " ", count: width - eighths / 8 - (partial.isEmpty ? 0 : 1))
    }

    /// `Assets /data/images/ (12) · name ↑ · /filter`: the folder's path is cut in its middle when
    /// the column is narrow, so its last folder stays.
    func treeTitle(_ frame: inout Frame, _ pane: Pane, folder: String, rows: VisibleRows?, _ col: Layout.Column, role: Role) {
        var tail = ""
        if let rows {
            if pane.filter.isEmpty {
                tail += " (\(rows.count))"
            } else {
                var all = pane
                all.filter = ""
                tail += " (\(rows.count)/\(state.visibleEntries(of: all)?.count ?? 0))"
            }
        }
        if role == .current {
            tail += " · " + pane.sort.label
            if !pane.filter.isEmpty { tail += " · /" + pane.filter }
        }
        let head = "Assets "
        let path = Sanitizer.clean("/" + folder + (folder.isEmpty ? "" : "/"))
        let room = col.width - 1 - DisplayWidth.of(head) - DisplayWidth.of(tail)
        // Narrow (a parent column): the path alone, its middle cut, before the word "Assets".
        let pathRoom = col.width - 1 - DisplayWidth.of(tail)
        let title = room >= 4 ? head + TextFit.middle(path, to: room) + tail
            : pathRoom >= 4 ? TextFit.middle(path, to: pathRoom) + tail : head + path + tail
        frame.put(TextFit.truncate(title, to: col.width - 1), x: col.x + 1, y: 1,
                  style: role == .current ? Style(color: .accent, bold: true, underline: true) : .dim)
    }

    /// The preview column for a selected folder: its path (wrapped), size, counts, then its rows.
    func folderPreview(_ frame: inout Frame, _ folder: FolderRow, _ col: Layout.Column) {
        let current = state.current
        frame.put("Folder", x: col.x + 1, y: 1, style: .dim, limit: col.width - 1)
        let tree = state.listings[current.key]?.index?.folders().tree
        let subfolders = tree.map { $0.nodes.indices.contains(folder.node) ? $0.nodes[folder.node].folders.count : 0 } ?? 0
        var lines = [
            Details.Line(label: "Path", value: folder.path + "/", style: .bold, isPath: true),
            Details.Line(label: "Size", value: Formatting.sizeWithBytes(folder.totals.size)),
            Details.Line(label: "Files", value: folder.totals.summary),
            Details.Line(label: "Folders", value: "\(subfolders)"),
        ]
        if !current.filter.isEmpty { lines.append(Details.Line(label: "Filter", value: "/" + current.filter + " (matching files only)")) }
        let height = size.height - 4
        let used = detailLines(&frame, lines, col, top: 2, height: height)
        guard used + 2 < height else { return }
        let y = 2 + used + 1
        let pane = Pane(key: current.key, filter: current.filter, sort: current.sort, folder: folder.path)
        let rows = state.visibleEntries(of: pane)
        var title = "Contents"
        if let n = rows?.count { title += " (\(n))" }
        frame.put(title, x: col.x + 1, y: y, style: .dim, limit: col.width - 1)
        list(&frame, pane, listing: state.listings[current.key], rows: rows, area: col, top: y + 1,
             height: height - used - 2, role: .preview)
    }
}
