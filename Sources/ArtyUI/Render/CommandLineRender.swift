import CometAPI

/// The `:` command line on the status line, its completions above it, its keys in the footer.
extension Render {
    /// `:text▏  Enter runs · Tab completes · Esc closes` on the status line; the field scrolls to
    /// keep its cursor in view and the hint goes first when the line is narrow.
    func commandLineStatus(_ frame: inout Frame, _ line: CommandLineState, y: Int, room: Int) {
        let hint = "  Enter runs · Tab completes · Esc closes"
        let hintWidth = DisplayWidth.of(hint)
        let fieldRoom = room - 1 - hintWidth >= 20 ? room - 1 - hintWidth : room - 1
        let text = ":" + line.field.rendered(width: max(2, fieldRoom)) + (fieldRoom == room - 1 ? "" : hint)
        frame.put(TextFit.truncate(text, to: room), x: 0, y: y, style: Style(color: .accent, bold: true))
    }

    /// The footer while the command line is open: its keys (``Keymap/commandLineKeys``), as many as fit.
    func commandLineHints(_ frame: inout Frame, y: Int) {
        var x = 0
        for (keys, help) in Keymap.commandLineKeys {
            let label = help.split(separator: " ").first.map(String.init)?.lowercased() ?? ""
            let width = DisplayWidth.of(keys) + 1 + DisplayWidth.of(label)
            if x + width > size.width { break }
            x += frame.put(keys, x: x, y: y, style: Style(color: .accent, bold: true))
            x += frame.put(" " + label + "  ", x: x, y: y, style: .dim)
        }
    }

    /// The candidates Tab left (``CommandLineState/candidates``) in a box of columns just above the
    /// status line, at most ``completionRows`` rows; what does not fit is counted (`… 12 more`).
    func completionList(_ frame: inout Frame) {
        guard let candidates = state.commandLine?.candidates, !candidates.isEmpty else { return }
        let lines = Render.completionLines(candidates, width: size.width - 2, rows: min(Render.completionRows, max(1, size.height - 6)))
        let top = size.height - 2 - lines.count - 1
        guard top >= 1 else { return }
        frame.put("┌" + String(repeating: "─", count: size.width - 2) + "┐", x: 0, y: top, style: .dim)
        frame.put(" completions ", x: 2, y: top, style: .dim)
        for (i, line) in lines.enumerated() {
            let y = top + 1 + i
            frame.fill(x: 0, y: y, count: size.width, style: .plain)
            frame.put("│", x: 0, y: y, style: .dim)
            frame.put(TextFit.pad(line, to: size.width - 2), x: 1, y: y)
            frame.put("│", x: size.width - 1, y: y, style: .dim)
        }
    }

    /// At most this many rows of completions: 6.
    static let completionRows = 6

    /// `candidates` laid out in columns (down, then across, as `ls` does) in `width` cells and at
    /// most `rows` rows; the last row says how many more there are when not all fit. Pure.
    static func completionLines(_ candidates: [String], width: Int, rows: Int) -> [String] {
        let names = candidates.map { Sanitizer.clean($0) }
        let cell = min(width, (names.map { DisplayWidth.of($0) }.max() ?? 0) + 2)
        let columns = max(1, width / max(1, cell))
        let needed = (names.count + columns - 1) / columns
        let shownRows = min(rows, needed)
        let capacity = shownRows * columns
        var shown = names
        var more = 0
        if names.count > capacity {
            // The last cell says how many more there are.
            shown = Array(names.prefix(capacity - 1))
            more = names.count - shown.count
        }
        var lines: [String] = []
        for row in 0..<shownRows {
            var line = ""
            for column in 0..<columns {
                let i = column * shownRows + row
                if i < shown.count {
                    line += TextFit.pad(TextFit.truncate(shown[i], to: cell - 2), to: cell)
                } else if more > 0, i == shown.count {
                    line += "… \(more) more"
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// The help overlay's command-line section: the commands (``LineCommand/table``) and the
    /// `arty …` command of the last action, wrapped to `width` cells.
    static func commandLineHelp(_ state: BrowserState, width: Int) -> [String] {
        let commands = "Command line (:): " + LineCommand.table.map { c in
            ":" + c.name + (c.arguments.isEmpty ? "" : " " + c.arguments)
        }.joined(separator: " · ") + ". Tab completes, ↑ ↓ recall."
        var lines = TextFit.wrap(commands, to: width)
        if let last = state.lastEquivalent {
            lines += TextFit.wrap("Last action as a command: $ " + last, to: width)
        }
        return lines
    }
}
