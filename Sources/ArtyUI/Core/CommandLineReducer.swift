import CometAPI

/// A `:goto` on its way: the target, and the listing it waits for (loaded by the app; the goto
/// goes on with ``Action/loaded(_:requestID:result:)``).
public struct PendingGoto: Sendable, Hashable {
    public var target: GotoTarget
    /// The listing this goto asked for last; its failure ends the goto.
    public var waitingFor: ListingKey?
    /// Listings this goto reloaded: a name missing from a listing loaded earlier in the session
    /// (another client may have added it since), or an alias or `latest` (pointers that move), is
    /// looked up again in a fresh copy, once, before the goto gives up or resolves.
    public var refreshed: Set<ListingKey> = []

    public init(target: GotoTarget, waitingFor: ListingKey? = nil) {
        self.target = target
        self.waitingFor = waitingFor
    }
}

/// The `:` command line in the pure core: its keys, and each command run through the reducer path
/// of the key that does the same (``runAction(_:destination:)``, the label editor, the bump dialog).
extension BrowserState {
    /// `:`: opens an empty command line (the last ones are one `↑` away).
    mutating func openCommandLine() -> [Effect] {
        commandLine = CommandLineState()
        commandHistory.stopWalking()
        return []
    }

    /// A key while the command line is open.
    mutating func editCommandLine(_ key: Key) -> [Effect] {
        guard var line = commandLine else { return [] }
        switch key {
        case .enter:
            let text = line.field.text.trimmingCharacters(in: .whitespaces)
            commandLine = nil
            commandHistory.record(text)
            guard !text.isEmpty else { return [] }
            return execute(text)
        case .escape:
            commandLine = nil
            commandHistory.stopWalking()
            return []
        case .backspace where line.field.text.isEmpty:
            // Backspace on an empty line closes it, as in vim.
            commandLine = nil
            commandHistory.stopWalking()
            return []
        case .up:
            guard let text = commandHistory.older(current: line.field.text) else { return [] }
            line.field.setText(text)
            line.candidates = []
        case .down:
            guard let text = commandHistory.newer() else { return [] }
            line.field.setText(text)
            line.candidates = []
        case .tab:
            let before = String(line.field.text.prefix(line.field.cursor))
            let after = String(line.field.text.dropFirst(line.field.cursor))
            let completion = complete(before)
            line.field.setText(completion.text + after)
            for _ in 0..<after.count { _ = line.field.handle(.left) }
            line.candidates = completion.candidates
            commandLine = line
            if let needed = completion.needs {
                let effects = ensureListing(needed)
                message = StatusMessage(listings[needed]?.error != nil
                    ? "Cannot complete: the \(Render.loadFailureSubject(needed)) did not load"
                    : "Loading the \(Render.loadFailureSubject(needed)) to complete… (Tab again)")
                return effects
            }
            if completion.text == before && completion.candidates.isEmpty {
                message = StatusMessage("No completion for '\(before.split(separator: " ").last.map(String.init) ?? before)'")
            }
            return []
        default:
            guard line.field.handle(key) else { return [] }
            commandHistory.stopWalking()
            line.candidates = []
        }
        commandLine = line
        return []
    }

    /// Parses and runs a command line (without `:`); a line that does not parse says why.
    mutating func execute(_ text: String) -> [Effect] {
        let workspaces = Set(listings[.workspaces]?.entries?.map(\.name) ?? [])
        do {
            let command = try LineCommand.parse(text, isWorkspace: { workspaces.contains($0) })
            return run(command)
        } catch {
            message = StatusMessage(":\(text): \(error.description)", kind: .error)
            return []
        }
    }

    /// Runs a parsed command. A command whose key cannot act here says why, as the key does
    /// (``KeyBinding/reason(in:)``: the pane first, then `--read-only`).
    mutating func run(_ command: LineCommand) -> [Effect] {
        func refused(_ key: Command) -> Bool {
            guard let reason = Keymap.binding(for: key)?.reason(in: self) else { return false }
            message = StatusMessage(reason)
            return true
        }
        switch command {
        case .goto(let target):
            return startGoto(target)
        case .download(let destination):
            if refused(.download) { return [] }
            return runAction(.download, destination: destination)
        case .alias(let change, let labels):
            if refused(.editAliases) { return [] }
            return editLabels(.editAliases, change: change, labels: labels)
        case .tag(let change, let labels):
            if refused(.editTags) { return [] }
            return editLabels(.editTags, change: change, labels: labels)
        case .bump(let kind):
            if refused(.bump) { return [] }
            let effects = runAction(.bump)
            if case .bump(var dialog)? = overlay {
                dialog.kind = kind
                overlay = .bump(dialog)
                message = StatusMessage("Bump \(kind.rawValue): y creates it, Esc cancels")
            }
            return effects
        case .sort(let field, let descending):
            let fields = current.folder != nil ? SortField.treeFields : SortField.fields(for: current.key.level)
            guard fields.contains(field) else {
                let names = fields.map { $0 == .added ? "date" : $0.rawValue }
                message = StatusMessage("The \(current.folder != nil ? "folder tree" : current.key.level.noun + " pane") sorts by "
                    + names.joined(separator: ", "))
                return []
            }
            keepSelection()
            current.sort.field = field
            if let descending { current.sort.reversed = descending }
            message = StatusMessage("Sorted by \(current.sort.label)")
            return ensurePreview()
        case .help:
            overlay = .help(offset: 0)
            return []
        case .quit:
            return requestQuit()
        }
    }

    /// `:alias`/`:tag add|rm`: opens the editor `a`/`t` would open, puts the change in its field
    /// and presses Enter: the change is reviewed against the server's labels, and `y` writes it.
    mutating func editLabels(_ key: Command, change: LabelChange, labels: [String]) -> [Effect] {
        var effects = runAction(key)
        guard case .labels(var dialog)? = overlay else { return effects }
        let noun = dialog.kind == .alias ? "alias" : "tag"
        let owner = dialog.version.map { "version \($0.version)" } ?? "artifact \(dialog.artifactName)"
        var wanted = dialog.opened
        switch change {
        case .add:
            let present = labels.filter { wanted.contains($0) }
            guard present.count < labels.count else {
                overlay = nil
                message = StatusMessage("Nothing to change: \(owner) already has \(noun) \(LabelGrammar.format(present))")
                return []
            }
            wanted += labels.filter { !wanted.contains($0) }
        case .remove:
            let missing = labels.filter { !wanted.contains($0) }
            guard missing.count < labels.count else {
                overlay = nil
                message = StatusMessage("Nothing to change: \(owner) has no \(noun) \(LabelGrammar.format(missing))")
                return []
            }
            wanted.removeAll { labels.contains($0) }
        }
        dialog.text = LabelGrammar.format(wanted)
        overlay = .labels(dialog)
        effects += handleActionOverlay(.enter) ?? []
        if case .labels(let reviewing)? = overlay, reviewing.checking {
            message = StatusMessage("Reviewing the change against the server: y writes it, Esc cancels")
        }
        return effects
    }

    // MARK: goto

    /// Starts `:goto`: the panes on the way are opened (and loaded) one after the other by
    /// ``advanceGoto()``.
    mutating func startGoto(_ target: GotoTarget) -> [Effect] {
        pendingGoto = PendingGoto(target: target)
        typeahead = []
        return advanceGoto()
    }

    /// Takes a pending goto as far as the loaded listings allow: each level's pane is opened with
    /// the next name selected; a listing not loaded yet is requested and the goto waits for it (the
    /// next ``Action/loaded(_:requestID:result:)`` calls this again). An unknown name ends it with
    /// a clear message (`no artifact 'x' in workspace 'y'`), on the pane where it was looked for.
    mutating func advanceGoto() -> [Effect] {
        guard var pending = pendingGoto else { return [] }
        let target = pending.target
        let ws = target.workspace
        var effects: [Effect] = []

        /// The rows of `key`, or nil after asking for them (the goto then waits) or giving up.
        func rows(_ key: ListingKey, failure: (String) -> String) -> [Entry]? {
            if let entries = listings[key]?.entries, listings[key]?.pendingRequest == nil || pending.waitingFor != key {
                return entries
            }
            if let error = listings[key]?.error {
                if pending.waitingFor == key {
                    fail(failure(error))
                    return nil
                }
                listings[key]?.error = nil  // an old failure: try again
            }
            pending.waitingFor = key
            pending.refreshed.insert(key)  // what arrives now is fresh: no second read for it
            pendingGoto = pending
            effects += ensureListing(key)
            return nil
        }

        /// Reloads `key` once for this goto and waits for it; false when it was reloaded already.
        func refresh(_ key: ListingKey) -> Bool {
            guard !pending.refreshed.contains(key) else { return false }
            pending.refreshed.insert(key)
            pending.waitingFor = key
            pendingGoto = pending
            effects += reload(key)
            return true
        }

        // Workspaces pane → the workspace's artifacts.
        var path: [Pane] = [paneOnPath(.workspaces, selecting: ws)]
        let artifactsKey = ListingKey.artifacts(workspace: ws)
        path.append(paneOnPath(artifactsKey, selecting: target.artifact))
        openPath(path)
        guard let artifacts = rows(artifactsKey, failure: { "no workspace '\(ws)' (or no access): \($0)" }) else {
            return effects + ensurePreview()
        }
        guard let artifactName = target.artifact else { return arrive(at: target, version: nil) + effects }
        guard case .artifact(let artifact)? = artifacts.first(where: { $0.name == artifactName }) else {
            if refresh(artifactsKey) { return effects + ensurePreview() }
            let known = artifacts.isEmpty && listings[.workspaces]?.entries?.contains(where: { $0.name == ws }) == false
            return fail(known ? "no workspace '\(ws)'" : "no artifact '\(artifactName)' in workspace '\(ws)'") + effects
        }

        // → the artifact's versions.
        let versionsKey = ListingKey.versions(workspace: ws, artifact: artifact.name)
        path[1].selectedID = artifact.name
        path.append(paneOnPath(versionsKey, selecting: nil))
        openPath(path)
        guard let versionRows = rows(versionsKey, failure: { "could not load the versions of \(ws)/\(artifactName): \($0)" }) else {
            return effects + ensurePreview()
        }
        guard target.selector != nil || target.path != nil else { return arrive(at: target, version: nil) + effects }
        let versions = versionRows.compactMap { if case .version(let v) = $0 { v } else { nil } }
        let wanted = target.selector?.description ?? "latest"
        let exactVersion = versions.contains { $0.version == wanted }
        if !exactVersion, refresh(versionsKey) { return effects + ensurePreview() }  // an alias or latest moves
        guard let version = GotoTarget.resolve(wanted, in: versions) else {
            let what = if case .alias? = target.selector { "no version has alias '\(wanted)'" } else { "no version '\(wanted)'" }
            return fail("\(what) in \(ws)/\(artifactName)") + effects
        }

        // → the version's assets.
        let assetsKey = ListingKey.assets(workspace: ws, artifact: artifact.name, version: version.version, versionId: version.artifactVersionId)
        path[2].selectedID = version.version
        path.append(paneOnPath(assetsKey, selecting: nil))
        openPath(path)
        guard let assets = rows(assetsKey, failure: { "could not load the assets of \(ws)/\(artifactName):\(version.version): \($0)" }) else {
            return effects + ensurePreview()
        }
        guard let assetPath = target.path else { return arrive(at: target, version: version.version) + effects }

        // → the asset (or folder) selected.
        let folder = assetPath.hasSuffix("/") ? String(assetPath.dropLast()) : assetPath
        let exact = assets.contains { $0.id == assetPath }
        let firstBelow = assets.first { $0.id.hasPrefix(folder + "/") }
        guard exact || firstBelow != nil else {
            if refresh(assetsKey) { return effects + ensurePreview() }
            return fail("no asset '\(assetPath)' in \(ws)/\(artifactName):\(version.version)") + effects
        }
        if current.folder != nil {
            // The folder tree: one pane per folder down to the asset's (or into the folder named).
            let components = (exact ? assetPath : folder + "/x").split(separator: "/").dropLast().map(String.init)
            var prefix = ""
            for component in components {
                current.selectedID = (prefix.isEmpty ? "" : prefix + "/") + component + "/"
                prefix = prefix.isEmpty ? component : prefix + "/" + component
                panes.append(Pane(key: assetsKey, sort: current.sort, folder: prefix))
            }
            current.selectedID = exact ? assetPath : nil
        } else {
            current.selectedID = exact ? assetPath : firstBelow?.id
        }
        return arrive(at: target, version: version.version) + effects
    }

    /// The pane of `key` on a goto's way, with `id` selected: the open pane of that key keeps its
    /// sort, and loses a filter that would hide the row.
    func paneOnPath(_ key: ListingKey, selecting id: String?) -> Pane {
        var pane = panes.first { $0.key == key && $0.folder == nil } ?? newPane(key)
        if key.level == .assets, pane.folder != nil || assetsTree { pane.folder = "" }
        if let id { pane.selectedID = id }
        pane.filter = ""
        return pane
    }

    /// Replaces the open panes with `path` (unless they are those already).
    mutating func openPath(_ path: [Pane]) {
        if panes != path { panes = path }
    }

    /// A goto that reached its target: the status line names it and the `arty ls` equivalent.
    mutating func arrive(at target: GotoTarget, version: String?) -> [Effect] {
        pendingGoto = nil
        let command = CLIEquivalent.list(target, version: version)
        lastEquivalent = command
        // The header shows where; the message names the asset (or the place) and what an alias resolved to.
        var place = target.path ?? target.reference(version: version)
        if let alias = target.selector, version != nil, alias.description != version { place += " (\(alias) → \(version!))" }
        message = CLIEquivalent.message(place, command: command)
        return ensurePreview()
    }

    /// Ends a pending goto with `reason` (an error on the status line).
    @discardableResult
    mutating func fail(_ reason: String) -> [Effect] {
        pendingGoto = nil
        message = StatusMessage("goto: " + reason, kind: .error)
        return ensurePreview()
    }
}
