import CometAPI

/// A version's lineage in the TUI: being read, read, or what failed. A version with no entry in
/// ``BrowserState/lineage`` has not been asked about.
public enum LineageState: Sendable, Hashable {
    case loading
    case loaded(VersionLineage)
    case failed(String)
}

/// A fact a column shows that no listing carries (an artifact's date, a version's asset count):
/// asked and not answered yet (`…`), or answered (nil: unknown, `-`). Absent: not asked.
public enum ColumnFact<Value: Sendable & Hashable>: Sendable, Hashable {
    case asked
    case known(Value?)

    /// The value when known.
    public var value: Value? { if case .known(let v) = self { v } else { nil } }
}

extension BrowserState {
    /// At most this many rows' facts (dates, counts) are asked for per effect: one screen.
    static let columnFactsBatch = 64

    /// The key of an artifact in ``artifactDates``: `workspace` and `name` joined by a unit separator.
    public static func artifactKey(_ workspace: String, _ name: String) -> String { workspace + "\u{1F}" + name }

    /// The version whose details the right column shows: the selection of a versions pane.
    var detailedVersion: ArtifactVersion? {
        guard current.key.level == .versions, case .version(let v)? = selectedEntry(of: current) else { return nil }
        return v
    }

    /// Asks for the lineage of the version whose details are shown, once per session (lazy: only
    /// a version someone looks at is read, and only while the terminal is wide enough to show its
    /// details column). Nothing when the service cannot read lineage.
    /// Drops what the session read about the rows of `key` beyond the listing (`r` reads it again):
    /// the lineage and asset counts of its versions, the dates of its artifacts.
    mutating func forgetFacts(of key: ListingKey) {
        guard let entries = listings[key]?.entries else { return }
        for entry in entries {
            switch (entry, key) {
            case (.version(let v), _):
                lineage[v.artifactVersionId] = nil
                assetCounts[v.artifactVersionId] = nil
            case (.artifact(let a), .artifacts(let ws)):
                artifactDates[Self.artifactKey(ws, a.name)] = nil
            default: break
            }
        }
    }

    mutating func ensureLineage() -> [Effect] {
        guard context.readsLineage, preview == nil, Layout(width: size.width).preview != nil,
              let v = detailedVersion, !v.artifactVersionId.isEmpty,
              lineage[v.artifactVersionId] == nil else { return [] }
        lineage[v.artifactVersionId] = .loading
        return [.loadLineage(v)]
    }

    /// Asks for the facts the current pane's columns show and no listing carries (§2.3–2.4): the
    /// artifacts' last-updated dates, the versions' asset counts. On-screen rows only, each once
    /// per session, as ``ensureRemoteFacts()`` does for remote links.
    mutating func ensureColumnFacts() -> [Effect] {
        switch current.key {
        case .artifacts(let ws):
            var names: [String] = []
            for entry in onScreenRows(of: current) {
                guard case .artifact(let a) = entry, a.lastUpdatedMillis == nil else { continue }
                let key = Self.artifactKey(ws, a.name)
                guard artifactDates[key] == nil else { continue }
                artifactDates[key] = .asked
                names.append(a.name)
                if names.count == Self.columnFactsBatch { break }
            }
            return names.isEmpty ? [] : [.loadArtifactDates(workspace: ws, names: names)]
        case .versions(let ws, let name):
            var versions: [ArtifactVersion] = []
            for entry in onScreenRows(of: current) {
                guard case .version(let v) = entry, assetCounts[v.artifactVersionId] == nil else { continue }
                if let known = listings[.assets(workspace: ws, artifact: name, version: v.version, versionId: v.artifactVersionId)]?.entries {
                    assetCounts[v.artifactVersionId] = .known(known.count)
                    continue
                }
                assetCounts[v.artifactVersionId] = .asked
                versions.append(v)
                if versions.count == Self.columnFactsBatch { break }
            }
            return versions.isEmpty ? [] : [.loadAssetCounts(workspace: ws, artifact: name, versions: versions)]
        default:
            return []
        }
    }

    /// Puts the known last-updated dates into the artifacts listing of `workspace` (the rows carry
    /// them, so the UPDATED sort sees them).
    mutating func applyArtifactDates(workspace: String) {
        let key = ListingKey.artifacts(workspace: workspace)
        guard let entries = listings[key]?.entries else { return }
        var changed = false
        let patched = entries.map { entry -> Entry in
            guard case .artifact(var a) = entry, a.lastUpdatedMillis == nil,
                  let date = artifactDates[Self.artifactKey(workspace, a.name)]?.value else { return entry }
            a.lastUpdatedMillis = date
            changed = true
            return .artifact(a)
        }
        if changed { listings[key]?.entries = patched }
    }

    /// Notes what a finished listing load tells the columns: a versions listing dates its artifact,
    /// an assets listing counts its version; an artifacts listing takes the dates known so far.
    mutating func noteColumnFacts(_ key: ListingKey, _ entries: [Entry], artifact: Artifact?) {
        switch key {
        case .artifacts(let ws):
            applyArtifactDates(workspace: ws)
        case .versions(let ws, let name):
            let newest = entries.compactMap { if case .version(let v) = $0 { v.addedMillis } else { nil } }.max()
            if let newest {
                artifactDates[Self.artifactKey(ws, name)] = .known(newest)
                applyArtifactDates(workspace: ws)
            }
        case .assets(_, _, _, let versionId) where !versionId.isEmpty:
            assetCounts[versionId] = .known(entries.count)
        default:
            break
        }
    }

    /// What `y` copies for `entry`, and the status line's words: on a comet.com-like server, a
    /// version's or an artifact's web page (``WebLinks``); elsewhere the reference
    /// (``reference(for:)``), saying that the server has no web UI.
    public func copyTarget(for entry: Entry) -> (text: String, note: String?) {
        let path = current.key.path
        switch entry {
        case .version(let v) where path.count >= 2:
            guard let root = context.webRoot else { return (reference(for: entry), noWebUI) }
            return (WebLinks.version(root: root, workspace: path[0], artifact: path[1], version: v.version), nil)
        case .artifact(let a) where path.count >= 1:
            guard let root = context.webRoot else { return (reference(for: entry), noWebUI) }
            return (WebLinks.version(root: root, workspace: path[0], artifact: a.name, version: nil), nil)
        default:
            return (reference(for: entry), nil)
        }
    }

    /// The status line's note when `y` copies a reference because the server has no web page for it.
    var noWebUI: String {
        context.serverLabel.hasPrefix("local registry") ? "the local registry has no web UI" : "\(context.serverLabel) has no known web UI"
    }
}
