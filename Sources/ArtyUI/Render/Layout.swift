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
}
