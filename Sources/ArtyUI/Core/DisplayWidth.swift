import CometAPI

/// Display widths of text in terminal cells, as `wcwidth(3)` counts them, in pure Swift.
///
/// One table, one file (like TermKit's `wcwidth` table): East Asian Wide and Fullwidth
/// characters and emoji with default emoji presentation take 2 cells; combining marks,
/// format characters and variation selectors take 0; everything else printable takes 1.
/// A grapheme cluster (a Swift `Character`) takes the widest of its scalars, so `e` + U+0301
/// is 1 cell and a ZWJ emoji sequence is 2. Control characters are never measured here:
/// ``Sanitizer`` replaces them with visible escapes first.
public enum DisplayWidth {
    /// Width in cells of one Unicode scalar: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v < 0x20 ? 0 : 1 }
        if v < 0xA0 { return 0 }  // C1 controls (sanitized before display anyway)
        if v == 0xAD { return 1 }  // soft hyphen: glibc counts 1
        if (0x1160...0x11FF).contains(v) || v == 0x200B { return 0 }  // Hangul medial/final jamo, ZWSP
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// Width in cells of one grapheme cluster: the widest of its scalars (0 only for a lone mark).
    public static func of(_ character: Character) -> Int {
        var width = 0
        for scalar in character.unicodeScalars { width = max(width, of(scalar)) }
        return width
    }

    /// Width in cells of a string: the sum of its grapheme clusters' widths.
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// True when `v` is East Asian Wide (W) or Fullwidth (F) in Unicode 15's EastAsianWidth.txt,
    /// which includes the emoji with default emoji presentation.
    static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if v < range.lowerBound { high = mid - 1 } else if v > range.upperBound { low = mid + 1 } else { return true }
        }
        return false
    }

    /// Sorted, non-overlapping ranges of wide (2-cell) code points.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFB, 0x3000...0x303E,
        0x3041...0x3096, 0x3099...0x30FF, 0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E3,
        0x31F0...0x321E, 0x3220...0x3247, 0x3250...0x4DBF, 0x4E00...0xA48C, 0xA490...0xA4C6,
        0xA960...0xA97C, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE52,
        0xFE54...0xFE66, 0xFE68...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5,
        0x18D00...0x18D08, 0x1AFF0...0x1AFFE, 0x1B000...0x1B122, 0x1B132...0x1B132,
        0x1B150...0x1B152, 0x1B155...0x1B155, 0x1B164...0x1B167, 0x1B170...0x1B2FB,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A,
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251,
        0x1F260...0x1F265, 0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C,
        0x1F37E...0x1F393, 0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0,
        0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440, 0x1F442...0x1F4FC,
        0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A,
        0x1F595...0x1F596, 0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5,
        0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF,
        0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0,
        0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FA7C,
        0x1FA80...0x1FA88, 0x1FA90...0x1FABD, 0x1FABF...0x1FAC5, 0x1FACE...0x1FADB,
        0x1FAE0...0x1FAE8, 0x1FAF0...0x1FAF8, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}

/// Fitting text into a number of cells.
public enum TextFit {
    /// The ellipsis appended to truncated text (1 cell).
    public static let ellipsis: Character = "…"

    /// `text` cut to at most `width` cells, ending in "…" when anything was cut.
    /// A wide character that would straddle the limit is dropped rather than split.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        return prefix(Substring(text), cells: width - 1) + String(ellipsis)
    }

    /// The last characters of `text` that fit in `width` cells (a wide character that would
    /// straddle the limit is left out): what a one-line field shows when its text is too long.
    public static func tail(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        var result: [Character] = []
        var used = 0
        for character in text.reversed() {
            let w = DisplayWidth.of(character)
            if used + w > width { break }
            result.append(character)
            used += w
        }
        return String(result.reversed())
    }

    /// `text` truncated to `width` cells, then padded with spaces to exactly `width` cells,
    /// on the right (`.left` alignment) or the left (`.right`).
    public static func pad(_ text: String, to width: Int, align: Alignment = .left) -> String {
        let cut = truncate(text, to: width)
        let gap = String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
        return align == .left ? cut + gap : gap + cut
    }

    /// `segments` joined and fitted to `width` cells by cutting the lowest-priority segment first
    /// (its end, with "…"; dropped when not even the "…" fits), then the next lowest, so the
    /// highest-priority text (a failed file's name) stays whole as long as it fits at all. Among
    /// equal priorities the later segment is cut first.
    public static func fit(_ segments: [TextSegment], to width: Int) -> String {
        guard width > 0 else { return "" }
        var texts = segments.map(\.text)
        func total() -> Int { texts.reduce(0) { $0 + DisplayWidth.of($1) } }
        let order = segments.indices.sorted { a, b in
            segments[a].priority != segments[b].priority ? segments[a].priority < segments[b].priority : a > b
        }
        for i in order {
            let excess = total() - width
            if excess <= 0 { break }
            let w = DisplayWidth.of(texts[i])
            texts[i] = w - excess >= 1 ? truncate(texts[i], to: w - excess) : ""
        }
        return truncate(texts.joined(), to: width)
    }

    /// A path fitted to `width` cells by cutting its middle, so the file name stays:
    /// `a very long folder/file.csv` → `a very long…/file.csv`. The folders' start is kept as far as
    /// it fits before `…/NAME`; when not even that fits, `…NAME`; when the name alone is too long, the
    /// name's own middle goes (`report-2…final.csv`: its start and its end, the extension, stay).
    /// Measured in display cells (``DisplayWidth``); a wide character is never split (the result may
    /// then be one cell narrower than `width`).
    public static func middle(_ path: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(path) <= width { return path }
        let name: Substring
        var folders: Substring = ""
        if let slash = path.dropLast().lastIndex(of: "/") {
            folders = path[..<slash]
            name = path[path.index(after: slash)...]
        } else {
            name = Substring(path)
        }
        let nameWidth = DisplayWidth.of(name)
        if !folders.isEmpty, nameWidth + 2 <= width {
            // `…/name` fits: as much of the folders' start as the rest of the width holds.
            let head = prefix(folders, cells: width - nameWidth - 2)
            return head + String(ellipsis) + "/" + name
        }
        if !folders.isEmpty, nameWidth + 1 <= width { return String(ellipsis) + name }
        if width == 1 { return String(ellipsis) }
        // The name itself is too long: keep its start and its end (the extension), cut between.
        let end = tail(String(name), to: width / 2)
        let head = prefix(name, cells: width - 1 - DisplayWidth.of(end))
        return head + String(ellipsis) + end
    }

    /// The longest start of `text` of at most `cells` cells.
    static func prefix(_ text: Substring, cells: Int) -> String {
        var result = ""
        var used = 0
        for c in text {
            let w = DisplayWidth.of(c)
            if used + w > cells { break }
            result.append(c)
            used += w
        }
        return result
    }

    /// A path split into lines of at most `width` cells for the details pane: lines break after a
    /// `/` when they can, a component longer than a line at its spaces, else anywhere; nothing is
    /// cut (but the spaces a line breaks at).
    public static func wrapPath(_ path: String, to width: Int) -> [String] {
        guard width > 0 else { return [] }
        var chunks: [Substring] = []
        var start = path.startIndex
        for i in path.indices where path[i] == "/" {
            let next = path.index(after: i)
            chunks.append(path[start..<next])
            start = next
        }
        if start < path.endIndex { chunks.append(path[start...]) }
        var lines: [String] = []
        var line = ""
        var used = 0
        for chunk in chunks {
            let w = DisplayWidth.of(chunk)
            if used + w <= width {
                line += chunk
                used += w
                continue
            }
            if !line.isEmpty { lines.append(line) }
            // A component longer than a line breaks at its spaces when it has some, else anywhere.
            let parts = w <= width ? [String(chunk)] : wrap(String(chunk), to: width)
            lines += parts.dropLast()
            line = parts.last ?? ""
            used = DisplayWidth.of(line)
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// Horizontal alignment inside a column.
    public enum Alignment: Sendable, Hashable { case left, right }

    /// Splits `text` into lines of at most `width` cells, breaking at spaces when possible.
    public static func wrap(_ text: String, to width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if DisplayWidth.of(candidate) <= width { line = candidate; continue }
            if !line.isEmpty { lines.append(line) }
            var rest = word
            while DisplayWidth.of(rest) > width {
                var head = ""
                var used = 0
                for c in rest {
                    let w = DisplayWidth.of(c)
                    if used + w > width { break }
                    head.append(c)
                    used += w
                }
                if head.isEmpty { break }
                lines.append(head)
                rest = String(rest.dropFirst(head.count))
            }
            line = rest
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// Makes untrusted text (names, paths, metadata, error messages) safe to put on a terminal.
///
/// The TUI's name for CometAPI's ``TerminalText``, the one sanitiser shared with the CLI: C0/C1
/// control characters, DEL, the escape that starts ANSI sequences, line separators and bidi
/// overrides never reach the terminal raw; they become visible escapes (`\x1b`, `\n`, `\u{202e}`).
public enum Sanitizer {
    /// The display-safe form of `text`.
    public static func clean(_ text: String) -> String { TerminalText.escape(text) }

    /// Whether `s` is shown as an escape.
    static func isControl(_ s: Unicode.Scalar) -> Bool { TerminalText.needsEscape(s) }
}

/// A piece of a one-line text with how much it matters when the line is too narrow
/// (``TextFit/fit(_:to:)``): higher priorities are cut last.
public struct TextSegment: Sendable, Hashable {
    public var text: String
    public var priority: Int
    public init(_ text: String, priority: Int) {
        self.text = text
        self.priority = priority
    }
}
