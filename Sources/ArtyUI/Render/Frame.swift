/// A semantic colour; the `Terminal` maps it to a colour pair, or to nothing under NO_COLOR.
public enum Color: Sendable, Hashable, CaseIterable {
    case normal, accent, green, yellow, red, blue, magenta
}

/// How a cell looks. Attributes (bold, reverse, underline, dim) carry meaning on their own, so
/// colour is never the only signal.
public struct Style: Sendable, Hashable {
    public var color: Color
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(color: Color = .normal, bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.color = color
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let dim = Style(dim: true)
    public static let selected = Style(reverse: true)
    public static let title = Style(color: .accent, bold: true)
    public static let error = Style(color: .red, bold: true)

    /// The same style with `reverse` set (for the selected row).
    public var reversed: Style { var s = self; s.reverse = true; return s }
}

/// One terminal cell: a grapheme cluster and the cells it covers. A 2-cell character is followed
/// by a continuation cell (width 0, empty grapheme) that the terminal must not draw.
public struct Cell: Sendable, Hashable {
    public var grapheme: String
    /// 1 for most characters, 2 for wide ones, 0 for the continuation of a wide one.
    public var width: Int
    public var style: Style

    public init(_ grapheme: String, width: Int = 1, style: Style = .plain) {
        self.grapheme = grapheme
        self.width = width
        self.style = style
    }

    public static let blank = Cell(" ")
    public var isContinuation: Bool { width == 0 }
}

/// A screen's worth of styled cells, row-major; what ``render(_:size:)`` returns and the
/// `Terminal` draws.
public struct Frame: Sendable, Hashable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    public subscript(x x: Int, y y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    /// Writes `text` (sanitized) at (x, y), clipped to `limit` cells (default: to the right edge).
    /// A wide character that does not fit whole becomes a space. Returns the cells used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard y >= 0, y < size.height, x >= 0, x < size.width else { return 0 }
        let end = min(size.width, x + (limit ?? size.width))
        var col = x
        for character in Sanitizer.clean(text) {
            guard col < end else { break }
            var grapheme = String(character)
            var w = DisplayWidth.of(character)
            if w == 0 { grapheme = "\u{25CC}" + grapheme; w = 1 }  // lone combining mark: on a dotted circle
            if col + w > end {
                self[x: col, y: y] = Cell(" ", style: style)
                col += 1
                break
            }
            clearWide(at: col, y: y)
            self[x: col, y: y] = Cell(grapheme, width: w, style: style)
            if w == 2 {
                clearWide(at: col + 1, y: y)
                self[x: col + 1, y: y] = Cell("", width: 0, style: style)
            }
            col += w
        }
        return col - x
    }

    /// Fills `count` cells from (x, y) with spaces in `style`.
    public mutating func fill(x: Int, y: Int, count: Int, style: Style = .plain) {
        guard y >= 0, y < size.height else { return }
        for col in max(0, x)..<min(size.width, x + count) {
            clearWide(at: col, y: y)
            self[x: col, y: y] = Cell(" ", style: style)
        }
    }

    /// Applies `change` to the style of `count` cells from (x, y).
    public mutating func restyle(x: Int, y: Int, count: Int, _ change: (inout Style) -> Void) {
        guard y >= 0, y < size.height else { return }
        for col in max(0, x)..<min(size.width, x + count) { change(&self[x: col, y: y].style) }
    }

    /// Keeps wide characters whole when one of their two cells is overwritten.
    private mutating func clearWide(at x: Int, y: Int) {
        let cell = self[x: x, y: y]
        if cell.isContinuation, x > 0 {
            self[x: x - 1, y: y] = Cell(" ", style: self[x: x - 1, y: y].style)
        } else if cell.width == 2, x + 1 < size.width {
            self[x: x + 1, y: y] = Cell(" ", style: cell.style)
        }
    }

    /// One line of text per row, continuation cells skipped and trailing spaces trimmed:
    /// the form snapshot tests compare.
    public var text: String {
        (0..<size.height).map(line).joined(separator: "\n")
    }

    /// Row `y` as text (trailing spaces trimmed).
    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<size.width where !self[x: x, y: y].isContinuation { s += self[x: x, y: y].grapheme }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
