import CometAPI

/// The `arty …` command that does what a browser action did, shell-quoted (``ShellWords``), so it
/// can be scripted. The forms are the CLI's (Sources/arty/Commands): `arty ls REF`, `arty download
/// REF [DIR] [--asset PATH] [--overwrite S] [--include-remote=s3]`, `arty alias REF add|remove A…`,
/// `arty tag REF add|remove T…` (`--artifact` for artifact tags), `arty bump REF KIND
/// [--with-aliases]`. The connection comes from the environment, as for the browser (COMET_API_KEY,
/// COMET_URL_OVERRIDE), so no option for it is printed. Pure.
public enum CLIEquivalent {
    /// `arty ls REF`: what the pane a goto landed on lists (`version`: the concrete version an
    /// alias resolved to, which `ls` then lists).
    public static func list(_ target: GotoTarget, version: String? = nil) -> String {
        ShellWords.join(["arty", "ls", target.reference(version: version)])
    }

    /// `arty download WS/A:V [DIR] …` for a confirmed download dialog. DIR is left out when it is
    /// the default (`./A-V`, the CLI's default too); `--overwrite` when FAIL (the default).
    public static func download(workspace: String, artifact: String, version: String, destination: String,
                                assets: [String]?, strategy: OverwriteStrategy, includeRemote: Bool) -> String {
        var words = ["arty", "download", "\(workspace)/\(artifact):\(version)"]
        if destination != DownloadPlan.defaultDestination(artifact: artifact, version: version) { words.append(destination) }
        // `--asset=PATH`: a logical path may start with `-`, which as a separate word reads as an option.
        for path in assets ?? [] {
            if path.hasPrefix("-") { words.append("--asset=" + path) } else { words += ["--asset", path] }
        }
        if strategy != .fail { words += ["--overwrite", strategy.rawValue.lowercased()] }
        if includeRemote { words.append("--include-remote=s3") }
        return ShellWords.join(words)
    }

    /// The commands that make `delta` on the labels of `kind`: one `add` and one `remove` command
    /// (joined with ` && ` when both), each label written as the CLI's list grammar reads it back
    /// (``LabelGrammar/quotedIfNeeded(_:)``). `version` is nil for artifact tags. Empty delta: "".
    public static func labels(kind: LabelKind, workspace: String, artifact: String, version: String?, delta: LabelDelta) -> String {
        let reference = "\(workspace)/\(artifact)" + (version.map { ":\($0)" } ?? "")
        var commands: [String] = []
        for (operation, labels) in [("add", delta.add), ("remove", delta.remove)] where !labels.isEmpty {
            var words = ["arty", kind == .alias ? "alias" : "tag", reference, operation]
            // `--` ends the options, so a label starting with `-` is not read as one.
            if labels.contains(where: { $0.hasPrefix("-") }) { words.append("--") }
            words += labels.map(LabelGrammar.quotedIfNeeded)
            if kind == .artifactTag { words.insert("--artifact", at: 3) }
            commands.append(ShellWords.join(words))
        }
        return commands.joined(separator: " && ")
    }

    /// `arty bump WS/A:V KIND [--with-aliases]`.
    public static func bump(workspace: String, artifact: String, version: String, kind: SemanticVersion.Bump,
                            withAliases: Bool) -> String {
        ShellWords.join(["arty", "bump", "\(workspace)/\(artifact):\(version)", kind.rawValue] + (withAliases ? ["--with-aliases"] : []))
    }

    /// `message` followed by the equivalent command, which a narrow status line cuts first.
    static func message(_ text: String, command: String, kind: MessageKind = .info) -> StatusMessage {
        guard !command.isEmpty else { return StatusMessage(text, kind: kind) }
        return StatusMessage(segments: [TextSegment(text, priority: 1), TextSegment(" · $ " + command, priority: 0)], kind: kind)
    }
}
