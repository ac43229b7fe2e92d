/// A key press, decoded from the terminal (see `Terminal`).
public enum Key: Sendable, Hashable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, delete
    /// The terminal was resized (ncurses `KEY_RESIZE`).
    case resize
    /// Any other key code, kept for diagnostics.
    case other(Int32)
    /// A mouse event (only with the mouse on: `--mouse` or `mouse = true`).
    case mouse(MouseEvent)

    /// How help and the footer write the key: `j`, `↓`, `PgDn`, `Enter`, `^C`.
    public var description: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .ctrl(let c): "^" + String(c).uppercased()
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Bksp"
        case .tab: "Tab"
        case .delete: "Del"
        case .resize: "resize"
        case .other(let code): "key\(code)"
        case .mouse(let event): "mouse \(event.kind) at \(event.x),\(event.y)"
        }
    }
}

/// A user command a key binding triggers.
public enum Command: String, Sendable, Hashable, CaseIterable {
    case moveUp, moveDown, pageUp, pageDown, top, bottom
    case drillIn, drillOut
    case filter, clearFilter, nextMatch, previousMatch
    case sort, reverseSort
    case refresh, copy, help, quit
    case download, editAliases, editTags, bump, mark, compare, jobs
    case preview
    case toggleTree
    /// `Space`: mark the asset or folder for a download of the marked assets.
    case markAsset
    /// `v`: open a range of marks at the cursor, or keep the open one.
    case markRange
    /// `:`: the command line (``LineCommand``).
    case commandLine
}

/// Where a binding acts. The footer and the help overlay show a binding only where it acts, and
/// its key says why elsewhere (``KeyBinding/whyNot``), so both follow the one table.
public enum KeyScope: Sendable, Hashable {
    /// In every pane.
    case anywhere
    /// When the current pane lists one of these levels (`T` on assets).
    case panes(Set<Level>)
    /// On the selected row of a pane of these levels; a folder row of the tree is no asset.
    case selection(Set<Level>)
    /// Comparing: a selected version in a versions pane, or two marked versions anywhere.
    case comparable
    /// On any selected row (a folder of the tree included) of a pane of these levels.
    case rows(Set<Level>)
    /// Like ``selection(_:)``, or anywhere in an assets pane that has marked assets (`d` on marks).
    case selectionOrMarks(Set<Level>)
}

/// One key binding: the keys, the command, the words help and the footer show, and where it acts.
public struct KeyBinding: Sendable, Hashable {
    public var keys: [Key]
    public var command: Command
    /// Help overlay description ("Move down").
    public var help: String
    /// Short footer label ("filter"), or nil to keep it out of the footer.
    public var hint: String?
    /// Where the binding acts (see ``applies(in:)``).
    public var scope: KeyScope
    /// The command changes the server: it acts only with a writable, non-read-only connection.
    public var writes: Bool
    /// What the status line says when the key is pressed where it cannot act (an info message).
    public var whyNot: String?

    public init(_ keys: [Key], _ command: Command, _ help: String, hint: String? = nil,
                scope: KeyScope = .anywhere, writes: Bool = false, whyNot: String? = nil) {
        self.keys = keys
        self.command = command
        self.help = help
        self.hint = hint
        self.scope = scope
        self.writes = writes
        self.whyNot = whyNot
    }

    /// Whether the binding acts on `state`'s current pane and selection (pure): the footer and help
    /// show it only then. A binding that ``writes`` never acts under `--read-only` or without a
    /// writable connection.
    public func applies(in state: BrowserState) -> Bool {
        if writes, state.context.readOnly || !state.context.canWrite { return false }
        return inScope(state)
    }

    /// Whether the current pane and selection are where the binding acts (``scope``), writes aside.
    func inScope(_ state: BrowserState) -> Bool {
        let level = state.current.key.level
        switch scope {
        case .anywhere:
            return true
        case .panes(let levels):
            return levels.contains(level)
        case .selection(let levels):
            return Self.selectsItem(in: levels, state)
        case .rows(let levels):
            return levels.contains(level) && state.selectedEntry(of: state.current) != nil
        case .selectionOrMarks(let levels):
            if level == .assets, !state.markedPaths(in: state.current).isEmpty { return true }
            return Self.selectsItem(in: levels, state)
        case .comparable:
            if state.marks.count == 2 { return true }
            guard level == .versions, case .version? = state.selectedEntry(of: state.current) else { return false }
            return true
        }
    }

    /// True when the current pane lists one of `levels` and a row other than a tree folder is selected.
    static func selectsItem(in levels: Set<Level>, _ state: BrowserState) -> Bool {
        guard levels.contains(state.current.key.level), let entry = state.selectedEntry(of: state.current) else { return false }
        if case .folder = entry { return false }
        return true
    }

    /// Why the binding cannot act on `state` (the status line's info message), or nil when it can.
    public func reason(in state: BrowserState) -> String? {
        guard !applies(in: state) else { return nil }
        // The place first: `b` on the workspaces pane says what bump works on, even read-only.
        if !inScope(state) { return whyNot ?? "\(keys[0]) does nothing here" }
        if writes, state.context.readOnly { return "Read-only session: aliases, tags and bumps are disabled (d still downloads)" }
        if writes, !state.context.canWrite { return "This connection cannot write: aliases, tags and bumps are unavailable" }
        return nil
    }
}

/// The keymap as data: one table drives key dispatch, the help overlay and the footer hints,
/// so they cannot drift apart (the lazygit/k9s pattern).
public enum Keymap {
    /// Bindings of the pane browser, in help order.
    public static let browse: [KeyBinding] = [
        KeyBinding([.char("k"), .up], .moveUp, "Move up"),
        KeyBinding([.char("j"), .down], .moveDown, "Move down"),
        KeyBinding([.pageUp, .ctrl("b"), .ctrl("u")], .pageUp, "Page up"),
        KeyBinding([.pageDown, .ctrl("f"), .ctrl("d")], .pageDown, "Page down"),
        KeyBinding([.char("g"), .home], .top, "Go to top"),
        KeyBinding([.char("G"), .end], .bottom, "Go to bottom"),
        KeyBinding([.char("l"), .right, .enter], .drillIn, "Open the selection", hint: "open"),
        KeyBinding([.char("h"), .left, .backspace], .drillOut, "Back to the parent pane", hint: "back"),
        KeyBinding([.char("/")], .filter, "Filter the pane as you type", hint: "filter"),
        KeyBinding([.escape], .clearFilter, "Clear the filter"),
        KeyBinding([.char("n")], .nextMatch, "Next filter match (wraps)"),
        KeyBinding([.char("N")], .previousMatch, "Previous filter match (wraps)"),
        KeyBinding([.char("s")], .sort, "Sort by the next field", hint: "sort"),
        KeyBinding([.char("S")], .reverseSort, "Reverse the sort order"),
        KeyBinding([.char("r"), .ctrl("r")], .refresh, "Refresh the pane", hint: "refresh"),
        KeyBinding([.char("y")], .copy, "Copy web link (comet.com) or reference",
                   hint: "copy", scope: .rows(Set(Level.allCases)), whyNot: "Nothing selected to copy"),
        KeyBinding([.char("?")], .help, "Show or hide this help", hint: "help"),
        KeyBinding([.char("q"), .ctrl("c")], .quit, "Quit (asks first while jobs run)", hint: "quit"),
        KeyBinding([.char("d")], .download, "Download (artifact: its latest version)", hint: "download",
                   scope: .selectionOrMarks([.artifacts, .versions, .assets]),
                   whyNot: "Download works on an artifact (its latest version), a version or a file: select one"),
        KeyBinding([.char("a")], .editAliases, "Edit the version's aliases", hint: "alias", scope: .selection([.versions]), writes: true,
                   whyNot: "Aliases belong to a version: open an artifact's versions first"),
        KeyBinding([.char("t")], .editTags, "Edit version tags / artifact tags", hint: "tag", scope: .selection([.artifacts, .versions]),
                   writes: true, whyNot: "Tags belong to an artifact or a version: select one in the artifacts or versions pane"),
        KeyBinding([.char("b")], .bump, "Bump: new major/minor/patch version", hint: "bump", scope: .selection([.versions]), writes: true,
                   whyNot: "Bump works on a version: open an artifact's versions first"),
        KeyBinding([.char("m")], .mark, "Mark a version to compare", hint: "mark", scope: .selection([.versions]),
                   whyNot: "Mark works on a version: open an artifact's versions first"),
        KeyBinding([.char("c")], .compare, "Compare the two marked versions", hint: "diff", scope: .comparable,
                   whyNot: "Compare works on versions: open an artifact's versions and mark two with m"),
        KeyBinding([.char("J")], .jobs, "Show the jobs (running and finished)", hint: "jobs"),
        // Footer hints only on the assets pane, where d a t b m c leave room for them.
        KeyBinding([.char("p")], .preview, "Preview the asset (first 64 KiB)", hint: "preview", scope: .selection([.assets]),
                   whyNot: "Preview works on a file: open a version's assets and select one"),
        KeyBinding([.char(" ")], .markAsset, "Mark/unmark the asset or folder (d downloads the marks)", hint: "mark",
                   scope: .rows([.assets]),
                   whyNot: "Space marks assets to download: open a version's assets first (m marks versions to compare)"),
        KeyBinding([.char("v")], .markRange, "Mark a range: v at one end, move, v again", scope: .rows([.assets]),
                   whyNot: "v marks a range of assets: open a version's assets first"),
        KeyBinding([.char("T")], .toggleTree, "Assets as a folder tree / flat list", hint: "tree", scope: .panes([.assets]),
                   whyNot: "T shows a version's assets as a folder tree: open a version first"),
        // Last: the footer shows it where there is room after the pane's own keys.
        KeyBinding([.char(":")], .commandLine, "Command line (:goto, :download, …)", hint: "cmd"),
    ]

    /// Bindings of the asset preview (`p`), in help order: they dispatch its keys, and help and the
    /// preview's footer show them.
    public static let preview: [(keys: [Key], command: PreviewCommand, help: String, hint: String)] = [
        ([.char("j"), .down], .scrollDown, "Scroll down", "j/k scroll"),
        ([.char("k"), .up], .scrollUp, "Scroll up", ""),
        ([.pageDown, .char(" "), .ctrl("f"), .ctrl("d")], .pageDown, "Page down", "PgDn/PgUp page"),
        ([.pageUp, .ctrl("b"), .ctrl("u")], .pageUp, "Page up", ""),
        ([.char("g"), .home], .top, "Go to the top", ""),
        ([.char("G"), .end], .bottom, "Go to the end", ""),
        ([.char("w")], .toggleWrap, "Wrap long lines on/off", "w wrap"),
        ([.char("]")], .nextAsset, "Preview the next asset", "] [ next/prev"),
        ([.char("[")], .previousAsset, "Preview the previous asset", ""),
        ([.char("?")], .help, "Show the help", ""),
        ([.escape, .char("q"), .char("h"), .left, .backspace, .char("p")], .close, "Close the preview", "Esc/q/h close"),
    ]

    /// The preview command bound to `key`, if any.
    public static func previewCommand(for key: Key) -> PreviewCommand? {
        preview.first { $0.keys.contains(key) }?.command
    }

    /// The preview's footer: `j/k scroll · PgDn/PgUp page · w wrap · ] [ next/prev · Esc/q/h close`.
    public static var previewHints: String {
        preview.map { $0.hint }.filter { !$0.isEmpty }.joined(separator: " · ")
    }

    /// Bindings of the jobs view (`J`), in help order: they dispatch its keys, and help and the
    /// view's footer show them (as k9s and lazygit act on the selected row and bulk-clear with a capital).
    public static let jobs: [(keys: [Key], command: JobsCommand, help: String, hint: String)] = [
        ([.char("j"), .down], .selectDown, "Select the next job", "j/k select"),
        ([.char("k"), .up], .selectUp, "Select the previous job", ""),
        ([.char("x"), .delete], .cancelOrDismiss, "Cancel the selected running job, dismiss a finished one", "x cancel/dismiss"),
        ([.char("D")], .clearFinished, "Clear all finished jobs", "D clear finished"),
        ([.escape, .char("J"), .char("q"), .enter], .close, "Close the jobs view (jobs keep running)", "Esc/J/q close"),
    ]

    /// The jobs-view command bound to `key`, if any.
    public static func jobsCommand(for key: Key) -> JobsCommand? {
        jobs.first { $0.keys.contains(key) }?.command
    }

    /// The jobs view's footer: `j/k select · x cancel/dismiss · D clear finished · Esc/J/q close`.
    public static var jobsHints: String {
        jobs.map { $0.hint }.filter { !$0.isEmpty }.joined(separator: " · ")
    }

    /// Keys inside the action dialogs, shown in help (the dialogs show their own hint line).
    public static let dialogs: [(keys: String, help: String)] = [
        ("← →", "Move between Cancel and the action"),
        ("Tab", "Next overwrite strategy / bump kind"),
        ("Enter", "Press the focused button (review first in editors)"),
        ("Esc", "Close the dialog, nothing changes"),
    ]

    /// Commands that change the server (the bindings that ``KeyBinding/writes``): refused under
    /// `--read-only` and without a writable service.
    public static let mutating: Set<Command> = Set(browse.filter(\.writes).map(\.command))

    /// Keys while typing a filter (after `/`), shown in help and in the footer while filtering
    /// (the footer shows as many as fit, in this order).
    public static let filtering: [(keys: String, help: String)] = [
        ("text", "Narrow the pane"),
        ("Enter", "Keep filter, select first match"),
        ("Esc", "Clear the filter"),
        ("Bksp ← → ^W ^U", "Edit (the text-field keys)"),
        ("↑ ↓", "Recall earlier filters"),
        ("type:x alias:x tag:x name:x", "Field only (prefix)"),
    ]

    /// Keys of the `:` command line (after `:`), shown in help and in the footer while it is open.
    public static let commandLineKeys: [(keys: String, help: String)] = [
        ("Enter", "Run the command"),
        ("Esc", "Close without running"),
        ("Tab", "Complete (names loaded; again lists)"),
        ("↑ ↓", "Recall earlier commands"),
    ]

    /// Keys of every text field (``TextField``: the `/` filter, the alias/tag editor, the download
    /// destination), readline's as helix's prompt lists them; shown in help.
    public static let textField: [(keys: String, help: String)] = [
        ("← → Home End ^A ^E", "Move"),
        ("Bksp Del", "Delete before / at the cursor"),
        ("^W", "Delete a word"),
        ("^U ^K", "Delete to the start / end"),
    ]

    /// The command bound to `key` in the browser, if any.
    public static func command(for key: Key) -> Command? {
        browse.first { $0.keys.contains(key) }?.command
    }

    /// The command bound to `key` in `table` (the keymap with the config's `[keys]`), if any.
    public static func command(for key: Key, in table: [KeyBinding]) -> Command? {
        table.first { $0.keys.contains(key) }?.command
    }

    /// The binding of `command` in the browser.
    public static func binding(for command: Command) -> KeyBinding? {
        browse.first { $0.command == command }
    }

    /// The bindings that act on `state`'s current pane and selection, in table order: the help
    /// overlay lists them.
    public static func bindings(in state: BrowserState) -> [KeyBinding] {
        state.context.config.keymap.filter { $0.applies(in: state) }
    }

    /// Footer hints of the bindings that act on `state`'s current pane and selection, in table order.
    public static func hints(in state: BrowserState) -> [(key: String, label: String)] {
        bindings(in: state).compactMap { b in b.hint.map { (b.keys[0].description, $0) } }
    }
}
