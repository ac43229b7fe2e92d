import CometAPI

/// The first state and effects of a session: load the workspaces (and the account when the user
/// is not known), and open `context.initialWorkspace`'s artifacts pane when given.
public func start(_ state: BrowserState) -> (BrowserState, [Effect]) {
    var s = state
    var effects: [Effect] = []
    if s.userName == nil { effects.append(.loadAccount) }
    effects += s.ensureListing(.workspaces)
    if let ws = s.context.initialWorkspace {
        s.panes.append(Pane(key: .artifacts(workspace: ws)))
        effects += s.ensureListing(.artifacts(workspace: ws))
    }
    effects += s.ensurePreview()
    effects += s.ensureRemoteFacts()
    return (s, effects)
}

/// The browser's whole behaviour: the new state after `action`, and the effects to run.
/// Pure: no I/O, no clock, no randomness.
public func reduce(_ state: BrowserState, _ action: Action) -> (BrowserState, [Effect]) {
    var s = state
    var effects: [Effect] = []
    switch action {
    case .key(let key):
        effects = s.handle(key)
    case .command(let command):
        effects = s.run(command)
    case .resized(let size):
        s.size = size
    case .tick(let now):
        s.nowMillis = now
        s.tickCount += 1
        if let shown = s.messageShownAt, now - shown > BrowserState.messageLifetimeMillis, s.message?.kind == .info {
            s.message = nil
        }
    case .loaded(let key, let id, let result):
        guard var listing = s.listings[key], listing.pendingRequest == id else { return (state, []) }
        listing.pendingRequest = nil
        switch result {
        case .success(let entries, let artifact):
            listing.entries = entries
            listing.error = nil
            if artifact != nil { listing.artifact = artifact }
            s.listings[key] = listing
            s.noteColumnFacts(key, entries, artifact: artifact)
            listing = s.listings[key] ?? listing
        case .failure(let message):
            listing.error = message
            if key == s.current.key || listing.entries != nil {
                // Preview failures show in the preview pane; the status line is for the pane in use.
                let what = Render.loadFailureSubject(key)
                s.message = StatusMessage("Could not load \(what): \(message) (r to retry)", kind: .error)
            }
        }
        s.listings[key] = listing
        if s.previewRequest == key { s.previewRequest = nil }
        effects = s.ensurePreview()
        if s.pendingGoto != nil { effects += s.advanceGoto() }
        if key == s.current.key { effects += s.replayTypeahead() }
    case .accountLoaded(let name):
        if let name { s.userName = name }
    case .copied(let text, let ok):
        s.message = ok ? StatusMessage("Copied \(text)") : StatusMessage("Could not copy: no terminal clipboard", kind: .error)
        if ok, let entry = s.selectedEntry(of: s.current), case let (copied, note?) = s.copyTarget(for: entry), copied == text {
            s.message = StatusMessage("Copied \(text) (\(note))")
        }
    case .jobProgress(let job, let finished):
        s.jobs.removeAll { $0.id == job.id }
        if !finished { s.jobs.append(job) }
    case .showMessage(let message):
        s.message = message
    case .downloadPlanned, .jobUpdated, .jobFinished, .labelsReviewed, .labelsApplied, .compared:
        effects = s.reduceActionResult(action)
    case .previewFetched(let assetId, let id, let result):
        s.previewFetched(assetId: assetId, requestID: id, result: result)
    case .remoteFactsLoaded(let facts):
        for (id, fact) in facts { s.remoteFacts[id] = .known(fact) }
    case .lineageLoaded(let id, let result):
        switch result {
        case .success(let lineage): s.lineage[id] = .loaded(lineage)
        case .failure(let failure): s.lineage[id] = .failed(failure.message)
        }
    case .artifactDatesLoaded(let ws, let dates):
        for (name, date) in dates { s.artifactDates[BrowserState.artifactKey(ws, name)] = .known(date) }
        s.applyArtifactDates(workspace: ws)
    case .assetCountsLoaded(let counts):
        for (id, count) in counts { s.assetCounts[id] = .known(count) }
    }
    // Whatever moved or arrived, remote links newly on screen are read (lazily, once), and so are
    // the shown version's lineage and the facts of the columns on screen.
    if case .tick = action {} else { effects += s.ensureRemoteFacts() + s.ensureLineage() + s.ensureColumnFacts() }
    return (s, effects)
}

extension BrowserState {
    /// True when the terminal is below ``Size/minimum`` and only the "too small" screen shows.
    public var isTooSmall: Bool { size.width < Size.minimum.width || size.height < Size.minimum.height }

    mutating func handle(_ key: Key) -> [Effect] {
        if key == .ctrl("c") { return requestQuit() }
        if isTooSmall {
            // Only quit works on the "too small" screen.
            return key == .char("q") ? requestQuit() : []
        }
        if case .mouse(let event) = key { return handleMouse(event) }
        if let effects = handleActionOverlay(key) { return effects }
        if let overlay {
            switch overlay {
            case .help(let offset):
                // j/k and the arrows scroll a help taller than the screen; any other key closes it.
                switch key {
                case .char("j"), .down: self.overlay = .help(offset: offset + 1)
                case .char("k"), .up: self.overlay = .help(offset: Swift.max(0, offset - 1))
                default: self.overlay = nil
                }
            case .dialog:
                if key == .escape { self.overlay = nil }
            default:
                break
            }
            return []
        }
        if preview != nil { return handlePreview(key) }
        if commandLine != nil { return editCommandLine(key) }
        if filterEditing { return editFilter(key) }
        guard let command = Keymap.command(for: key, in: context.config.keymap) else { return [] }
        if BrowserState.typeaheadCommands.contains(command), currentIsLoading {
            // Keys typed ahead of a pane that is still loading (`l l l` faster than the server)
            // wait for its rows instead of being lost; they replay when the rows arrive.
            if typeahead.count < BrowserState.typeaheadLimit { typeahead.append(key) }
            return []
        }
        // Any other key takes over from a `:goto` still on its way.
        pendingGoto = nil
        return run(command)
    }

    /// Commands that are kept while the current pane loads (moves and drill-in need its rows);
    /// everything else (back, quit, help, refresh) acts at once.
    static let typeaheadCommands: Set<Command> = [.moveUp, .moveDown, .pageUp, .pageDown, .top, .bottom, .drillIn]
    /// At most this many keys wait for a loading pane.
    static let typeaheadLimit = 32

    /// True while the current pane has no rows yet and a request for them is in flight.
    var currentIsLoading: Bool {
        guard let listing = listings[current.key] else { return false }
        return listing.entries == nil && listing.pendingRequest != nil
    }

    /// Replays type-ahead keys once the current pane has its rows (or failed to get them: then
    /// the keys are dropped, since they were aimed at rows that do not exist).
    mutating func replayTypeahead() -> [Effect] {
        guard !typeahead.isEmpty, !currentIsLoading else { return [] }
        let keys = typeahead
        typeahead = []
        guard listings[current.key]?.entries != nil else { return [] }
        var effects: [Effect] = []
        for key in keys { effects += handle(key) }
        return effects
    }

    mutating func editFilter(_ key: Key) -> [Effect] {
        switch key {
        case .enter:
            filterEditing = false
            filterHistory.record(current.filter)
            selectFirst()
        case .escape:
            filterEditing = false
            filterHistory.stopWalking()
            keepSelection()
            current.filter = ""
        case .up:
            // Recall the filters kept before, newest first; ↓ walks back to what was typed.
            guard let text = filterHistory.older(current: filterField.text) else { return [] }
            return setFilterText(text)
        case .down:
            guard let text = filterHistory.newer() else { return [] }
            return setFilterText(text)
        default:
            guard filterField.handle(key) else { return [] }
            // Only an edit filters again: a cursor move leaves the rows (and the selection) alone.
            guard filterField.text != current.filter else { return [] }
            filterHistory.stopWalking()
            current.filter = filterField.text
            selectFirst()
        }
        return ensurePreview()
    }

    /// Puts `text` in the filter field (cursor at its end) and filters by it.
    mutating func setFilterText(_ text: String) -> [Effect] {
        filterField.setText(text)
        guard text != current.filter else { return [] }
        current.filter = text
        selectFirst()
        return ensurePreview()
    }

    /// Pins the row the cursor is on (``selectedEntry(of:)``: the first row while nothing was
    /// chosen yet) as the pane's selection, so a new sort or filter keeps that row selected
    /// instead of whichever row comes first in the new order.
    mutating func keepSelection() {
        if let entry = selectedEntry(of: current) { current.selectedID = entry.id }
    }

    /// `n` / `N`: the next / previous row matching the kept filter, wrapping around the ends;
    /// the status line says `match 3/7`, or `no match`.
    mutating func jumpToMatch(forward: Bool) -> [Effect] {
        guard !current.filter.isEmpty, !filterEditing else {
            message = StatusMessage("No filter kept: / filters, then n/N step through the matches")
            return []
        }
        guard let rows = visibleEntries(of: current), !rows.isEmpty else {
            message = StatusMessage("no match")
            return []
        }
        let from = current.selectedID.flatMap { rows.position(of: $0) }
        let to = FilterMatches.step(from: from, count: rows.count, forward: forward)
        current.selectedID = rows[to].id
        listings[current.key]?.index?.noteSelection(to, filter: current.filter, sort: current.sort)
        message = StatusMessage("match \(to + 1)/\(rows.count)")
        return ensurePreview()
    }

    mutating func selectFirst() {
        current.selectedID = visibleEntries(of: current)?.first?.id ?? current.selectedID
    }

    mutating func run(_ command: Command) -> [Effect] {
        // A key that cannot act on this pane and selection says why, as information (not an error).
        if let reason = context.config.keymap.first(where: { $0.command == command })?.reason(in: self) {
            message = StatusMessage(reason)
            return []
        }
        let page = max(1, listHeight - 1)
        switch command {
        case .moveUp: return move(by: -1)
        case .moveDown: return move(by: 1)
        case .pageUp: return move(by: -page)
        case .pageDown: return move(by: page)
        case .top: return move(by: Int.min / 2)
        case .bottom: return move(by: Int.max / 2)
        case .drillIn: return drillIn()
        case .drillOut:
            guard panes.count > 1 else { return [] }
            leaveFolder()
            panes.removeLast()
            return ensurePreview()
        case .filter:
            // A fresh, empty field: the kept filter is one `↑` away (``FilterHistory``).
            filterEditing = true
            filterField = TextField()
            filterHistory.stopWalking()
            guard !current.filter.isEmpty else { return [] }
            keepSelection()
            current.filter = ""
            return ensurePreview()
        case .nextMatch: return jumpToMatch(forward: true)
        case .previousMatch: return jumpToMatch(forward: false)
        case .clearFilter:
            // Esc undoes the nearest thing first: an open range, then the marks, then the filter.
            if clearMarks() { return [] }
            guard !current.filter.isEmpty else { return [] }
            keepSelection()
            current.filter = ""
            message = StatusMessage("Filter cleared")
            return ensurePreview()
        case .sort:
            keepSelection()
            let fields = current.folder != nil ? SortField.treeFields : SortField.fields(for: current.key.level)
            let i = fields.firstIndex(of: current.sort.field) ?? -1
            current.sort.field = fields[(i + 1) % fields.count]
            message = StatusMessage("Sorted by \(current.sort.label)")
            return ensurePreview()
        case .reverseSort:
            keepSelection()
            current.sort.reversed.toggle()
            message = StatusMessage("Sorted by \(current.sort.label)")
            return ensurePreview()
        case .refresh:
            // What the session read about these rows besides the listing is read again too: the
            // versions' lineage (a new consumer), their asset counts, the artifacts' dates.
            forgetFacts(of: current.key)
            var effects = reload(current.key)
            if let preview = previewKey, listings[preview]?.pendingRequest == nil {
                listings[preview] = nil
                effects += ensurePreview()
            }
            message = StatusMessage("Refreshing \(current.key.level.noun)…")
            return effects
        case .copy:
            guard let entry = selectedEntry(of: current) else {
                message = StatusMessage("Nothing selected to copy", kind: .error)
                return []
            }
            return [.copyToClipboard(copyTarget(for: entry).text)]
        case .help:
            overlay = .help(offset: 0)
            return []
        case .quit:
            return requestQuit()
        case .download, .editAliases, .editTags, .bump, .mark, .compare, .jobs:
            return runAction(command)
        case .preview:
            return openPreview()
        case .toggleTree:
            return toggleTree()
        case .markAsset:
            return toggleMark()
        case .markRange:
            return markRange()
        case .commandLine:
            return openCommandLine()
        }
    }

    /// What `y` copies: `workspace`, `workspace/artifact`, `workspace/artifact:version`, and for an
    /// asset its remote link or its logical path.
    public func reference(for entry: Entry) -> String {
        let path = current.key.path
        switch entry {
        case .workspace(let ws): return ws
        case .artifact(let a): return (path + [a.name]).joined(separator: "/")
        case .version(let v): return path.joined(separator: "/") + ":" + v.version
        case .asset(let a): return a.isRemote ? (a.link ?? a.logicalPath) : a.logicalPath
        case .folder(let f): return f.path + "/"
        }
    }

    mutating func move(by delta: Int) -> [Effect] {
        guard let rows = visibleEntries(of: current), !rows.isEmpty else { return [] }
        let from = BrowserState.index(of: current.selectedID, in: rows)
        let to = Swift.min(rows.count - 1, Swift.max(0, from.addingReportingOverflow(delta).partialValue))
        current.selectedID = rows[to].id
        rows.noteSelection(to)
        if delta != 0 { prefetch.backward = delta < 0 }
        return ensurePreview()
    }

    mutating func drillIn() -> [Effect] {
        guard let entry = selectedEntry(of: current) else { return [] }
        current.selectedID = entry.id
        if case .folder(let folder) = entry { return enterFolder(folder) }
        guard let child = childKey(of: entry, in: current) else {
            // An asset has no children: opening it previews it.
            return openPreview()
        }
        panes.append(newPane(child))
        if previewRequest == child { previewRequest = nil }
        return ensureListing(child) + ensurePreview()
    }

    /// The listing the right column previews (children of the selection), if any.
    public var previewKey: ListingKey? {
        selectedEntry(of: current).flatMap { childKey(of: $0, in: current) }
    }

    /// Starts a load for `key` unless it is loaded, loading, or failed-and-showing.
    mutating func ensureListing(_ key: ListingKey) -> [Effect] {
        if let listing = listings[key], listing.entries != nil || listing.pendingRequest != nil || listing.error != nil {
            return []
        }
        return reload(key)
    }

    /// Starts a (re)load of `key`, superseding any load in flight (its result becomes stale).
    mutating func reload(_ key: ListingKey) -> [Effect] {
        var effects: [Effect] = []
        var listing = listings[key] ?? Listing()
        if let old = listing.pendingRequest { effects.append(.cancel(requestID: old)) }
        let id = nextRequestID
        nextRequestID += 1
        listing.pendingRequest = id
        listing.error = nil
        listings[key] = listing
        effects.append(.load(key, requestID: id))
        return effects
    }

    /// Loads the preview of the selection, cancelling a preview load the user has moved away from,
    /// and prefetches the neighbours' previews (``ensurePrefetch()``).
    mutating func ensurePreview() -> [Effect] {
        var effects: [Effect] = []
        let wanted = previewKey
        if let old = previewRequest, old != wanted, !panes.contains(where: { $0.key == old }),
           let listing = listings[old], let id = listing.pendingRequest {
            // A neighbour's preview still wanted stays in flight as a prefetch (Prefetch.swift).
            if !adoptAsPrefetch(old) {
                effects.append(.cancel(requestID: id))
                if listing.entries == nil { listings[old] = nil } else { listings[old]?.pendingRequest = nil }
            }
            previewRequest = nil
        }
        if let wanted {
            let started = ensureListing(wanted)
            if !started.isEmpty { previewRequest = wanted }
            effects += started
        }
        return effects + ensurePrefetch()
    }
}
