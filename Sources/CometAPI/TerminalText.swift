import Foundation

/// Makes untrusted text (artifact names, logical paths, links, server error messages) safe to
/// print on a terminal: the one sanitiser shared by the CLI's tables, summaries and error lines
/// and the TUI's frame (issue 7, "hostile names").
///
/// C0 controls (NUL, ESC, newline, ...), DEL, C1 controls (U+0080–U+009F: U+009B is a one-byte
/// CSI on some terminals), the line and paragraph separators, and the bidirectional overrides and
/// isolates (which can make a name read backwards) never reach the terminal raw: they become
/// visible escapes (`\x1b`, `\n`, `\t`, `\r`, `\x7f`, `\u{202e}`). A byte-order mark is dropped.
/// Invalid UTF-8 arrives in Swift strings as U+FFFD and is shown as such. Pure.
public enum TerminalText {
    /// The display-safe form of `text`; `text` itself when nothing needs escaping.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) || $0 == "\u{FEFF}" }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\u{FEFF}" { continue }
            guard needsEscape(scalar) else { out.append(scalar); continue }
            let escaped: String
            switch scalar {
            case "\n": escaped = "\\n"
            case "\t": escaped = "\\t"
            case "\r": escaped = "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                escaped = scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
            }
            out.append(contentsOf: escaped.unicodeScalars)
        }
        return String(out)
    }

    /// C0 controls, DEL, C1 controls, U+2028/U+2029, and the bidi embeddings, overrides and isolates
    /// (U+202A–U+202E, U+2066–U+2069).
    public static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// True when `text` would print exactly as it is.
    public static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { needsEscape($0) || $0 == "\u{FEFF}" }
    }
}
