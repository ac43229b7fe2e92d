import CometAPI

/// Draws the whole screen for `state` at `size`. Pure: the same state and size always give the
/// same frame, so every screen is testable as text (``Frame/text``).
public func render(_ state: BrowserState, size: Size) -> Frame {
    var frame = Frame(size: size)
    if size.width < Size.minimum.width || size.height < Size.minimum.height {
        Render.tooSmall(&frame)
        return frame
    }
    var r = Render(state: state, size: size)
    r.draw(&frame)
    return frame
}

/// The pieces of ``render(_:size:)``.
struct Render {
    let state: BrowserState
    let size: Size
    let layout: Layout

    init(state: BrowserState, size: Size) {
        self.state = state
        self.size = size
        layout = Layout(width: size.width)
    }

    var listTop: Int { 3 }
    var listHeight: Int { size.height - Layout.chromeRows }

    // MARK: Screen parts

    static func tooSmall(_ frame: inout Frame) {
        let w = frame.size.width, h = frame.size.height
        let have = "\(w)×\(h)", need = "\(Size.minimum.width)×\(Size.minimum.height)"
        var lines = TextFit.wrap("terminal too small (have \(have), need \(need))", to: max(1, w - 2))
        lines.append("q quits")
        let top = max(0, (h - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (w - DisplayWidth.of(line)) / 2)
            frame.put(line, x: x, y: top + i, style: i == lines.count - 1 ? .dim : .bold)
        }
    }

    mutating func draw(_ frame: inout Frame) {
        header(&frame)
        let current = state.current
        if let open = state.preview {
            assetPreview(&frame, open)
        } else {
            if let col = layout.parent, state.panes.count > 1 {
                pane(&frame, state.panes[state.panes.count - 2], col, role: .parent)
            }
            pane(&frame, current, layout.current, role: .current)
            if let col = layout.preview { preview(&frame, col) }
            for x in layout.separators {
                for y in 1..<(size.height - 2) { frame.put("│", x: x, y: y, style: .dim) }
            }
        }
        statusLine(&frame)
        hintLine(&frame)
        completionList(&frame)
        if case .help(let offset) = state.overlay { helpOverlay(&frame, offset: offset) }
        if case .dialog(let dialog) = state.overlay { dialogOverlay(&frame, dialog) }
        actionOverlay(&frame)
    }

    /// The header: ` arty  server … │ user … │ workspace … │ artifact … │ version …` (labels plain,
    /// values bold), then the filter at the right. When that does not fit, the server and user lose
    /// their labels, then go, so the path stays; what is left is cut at the end.
    func header(_ frame: inout Frame) {
        frame.fill(x: 0, y: 0, count: size.width, style: Style(reverse: true))
        var x = frame.put(" arty ", x: 0, y: 0, style: Style(color: .accent, bold: true, reverse: true))
        var filterText = ""
        if !state.current.filter.isEmpty || state.filterEditing {
            let shown = state.filterEditing ? state.filterField.rendered(width: max(4, size.width / 2)) : state.current.filter
            filterText = " filter: /" + shown + " "
        }
        let room = size.width - DisplayWidth.of(filterText)
        let cells = Render.headerCells(state, room: room - x)
        for (i, cell) in cells.enumerated() where x < room {
            let lead = (i == 0 ? " " : " │ ") + (cell.label.map { $0 + " " } ?? "")
            x += frame.put(TextFit.truncate(lead, to: max(0, room - x)), x: x, y: 0, style: Style(reverse: true))
            x += frame.put(TextFit.truncate(cell.value, to: max(0, room - x)), x: x, y: 0, style: Style(bold: true, reverse: true))
        }
        if !filterText.isEmpty {
            frame.put(filterText, x: max(x, size.width - DisplayWidth.of(filterText)), y: 0,
                      style: Style(color: .yellow, bold: true, reverse: true))
        }
    }

    /// The header's labelled cells after ` arty `: server, user, `read-only`, then `workspaces` or
    /// the path (`workspace`, `artifact`, `version`), in the first form that fits `room` cells
    /// (labelled; server and user unlabelled; the path alone).
    static func headerCells(_ state: BrowserState, room: Int) -> [(label: String?, value: String)] {
        let path = state.current.key.path
        var place: [(label: String?, value: String)] = path.isEmpty ? [(nil, "workspaces")]
            : zip(["workspace", "artifact", "version"], path).map { ($0, $1) }
        if let folder = state.current.folder, !folder.isEmpty { place.append(("folder", folder)) }
        if state.context.readOnly { place.insert((nil, "read-only"), at: 0) }
        let server = state.context.serverLabel, user = state.userName ?? "…"
        let forms: [[(label: String?, value: String)]] = [
            [("server", server), ("user", user)] + place,
            [(nil, server), (nil, user)] + place,
            place,
        ]
        func width(_ cells: [(label: String?, value: String)]) -> Int {
            cells.enumerated().reduce(0) { sum, c in
                sum + (c.offset == 0 ? 1 : 3) + (c.element.label.map { DisplayWidth.of($0) + 1 } ?? 0)
                    + DisplayWidth.of(Sanitizer.clean(c.element.value))
            }
        }
        return forms.first { width($0) <= room } ?? place
    }

    func statusLine(_ frame: inout Frame) {
        let y = size.height - 2
        var right = ""
        if !state.jobs.isEmpty {
            right = jobsSummary()
        } else if state.listings.values.contains(where: { $0.pendingRequest != nil }) {
            right = Render.spinner(state.tickCount) + " loading"
        }
        let rightWidth = min(DisplayWidth.of(right), size.width / 2)
        if !right.isEmpty {
            frame.put(TextFit.truncate(right, to: rightWidth), x: size.width - rightWidth, y: y, style: .dim)
        }
        let leftRoom = size.width - rightWidth - (right.isEmpty ? 0 : 1)
        if let line = state.commandLine {
            commandLineStatus(&frame, line, y: y, room: leftRoom)
        } else if state.filterEditing {
            // The field scrolls to keep its cursor in view; the hint after it goes first when narrow.
            let hint = "  Enter keeps · Esc clears"
            let fieldRoom = leftRoom - 1 - DisplayWidth.of(hint) >= 12 ? leftRoom - 1 - DisplayWidth.of(hint) : leftRoom - 1
            let text = "/" + state.filterField.rendered(width: max(2, fieldRoom)) + hint
            frame.put(TextFit.truncate(text, to: leftRoom), x: 0, y: y, style: Style(color: .yellow, bold: true))
        } else if let message = state.message {
            let prefix = message.kind == .error ? "✗ error: " : ""
            // A message in segments (a failed job) cuts its least important part first: the reason, not the file.
            let text = message.segments.map { segments in
                prefix + TextFit.fit(segments.map { TextSegment(Sanitizer.clean($0.text), priority: $0.priority) },
                                     to: leftRoom - DisplayWidth.of(prefix))
            } ?? TextFit.truncate(Sanitizer.clean(prefix + message.text), to: leftRoom)
            frame.put(text, x: 0, y: y, style: message.kind == .error ? .error : .plain)
        }
    }

    func hintLine(_ frame: inout Frame) {
        let y = size.height - 1
        if state.preview != nil, !state.filterEditing {
            frame.put(TextFit.truncate(Keymap.previewHints, to: size.width), x: 0, y: y, style: .dim)
            return
        }
        if state.commandLine != nil {
            commandLineHints(&frame, y: y)
            return
        }
        var hints: [(String, String)] = state.filterEditing
            ? Keymap.filtering.map { ($0.keys, $0.help.split(separator: " ").first.map(String.init)?.lowercased() ?? "") }
            : Keymap.hints(in: state).map { ($0.key, $0.label) }
        if !state.filterEditing, hints.reduce(0, { $0 + DisplayWidth.of($1.0) + DisplayWidth.of($1.1) + 3 }) > size.width {
            // Too many for one line: the keys of this pane and selection (d, p, T, Space…) first,
            // then `?` (which lists the rest), then the ones that act everywhere.
            // (`y` acts on any selected row of any pane: not one of this pane's keys.)
            let scoped = Keymap.bindings(in: state).filter { $0.hint != nil && $0.scope != .anywhere && $0.command != .copy }
                .map { $0.keys[0].description }
            let first = scoped + ["?"]
            hints = first.compactMap { key in hints.first { $0.0 == key } } + hints.filter { !first.contains($0.0) }
        }
        if !state.filterEditing, !state.jobs.isEmpty || state.finishedJobs.contains(where: { $0.status == .failed }) {
            // While jobs run, or a failed one waits to be read, the key that shows them comes first: it must not be cut off.
            hints = hints.filter { $0.0 == "J" } + hints.filter { $0.0 != "J" }
        }
        var x = 0
        if !state.filterEditing, let summary = state.markSummary(in: state.current) {
            // What `d` would download now comes first: `3 marked · 1.2 MiB`.
            x += frame.put(TextFit.truncate(summary.text, to: size.width) + "  ", x: x, y: y,
                           style: Style(color: .yellow, bold: true), limit: size.width)
        }
        for (key, label) in hints {
            let width = DisplayWidth.of(key) + 1 + DisplayWidth.of(label)
            if x + width > size.width { break }
            x += frame.put(key, x: x, y: y, style: Style(color: .accent, bold: true))
            x += frame.put(" " + label + "  ", x: x, y: y, style: .dim)
        }
    }

    static func spinner(_ tick: Int) -> String {
        let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
        return frames[((tick % frames.count) + frames.count) % frames.count]
    }

    // MARK: Panes

    enum Role { case parent, current, preview }

    static func title(_ level: Level) -> String {
        switch level {
        case .workspaces: "Workspaces"
        case .artifacts: "Artifacts"
        case .versions: "Versions"
        case .assets: "Assets"
        }
    }

    static func emptyText(_ level: Level) -> String {
        switch level {
        case .workspaces: "No workspaces visible to this account."
        case .artifacts: "No artifacts in this workspace yet."
        case .versions: "No versions of this artifact yet."
        case .assets: "No assets in this version."
        }
    }

    /// "artifacts of mnist-team" and similar, for loading/empty/error text.
    static func loadFailureSubject(_ key: ListingKey) -> String {
        switch key {
        case .workspaces: "workspaces"
        case .artifacts(let ws): "artifacts of \(ws)"
        case .versions(let ws, let a): "versions of \(ws)/\(a)"
        case .assets(let ws, let a, let v, _): "assets of \(ws)/\(a):\(v)"
        }
    }

    func pane(_ frame: inout Frame, _ pane: Pane, _ col: Layout.Column, role: Role) {
        let listing = state.listings[pane.key]
        let rows = state.visibleEntries(of: pane)
        if let folder = pane.folder, pane.key.level == .assets {
            treeTitle(&frame, pane, folder: folder, rows: rows, col, role: role)
            list(&frame, pane, listing: listing, rows: rows, area: col, top: 2, height: size.height - 4, role: role)
            return
        }
        // Title row.
        var title = Render.title(pane.key.level)
        if let all = listing?.entries {
            title += pane.filter.isEmpty ? " (\(all.count))" : " (\(rows?.count ?? 0)/\(all.count))"
        }
        if role == .current {
            if pane.sort != .defaultOrder(for: pane.key.level) || SortField.fields(for: pane.key.level).count > 1 {
                title += " · " + pane.sort.label
            }
            if !pane.filter.isEmpty { title += " · /" + pane.filter }
        }
        frame.put(TextFit.truncate(title, to: col.width - 1), x: col.x + 1, y: 1,
                  style: role == .current ? Style(color: .accent, bold: true, underline: true) : .dim)
        list(&frame, pane, listing: listing, rows: rows, area: col, top: 2, height: size.height - 4, role: role)
    }

    /// A pane's table (headings + rows), or its loading / error / empty state.
    func list(_ frame: inout Frame, _ pane: Pane, listing: Listing?, rows: VisibleRows?, area col: Layout.Column,
              top: Int, height: Int, role: Role) {
        guard height > 0 else { return }
        let what = Render.loadFailureSubject(pane.key)
        guard let rows else {
            if let error = listing?.error {
                message(&frame, ["✗ Could not load \(what):", error, "Press r to retry."], col, top, height, style: .error)
            } else {
                message(&frame, ["\(Render.spinner(state.tickCount)) Loading \(what)…"], col, top, height, style: .dim)
            }
            return
        }
        if rows.isEmpty {
            var text = pane.filter.isEmpty ? Render.emptyText(pane.key.level)
                : "No \(pane.key.level.noun) match “\(pane.filter)”. Esc clears the filter."
            if let folder = pane.folder, listing?.entries?.isEmpty == false {
                text = pane.filter.isEmpty ? "This folder is empty." : "No file here matches “\(pane.filter)”. Esc clears the filter."
                if listing?.index?.folders().tree.node(at: folder) == nil { text = "This folder is gone (h goes back)." }
            }
            message(&frame, [text], col, top, height, style: .dim)
            return
        }
        // While versions (or assets) of this pane are marked, the gutter is two cells, so a marked
        // row under the cursor shows both: `›*` (without marks the columns keep their room); a
        // folder with only some of its assets marked shows `+`.
        let markedAssets = state.markedPaths(in: pane)
        let gutter = hasMarks(pane) || !markedAssets.isEmpty ? 2 : 1
        let all = pane.folder != nil ? Table.treeColumns(full: role == .current, maxSize: rows.folderMaxSize ?? 0)
            : Table.columns(pane.key.level, full: role == .current, now: state.nowMillis, remote: { state.remoteFactsOf($0) },
                            assetCount: { v in state.assetCounts[v.artifactVersionId] },
                            artifactDate: { a in pane.key.path.first.flatMap { state.artifactDates[BrowserState.artifactKey($0, a.name)] } })
        // A tree view measures its first 100 rows (a size is formatted to be measured: 500 cost milliseconds).
        let columns = Table.fit(all, rows: rows, width: col.width - 1 - gutter, sample: pane.folder != nil ? 100 : 500)
        // Headings.
        var x = col.x + gutter
        for c in columns {
            frame.put(TextFit.pad(c.column.title, to: c.width, align: c.column.align), x: x, y: top, style: .bold, limit: c.width)
            x += c.width + Table.gap
        }
        let listRows = height - 1
        guard listRows > 0 else { return }
        let cursor = BrowserState.index(of: pane.selectedID, in: rows)
        let first = Layout.firstVisible(cursor: cursor, count: rows.count, listRows: listRows)
        for (i, entry) in rows[first..<min(rows.count, first + listRows)].enumerated() {
            let y = top + 1 + i
            let selected = first + i == cursor
            let rowStyle: Style = switch (role, selected) {
            case (.current, true): .selected
            case (.parent, true): Style(bold: true, underline: true)
            default: .plain
            }
            if selected && role == .current { frame.fill(x: col.x, y: y, count: col.width, style: rowStyle) }
            let cursorMark = selected && role != .preview ? "›" : " "
            let mark = gutter == 2 ? cursorMark + markGlyph(entry, in: pane, markedAssets: markedAssets) : cursorMark
            frame.put(mark, x: col.x, y: y, style: rowStyle)
            var x = col.x + gutter
            for c in columns {
                var style = rowStyle
                if let color = c.column.color?(entry), !(selected && role == .current) { style.color = color }
                let value = c.column.fit.map { $0(entry, c.width) } ?? Sanitizer.clean(c.column.value(entry))
                let text = TextFit.pad(value, to: c.width, align: c.column.align)
                frame.put(text, x: x, y: y, style: style, limit: c.width)
                x += c.width + Table.gap
            }
        }
    }

    /// True when `pane` lists versions and some of them are marked with `m`.
    func hasMarks(_ pane: Pane) -> Bool {
        guard case .versions(let ws, let a) = pane.key else { return false }
        return state.marks.contains { $0.workspace == ws && $0.artifact == a }
    }

    /// The gutter's second cell: `*` for a marked version or asset (a folder: all its assets),
    /// `+` for a folder with some of its assets marked, else a space.
    func markGlyph(_ entry: Entry, in pane: Pane, markedAssets: Set<String>) -> String {
        if isMarked(entry, in: pane) { return "*" }
        switch state.rowMark(entry, in: pane, marked: markedAssets) {
        case .all: return "*"
        case .partly: return "+"
        case .none: return " "
        }
    }

    /// True for a version marked with `m` (drawn with `*` beside the cursor column).
    func isMarked(_ entry: Entry, in pane: Pane) -> Bool {
        guard case .version(let v) = entry, case .versions(let ws, let a) = pane.key else { return false }
        return state.marks.contains { $0.workspace == ws && $0.artifact == a && $0.version == v.version }
    }

    func message(_ frame: inout Frame, _ lines: [String], _ col: Layout.Column, _ top: Int, _ height: Int, style: Style) {
        var y = top
        for (i, line) in lines.enumerated() {
            for part in TextFit.wrap(Sanitizer.clean(line), to: max(1, col.width - 2)) {
                guard y < top + height else { return }
                frame.put(part, x: col.x + 1, y: y, style: i == 0 ? style : .plain, limit: col.width - 1)
                y += 1
            }
        }
    }

    // MARK: Preview

    func preview(_ frame: inout Frame, _ col: Layout.Column) {
        let current = state.current
        guard let entry = state.selectedEntry(of: current) else {
            frame.put("Preview", x: col.x + 1, y: 1, style: .dim, limit: col.width - 1)
            return
        }
        switch entry {
        case .workspace, .artifact:
            guard let key = state.childKey(of: entry, in: current) else { return }
            pane(&frame, Pane(key: key), col, role: .preview)
        case .version(let v):
            frame.put(TextFit.truncate("Version \(v.version)", to: col.width - 1), x: col.x + 1, y: 1, style: .dim)
            let lines = Details.version(v, artifact: state.listings[current.key]?.artifact, now: state.nowMillis,
                                        lineage: state.context.readsLineage ? state.lineage[v.artifactVersionId] : nil,
                                        readsLineage: state.context.readsLineage)
            let height = size.height - 4
            let used = detailLines(&frame, lines, col, top: 2, height: height)
            if let key = state.childKey(of: entry, in: current), used + 2 < height {
                let y = 2 + used + 1
                let listing = state.listings[key]
                var title = "Assets"
                if let n = listing?.entries?.count { title += " (\(n))" }
                frame.put(title, x: col.x + 1, y: y, style: .dim, limit: col.width - 1)
                let pane = state.newPane(key)
                list(&frame, pane, listing: listing, rows: state.visibleEntries(of: pane),
                     area: col, top: y + 1, height: height - used - 2, role: .preview)
            }
        case .folder(let f):
            folderPreview(&frame, f, col)
        case .asset(let a):
            frame.put("Asset", x: col.x + 1, y: 1, style: .dim, limit: col.width - 1)
            detailLines(&frame, Details.asset(a, path: current.key.path, remote: state.remoteFactsOf(a)), col, top: 2,
                        height: size.height - 4)
        }
    }

    @discardableResult
    func detailLines(_ frame: inout Frame, _ lines: [Details.Line], _ col: Layout.Column, top: Int, height: Int) -> Int {
        var y = top
        for line in lines {
            guard y < top + height else { break }
            let room = col.width - 1
            if let label = line.label {
                let labelWidth = min(12, room / 2)
                frame.put(TextFit.pad(TextFit.truncate(label, to: labelWidth - 1), to: labelWidth), x: col.x + 1, y: y, style: .dim)
                // Values wrap (paths and links are what people came to read); at most 3 lines each,
                // except paths, which wrap after a `/` and are never cut.
                let parts = line.isPath ? TextFit.wrapPath(Sanitizer.clean(line.value), to: max(1, room - labelWidth))
                    : TextFit.wrap(Sanitizer.clean(line.value), to: max(1, room - labelWidth))
                let limit = line.isPath ? parts.count : 3
                for (i, part) in parts.prefix(limit).enumerated() {
                    guard y < top + height else { break }
                    let text = i == 2 && parts.count > limit ? TextFit.truncate(part + "…", to: room - labelWidth) : part
                    frame.put(text, x: col.x + 1 + labelWidth, y: y, style: line.style, limit: room - labelWidth)
                    if i < min(parts.count, limit) - 1 { y += 1 }
                }
            } else {
                frame.put(TextFit.truncate(Sanitizer.clean(line.value), to: room), x: col.x + 1, y: y, style: line.style)
            }
            y += 1
        }
        return y - top
    }

    // MARK: Overlays

    func helpOverlay(_ frame: inout Frame, offset: Int) {
        // Only the keys that act on this pane and selection (the same table and predicate as the footer).
        var lines: [(String, String)] = Keymap.bindings(in: state).map { b in (b.keys.map(\.description).joined(separator: " "), b.help) }
        let filtering = "While filtering: " + Keymap.filtering.map { "\($0.keys) \($0.help.lowercased())" }.joined(separator: " · ")
        lines += TextFit.wrap(filtering, to: min(size.width - 2, 64) - 4).map { ($0, "") }
        let fields = "Text fields (/, a t, e): "
            + Keymap.textField.map { "\($0.keys) \($0.help.lowercased())" }.joined(separator: " · ")
        lines += TextFit.wrap(fields, to: min(size.width - 2, 64) - 4).map { ($0, "") }
        let dialogs = "In dialogs: " + Keymap.dialogs.map { "\($0.keys) \($0.help.lowercased())" }.joined(separator: " · ")
        lines += TextFit.wrap(dialogs, to: min(size.width - 2, 64) - 4).map { ($0, "") }
        let jobs = "In the jobs view (J): " + Keymap.jobs.map { b in "\(b.keys.map { $0.description }.joined(separator: " ")) \(b.help.lowercased())" }
            .joined(separator: " · ")
        lines += TextFit.wrap(jobs, to: min(size.width - 2, 64) - 4).map { ($0, "") }
        let previewKeys = "In the preview (p): " + Keymap.preview.map { b in "\(b.keys.map { $0.description }.joined(separator: " ")) \(b.help.lowercased())" }
            .joined(separator: " · ")
        lines += TextFit.wrap(previewKeys, to: min(size.width - 2, 64) - 4).map { ($0, "") }
        lines += Render.commandLineHelp(state, width: min(size.width - 2, 64) - 4).map { ($0, "") }
        let readOnly = "Only the keys that act on this pane and selection are listed; with --read-only, a t b never are (d still works: downloading changes nothing on the server)."
        lines += TextFit.wrap(readOnly, to: min(size.width - 2, 64) - 4).map { ($0, "") }
        let labels = "Aliases and tags (a t): " + LabelGrammar.summary
            + " Only your change is written (labels you added or removed): what others changed meanwhile is kept and shown in the review."
        lines += TextFit.wrap(labels, to: min(size.width - 2, 64) - 4).map { ($0, "") }
        let keyWidth = min(18, lines.filter { !$0.1.isEmpty }.map { DisplayWidth.of($0.0) }.max() ?? 0)
        let width = min(size.width - 2, 64)
        let height = min(size.height - 2, lines.count + 3)
        let room = height - 3  // borders and the closing line
        box(&frame, title: "Help: key bindings", width: width, height: height) { frame, x, y in
            let start = max(0, min(offset, lines.count - room))
            var shown = Array(lines.dropFirst(start).prefix(room))
            if start + room < lines.count, !shown.isEmpty {
                shown[shown.count - 1] = ("↓ more", "j/k scroll")
            }
            for (i, (keys, help)) in shown.enumerated() {
                let yy = y + i
                if help.isEmpty {
                    frame.put(keys, x: x, y: yy, style: .bold, limit: width - 4)
                    continue
                }
                frame.put(TextFit.pad(keys, to: keyWidth), x: x, y: yy, style: Style(color: .accent, bold: true))
                frame.put(TextFit.truncate(help, to: width - 6 - keyWidth), x: x + keyWidth + 2, y: yy)
            }
            frame.put(TextFit.truncate(start > 0 ? "↑ \(start) more above · any key closes" : "Press any key to close", to: width - 4), x: x, y: y + shown.count, style: .dim)
        }
    }

    func dialogOverlay(_ frame: inout Frame, _ dialog: Dialog) {
        let width = min(size.width - 2, 60)
        var lines = dialog.lines
        if let input = dialog.input { lines.append("> " + input + "▏") }
        box(&frame, title: dialog.title, width: width, height: min(size.height - 2, lines.count + 3)) { frame, x, y in
            for (i, line) in lines.enumerated() {
                frame.put(TextFit.truncate(Sanitizer.clean(line), to: width - 4), x: x, y: y + i)
            }
        }
    }

    /// A bordered box centred on the screen; `content` draws inside from (x, y).
    func box(_ frame: inout Frame, title: String, width: Int, height: Int, content: (inout Frame, Int, Int) -> Void) {
        let x0 = (size.width - width) / 2, y0 = (size.height - height) / 2
        for y in y0..<(y0 + height) { frame.fill(x: x0, y: y, count: width) }
        frame.put("┌" + String(repeating: "─", count: width - 2) + "┐", x: x0, y: y0, style: .bold)
        frame.put("└" + String(repeating: "─", count: width - 2) + "┘", x: x0, y: y0 + height - 1, style: .bold)
        for y in (y0 + 1)..<(y0 + height - 1) {
            frame.put("│", x: x0, y: y, style: .bold)
            frame.put("│", x: x0 + width - 1, y: y, style: .bold)
        }
        frame.put(" " + TextFit.truncate(title, to: width - 6) + " ", x: x0 + 2, y: y0, style: .title)
        content(&frame, x0 + 2, y0 + 1)
    }
}

/// Table columns of each pane, and fitting them to a width.
enum Table {
    static let gap = 2

    struct Column {
        var title: String
        var align: TextFit.Alignment = .left
        /// Widest the column gets (content is measured up to this).
        var maxWidth: Int
        /// Columns with lower priority are dropped first when the pane is narrow.
        var priority: Int
        /// The one column that takes the remaining width (never dropped).
        var flex = false
        /// The row's name (NAME, VERSION, LOGICAL PATH): a flex column that is not the name gets no
        /// more than its content needs, and the name column gets the rest, as far as its content needs.
        var isName = false
        /// Always `maxWidth` wide, not measured (formatting 500 sizes to measure them costs
        /// milliseconds a frame).
        var fixed = false
        var value: (Entry) -> String
        var color: ((Entry) -> Color?)? = nil
        /// The cell's text at a width, when the column fits its text itself (paths cut in the
        /// middle); otherwise the value is cut at its end. Must return sanitised text.
        var fit: ((Entry, Int) -> String)? = nil
    }

    struct Fitted {
        var column: Column
        var width: Int
    }

    /// Labels for a table cell: comma-separated, a label holding a comma or quote quoted (``LabelGrammar``).
    static func join(_ list: [String]) -> String { list.isEmpty ? "-" : list.map(LabelGrammar.quotedIfNeeded).joined(separator: ",") }

    /// - Parameter remote: what is known about a remote asset's link (its SIZE cell shows the
    ///   store's size, `↗ 1.2 GiB s3`, or what the store said).
    ///   - assetCount: what is known of a version's asset count (the ASSETS column: `…` while read,
    ///     `-` unknown or not asked).
    ///   - artifactDate: what is known of an artifact's last-updated date (UPDATED: `…` while read).
    static func columns(_ level: Level, full: Bool, now: Int64,
                        remote: @escaping (Asset) -> RemoteFactsState? = { _ in nil },
                        assetCount: @escaping (ArtifactVersion) -> ColumnFact<Int>? = { _ in nil },
                        artifactDate: @escaping (Artifact) -> ColumnFact<Int64>? = { _ in nil }) -> [Column] {
        switch level {
        case .workspaces:
            return [Column(title: "NAME", maxWidth: 40, priority: 9, flex: true, value: \.name)]
        case .artifacts:
            var cols = [Column(title: "NAME", maxWidth: 40, priority: 9, flex: true, value: \.name)]
            if full {
                cols.append(Column(title: "TYPE", maxWidth: 12, priority: 4) { e in
                    if case .artifact(let a) = e { return a.type }; return ""
                })
            }
            cols.append(Column(title: "LATEST", maxWidth: 12, priority: 6) { e in
                if case .artifact(let a) = e { return a.latestVersion ?? "-" }; return ""
            })
            if full {
                cols.append(Column(title: "TAGS", maxWidth: 18, priority: 2) { e in
                    if case .artifact(let a) = e { return join(a.tags) }; return ""
                })
                cols.append(Column(title: "SIZE", align: .right, maxWidth: 10, priority: 5) { e in
                    if case .artifact(let a) = e { return Formatting.size(a.sizeInBytes) }; return ""
                })
                // No artifact listing carries a date (§6): the newest version's, read lazily for rows on screen.
                cols.append(Column(title: "UPDATED", maxWidth: 10, priority: 3) { e in
                    guard case .artifact(let a) = e else { return "" }
                    if let ms = a.lastUpdatedMillis { return Formatting.added(ms, now: now) }
                    return artifactDate(a) == .asked ? "…" : "-"
                })
            }
            return cols
        case .versions:
            func v(_ e: Entry) -> ArtifactVersion? { if case .version(let v) = e { return v }; return nil }
            var cols = [Column(title: "VERSION", maxWidth: 14, priority: 9, isName: true) { v($0)?.version ?? "" }]
            cols.append(Column(title: "ALIASES", maxWidth: 30, priority: 8, flex: true) { join(v($0)?.aliases ?? []) })
            if full {
                cols.append(Column(title: "TAGS", maxWidth: 16, priority: 2) { join(v($0)?.tags ?? []) })
                cols.append(Column(title: "STATE", maxWidth: 6, priority: 4, value: { v($0)?.state?.rawValue ?? "-" },
                                   color: { e in v(e)?.state == .closed ? nil : (v(e)?.state == .error ? .red : .yellow) }))
                cols.append(Column(title: "SIZE", align: .right, maxWidth: 10, priority: 5) { Formatting.size(v($0)?.sizeInBytes ?? 0) })
                // No version listing carries a count (§2.4): listed lazily for rows on screen.
                cols.append(Column(title: "ASSETS", align: .right, maxWidth: 7, priority: 3) { e in
                    guard let version = v(e) else { return "" }
                    switch assetCount(version) {
                    case .known(let n?)?: return String(n)
                    case .asked?: return "…"
                    default: return "-"
                    }
                })
                cols.append(Column(title: "ADDED", maxWidth: 10, priority: 3) { Formatting.added(v($0)?.addedMillis, now: now) })
                cols.append(Column(title: "OWNER", maxWidth: 12, priority: 1) { v($0)?.owner ?? "-" })
            }
            return cols
        case .assets:
            func a(_ e: Entry) -> Asset? { if case .asset(let a) = e { return a }; return nil }
            return [
                Column(title: " ", maxWidth: 1, priority: 9) { (a($0)?.isRemote ?? false) ? "↗" : " " },
                Column(title: "LOGICAL PATH", maxWidth: 60, priority: 9, flex: true, value: { e in
                    guard let asset = a(e) else { return "" }
                    return asset.isRemote ? asset.logicalPath + " → " + (asset.link ?? "?") : asset.logicalPath
                }, color: { e in (a(e)?.isRemote ?? false) ? .blue : nil }, fit: { e, width in
                    guard let asset = a(e) else { return "" }
                    return pathCell(asset, width: width)
                }),
                Column(title: "SIZE", align: .right, maxWidth: 22, priority: 8) { e in
                    guard let asset = a(e) else { return "" }
                    guard asset.isRemote else { return Formatting.size(asset.size) }
                    switch remote(asset) {
                    case .loading?: return "↗ …"
                    case .known(let facts?)?: return facts.sizeLabel
                    default: return "remote"
                    }
                },
            ]
        }
    }

    /// An asset's path cell at `width` cells: too long, it is cut in the middle so the file name stays
    /// (``TextFit/middle(_:to:)``); a remote asset's link (`path → link`) is cut first, then dropped.
    static func pathCell(_ asset: Asset, width: Int) -> String {
        let path = Sanitizer.clean(asset.logicalPath)
        guard asset.isRemote else { return TextFit.middle(path, to: width) }
        let whole = path + " → " + Sanitizer.clean(asset.link ?? "?")
        if DisplayWidth.of(whole) <= width { return whole }
        let pathWidth = DisplayWidth.of(path)
        if pathWidth + 3 + 4 <= width { return TextFit.truncate(whole, to: width) }
        return TextFit.middle(path, to: width)
    }

    /// The columns of the assets pane's tree view: marker, name (`name/` for a folder, cut in the
    /// middle), size, a size bar relative to `maxSize` (the folder's largest row, like ncdu's), and
    /// what a folder holds (`12 files · 3 remote`). A parent column keeps the name and size.
    static func treeColumns(full: Bool, maxSize: Int64) -> [Column] {
        func size(_ e: Entry) -> Int64? {
            switch e {
            case .folder(let f): f.totals.size
            case .asset(let a): a.isRemote ? nil : a.size
            default: nil
            }
        }
        func name(_ e: Entry) -> String {
            switch e {
            case .folder(let f): f.name + "/"
            case .asset(let a): String(FolderTree.fileName(a.logicalPath))
            default: e.name
            }
        }
        var cols = [
            Column(title: " ", maxWidth: 1, priority: 9, fixed: true) { e in
                if case .asset(let a) = e, a.isRemote { return "↗" }
                return " "
            },
            Column(title: "NAME", maxWidth: 48, priority: 9, flex: true, value: name, color: { e in
                switch e {
                case .folder: .accent
                case .asset(let a) where a.isRemote: .blue
                default: nil
                }
            }, fit: { e, width in TextFit.middle(Sanitizer.clean(name(e)), to: width) }),
            Column(title: "SIZE", align: .right, maxWidth: 10, priority: 8) { e in
                // A folder of remote links alone has no known size, as a remote file has none.
                if case .folder(let f) = e, f.totals.files == 0, f.totals.remote > 0 { return "remote" }
                return size(e).map(Formatting.size) ?? "remote"
            },
        ]
        guard full else { return cols }
        cols.append(Column(title: "", maxWidth: Render.barWidth, priority: 4, fixed: true) { e in
            guard let s = size(e) else { return "" }
            return Render.bar(s, of: maxSize, width: Render.barWidth)
        })
        cols.append(Column(title: "FILES", maxWidth: 20, priority: 6) { e in
            if case .folder(let f) = e { return f.totals.summary }
            return ""
        })
        return cols
    }

    /// Column widths for `width` cells: each column as wide as its widest value among the first
    /// `count` rows (up to its maximum; a fixed column is its maximum), the flex column takes what
    /// is left (a flex column that is not the name, ALIASES, only what its values need: see
    /// ``Column/isName``); lowest-priority columns are dropped until the flex column has 40% of the
    /// width (8 to 24 cells).
    static func fit(_ columns: [Column], rows: some Collection<Entry>, width: Int, sample count: Int = 500) -> [Fitted] {
        let sample = rows.prefix(count)
        var fitted = columns.map { c in
            // A fixed column is as wide as its maximum: no value is formatted to measure it. The flex
            // column is not measured either: it gets what the others leave.
            let content = c.fixed ? c.maxWidth : c.flex ? 0 : sample.map { DisplayWidth.of(Sanitizer.clean(c.value($0))) }.max() ?? 0
            return Fitted(column: c, width: min(c.maxWidth, max(DisplayWidth.of(c.title), content)))
        }
        let flexMin = max(8, min(24, width * 40 / 100))
        func fixedWidth() -> Int {
            fitted.filter { !$0.column.flex }.reduce(0) { $0 + $1.width } + gap * (fitted.count - 1)
        }
        while fixedWidth() + flexMin > width {
            guard let drop = fitted.enumerated().filter({ !$0.element.column.flex && $0.element.column.priority < 9 })
                .min(by: { $0.element.column.priority < $1.element.column.priority }) else { break }
            fitted.remove(at: drop.offset)
        }
        if let flex = fitted.firstIndex(where: { $0.column.flex }) {
            fitted[flex].width = max(1, width - fixedWidth())
            if !fitted[flex].column.isName, let name = fitted.firstIndex(where: { $0.column.isName }) {
                // E.g. ALIASES at 250 columns: as wide as its longest value; the surplus lets long
                // version strings show whole, and the rest stays blank at the right.
                func need(_ c: Column) -> Int {
                    max(DisplayWidth.of(c.title), sample.map { DisplayWidth.of(Sanitizer.clean(c.value($0))) }.max() ?? 0)
                }
                let surplus = fitted[flex].width - need(fitted[flex].column)
                if surplus > 0 {
                    fitted[flex].width -= surplus
                    fitted[name].width += min(surplus, max(0, need(fitted[name].column) - fitted[name].width))
                }
            }
        } else if var last = fitted.last {
            last.width = max(1, min(last.width, width - fixedWidth() + last.width))
            fitted[fitted.count - 1] = last
        }
        // Never draw past the pane: shrink from the right.
        var used = 0
        var result: [Fitted] = []
        for var f in fitted {
            guard used < width else { break }
            f.width = min(f.width, width - used)
            result.append(f)
            used += f.width + gap
        }
        return result
    }
}

/// The details shown for a version or an asset.
enum Details {
    struct Line {
        var label: String?
        var value: String
        var style: Style = .plain
        /// A path: wraps after its `/`s and is never cut.
        var isPath = false
    }

    static func metadata(_ json: JSONValue?) -> [Line] {
        guard let json else { return [Line(label: "Metadata", value: "none", style: .dim)] }
        return [Line(label: "Metadata", value: "")] + json.prettyJSON.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Line(label: nil, value: String($0)) }
    }

    /// - Parameters:
    ///   - lineage: what is known of the version's lineage (nil: not asked yet).
    ///   - readsLineage: false when the connection cannot read lineage ("unavailable").
    static func version(_ v: ArtifactVersion, artifact: Artifact?, now: Int64, lineage: LineageState? = nil,
                        readsLineage: Bool = false) -> [Line] {
        var added = "-"
        if let ms = v.addedMillis { added = Formatting.isoDateTime(ms) + " (" + Formatting.added(ms, now: now) + ")" }
        var lines = [
            Line(label: "Aliases", value: Table.join(v.aliases)),
            Line(label: "Tags", value: Table.join(v.tags)),
            Line(label: "State", value: v.state?.rawValue ?? "-"),
            Line(label: "Size", value: Formatting.sizeWithBytes(v.sizeInBytes)),
            Line(label: "Added", value: added),
            Line(label: "Owner", value: v.owner ?? "-"),
        ]
        lines += Details.lineage(v, lineage, readsLineage: readsLineage)
        if let id = artifact?.artifactId ?? v.artifact?.artifactId { lines.append(Line(label: "Artifact", value: id)) }
        lines.append(Line(label: "Version id", value: v.artifactVersionId))
        return lines + metadata(v.metadata)
    }

    /// The "Producer" and "Consumers" lines of a version's details, in the states named in
    /// docs/tui.md: loading, none, unavailable, error.
    static func lineage(_ v: ArtifactVersion, _ state: LineageState?, readsLineage: Bool) -> [Line] {
        let key = v.sourceExperimentKey.flatMap { $0.isEmpty ? nil : $0 }
        var lines: [Line] = []
        switch (key, state) {
        case (nil, _): lines.append(Line(label: "Producer", value: "none recorded", style: .dim))
        case (let key?, .loaded(let l)?): lines.append(Line(label: "Producer", value: l.producer?.label ?? key))
        case (let key?, .failed?): lines.append(Line(label: "Producer", value: key))
        case (let key?, .loading?): lines.append(Line(label: "Producer", value: key + " · loading…"))
        case (let key?, nil): lines.append(Line(label: "Producer", value: key))
        }
        guard readsLineage else {
            lines.append(Line(label: "Consumers", value: "unavailable on this connection", style: .dim))
            return lines
        }
        switch state {
        case nil, .loading?:
            lines.append(Line(label: "Consumers", value: "loading…", style: .dim))
        case .failed(let message)?:
            lines.append(Line(label: "Consumers", value: "error: " + message, style: .error))
        case .loaded(let l)?:
            guard let consumers = l.consumers else {
                lines.append(Line(label: "Consumers", value: VersionLineage.consumersUnavailable, style: .dim))
                break
            }
            if consumers.isEmpty { lines.append(Line(label: "Consumers", value: "none", style: .dim)) }
            for (i, c) in consumers.enumerated() { lines.append(Line(label: i == 0 ? "Consumers" : "", value: c.label)) }
        }
        return lines
    }

    static func asset(_ a: Asset, path: [String], remote: RemoteFactsState? = nil) -> [Line] {
        var lines = [
            Line(label: "Path", value: a.logicalPath, style: .bold, isPath: true),
            Line(label: "Kind", value: a.isRemote ? "↗ remote link (not downloaded)" : "local file"),
        ]
        if !a.isRemote {
            lines.append(Line(label: "Size", value: Formatting.sizeWithBytes(a.size)))
        } else {
            lines.append(Line(label: "Link", value: a.link ?? "?"))
            switch remote {
            case .loading?: lines.append(Line(label: "Store", value: "reading…", style: .dim))
            case .known(let facts?)?:
                lines += facts.detailLines.enumerated().map { Line(label: $0.offset == 0 ? "Store" : "", value: $0.element) }
            case .known(nil)?, nil:
                let why = RemoteLinkKind(a.link ?? "") == .s3 ? "not read (no AWS credentials)" : "not read"
                lines.append(Line(label: "Store", value: why, style: .dim))
            }
        }
        if let type = a.type { lines.append(Line(label: "Type", value: type)) }
        if let sum = a.checksum { lines.append(Line(label: "Checksum", value: sum)) }
        lines.append(Line(label: "Asset id", value: a.assetId))
        if let id = a.artifactId { lines.append(Line(label: "Artifact", value: id)) }
        if let id = a.artifactVersionId { lines.append(Line(label: "Version id", value: id)) }
        return lines + metadata(a.metadata)
    }
}
