import Foundation
import CometAPI
import TOMLKit

/// The user's settings from `config.toml` (see docs/configuration.md): key bindings, colours,
/// mouse, and the download defaults shared by `arty download` and the browser's `d`.
/// Parsed with TOMLKit (https://github.com/LebJe/TOMLKit 0.6.0) by ``ArtyConfig/parse(_:file:)`` (pure).
public struct ArtyConfig: Sendable, Hashable {
    /// The browser's key bindings with the `[keys]` table applied (``Keymap/browse`` when it is empty).
    public var keymap: [KeyBinding] = Keymap.browse
    /// The colours of the semantic roles (`[theme]`).
    public var theme: Theme = Theme()
    /// True to turn on the mouse in the browser (`mouse = true`; `arty browse --mouse` too).
    public var mouse: Bool = false
    /// `[download] folder`: where a download goes when no folder is given (`FOLDER/ARTIFACT-VERSION`);
    /// nil keeps `./ARTIFACT-VERSION`. A leading `~/` is the home folder.
    public var downloadFolder: String?
    /// `[download] parallel`: a fixed number of transfers at once (1…64); nil lets it adapt to the link
    /// (`TransferParallelism.default`).
    public var parallel: Int?

    public init() {}

    /// The top-level keys and tables a config file may have.
    public static let topLevelKeys = ["keys", "theme", "mouse", "download"]

    /// Parses and validates a config file's text (pure). `file` names the file in errors.
    /// - Throws: ``ConfigError`` for TOML syntax (with TOMLKit's line), an unknown key or table,
    ///   a value of the wrong type or range, an unknown command or key name, and two commands
    ///   bound to one key (every collision is listed).
    public static func parse(_ text: String, file: String) throws -> ArtyConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, message: error.description)
        }
        let lines = ConfigLines(text)
        func fail(_ message: String, key: String, in section: String? = nil) -> ConfigError {
            ConfigError(file: file, line: lines.line(of: key, in: section), message: message)
        }
        var config = ArtyConfig()
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            switch key {
            case "mouse":
                guard let flag = value.bool else { throw fail("mouse must be true or false", key: key) }
                config.mouse = flag
            case "keys":
                guard let keys = value.table else { throw fail("keys must be a table: [keys]", key: key) }
                var overrides: [(Command, [Key])] = []
                for name in keys.keys.sorted() {
                    guard let command = Command(rawValue: name) else {
                        throw fail("unknown command '\(name)' in [keys]; known: "
                                   + Command.allCases.map(\.rawValue).joined(separator: ", "), key: name, in: "keys")
                    }
                    let specs: [String]
                    if let one = keys[name]?.string {
                        specs = [one]
                    } else if let many = keys[name]?.array, many.allSatisfy({ $0.string != nil }), !many.isEmpty {
                        specs = many.compactMap(\.string)
                    } else {
                        throw fail("keys.\(name) must be a key name or a list of key names, like \"x\" or [\"x\", \"ctrl-x\"]",
                                   key: name, in: "keys")
                    }
                    var parsed: [Key] = []
                    for spec in specs {
                        guard let k = KeyName.parse(spec) else {
                            throw fail("keys.\(name): unknown key '\(spec)' (use a character, ctrl-X, or one of "
                                       + KeyName.named.map(\.name).joined(separator: ", ") + ")", key: name, in: "keys")
                        }
                        parsed.append(k)
                    }
                    overrides.append((command, parsed))
                }
                config.keymap = Keymap.rebound(Keymap.browse, overrides)
                let collisions = Keymap.collisions(config.keymap)
                if let first = collisions.first {
                    // The line of the first collision's rebound command (else the [keys] header).
                    let line = first.commands.lazy.compactMap { lines.line(of: $0.rawValue, in: "keys") }.first
                    throw ConfigError(file: file, line: line ?? lines.line(of: nil, in: "keys"),
                                      message: collisions.map(\.description).joined(separator: "\n"))
                }
            case "theme":
                guard let theme = value.table else { throw fail("theme must be a table: [theme]", key: key) }
                for role in theme.keys.sorted() {
                    guard let r = Theme.Role(rawValue: role) else {
                        throw fail("unknown theme role '\(role)'; known: " + Theme.Role.allCases.map(\.rawValue).joined(separator: ", "),
                                   key: role, in: "theme")
                    }
                    guard let spec = theme[role], let color = Theme.colorNumber(spec.string ?? spec.int.map(String.init) ?? "") else {
                        throw fail("theme.\(role) must be a colour name (" + Theme.names.joined(separator: ", ")
                                   + ") or a number 0–255", key: role, in: "theme")
                    }
                    config.theme.colors[r] = color
                }
            case "download":
                guard let download = value.table else { throw fail("download must be a table: [download]", key: key) }
                for name in download.keys.sorted() {
                    switch name {
                    case "folder":
                        guard let folder = download[name]?.string, !folder.isEmpty else {
                            throw fail("download.folder must be a non-empty string", key: name, in: "download")
                        }
                        config.downloadFolder = folder
                    case "parallel":
                        guard let n = download[name]?.int, (1...64).contains(n) else {
                            throw fail("download.parallel must be a whole number from 1 to 64", key: name, in: "download")
                        }
                        config.parallel = n
                    default:
                        throw fail("unknown key '\(name)' in [download]; known: folder, parallel", key: name, in: "download")
                    }
                }
            default:
                throw fail("unknown key '\(key)'; known: " + topLevelKeys.joined(separator: ", "), key: key)
            }
        }
        return config
    }

    /// The default download destination for `artifact` at `version`, the CLI's and the browser's:
    /// `FOLDER/ARTIFACT-VERSION` under ``downloadFolder``, else `./ARTIFACT-VERSION`
    /// (``DownloadPlan/defaultDestination(artifact:version:under:)``). Pure;
    /// ``ConfigFile/load(explicit:environment:)`` has already expanded a leading `~/`.
    public func downloadDestination(artifact: String, version: String) -> String {
        DownloadPlan.defaultDestination(artifact: artifact, version: version, under: downloadFolder)
    }
}

/// A bad config file: where (file, and line when known) and what.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line, when TOMLKit or the key's position gives one.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: MESSAGE` (`FILE: MESSAGE` without a line).
    public var description: String { file + (line.map { ":\($0)" } ?? "") + ": " + message }
}

/// Finds the line of a key in a TOML text: TOMLKit gives positions for syntax errors only, so a
/// semantic error (unknown key, bad value) is located by a plain scan of `[table]` headers and
/// `key =` lines. Pure.
struct ConfigLines {
    let lines: [Substring]

    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The 1-based line of `key =` inside `[section]` (top level when nil), or of the `[section]`
    /// header itself when `key` is nil; nil when not found (a dotted or inline form).
    func line(of key: String?, in section: String?) -> Int? {
        var current: String?
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                let name = line.drop { $0 == "[" }.prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                current = name
                if key == nil, name == section { return i + 1 }
                continue
            }
            guard let key, current == section else { continue }
            let lhs = line.prefix { $0 != "=" }.trimmingCharacters(in: .whitespaces)
            if line.contains("="), lhs == key || lhs == "\"\(key)\"" { return i + 1 }
        }
        return nil
    }
}

/// Key names in the config file: one character (`x`, `?`), `ctrl-x` (also `^x`, `C-x`), or a
/// named key (`enter`, `esc`, `up`, `pgdn`, `space`, …). Pure.
public enum KeyName {
    /// The named keys, in the order the error message lists them.
    public static let named: [(name: String, key: Key)] = [
        ("enter", .enter), ("esc", .escape), ("tab", .tab), ("space", .char(" ")), ("backspace", .backspace),
        ("delete", .delete), ("up", .up), ("down", .down), ("left", .left), ("right", .right),
        ("pgup", .pageUp), ("pgdn", .pageDown), ("home", .home), ("end", .end),
    ]

    /// The key `spec` names, or nil.
    public static func parse(_ spec: String) -> Key? {
        if spec.count == 1, let c = spec.first, c != " " { return .char(c) }
        let lower = spec.lowercased()
        if let hit = named.first(where: { $0.name == lower }) { return hit.key }
        let aliases: [String: Key] = ["escape": .escape, "return": .enter, "pageup": .pageUp, "pagedown": .pageDown,
                                      "bksp": .backspace, "del": .delete]
        if let key = aliases[lower] { return key }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, c.isASCII, c.isLetter else { continue }
            // The terminal sends ^M as Enter, ^J as Enter, ^I as Tab and ^H as Backspace: name those
            // keys so a binding to them collides with what they really are (the Terminal's decoding).
            switch c {
            case "m", "j": return .enter
            case "i": return .tab
            case "h": return .backspace
            default: return .ctrl(c)
            }
        }
        return nil
    }
}

/// The colours of arty's semantic roles, as ncurses colour numbers (-1 is the terminal's default).
/// `NO_COLOR` turns colour off whatever the theme says.
public struct Theme: Sendable, Hashable {
    /// A role a colour plays on screen.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// Titles of the current pane, the header's name, links in dialogs.
        case accent
        /// Done jobs, added files, sizes that match.
        case success
        /// The filter, running jobs, warnings.
        case warning
        /// Errors and failed jobs, removed files.
        case error
        /// Secondary information (dialog details).
        case info
        /// Marks and highlights.
        case highlight
    }

    /// Overrides by role; a role not listed keeps ``defaultColor(_:)``.
    public var colors: [Role: Int16] = [:]

    public init() {}

    /// The colour names a theme may use (ncurses' eight), plus `default`.
    public static let names = ["default", "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// The ncurses colour number of a name or a number `0`…`255`; nil when neither.
    public static func colorNumber(_ spec: String) -> Int16? {
        if let i = names.firstIndex(of: spec.lowercased()) { return Int16(i) - 1 }
        if let n = Int16(spec), (0...255).contains(n) { return n }
        return nil
    }

    /// The built-in colour of `role` (ncurses numbers: red 1, green 2, yellow 3, blue 4, magenta 5, cyan 6).
    public static func defaultColor(_ role: Role) -> Int16 {
        switch role {
        case .accent: 6
        case .success: 2
        case .warning: 3
        case .error: 1
        case .info: 4
        case .highlight: 5
        }
    }

    /// The role a screen ``Color`` plays (nil for `normal`, the terminal's own colour).
    public static func role(of color: Color) -> Role? {
        switch color {
        case .normal: nil
        case .accent: .accent
        case .green: .success
        case .yellow: .warning
        case .red: .error
        case .blue: .info
        case .magenta: .highlight
        }
    }

    /// The ncurses colour number to draw `color` with: -1 for `normal`, else the role's colour.
    public func number(for color: Color) -> Int16 {
        guard let role = Theme.role(of: color) else { return -1 }
        return colors[role] ?? Theme.defaultColor(role)
    }
}

/// A key bound to two commands: the start-up error lists every one, as `nnn -K` does.
public struct KeyCollision: Sendable, Hashable, CustomStringConvertible {
    public var key: Key
    public var commands: [Command]

    /// `key 'x' is bound to both quit and download`.
    public var description: String {
        "key '\(key)' is bound to both " + commands.map(\.rawValue).joined(separator: " and ")
    }
}

extension Keymap {
    /// `table` with each command's keys replaced by the given ones (pure): `quit = "x"` binds `x`
    /// and frees `q` and `^C`.
    public static func rebound(_ table: [KeyBinding], _ overrides: [(Command, [Key])]) -> [KeyBinding] {
        var table = table
        for (command, keys) in overrides {
            guard let i = table.firstIndex(where: { $0.command == command }) else { continue }
            table[i].keys = keys
        }
        return table
    }

    /// Keys bound to more than one command in `table`, in table order (pure).
    public static func collisions(_ table: [KeyBinding]) -> [KeyCollision] {
        var owners: [Key: [Command]] = [:]
        var order: [Key] = []
        for binding in table {
            for key in binding.keys {
                if owners[key] == nil { order.append(key) }
                if owners[key]?.contains(binding.command) != true { owners[key, default: []].append(binding.command) }
            }
        }
        return order.compactMap { key in
            let commands = owners[key] ?? []
            return commands.count > 1 ? KeyCollision(key: key, commands: commands) : nil
        }
    }
}

/// Finding and reading the config file (I/O).
public enum ConfigFile {
    /// The file to read: `explicit` (`--config`), else `ARTY_CONFIG`, else
    /// `$XDG_CONFIG_HOME/arty/config.toml`, else `~/.config/arty/config.toml`; `required` is true
    /// when the user named it (a missing file is then an error).
    public static func location(explicit: String?, environment: [String: String]) -> (path: String, required: Bool) {
        if let explicit { return (explicit, true) }
        if let env = environment["ARTY_CONFIG"], !env.isEmpty { return (env, true) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return (xdg + "/arty/config.toml", false) }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (home + "/.config/arty/config.toml", false)
    }

    /// Reads and parses the config file (defaults when the default file does not exist).
    /// - Throws: ``ConfigError`` when a named file is missing or unreadable, or the text is bad.
    public static func load(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ArtyConfig {
        let (path, required) = location(explicit: explicit, environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigError(file: path, message: "no such config file") }
            return ArtyConfig()
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "cannot read the config file (unreadable or not UTF-8)")
        }
        var config = try ArtyConfig.parse(text, file: path)
        config.downloadFolder = config.downloadFolder.map { expandingHome($0, environment: environment) }
        return config
    }

    /// `path` with a leading `~` or `~/` replaced by the home folder (`HOME`), as a shell would;
    /// other paths unchanged (the `:download ~/x` of the browser and `[download] folder`).
    public static func expandingHome(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        return (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst(1)
    }
}
