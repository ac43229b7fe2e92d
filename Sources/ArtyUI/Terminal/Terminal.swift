// The only file that talks to ncurses.
import CNCursesW
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why the terminal could not be opened.
public enum TerminalError: Error, CustomStringConvertible {
    /// stdin or stdout is not a terminal (piped or redirected).
    case notATerminal
    /// `TERM=dumb` or unset: no cursor addressing for a full-screen UI.
    case dumbTerminal
    /// ncurses could not start on this `TERM`.
    case cannotStart(term: String)

    public var description: String {
        switch self {
        case .notATerminal:
            "arty browse needs an interactive terminal (stdin and stdout are not a TTY); use `arty ls` for scripts"
        case .dumbTerminal:
            "TERM is dumb or unset: the browser needs a terminal with cursor addressing; use `arty ls` instead"
        case .cannotStart(let term):
            "could not start the terminal UI for TERM=\(term); try TERM=xterm-256color"
        }
    }
}

/// The full-screen terminal: opens ncursesw, draws ``Frame``s by rewriting only the cells that
/// changed since the last frame, decodes keys, and restores the terminal on close (or on a
/// fatal signal). Not thread-safe: use it from the UI loop's thread only.
final class Terminal {
    private var previous: Frame?
    private var open = false
    private let window: UnsafeMutablePointer<WINDOW>
    /// True when colours are used (the terminal has them, `NO_COLOR` is unset, `TERM` is not dumb).
    let colors: Bool

    /// True when mouse reports were asked for and the terminal has a mouse.
    let mouse: Bool

    /// Opens the terminal with `theme`'s colours (none under `NO_COLOR`) and, when `mouse` is true,
    /// mouse reports of left presses and the wheel (text selection then needs Shift in most terminals).
    init(environment: [String: String] = ProcessInfo.processInfo.environment, theme: Theme = Theme(), mouse: Bool = false) throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError.notATerminal }
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else { throw TerminalError.dumbTerminal }
        setlocale(LC_ALL, "")
        guard let out = fdopen(1, "w"), let inp = fdopen(0, "r"), newterm(nil, out, inp) != nil,
              let window = cnc_stdscr() else {
            throw TerminalError.cannotStart(term: term)
        }
        self.window = window
        open = true
        Terminal.installSignalHandlers()
        raw()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        set_escdelay(25)
        curs_set(0)
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        if !noColor, has_colors() {
            start_color()
            use_default_colors()
            for (i, color) in Color.allCases.enumerated() where i > 0 {
                init_pair(Int16(i), theme.number(for: color), -1)
            }
            colors = true
        } else {
            colors = false
        }
        self.mouse = mouse && cnc_mouse_enable(1) != 0
    }

    deinit { close() }

    /// Restores the terminal (cursor, echo, main screen). Safe to call twice.
    func close() {
        guard open else { return }
        open = false
        if mouse { _ = cnc_mouse_enable(0) }
        curs_set(1)
        endwin()
    }

    /// The terminal size in cells.
    var size: Size { Size(width: Int(cnc_cols()), height: Int(cnc_lines())) }

    /// Forgets what is on the screen, so that the next ``draw(_:)`` repaints every cell. Called on each
    /// resize: a terminal that shrank and grew back to the same size between two reads (a tmux pane
    /// split and closed, a resize storm) has lost its content although the size is unchanged.
    func invalidate() { previous = nil }

    /// Draws `frame`, writing only the cells that differ from the previous frame
    /// (everything after a resize).
    func draw(_ frame: Frame) {
        let full = previous == nil || previous?.size != frame.size
        if full { werase(window); clearok(window, true) }
        for y in 0..<frame.size.height {
            for x in 0..<frame.size.width {
                let cell = frame[x: x, y: y]
                guard !cell.isContinuation else { continue }
                var changed = full || previous?[x: x, y: y] != cell
                if !changed, cell.width == 2, x + 1 < frame.size.width, previous?[x: x + 1, y: y] != frame[x: x + 1, y: y] {
                    changed = true
                }
                guard changed else { continue }
                put(cell, x: x, y: y)
            }
        }
        previous = frame
        wrefresh(window)
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var chars = cell.grapheme.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        if chars.isEmpty { chars = [wchar_t(32)] }
        chars.append(0)
        var attrs = cnc_attr_normal()
        if cell.style.bold { attrs |= cnc_attr_bold() }
        if cell.style.dim { attrs |= cnc_attr_dim() }
        if cell.style.reverse { attrs |= cnc_attr_reverse() }
        if cell.style.underline { attrs |= cnc_attr_underline() }
        let pair: Int16 = colors ? Int16(Color.allCases.firstIndex(of: cell.style.color) ?? 0) : 0
        _ = cnc_put_wide(Int32(y), Int32(x), chars, Int32(chars.count - 1), attrs, pair)
    }

    /// The keys waiting in the input buffer (none when nothing was typed). Never blocks.
    func readKeys() -> [Key] {
        var keys: [Key] = []
        while keys.count < 256 {
            var ch: wint_t = 0
            let rc = wget_wch(window, &ch)
            if rc == cnc_err() { break }
            if rc == cnc_key_code_yes(), Int32(ch) == cnc_key_mouse() {
                if let event = readMouse() { keys.append(.mouse(event)) }
                continue
            }
            keys.append(rc == cnc_key_code_yes() ? Terminal.functionKey(Int32(ch)) : Terminal.characterKey(UInt32(ch)))
        }
        return keys
    }

    /// The pending mouse event (after `KEY_MOUSE`), or nil for one arty does not use.
    private func readMouse() -> MouseEvent? {
        var x: Int32 = 0, y: Int32 = 0
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        switch cnc_get_mouse(&x, &y) {
        case 1: return MouseEvent(.press, x: Int(x), y: Int(y), millis: millis)
        case 4: return MouseEvent(.wheelUp, x: Int(x), y: Int(y), millis: millis)
        case 5: return MouseEvent(.wheelDown, x: Int(x), y: Int(y), millis: millis)
        default: return nil
        }
    }

    static func functionKey(_ code: Int32) -> Key {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_RESIZE: .resize
        default: .other(code)
        }
    }

    static func characterKey(_ value: UInt32) -> Key {
        switch value {
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 9: return .tab
        case 1...26: return .ctrl(Character(Unicode.Scalar(value + 96)!))
        default:
            guard let scalar = Unicode.Scalar(value) else { return .other(Int32(bitPattern: value)) }
            return .char(Character(scalar))
        }
    }

    /// Puts `text` on the system clipboard with OSC 52 (`ESC ] 52 ; c ; base64 BEL`). The text
    /// travels base64-encoded, so nothing in it can be interpreted by the terminal. Returns
    /// false when it is too long for terminals to accept (over 74 994 bytes).
    func copyToClipboard(_ text: String) -> Bool {
        let encoded = Data(text.utf8).base64EncodedString()
        guard encoded.utf8.count <= 100_000 else { return false }
        let sequence = Array("\u{1B}]52;c;\(encoded)\u{07}".utf8)
        return sequence.withUnsafeBytes { write(1, $0.baseAddress, $0.count) } == sequence.count
    }

    /// On SIGTERM, SIGHUP or SIGQUIT: restore the terminal, then die of the signal as usual.
    private static func installSignalHandlers() {
        for sig in [SIGTERM, SIGHUP, SIGQUIT] {
            signal(sig) { sig in
                endwin()
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }
}
