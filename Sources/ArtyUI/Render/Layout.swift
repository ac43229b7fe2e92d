/// Where things go on the screen: pure geometry from the terminal size.
public struct Layout: Sendable, Hashable {
    /// Rows not used by pane lists: header, pane titles, column headings, status line, key hints.
    public static let chromeRows = 5

    /// A column of the Miller layout: its left edge and width in cells.
    public struct Column: Sendable, Hashable {
        public var x: Int
        public var width: Int
    }

    public var parent: Column?
    public var current: Column
    public var preview: Column?

    /// Three columns from 72 cells (parent ⅙, preview 31%), current + preview from 56, current alone below: narrow
    /// terminals drop the parent column first, then the preview. Columns are separated by `│`.
    public init(width: Int) {
        if width >= 72 {
            let parentWidth = min(24, max(12, width / 6))
            let previewWidth = width * 31 / 100
            let currentWidth = width - parentWidth - previewWidth - 2
            parent = Column(x: 0, width: parentWidth)
            current = Column(x: parentWidth + 1, width: currentWidth)
            preview = Column(x: parentWidth + currentWidth + 2, width: previewWidth)
        } else if width >= 56 {
            let previewWidth = width * 38 / 100
            parent = nil
            current = Column(x: 0, width: width - previewWidth - 1)
            preview = Column(x: width - previewWidth, width: previewWidth)
        } else {
            parent = nil
            current = Column(x: 0, width: width)
            preview = nil
        }
    }

    /// The left edges of the `│` separators.
    public var separators: [Int] {
        var xs: [Int] = []
        if let parent { xs.append(parent.x + parent.width) }
        if let preview { xs.append(preview.x - 1) }
        return xs
    }

    /// The screen row of a pane list's first row: below the header (0), pane titles (1) and column headings (2).
    public static let firstListRow = 3

    /// Rows of a pane list on a screen `height` rows tall (the chrome's ``chromeRows`` aside).
    public static func listRows(height: Int) -> Int { max(0, height - chromeRows) }

    /// The first list row drawn when the cursor is on row `cursor` of `count`: the list scrolls to
    /// keep the cursor near its middle (pure; the renderer and the mouse share it).
    public static func firstVisible(cursor: Int, count: Int, listRows: Int) -> Int {
        max(0, min(cursor - listRows / 2, count - listRows))
    }

    /// A column of the Miller layout.
    public enum Slot: Sendable, Hashable {
        case parent, current, preview
    }

    /// Where the cell (`x`, `y`) lies on a screen `height` rows tall: the column and the line of its
    /// list (0 for the first list row), or nil on the header, a title, a heading, a separator or the
    /// footer. Pure: the mouse maps clicks with it.
    public func hit(x: Int, y: Int, height: Int) -> (slot: Slot, line: Int)? {
        let line = y - Layout.firstListRow
        guard line >= 0, line < Layout.listRows(height: height) else { return nil }
        let slots: [(Slot, Column?)] = [(.parent, parent), (.current, current), (.preview, preview)]
        for (slot, column) in slots {
            if let column, x >= column.x, x < column.x + column.width { return (slot, line) }
        }
        return nil
    }
}
