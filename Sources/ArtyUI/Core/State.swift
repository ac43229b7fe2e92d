import CometAPI

/// A terminal size in cells.
public struct Size: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)×\(height)" }

    /// The smallest terminal the browser draws in (40×10); smaller shows the "too small" screen.
    public static let minimum = Size(width: 40, height: 10)
}

/// Where the browser runs: shown in the header, and fixed for the session.
public struct BrowserContext: Sendable, Hashable {
    /// What the browser is connected to: a host (`www.comet.com`) or `local registry`.
    public var serverLabel: String
    /// The signed-in user, when known up front; otherwise loaded with `account-details` (§2.2).
    public var userName: String?
    /// A workspace to open directly (its artifacts pane), e.g. from `COMET_WORKSPACE`.
    public var initialWorkspace: String?
    /// True when edits (issue 5) must be refused, e.g. on a read-only registry.
    public var readOnly: Bool
    /// False when the service cannot write (not ``ArtifactWriting``): `a`, `t`, `b` say so.
    public var canWrite: Bool
    /// False when the service cannot fetch files (not ``AssetDownloading``): `d` says so.
    public var canDownload: Bool
    /// False when the service cannot read an asset's first bytes (not ``AssetPrefixReading``):
    /// the preview (`p`) says so.
    public var canPreview: Bool = true
    /// True when AWS credentials were found (``RemoteAssetInspector``): remote assets' `s3://`
    /// links on screen are read from the store (sizes, existence). False: nothing is requested.
    public var readsRemoteStores: Bool = false
    /// The user's settings (config.toml): key bindings, theme, mouse, download folder and parallelism.
    public var config: ArtyConfig = ArtyConfig()
    /// False when the service cannot read lineage (not ``LineageReading``): the version details say
    /// "unavailable".
    public var readsLineage: Bool = true
    /// The web UI's root (`https://www.comet.com`) when the server is comet.com-like
    /// (``WebLinks/webRoot(forClientlibURL:)``): `y` on a version or artifact copies its web page.
    /// Nil for servers without a web UI (the local registry).
    public var webRoot: String? = nil

    public init(serverLabel: String, userName: String? = nil, initialWorkspace: String? = nil, readOnly: Bool = false,
                canWrite: Bool = true, canDownload: Bool = true) {
        self.serverLabel = serverLabel
        self.userName = userName
        self.initialWorkspace = initialWorkspace
        self.readOnly = readOnly
        self.canWrite = canWrite
        self.canDownload = canDownload
    }
}

/// The depth of a pane in the Miller-column stack.
public enum Level: Int, Sendable, Hashable, Comparable, CaseIterable {
    case workspaces, artifacts, versions, assets

    public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }

    /// Plural noun for titles and messages (`artifacts`).
    public var noun: String {
        switch self {
        case .workspaces: "workspaces"
        case .artifacts: "artifacts"
        case .versions: "versions"
        case .assets: "assets"
        }
    }
}

/// What one pane lists; also the cache key of a listing and the request a load effect makes.
public enum ListingKey: Sendable, Hashable {
    /// `GET workspaces` (§2.1).
    case workspaces
    /// `GET artifacts/get-all` of a workspace (§2.3).
    case artifacts(workspace: String)
    /// `GET artifacts/get` of one artifact: its versions (§2.4).
    case versions(workspace: String, artifact: String)
    /// `GET artifacts/version/files` of one version (§2.6); `versionId` selects it (works for OPEN).
    case assets(workspace: String, artifact: String, version: String, versionId: String)

    public var level: Level {
        switch self {
        case .workspaces: .workspaces
        case .artifacts: .artifacts
        case .versions: .versions
        case .assets: .assets
        }
    }

    /// The breadcrumb parts: `[workspace, artifact, version]`, as far as this key goes.
    public var path: [String] {
        switch self {
        case .workspaces: []
        case .artifacts(let ws): [ws]
        case .versions(let ws, let a): [ws, a]
        case .assets(let ws, let a, let v, _): [ws, a, v]
        }
    }
}

/// One row of a pane.
public enum Entry: Sendable, Hashable, Identifiable {
    case workspace(String)
    case artifact(Artifact)
    case version(ArtifactVersion)
    case asset(Asset)
    /// A folder of the assets pane's tree view (`T`): its path and totals.
    case folder(FolderRow)

    /// A stable identity inside its listing (the name, version string or logical path; a folder's
    /// path and `/`, which no shown file has: a path ending in `/` is a folder marker, see ``FolderTree``).
    public var id: String {
        switch self {
        case .workspace(let n): n
        case .artifact(let a): a.name
        case .version(let v): v.version
        case .asset(let a): a.logicalPath
        case .folder(let f): f.path + "/"
        }
    }

    /// The name the parent column shows (the filter looks in more fields: ``FilterQuery``).
    public var name: String {
        switch self {
        case .workspace(let n): n
        case .artifact(let a): a.name
        case .version(let v): v.version
        case .asset(let a): a.logicalPath
        case .folder(let f): f.path + "/"
        }
    }

    /// True when the row matches the filter text `filter` (``FilterQuery``: a case-insensitive
    /// substring of its name, type, aliases or tags, or of the one field a `type:`, `alias:`,
    /// `tag:` or `name:` prefix names). An empty filter matches everything.
    public func matches(_ filter: String) -> Bool {
        filter.isEmpty || FilterQuery(filter).matches(self)
    }
}

/// What a pane can be sorted by; `s` cycles through ``SortField/fields(for:)``.
public enum SortField: String, Sendable, Hashable, CaseIterable {
    case name, type, version, size, added
    /// How many files (and remote links) a folder holds: the tree view's third order.
    case count
    /// When an artifact last changed (its newest version's `added`); artifacts not known yet sort first.
    case updated

    /// The sort fields offered at a level, default first.
    public static func fields(for level: Level) -> [SortField] {
        switch level {
        case .workspaces: [.name]
        case .artifacts: [.name, .type, .size, .updated]
        case .versions: [.version, .added, .size]
        case .assets: [.name, .size]
        }
    }

    /// The sort fields of the assets pane's tree view (`T`), default first.
    public static let treeFields: [SortField] = [.name, .size, .count]
}

/// A sort order: a field, ascending unless reversed.
public struct SortOrder: Sendable, Hashable {
    public var field: SortField
    public var reversed: Bool
    public init(field: SortField, reversed: Bool = false) {
        self.field = field
        self.reversed = reversed
    }

    /// The default order at a level: versions newest first, everything else by name.
    public static func defaultOrder(for level: Level) -> SortOrder {
        level == .versions ? SortOrder(field: .version, reversed: true) : SortOrder(field: .name)
    }

    /// `size ↓` style label for the status line and the pane title.
    public var label: String { "\(field.rawValue) \(reversed ? "↓" : "↑")" }
}

/// One loaded (or loading, or failed) listing, cached by ``ListingKey``.
public struct Listing: Sendable, Hashable {
    /// The rows, once loaded at least once (kept while a refresh runs).
    public var entries: [Entry]? {
        didSet { index = entries.map(RowIndex.init) }
    }
    /// Memoised filtered/sorted orders of `entries` (derived; never compared).
    var index: RowIndex?
    /// The request id of the load in flight; results with another id are stale and dropped.
    public var pendingRequest: Int?
    /// What failed on the last load, shown in the pane with how to retry.
    public var error: String?
    /// The artifact summary that came with versions (`artifacts/get`, §2.4).
    public var artifact: Artifact?

    public init(entries: [Entry]? = nil, pendingRequest: Int? = nil, error: String? = nil, artifact: Artifact? = nil) {
        self.entries = entries
        self.index = entries.map(RowIndex.init)
        self.pendingRequest = pendingRequest
        self.error = error
        self.artifact = artifact
    }
}

/// One column of the Miller stack the user has drilled into.
public struct Pane: Sendable, Hashable {
    public var key: ListingKey
    /// The id (``Entry/id``) of the selected row; the first visible row when nil or filtered out.
    public var selectedID: String?
    /// The live filter as typed (``FilterQuery``: case-insensitive substring, optionally `type:`
    /// `alias:` `tag:` `name:`); empty when none.
    public var filter: String
    public var sort: SortOrder
    /// For an assets pane in tree view (`T`): the folder it shows (`a/b`, empty for the root);
    /// nil for the flat list. Entering a folder stacks a pane of the same listing.
    public var folder: String?

    public init(key: ListingKey, selectedID: String? = nil, filter: String = "", sort: SortOrder? = nil, folder: String? = nil) {
        self.key = key
        self.selectedID = selectedID
        self.filter = filter
        self.sort = sort ?? .defaultOrder(for: key.level)
        self.folder = folder
    }
}

/// A background job (a download or a bump) shown in the status line and the jobs view (`J`).
public struct Job: Sendable, Hashable, Identifiable {
    public var id: Int
    /// What the jobs view shows: `mnist:2.1.0 → ./mnist-2.1.0`.
    public var title: String
    /// The short form the status line shows (`mnist:2.1.0`); the title when nothing shorter says it.
    public var label: String
    /// Bytes (or items) done and expected; `total` nil when unknown.
    public var done: Int64
    public var total: Int64?
    public var kind: JobKind
    /// The last progress report (per-file states, totals, bytes/s, ETA), nil before the first.
    public var progress: DownloadProgress?
    /// True once the user asked to cancel it (the job ends with a "cancelled" message).
    public var cancelling: Bool
    /// Listings to reload when the job ends (a bump adds a version).
    public var refresh: [ListingKey]
    /// How the job ended, nil while it runs; a finished job stays in the jobs view until dismissed.
    public var outcome: JobOutcome?
    /// The `arty …` command that does the same (``CLIEquivalent``), shown when the job is done.
    public var equivalent: String? = nil

    /// Running, or how it ended.
    public var status: JobStatus { outcome?.status ?? .running }

    public init(id: Int, title: String, label: String? = nil, done: Int64 = 0, total: Int64? = nil,
                kind: JobKind = .download, refresh: [ListingKey] = []) {
        self.id = id
        self.title = title
        self.label = label ?? title
        self.done = done
        self.total = total
        self.kind = kind
        self.progress = nil
        self.cancelling = false
        self.refresh = refresh
        self.outcome = nil
    }
}

/// Something drawn over the panes that takes the keys while it is open.
public enum Overlay: Sendable, Hashable {
    /// The help overlay, generated from ``Keymap``, scrolled down by `offset` lines.
    case help(offset: Int)
    /// A modal dialog (issue 5: alias/tag editor, bump preview, confirm quit).
    case dialog(Dialog)
    /// The download confirm dialog (`d`).
    case download(DownloadDialog)
    /// The alias / tag editor (`a`, `t`).
    case labels(LabelDialog)
    /// The bump dialog (`b`).
    case bump(BumpDialog)
    /// The jobs view (`J`), with the selected job's index.
    case jobs(selected: Int)
    /// The comparison of two versions (`c`), scrolled down by `offset` lines.
    case diff(VersionDiff, offset: Int)
    /// "Jobs are running: quit anyway? (y/N)".
    case confirmQuit
}

/// A modal dialog's content: a title, body lines and an editable text field.
public struct Dialog: Sendable, Hashable {
    public var title: String
    public var lines: [String]
    public var input: String?
    public init(title: String, lines: [String], input: String? = nil) {
        self.title = title
        self.lines = lines
        self.input = input
    }
}

/// Severity of the status-line message (shown as a word prefix too, not colour alone).
public enum MessageKind: Sendable, Hashable { case info, error }

/// The status line's last message.
public struct StatusMessage: Sendable, Hashable {
    public var text: String
    public var kind: MessageKind
    /// The parts of `text` and what to cut first when the line is too narrow (see
    /// ``TextFit/fit(_:to:)``); nil cuts the end of `text`.
    public var segments: [TextSegment]?

    public init(_ text: String, kind: MessageKind = .info) {
        self.text = text
        self.kind = kind
        self.segments = nil
    }

    /// A message made of `segments` (its text is their concatenation): a narrow status line cuts
    /// the lowest-priority segment first, e.g. a failure's reason before its file name.
    public init(segments: [TextSegment], kind: MessageKind = .info) {
        self.text = segments.map(\.text).joined()
        self.kind = kind
        self.segments = segments
    }
}

/// Everything the browser shows; changed only by ``reduce(_:_:)``.
public struct BrowserState: Sendable, Hashable {
    public var context: BrowserContext
    /// The user name shown in the header (from the context or `account-details`).
    public var userName: String?
    public var size: Size
    /// "Now" in epoch milliseconds, for relative dates; updated by ``Action/tick(nowMillis:)``.
    public var nowMillis: Int64
    /// The panes drilled into, root (workspaces) first; never empty.
    public var panes: [Pane]
    public var listings: [ListingKey: Listing]
    /// True while `/` is typing into the current pane's filter.
    public var filterEditing: Bool
    /// The field the filter is typed in while ``filterEditing``: its text is the current pane's
    /// `filter`, and it holds the cursor.
    public var filterField: TextField
    /// The filters kept with Enter this session (newest first), recalled with `↑` in the field.
    public var filterHistory = FilterHistory()
    public var overlay: Overlay?
    /// The jobs still running, oldest first.
    public var jobs: [Job]
    /// Jobs that ended (done, failed, cancelled), newest first, kept for the jobs view until
    /// dismissed; at most ``finishedJobLimit``.
    public var finishedJobs: [Job] = []
    /// How many finished jobs the jobs view keeps: 50 (older ones are dropped).
    public static let finishedJobLimit = 50
    public var message: StatusMessage? {
        didSet { messageShownAt = message == nil ? nil : nowMillis }
    }
    /// When the message appeared (epoch ms); info messages clear after ``messageLifetimeMillis``.
    public var messageShownAt: Int64?
    /// How long an info message stays on the status line: 5 s. Errors stay until replaced.
    public static let messageLifetimeMillis: Int64 = 5_000
    /// The preview load in flight, cancelled when the selection moves elsewhere.
    public var previewRequest: ListingKey?
    /// The previews of the rows next to the cursor being loaded ahead (``PrefetchState``).
    public var prefetch = PrefetchState()
    public var nextRequestID: Int
    /// Ticks since start, for the loading spinner.
    public var tickCount: Int
    /// Set by `q`; the app loop exits when true.
    public var quitRequested: Bool
    /// Label writes sent and not answered yet (``Effect/applyLabels(_:workspace:artifactName:refresh:)``).
    public var labelWritesInFlight = 0
    /// `q` was pressed while a label write was in flight: quit once it is answered.
    public var quitWhenWritesFinish = false
    /// Keys typed while the current pane was loading, replayed when its rows arrive (moves and
    /// drill-in only; see `BrowserState.typeaheadCommands`).
    public var typeahead: [Key] = []
    /// Versions marked with `m` for `c` (at most two, oldest mark first).
    public var marks: [VersionMark]
    /// The id the next background job gets.
    public var nextJobID: Int
    /// The asset preview, when open (`p`, or `Enter`/`l` on an asset); it takes the keys.
    public var preview: AssetPreview? = nil
    /// Preview documents fetched this session, by asset id (the last ``PreviewCache/limit``).
    public var previewCache = PreviewCache()
    /// What object stores said about remote assets' links, by asset id, for the session: nil
    /// inside means asked and nothing to say; missing means not asked yet (``ensureRemoteFacts()``).
    public var remoteFacts: [String: RemoteFactsState] = [:]
    /// Assets marked with `Space`/`v`, per version's assets listing (``AssetMarks``); `d` in that
    /// pane downloads exactly them.
    public var assetMarks: [ListingKey: AssetMarks] = [:]
    /// Assets panes open as a folder tree (`T` toggles; kept for the versions opened next).
    public var assetsTree = false
    /// The last mouse click, to recognise a double click (``handleMouse(_:)``).
    public var lastClick: MouseClick?
    /// The `:` command line while it is open, nil otherwise (``CommandLineState``).
    public var commandLine: CommandLineState? = nil
    /// The command lines run this session, newest first (`↑`/`↓` on the command line).
    public var commandHistory = FilterHistory()
    /// A `:goto` waiting for the listings on its way (``advanceGoto()``).
    public var pendingGoto: PendingGoto? = nil
    /// The `arty …` command equivalent to the last action (download, alias, tag, bump, goto),
    /// shown after it runs and in the help overlay (``CLIEquivalent``).
    public var lastEquivalent: String? = nil
    /// Versions' lineage, by version id, for the session (``ensureLineage()``: read when a
    /// version's details are shown).
    public var lineage: [String: LineageState] = [:]
    /// Artifacts' last-updated dates (epoch ms) by ``BrowserState/artifactKey(_:_:)``, for the session.
    public var artifactDates: [String: ColumnFact<Int64>] = [:]
    /// Versions' asset counts by version id, for the session.
    public var assetCounts: [String: ColumnFact<Int>] = [:]

    public init(context: BrowserContext, size: Size = Size(width: 80, height: 24), nowMillis: Int64 = 0) {
        self.context = context
        self.userName = context.userName
        self.size = size
        self.nowMillis = nowMillis
        self.panes = [Pane(key: .workspaces, selectedID: context.initialWorkspace)]
        self.listings = [:]
        self.filterEditing = false
        self.filterField = TextField()
        self.overlay = nil
        self.jobs = []
        self.message = nil
        self.messageShownAt = nil
        self.previewRequest = nil
        self.nextRequestID = 1
        self.tickCount = 0
        self.quitRequested = false
        self.marks = []
        self.nextJobID = 1
    }

    /// The pane that has the keys (the middle column).
    public var current: Pane {
        get { panes[panes.count - 1] }
        set { panes[panes.count - 1] = newValue }
    }

    /// The rows of `pane` after its filter and sort, or nil while not loaded.
    public func visibleEntries(of pane: Pane) -> VisibleRows? {
        guard let listing = listings[pane.key], let entries = listing.entries else { return nil }
        let index = listing.index ?? RowIndex(entries)
        if let folder = pane.folder, pane.key.level == .assets {
            return index.folders().visible(folder: folder, filter: pane.filter, sort: pane.sort, entries: entries, rows: index)
        }
        return index.visible(filter: pane.filter, sort: pane.sort)
    }

    /// The index of the selected row among `pane`'s visible rows (0 when the id is gone).
    public func cursor(of pane: Pane) -> Int {
        BrowserState.index(of: pane.selectedID, in: visibleEntries(of: pane))
    }

    /// The index of the row with id `id` in `rows` (0 when absent), so callers that already
    /// hold the visible rows do not look them up again (O(1) for the row a move selected).
    static func index(of id: String?, in rows: VisibleRows?) -> Int {
        guard let id, let rows, let i = rows.position(of: id) else { return 0 }
        return i
    }

    /// The selected entry of `pane`, if it has rows.
    public func selectedEntry(of pane: Pane) -> Entry? {
        guard let rows = visibleEntries(of: pane), !rows.isEmpty else { return nil }
        return rows[BrowserState.index(of: pane.selectedID, in: rows)]
    }

    /// The listing a selected entry drills into (nil for assets, which have no children).
    public func childKey(of entry: Entry, in pane: Pane) -> ListingKey? {
        switch (entry, pane.key) {
        case (.workspace(let ws), _): .artifacts(workspace: ws)
        case (.artifact(let a), .artifacts(let ws)): .versions(workspace: ws, artifact: a.name)
        case (.version(let v), .versions(let ws, let a)):
            .assets(workspace: ws, artifact: a, version: v.version, versionId: v.artifactVersionId)
        default: nil
        }
    }

    /// Rows of list the panes show at the current size (header, titles, headings and footer excluded).
    public var listHeight: Int { max(1, size.height - Layout.chromeRows) }
}

/// Sorting rows by a ``SortOrder``; ties keep the name order, so results are stable.
public enum Sorting {
    public static func sorted(_ entries: [Entry], by order: SortOrder) -> [Entry] {
        let ascending = entries.sorted { a, b in
            let c = compare(a, b, order.field)
            return c != 0 ? c < 0 : a.name.lowercased() < b.name.lowercased()
        }
        return order.reversed ? ascending.reversed() : ascending
    }

    /// -1, 0 or 1 comparing two rows by one field.
    static func compare(_ a: Entry, _ b: Entry, _ field: SortField, names: (String, String)? = nil) -> Int {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (y < x ? 1 : 0) }
        switch (field, a, b) {
        case (.type, .artifact(let x), .artifact(let y)): return cmp(x.type.lowercased(), y.type.lowercased())
        case (.size, _, _): return cmp(sizeOf(a), sizeOf(b))
        case (.added, .version(let x), .version(let y)): return cmp(x.addedMillis ?? 0, y.addedMillis ?? 0)
        case (.updated, .artifact(let x), .artifact(let y)): return cmp(x.lastUpdatedMillis ?? Int64.min, y.lastUpdatedMillis ?? Int64.min)
        case (.count, .folder(let x), .folder(let y)): return cmp(x.totals.count, y.totals.count)
        case (.version, .version(let x), .version(let y)):
            switch (x.semanticVersion, y.semanticVersion) {
            case let (p?, q?): return p < q ? -1 : (q < p ? 1 : 0)
            case (nil, _?): return -1
            case (_?, nil): return 1
            default: return cmp(x.version, y.version)
            }
        default:
            if let names { return cmp(names.0, names.1) }
            return cmp(a.name.lowercased(), b.name.lowercased())
        }
    }

    static func sizeOf(_ e: Entry) -> Int64 {
        switch e {
        case .workspace: 0
        case .artifact(let a): a.sizeInBytes
        case .version(let v): v.sizeInBytes
        case .asset(let a): a.isRemote ? -1 : a.size
        case .folder(let f): f.totals.size
        }
    }
}

/// A remote asset's store facts in the TUI: being read, or read.
public enum RemoteFactsState: Sendable, Hashable {
    case loading
    case known(RemoteAssetFacts?)
}

extension BrowserState {
    /// At most this many links are read per request effect (the rows on one screen).
    static let remoteFactsBatch = 64

    /// The rows of `pane` drawn on screen now (the same window ``Render`` draws: the cursor kept
    /// in the middle, `size.height - 5` rows).
    public func onScreenRows(of pane: Pane) -> [Entry] {
        guard let rows = visibleEntries(of: pane) else { return [] }
        let listRows = max(0, size.height - 5)
        let cursor = BrowserState.index(of: pane.selectedID, in: rows)
        let first = max(0, min(cursor - listRows / 2, rows.count - listRows))
        return Array(rows[first..<min(rows.count, first + listRows)])
    }

    /// Asks for the store facts of the remote assets on screen that nobody asked about yet (the
    /// current pane, and the assets column right of it): lazily, visible rows only, once per
    /// session. Nothing without AWS credentials (``BrowserContext/readsRemoteStores``).
    mutating func ensureRemoteFacts() -> [Effect] {
        guard context.readsRemoteStores else { return [] }
        var panes = [current]
        if let key = previewKey, case .assets = key { panes.append(Pane(key: key)) }
        var wanted: [Asset] = []
        for pane in panes where pane.key.level == .assets {
            for entry in onScreenRows(of: pane) {
                guard case .asset(let asset) = entry, remoteFacts[asset.assetId] == nil,
                      RemoteAssetInspector.needsStore(asset) else { continue }
                remoteFacts[asset.assetId] = .loading
                wanted.append(asset)
                if wanted.count == Self.remoteFactsBatch { break }
            }
        }
        return wanted.isEmpty ? [] : [.inspectRemoteAssets(wanted)]
    }

    /// What is known about `asset`'s link now: facts from the SDK's synced metadata at once, else
    /// what the store answered; nil while unknown or with nothing to say.
    public func remoteFactsOf(_ asset: Asset) -> RemoteFactsState? {
        guard asset.isRemote else { return nil }
        if let facts = RemoteAssetInspector.metadataFacts(asset) { return .known(facts) }
        return remoteFacts[asset.assetId]
    }
}
