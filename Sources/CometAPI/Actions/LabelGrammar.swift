import Foundation

/// How aliases, version tags and artifact tags are written, the same in the CLI and the TUI (pure).
///
/// - A **label** is any text that is not empty, neither starts nor ends with whitespace, and has no
///   control characters, line or paragraph separators, or bidirectional-override characters (they
///   would make one label look like another). Spaces and commas *inside* a label are fine:
///   `bad tag` and `a,b` are one label each.
/// - A **list of labels** (the TUI's editor, and each argument of `arty alias` / `arty tag`) separates
///   labels with commas; whitespace around a label is ignored, and empty items (`a,,b`, a trailing
///   `, `) are skipped. A label that holds a comma or a double quote, or starts or ends with
///   whitespace, is written in double quotes, a quote inside doubled: `"a,b"`, `"say ""hi"""`.
/// - Aliases are further restricted (``LabelGrammar/validate(_:kind:)``): not `latest` (Comet
///   reserves it for the highest version), no `:` or `/`, not a semantic version
///   (``ArtifactReference/aliasProblem(_:)``), so every alias can be named in a reference.
public enum LabelGrammar {
    /// One paragraph for `--help` and the help overlay.
    public static let summary = #"""
        Labels are separated by commas (a, b); spaces inside a label are kept (bad tag is one label). \#
        Write a label holding a comma or a quote in double quotes ("a,b", "say ""hi"""). Refused: empty labels, \#
        leading or trailing spaces, control and invisible characters, more than 255 characters; for aliases also \#
        latest, ':' or '/', and version numbers.
        """#

    /// Splits a list of labels (see the type's documentation). Labels are returned as written, in
    /// order, duplicates removed; they are not validated (see ``validate(_:kind:)``), so a list can
    /// name an existing label that the grammar would refuse as new, to remove it.
    /// - Throws: ``ActionError/invalidLabel(_:)`` for a quote that is not closed, or text after a
    ///   closing quote before the next comma.
    public static func parse(_ text: String) throws -> [String] {
        var labels: [String] = []
        var seen = Set<String>()
        func add(_ label: String) { if seen.insert(label).inserted { labels.append(label) } }
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            // Skip whitespace before an item.
            while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
            guard i < scalars.count else { break }
            if scalars[i] == "," { i += 1; continue }  // an empty item
            if scalars[i] == "\"" {
                var label = String.UnicodeScalarView()
                i += 1
                var closed = false
                while i < scalars.count {
                    if scalars[i] == "\"" {
                        if i + 1 < scalars.count, scalars[i + 1] == "\"" { label.append("\""); i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    label.append(scalars[i])
                    i += 1
                }
                guard closed else { throw ActionError.invalidLabel("a quote (\") is not closed; write a quote inside a quoted label as \"\".") }
                while i < scalars.count, scalars[i].properties.isWhitespace { i += 1 }
                guard i == scalars.count || scalars[i] == "," else {
                    throw ActionError.invalidLabel("text after the closing quote of \"\(String(label))\"; separate labels with commas.")
                }
                add(String(label))
                continue
            }
            var label = String.UnicodeScalarView()
            while i < scalars.count, scalars[i] != "," {
                label.append(scalars[i])
                i += 1
            }
            var text = String(label)
            while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
            add(text)
        }
        return labels
    }

    /// Writes labels as a list that ``parse(_:)`` reads back exactly: `a, bad tag, "x,y"`.
    public static func format(_ labels: [String]) -> String {
        labels.map(quotedIfNeeded).joined(separator: ", ")
    }

    /// A label as one item of a list: quoted when it holds a comma or a quote, starts or ends with
    /// whitespace, or is empty.
    public static func quotedIfNeeded(_ label: String) -> String {
        let scalars = label.unicodeScalars
        let needs = scalars.isEmpty || scalars.contains(",") || scalars.contains("\"")
            || scalars.first!.properties.isWhitespace || scalars.last!.properties.isWhitespace
        return needs ? "\"" + label.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : label
    }

    /// Checks a label to be added.
    /// - Returns: the label, unchanged.
    /// - Throws: ``ActionError/invalidLabel(_:)`` naming the label and the rule.
    public static func validate(_ label: String, kind: LabelKind) throws -> String {
        let scalars = label.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else {
            throw ActionError.invalidLabel("a label is empty.")
        }
        let shown = TerminalText.escape(label)
        if first.properties.isWhitespace || last.properties.isWhitespace {
            throw ActionError.invalidLabel("'\(shown)' \(first.properties.isWhitespace ? "starts" : "ends") with a space; remove it.")
        }
        if let bad = scalars.first(where: isRefused) {
            throw ActionError.invalidLabel("'\(shown)' contains the control character U+\(String(format: "%04X", bad.value)).")
        }
        if let bad = scalars.first(where: isInvisible) {
            throw ActionError.invalidLabel("'\(shown)' contains the invisible character U+\(String(format: "%04X", bad.value)), "
                                           + "so it would look like another label.")
        }
        if scalars.count > maxLength {
            throw ActionError.invalidLabel("'\(shown.prefix(40))…' is \(scalars.count) characters long; at most \(maxLength).")
        }
        if kind == .alias {
            if label.lowercased() == "latest" {
                throw ActionError.invalidLabel("'\(label)' is reserved by Comet for the highest version.")
            }
            if let problem = ArtifactReference.aliasProblem(label) { throw ActionError.invalidLabel(problem + ".") }
        }
        return label
    }

    /// The longest label accepted, in Unicode scalars.
    public static let maxLength = 255

    /// Characters that show as nothing, so `p\u{200B}q` would look like `pq`: zero-width space,
    /// word joiner, zero-width no-break space (BOM), soft hyphen. (The zero-width joiner U+200D is
    /// allowed: emoji sequences need it.)
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        [0x200B, 0x2060, 0xFEFF, 0x00AD, 0x180E].contains(scalar.value)
    }

    /// Control characters, line and paragraph separators, and bidirectional controls.
    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: break
        }
        switch scalar.value {
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: return true
        default: return false
        }
    }
}
