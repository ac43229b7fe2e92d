/// A one-line text field: the text, a cursor between its characters, and the readline keys users
/// expect in any prompt (as charmbracelet/bubbles' `textinput` and helix's prompt have them).
/// Its keys are ``Keymap/textField``. One such value serves every input of the browser: the `/` filter, the alias/tag editor and the
/// download destination. It is pure: ``handle(_:)`` edits it, ``visible(width:)`` says what part
/// of it a field `width` cells wide shows.
///
/// The cursor counts `Character`s (grapheme clusters): `e` + U+0301 is one step of `←`, and a
/// wide CJK character is one step that covers two cells.
public struct TextField: Sendable, Hashable {
    /// The field's text.
    public private(set) var text: String
    /// The cursor: how many characters of ``text`` are before it (0 … `text.count`).
    public private(set) var cursor: Int

    /// A field holding `text` with the cursor at its end (where typing continues).
    public init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    /// Replaces the text and puts the cursor at its end.
    public mutating func setText(_ newText: String) {
        text = newText
        cursor = newText.count
    }

    /// Applies `key`; returns true when the field used it (an edit or a cursor move, even one
    /// that changes nothing at an edge), false for keys it leaves to its owner (Enter, Esc, ↑, Tab…).
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let c): insert(c)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .backspace:
            guard cursor > 0 else { return true }
            remove(cursor - 1..<cursor)
        case .delete:
            guard cursor < text.count else { return true }
            remove(cursor..<cursor + 1)
        case .ctrl("u"): remove(0..<cursor)
        case .ctrl("k"): remove(cursor..<text.count)
        case .ctrl("w"): remove(wordStart()..<cursor)
        default: return false
        }
        return true
    }

    /// Where the word before the cursor starts, as readline's `unix-word-rubout` finds it:
    /// back over spaces, then back over everything that is not a space.
    func wordStart() -> Int {
        let characters = Array(text)
        var i = cursor
        while i > 0, characters[i - 1].isWhitespace { i -= 1 }
        while i > 0, !characters[i - 1].isWhitespace { i -= 1 }
        return i
    }

    mutating func insert(_ c: Character) {
        let split = text.index(text.startIndex, offsetBy: cursor)
        let before = String(text[..<split]) + String(c)
        text = before + text[split...]
        // A combining mark joins the character before it: count what is before the cursor again.
        cursor = min(text.count, before.count)
    }

    mutating func remove(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let lower = text.index(text.startIndex, offsetBy: range.lowerBound)
        let upper = text.index(lower, offsetBy: range.count)
        text.removeSubrange(lower..<upper)
        cursor = min(range.lowerBound, text.count)
    }

    /// The part of the field that a box `width` cells wide shows, and the column of the cursor in
    /// it (0 ..< `width`: the cell the cursor covers; past the text's end it is an empty cell).
    ///
    /// Measured in display cells (``DisplayWidth``, on the ``Sanitizer``-cleaned text: wide = 2,
    /// combining = 0). When all of the text and the cursor fit, the whole text shows. Otherwise the
    /// horizontal offset scrolls in steps of half the width, so the cursor is always visible, moving
    /// it inside a step does not shift the text under it, and half a field of context stays in view.
    public func visible(width: Int) -> (text: String, cursorColumn: Int) {
        guard width > 0 else { return ("", 0) }
        let cells = text.map { Sanitizer.clean(String($0)) }
        let widths = cells.map { DisplayWidth.of($0) }
        let cursorStart = widths[..<cursor].reduce(0, +)
        let cursorWidth = cursor < widths.count ? max(1, widths[cursor]) : 1
        // The first column shown: 0 when the cursor fits, else the first step where it does.
        var offset = 0
        if cursorStart + cursorWidth > width {
            let step = max(1, width / 2)
            let needed = cursorStart + cursorWidth - width
            offset = (needed + step - 1) / step * step
        }
        // The first character shown starts at or after `offset` (a wide one straddling it is left out).
        var first = 0
        var column = 0
        while first < cursor, column < offset {
            column += widths[first]
            first += 1
        }
        var shown = ""
        var used = 0
        var i = first
        while i < cells.count, used + widths[i] <= width {
            shown += cells[i]
            used += widths[i]
            i += 1
        }
        return (shown, cursorStart - column)
    }

    /// ``visible(width:)`` with `caret` drawn at the cursor (`▏` before the character the cursor
    /// is on, or after the text): the text-only rendering snapshots and terminals without a
    /// visible hardware cursor can show. The result is at most `width` cells (the caret takes one).
    public func rendered(width: Int, caret: String = "▏") -> String {
        guard width > 0 else { return "" }
        let view = visible(width: width - 1)
        var before = ""
        var column = 0
        var rest = Substring(view.text)
        while let c = rest.first, column < view.cursorColumn {
            column += DisplayWidth.of(c)
            before.append(c)
            rest = rest.dropFirst()
        }
        return before + caret + rest
    }
}
