import CometAPI

/// Words as a POSIX shell reads them: quoting for the `arty …` commands the browser prints, and a
/// splitter for what is typed on the `:` command line (the same rules, so a printed word reads back).
public enum ShellWords {
    /// Why a line did not split.
    public enum SplitError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A `'` or `"` opened and never closed.
        case unclosedQuote(Character)

        public var description: String {
            switch self {
            case .unclosedQuote(let q): "a quote (\(q)) is not closed"
            }
        }
    }

    /// `word` as one shell word: unchanged when it is non-empty and only holds ASCII letters,
    /// digits and `_ @ % + = : , . / -` (nothing a POSIX shell expands or splits), else in single
    /// quotes, a `'` inside written as `'\''`.
    ///
    /// A word holding a character the terminal cannot show as itself (a control character, a
    /// bidirectional override, a line separator: what ``TerminalText`` escapes) is written in ANSI-C
    /// quotes instead, `$'a\nb'`, `$'rtl\u202egnp.exe'`, which bash, zsh and ksh read back to the
    /// exact bytes, so a command shown on screen still names the real file.
    public static func quote(_ word: String) -> String {
        let safe = !word.isEmpty && word.unicodeScalars.allSatisfy { s in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || "_@%+=:,./-".unicodeScalars.contains(s))
        }
        if safe { return word }
        guard TerminalText.isSafe(word) else { return ansiC(word) }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// `word` in ANSI-C quotes: `\\`, `\'`, `\n`, `\t`, `\r` and `\xHH` / `\uHHHH` / `\UHHHHHHHH`
    /// for every other character the terminal would not show as itself.
    static func ansiC(_ word: String) -> String {
        var out = "$'"
        for scalar in word.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if TerminalText.isSafe(String(scalar)) {
                    out.unicodeScalars.append(scalar)
                } else {
                    let (prefix, digits) = scalar.value < 0x80 ? ("\\x", 2) : scalar.value <= 0xFFFF ? ("\\u", 4) : ("\\U", 8)
                    let hex = String(scalar.value, radix: 16)
                    out += prefix + String(repeating: "0", count: max(0, digits - hex.count)) + hex
                }
            }
        }
        return out + "'"
    }

    /// The words as one command line, each ``quote(_:)``d, separated by spaces.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// Splits `line` into words as `sh` does, without expansions: blanks separate words; inside
    /// `'…'` every character is literal; inside `"…"` a `\` escapes only `"`, `\`, `$` and `` ` ``;
    /// outside quotes a `\` makes the next character literal. `''` is an empty word. `$'…'` (ANSI-C
    /// quotes, as bash and zsh read them, and as ``quote(_:)`` writes unprintable characters) decodes
    /// `\\ \' \" \n \t \r \a \b \e \f \v \xHH \uHHHH \UHHHHHHHH`.
    /// - Throws: ``SplitError/unclosedQuote(_:)``.
    public static func split(_ line: String) throws(SplitError) -> [String] {
        let scalars = Array(line.unicodeScalars)
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        var escaped = false
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            if escaped {
                if quote == "\"", !"\"\\$`".unicodeScalars.contains(c) { word.append("\\") }
                word.append(c)
                escaped = false
                continue
            }
            switch (quote, c) {
            case ("$", "'"): quote = nil
            case ("$", "\\"):
                guard i < scalars.count else { throw .unclosedQuote("'") }
                let e = scalars[i]
                i += 1
                let simple: [Unicode.Scalar: Unicode.Scalar] = ["n": "\n", "t": "\t", "r": "\r", "a": "\u{07}", "b": "\u{08}",
                                                                "e": "\u{1B}", "f": "\u{0C}", "v": "\u{0B}"]
                if let plain = simple[e] {
                    word.append(plain)
                } else if let digits = ["x": 2, "u": 4, "U": 8][Character(e)] {
                    var hex = ""
                    while hex.count < digits, i < scalars.count, scalars[i].properties.isASCIIHexDigit {
                        hex.unicodeScalars.append(scalars[i])
                        i += 1
                    }
                    if let value = UInt32(hex, radix: 16), let decoded = Unicode.Scalar(value) {
                        word.append(decoded)
                    } else {
                        word.append("\\")
                        word.append(e)
                        word.append(contentsOf: hex.unicodeScalars)
                    }
                } else {
                    word.append(e)  // \\ \' \" and anything else: the character itself
                }
            case ("$", _): word.append(c)
            case ("'", "'"), ("\"", "\""): quote = nil
            case ("'", _): word.append(c)
            case ("\"", "\\"): escaped = true
            case ("\"", _): word.append(c)
            case (nil, "$") where i < scalars.count && scalars[i] == "'":
                quote = "$"
                inWord = true
                i += 1
            case (nil, "'"), (nil, "\""): quote = c; inWord = true
            case (nil, "\\"): escaped = true; inWord = true
            case (nil, _) where c.properties.isWhitespace:
                if inWord { words.append(String(word)) }
                word = String.UnicodeScalarView()
                inWord = false
            default: word.append(c); inWord = true
            }
        }
        if let quote { throw .unclosedQuote(quote == "$" ? "'" : Character(quote)) }
        if escaped { word.append("\\") }
        if inWord { words.append(String(word)) }
        return words
    }
}

/// Where `:goto` goes: `WORKSPACE[/ARTIFACT[:VERSION|ALIAS][/PATH]]`.
///
/// The workspace ends at the first `/`. With a `:`, the artifact is everything up to it (so a name
/// holding `/` works) and the version or alias ends at the next `/`; without one, the artifact ends
/// at the next `/` and a path there means the latest version. The reference part is checked with
/// ``ArtifactReference/parse(_:)`` (a semantic version is a version, anything else an alias). A
/// path ending in `/` names a folder.
public struct GotoTarget: Sendable, Hashable, CustomStringConvertible {
    public var workspace: String
    /// nil: the workspace's artifacts.
    public var artifact: String?
    /// nil: the artifact's versions, or its latest version when ``path`` is set.
    public var selector: VersionSelector?
    /// An asset's logical path (or a folder, ending in `/`), nil for the version's assets pane.
    public var path: String?

    public init(workspace: String, artifact: String? = nil, selector: VersionSelector? = nil, path: String? = nil) {
        self.workspace = workspace
        self.artifact = artifact
        self.selector = selector
        self.path = path
    }

    /// Why a target did not parse.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case reference(ArtifactReference.ParseError)

        public var description: String {
            switch self {
            case .empty: "goto needs a place: WORKSPACE[/ARTIFACT[:VERSION|ALIAS][/PATH]]"
            case .reference(let e): e.description
            }
        }
    }

    /// Parses `text` (see the type's description); surrounding whitespace is trimmed.
    /// - Throws: ``ParseError``.
    public static func parse(_ text: String) throws(ParseError) -> GotoTarget {
        let s = text.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { throw .empty }
        // Separators among Unicode scalars, as ArtifactReference finds them.
        let scalars = s.unicodeScalars
        guard let slash = scalars.firstIndex(of: "/") else {
            if s.unicodeScalars.contains(":") {
                throw .reference(.missingArtifact(s))
            }
            return GotoTarget(workspace: s)
        }
        let workspace = String(scalars[..<slash])
        let rest = scalars[scalars.index(after: slash)...]
        if rest.isEmpty || rest.allSatisfy({ $0 == "/" }) {
            guard !workspace.trimmingCharacters(in: .whitespaces).isEmpty else { throw .reference(.emptyWorkspace(s)) }
            return GotoTarget(workspace: workspace.trimmingCharacters(in: .whitespaces))
        }
        var referenceText: String
        var path: String?
        if let colon = rest.firstIndex(of: ":") {
            let afterColon = rest[rest.index(after: colon)...]
            if let end = afterColon.firstIndex(of: "/") {
                referenceText = workspace + "/" + String(rest[..<end])
                path = String(afterColon[afterColon.index(after: end)...])
            } else {
                referenceText = workspace + "/" + String(rest)
            }
        } else if let end = rest.firstIndex(of: "/") {
            referenceText = workspace + "/" + String(rest[..<end])
            path = String(rest[rest.index(after: end)...])
        } else {
            referenceText = s
        }
        let reference: ArtifactReference
        do {
            reference = try ArtifactReference.parse(referenceText)
        } catch {
            throw .reference(error)
        }
        if let p = path, p.isEmpty { path = nil }
        return GotoTarget(workspace: reference.workspace, artifact: reference.artifact, selector: reference.selector, path: path)
    }

    /// What `arty ls` lists to show the pane the goto lands on: `WS`, `WS/ARTIFACT` or
    /// `WS/ARTIFACT:VERSION` (the concrete `version` when given, e.g. the one an alias resolved to).
    public func reference(version: String? = nil) -> String {
        guard let artifact else { return workspace }
        if let v = version ?? selector?.description { return "\(workspace)/\(artifact):\(v)" }
        return "\(workspace)/\(artifact)"
    }

    public var description: String {
        reference() + (path.map { "/" + $0 } ?? "")
    }
}

/// A change of labels typed on the command line: `add` or `rm` (`remove`).
public enum LabelChange: String, Sendable, Hashable, CaseIterable {
    case add, remove
}

/// A command typed after `:` (see ``parse(_:)``), run by the same reducer paths as its key.
public enum LineCommand: Sendable, Hashable {
    /// `:goto WS[/ARTIFACT[:VERSION][/PATH]]`, or the reference typed alone.
    case goto(GotoTarget)
    /// `:download [DIR]`: what `d` downloads, into DIR (default ``DownloadPlan/defaultDestination(artifact:version:)``).
    case download(destination: String?)
    /// `:alias add|rm ALIAS…`: the selected version's aliases (the `a` editor's review, then `y`).
    case alias(LabelChange, [String])
    /// `:tag add|rm TAG…`: the selected version's tags, or the selected artifact's (`t`).
    case tag(LabelChange, [String])
    /// `:bump major|minor|patch`: the bump dialog (`b`) with that kind chosen.
    case bump(SemanticVersion.Bump)
    /// `:sort FIELD [asc|desc]`: the pane's sort (`s`, `S`); nil keeps the direction.
    case sort(SortField, descending: Bool?)
    /// `:help`: the help overlay (`?`).
    case help
    /// `:q`, `:quit`: quit (`q`).
    case quit

    /// The commands in help order: name, arguments, what it does. Completion, the help overlay and
    /// docs/tui.md follow this table.
    public static let table: [(name: String, arguments: String, help: String)] = [
        ("goto", "WS[/ARTIFACT[:VERSION|ALIAS][/PATH]]", "Go there in one step (also typed alone)"),
        ("download", "[DIR]", "Download the selection (d) into DIR"),
        ("alias", "add|rm ALIAS…", "Add or remove aliases of the selected version"),
        ("tag", "add|rm TAG…", "Add or remove tags of the selected version or artifact"),
        ("bump", "major|minor|patch", "Bump the selected version (b)"),
        ("sort", "FIELD [asc|desc]", "Sort the pane (name, type, version, size, date, count)"),
        ("help", "", "Show the help (?)"),
        ("quit", "", "Quit (q; also :q)"),
    ]

    /// Sort field names accepted by `:sort` (`date` is ``SortField/added``).
    public static let sortFieldNames: [String: SortField] = {
        var names = Dictionary(uniqueKeysWithValues: SortField.allCases.map { ($0.rawValue, $0) })
        names["date"] = .added
        return names
    }()

    /// Why a line did not parse; the description is the status line's message.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        case unknownCommand(String)
        case usage(String)
        case split(ShellWords.SplitError)
        case goto(GotoTarget.ParseError)

        public var description: String {
            switch self {
            case .unknownCommand(let name):
                "unknown command '\(name)' (commands: \(LineCommand.table.map(\.name).joined(separator: ", ")); or type WS/ARTIFACT… to go there)"
            case .usage(let text): text
            case .split(let e): e.description
            case .goto(let e): e.description
            }
        }
    }

    /// The full command name `word` abbreviates: an exact name, `q`, or a prefix of one name only.
    public static func commandName(_ word: String) -> String? {
        let lower = word.lowercased()
        if lower == "q" { return "quit" }
        let names = table.map(\.name)
        if names.contains(lower) { return lower }
        let matches = names.filter { $0.hasPrefix(lower) }
        return !lower.isEmpty && matches.count == 1 ? matches[0] : nil
    }

    /// Parses a command line (without its `:`). The first word names the command (or abbreviates it,
    /// see ``commandName(_:)``); a first word holding a `/` is a reference to go to. The rest is split
    /// into words as a shell would (``ShellWords/split(_:)``), except for goto, whose target is the
    /// rest of the line (artifact names may hold spaces), one pair of surrounding quotes removed.
    /// `isWorkspace` says whether a bare word is a known workspace (then it is a goto, too).
    /// - Throws: ``ParseError``.
    public static func parse(_ line: String, isWorkspace: (String) -> Bool = { _ in false }) throws(ParseError) -> LineCommand {
        let text = line.trimmingCharacters(in: .whitespaces)
        let first = String(text.prefix { !$0.isWhitespace })
        let rest = String(text.dropFirst(first.count)).trimmingCharacters(in: .whitespaces)
        guard let name = commandName(first) else {
            guard first.contains("/") || (rest.isEmpty && isWorkspace(first)) else {
                throw .unknownCommand(first)
            }
            return try gotoCommand(text)
        }
        if name == "goto" { return try gotoCommand(rest) }
        let words: [String]
        do { words = try ShellWords.split(rest) } catch { throw .split(error) }
        func usage() -> ParseError {
            let entry = table.first { $0.name == name }!
            return .usage(("usage: :\(name) " + entry.arguments).trimmingCharacters(in: .whitespaces))
        }
        switch name {
        case "download":
            guard words.count <= 1 else { throw usage() }
            guard let dir = words.first else { return .download(destination: nil) }
            guard !dir.trimmingCharacters(in: .whitespaces).isEmpty else { throw .usage("download: the folder name is empty") }
            return .download(destination: dir)
        case "alias", "tag":
            guard let op = words.first else { throw usage() }
            let change: LabelChange
            switch op.lowercased() {
            case "add": change = .add
            case "rm", "remove", "del", "delete": change = .remove
            default: throw usage()
            }
            var labels: [String] = []
            do {
                for word in words.dropFirst() {
                    for label in try LabelGrammar.parse(word) where !labels.contains(label) { labels.append(label) }
                }
            } catch {
                throw .usage("\(name): \((error as? ActionError)?.userMessage ?? String(describing: error))")
            }
            guard !labels.isEmpty else { throw .usage("usage: :\(name) \(change == .add ? "add" : "rm") \(name == "alias" ? "ALIAS" : "TAG")…") }
            return name == "alias" ? .alias(change, labels) : .tag(change, labels)
        case "bump":
            guard words.count == 1, let kind = SemanticVersion.Bump(rawValue: words[0].lowercased()) else { throw usage() }
            return .bump(kind)
        case "sort":
            guard (1...2).contains(words.count), let field = sortFieldNames[words[0].lowercased()] else {
                throw .usage("usage: :sort FIELD [asc|desc] (FIELD: name, type, version, size, date, count)")
            }
            guard words.count == 2 else { return .sort(field, descending: nil) }
            switch words[1].lowercased() {
            case "asc", "ascending", "up": return .sort(field, descending: false)
            case "desc", "descending", "down", "reverse": return .sort(field, descending: true)
            default: throw .usage("usage: :sort FIELD [asc|desc]")
            }
        case "help":
            guard words.isEmpty else { throw usage() }
            return .help
        default:
            guard words.isEmpty else { throw usage() }
            return .quit
        }
    }

    static func gotoCommand(_ text: String) throws(ParseError) -> LineCommand {
        var target = text
        if target.count >= 2, let q = target.first, q == "'" || q == "\"", target.last == q {
            target = String(target.dropFirst().dropLast())
        }
        do { return .goto(try GotoTarget.parse(target)) } catch { throw .goto(error) }
    }
}

/// The `:` command line while it is open: its text field and the completions last offered.
public struct CommandLineState: Sendable, Hashable {
    /// What is typed after `:` (the readline keys of ``TextField``).
    public var field = TextField()
    /// The names Tab offered when it could not complete to one (shown above the command line);
    /// empty otherwise, and after any edit.
    public var candidates: [String] = []

    public init(_ text: String = "") {
        field = TextField(text)
    }
}

/// What Tab does to a command line: the new text before the cursor, the candidates to show when
/// several remain, and a listing to load when the names to complete are not loaded yet.
public struct Completion: Sendable, Hashable {
    /// The text before the cursor after completing (unchanged when nothing completes).
    public var text: String
    /// The names still possible (as shown: the last part of each), sorted; empty when unique or none.
    public var candidates: [String]
    /// A listing whose names are needed and not loaded (Tab again once it is).
    public var needs: ListingKey?

    public init(text: String, candidates: [String] = [], needs: ListingKey? = nil) {
        self.text = text
        self.candidates = candidates
        self.needs = needs
    }

    /// The longest common prefix of `words` (by `Character`).
    static func commonPrefix(_ words: [String]) -> String {
        guard var prefix = words.first.map(Array.init) else { return "" }
        for word in words.dropFirst() {
            let w = Array(word)
            var n = 0
            while n < min(prefix.count, w.count), prefix[n] == w[n] { n += 1 }
            prefix = Array(prefix[..<n])
        }
        return String(prefix)
    }

    /// Completes `typed` (the start of a word) among `options` (full words) and puts the result
    /// after `lead`: the unique match plus `suffix`, else the longest common prefix. Matching is by
    /// prefix, case-sensitive first and case-insensitive when that finds nothing. `shown` turns a
    /// full word into what the candidates list shows.
    static func complete(_ typed: String, among options: [String], lead: String, suffix: (String) -> String = { _ in "" },
                         shown: (String) -> String = { $0 }) -> Completion {
        var matches = options.filter { $0.hasPrefix(typed) }
        if matches.isEmpty { matches = options.filter { $0.lowercased().hasPrefix(typed.lowercased()) } }
        var unique: [String] = []
        for m in matches where !unique.contains(m) { unique.append(m) }
        guard !unique.isEmpty else { return Completion(text: lead + typed) }
        if unique.count == 1 { return Completion(text: lead + unique[0] + suffix(unique[0])) }
        let common = commonPrefix(unique)
        // A shorter common prefix (candidates differing in case from what is typed) keeps the typed text.
        let text = common.count >= typed.count ? common : typed
        return Completion(text: lead + text, candidates: unique.map(shown).sorted { $0.lowercased() < $1.lowercased() })
    }
}

extension BrowserState {
    /// Tab on the command line: completes the text before the cursor, `line` (without `:`), from the
    /// names this session loaded: command names first, then (for goto, or a reference typed alone)
    /// workspace, artifact, version and alias names and asset paths; `:alias`/`:tag` labels, `:bump`
    /// kinds and `:sort` fields. Pure.
    public func complete(_ line: String) -> Completion {
        guard let space = line.firstIndex(where: \.isWhitespace) else {
            // The first word: a command, or the start of a reference.
            if line.contains("/") { return completeReference(line, lead: "") }
            let names = LineCommand.table.map(\.name)
            let c = Completion.complete(line, among: names, lead: "", suffix: { _ in " " })
            if c.text != line || !c.candidates.isEmpty { return c }
            return completeReference(line, lead: "")
        }
        let word = String(line[..<space])
        let afterCommand = line[space...]
        let argument = String(afterCommand.drop { $0.isWhitespace })
        let lead = String(line.dropLast(argument.count))
        guard let name = LineCommand.commandName(word) else { return Completion(text: line) }
        if name == "goto" { return completeReference(argument, lead: lead) }
        // The other commands complete their last word.
        let lastStart = argument.lastIndex(where: \.isWhitespace).map { argument.index(after: $0) } ?? argument.startIndex
        let typed = String(argument[lastStart...])
        let wordLead = lead + argument[..<lastStart]
        let earlier = argument[..<lastStart].split(whereSeparator: \.isWhitespace).map(String.init)
        let options: [String]
        switch (name, earlier.count) {
        case ("alias", 0), ("tag", 0): options = ["add", "rm"]
        case ("alias", _), ("tag", _):
            let remove = ["rm", "remove", "del", "delete"].contains(earlier[0].lowercased())
            options = labelOptions(alias: name == "alias", remove: remove)
        case ("bump", 0): options = SemanticVersion.Bump.allCases.map(\.rawValue)
        case ("sort", 0):
            let fields = current.folder != nil ? SortField.treeFields : SortField.fields(for: current.key.level)
            options = fields.map { $0 == .added ? "date" : $0.rawValue }
        case ("sort", 1): options = ["asc", "desc"]
        default: options = []
        }
        return Completion.complete(typed, among: options, lead: wordLead, suffix: { _ in " " })
    }

    /// Labels `:alias`/`:tag` can name: to remove, the selection's own; to add, those of the other
    /// versions (moving an alias) or artifacts, not yet on the selection.
    func labelOptions(alias: Bool, remove: Bool) -> [String] {
        guard let entry = selectedEntry(of: current) else { return [] }
        var own: [String] = []
        var others: [String] = []
        switch entry {
        case .version(let v):
            own = alias ? v.aliases : v.tags
            for case .version(let o) in listings[current.key]?.entries ?? [] where o.version != v.version {
                others += alias ? o.aliases : o.tags
            }
        case .artifact(let a) where !alias:
            own = a.tags
            for case .artifact(let o) in listings[current.key]?.entries ?? [] where o.name != a.name { others += o.tags }
        default: return []
        }
        return remove ? own : others.filter { !own.contains($0) && $0.lowercased() != "latest" }
    }

    /// Completes a goto target typed as `text` (after `lead`): a workspace, `WS/` + artifact,
    /// `WS/A:` + version or alias, `WS/A:V/` + the next part of an asset path.
    func completeReference(_ text: String, lead: String) -> Completion {
        let scalars = text.unicodeScalars
        guard let slash = scalars.firstIndex(of: "/") else {
            guard let rows = listings[.workspaces]?.entries else { return Completion(text: lead + text, needs: .workspaces) }
            let names = rows.map(\.name)
            return Completion.complete(text, among: names, lead: lead, suffix: { _ in "/" })
        }
        let ws = String(scalars[..<slash])
        let rest = String(scalars[scalars.index(after: slash)...])
        guard let colon = rest.firstIndex(of: ":") else {
            let key = ListingKey.artifacts(workspace: ws)
            guard let rows = listings[key]?.entries else { return Completion(text: lead + text, needs: key) }
            return Completion.complete(rest, among: rows.map(\.name), lead: lead + ws + "/", suffix: { _ in ":" })
        }
        let artifact = String(rest[..<colon])
        let afterColon = String(rest[rest.index(after: colon)...])
        let versionsKey = ListingKey.versions(workspace: ws, artifact: artifact)
        guard let versionRows = listings[versionsKey]?.entries else { return Completion(text: lead + text, needs: versionsKey) }
        let versions = versionRows.compactMap { if case .version(let v) = $0 { v } else { nil } }
        let versionLead = lead + ws + "/" + artifact + ":"
        guard let pathSlash = afterColon.firstIndex(of: "/") else {
            var names = versions.map(\.version)
            for v in versions { names += v.aliases.filter { !names.contains($0) } }
            return Completion.complete(afterColon, among: names, lead: versionLead, suffix: { _ in "/" })
        }
        let versionText = String(afterColon[..<pathSlash])
        let typedPath = String(afterColon[afterColon.index(after: pathSlash)...])
        guard let version = GotoTarget.resolve(versionText, in: versions) else { return Completion(text: lead + text) }
        let assetsKey = ListingKey.assets(workspace: ws, artifact: artifact, version: version.version, versionId: version.artifactVersionId)
        guard let assetRows = listings[assetsKey]?.entries else { return Completion(text: lead + text, needs: assetsKey) }
        // The next part of each path below what is typed: a folder (with its `/`) or a file.
        let folder = typedPath.lastIndex(of: "/").map { String(typedPath[...$0]) } ?? ""
        var parts: [String] = []
        var seen = Set<String>()
        for case .asset(let a) in assetRows where a.logicalPath.hasPrefix(folder) {
            let below = a.logicalPath.dropFirst(folder.count)
            let part = below.firstIndex(of: "/").map { String(below[...$0]) } ?? String(below)
            if !part.isEmpty, seen.insert(part).inserted { parts.append(folder + part) }
        }
        return Completion.complete(typedPath, among: parts, lead: versionLead + versionText + "/",
                                   shown: { String($0.dropFirst(folder.count)) })
    }
}

extension GotoTarget {
    /// The version `text` names among `versions`: that version string, else the version holding
    /// that alias (case-insensitively, as Comet matches aliases); `latest` is the highest version
    /// when no version holds it.
    static func resolve(_ text: String, in versions: [ArtifactVersion]) -> ArtifactVersion? {
        if let v = versions.first(where: { $0.version == text }) { return v }
        if let v = versions.first(where: { $0.aliases.contains { $0.lowercased() == text.lowercased() } }) { return v }
        guard text.lowercased() == "latest" else { return nil }
        return GotoTarget.latest(of: versions)
    }

    /// The highest semantic version among `versions` (the newest added when none parses).
    static func latest(of versions: [ArtifactVersion]) -> ArtifactVersion? {
        let semantic = versions.compactMap { v in v.semanticVersion.map { (v, $0) } }
        if let top = semantic.max(by: { $0.1 < $1.1 }) { return top.0 }
        return versions.max { ($0.addedMillis ?? 0) < ($1.addedMillis ?? 0) }
    }
}
