/// A mouse event from the terminal (ncurses `getmouse`), in screen cells from the top-left (0, 0).
/// Only reported with the mouse on (`arty browse --mouse` or `mouse = true` in config.toml).
public struct MouseEvent: Sendable, Hashable {
    /// What the mouse did.
    public enum Kind: String, Sendable, Hashable {
        /// The left button went down (a click; two on one row within ``BrowserState/doubleClickMillis`` open it).
        case press
        /// The wheel turned up (away from the user) or down.
        case wheelUp, wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int
    /// When it happened, in epoch milliseconds (double clicks are told apart by time).
    public var millis: Int64

    public init(_ kind: Kind, x: Int, y: Int, millis: Int64 = 0) {
        self.kind = kind
        self.x = x
        self.y = y
        self.millis = millis
    }
}

/// The last click: the row it selected and when, to recognise a double click.
public struct MouseClick: Sendable, Hashable {
    public var slot: Layout.Slot
    public var rowID: String
    public var millis: Int64
}

extension BrowserState {
    /// Two clicks on one row at most this far apart (ms) are a double click: it opens the row, like Enter.
    public static let doubleClickMillis: Int64 = 400
    /// Rows one wheel notch moves the cursor.
    public static let wheelRows = 3

    /// The mouse in the pane browser (pure): a click selects the row under it in any column (the
    /// parent column goes back to it; the preview column opens the selection and then selects it),
    /// a double click opens it, the wheel moves the cursor. Ignored while a dialog, the help, the
    /// preview or the filter field is open.
    mutating func handleMouse(_ event: MouseEvent) -> [Effect] {
        guard overlay == nil, preview == nil, !filterEditing, !isTooSmall else { return [] }
        switch event.kind {
        case .wheelUp: return move(by: -BrowserState.wheelRows)
        case .wheelDown: return move(by: BrowserState.wheelRows)
        case .press: break
        }
        let layout = Layout(width: size.width)
        guard let hit = layout.hit(x: event.x, y: event.y, height: size.height) else { return [] }
        let listRows = Layout.listRows(height: size.height)
        func row(of pane: Pane) -> Entry? {
            guard let rows = visibleEntries(of: pane), !rows.isEmpty else { return nil }
            let first = Layout.firstVisible(cursor: BrowserState.index(of: pane.selectedID, in: rows), count: rows.count, listRows: listRows)
            let i = first + hit.line
            return i < rows.count ? rows[i] : nil
        }
        switch hit.slot {
        case .current:
            guard let entry = row(of: current) else { return [] }
            let double = lastClick.map { $0.slot == .current && $0.rowID == entry.id
                && event.millis - $0.millis <= BrowserState.doubleClickMillis } ?? false
            lastClick = double ? nil : MouseClick(slot: .current, rowID: entry.id, millis: event.millis)
            current.selectedID = entry.id
            return double ? run(.drillIn) : ensurePreview()
        case .parent:
            // The parent column shows the pane behind this one (not a folder's parent inside a tree).
            guard panes.count > 1, current.folder == nil, let entry = row(of: panes[panes.count - 2]) else { return [] }
            lastClick = nil
            panes.removeLast()
            current.selectedID = entry.id
            return ensurePreview()
        case .preview:
            lastClick = nil
            guard selectedEntry(of: current) != nil else { return [] }
            let opened = panes.count
            let effects = run(.drillIn)
            // When the preview column showed the child pane and its rows are here, select the clicked one.
            if panes.count > opened, let entry = row(of: current) {
                current.selectedID = entry.id
                return effects + ensurePreview()
            }
            return effects
        }
    }
}
