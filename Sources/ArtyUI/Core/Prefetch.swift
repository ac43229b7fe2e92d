import CometAPI

/// What the browser prefetches for the rows next to the cursor: the listings their previews show
/// (a version's assets, an artifact's versions, a workspace's artifacts), and in the versions
/// pane the neighbours' lineage, so that moving the cursor there on a far server finds the
/// preview in place instead of a loading line (issue 12).
///
/// Bounded: the rows at most ``BrowserState/prefetchDistance`` away, at most
/// ``BrowserState/prefetchLimit`` listing loads in flight besides the preview's own (the nearest
/// rows first), nothing already loaded, loading or failed. A prefetch no longer among the wanted
/// ones is cancelled (its late answer is dropped as any stale load's is); one the cursor lands on
/// becomes the preview's load, not a second request. A failed prefetch shows its error when the
/// cursor arrives (`r` retries), as a failed preview does. Pure: ``BrowserState/ensurePrefetch()``
/// returns effects.
public struct PrefetchState: Sendable, Hashable {
    /// Listings being prefetched (loads in flight that no pane or preview owns), oldest first.
    public var inFlight: [ListingKey] = []
    /// True when the last cursor move went up: the rows above come first.
    public var backward = false

    public init() {}
}

extension BrowserState {
    /// How far from the cursor rows are prefetched: 2 (the next and previous two rows).
    public static let prefetchDistance = 2
    /// At most this many prefetch loads (listings, and lineage reads apart) run at once, besides
    /// the preview's own: 2.
    public static let prefetchLimit = 2

    /// The rows of the current pane next to the cursor, nearest first; at equal distance the
    /// direction of the last move first (`+1, -1, +2, -2` going down).
    var prefetchNeighbours: [Entry] {
        guard let rows = visibleEntries(of: current), !rows.isEmpty else { return [] }
        let at = BrowserState.index(of: current.selectedID, in: rows)
        var result: [Entry] = []
        for distance in 1...Self.prefetchDistance {
            for offset in prefetch.backward ? [-distance, distance] : [distance, -distance] {
                let i = at + offset
                if rows.indices.contains(i) { result.append(rows[i]) }
            }
        }
        return result
    }

    /// The listings the neighbours' previews show, in the order to load them (no duplicates; the
    /// preview's own and the panes' listings left out).
    var prefetchKeys: [ListingKey] {
        var keys: [ListingKey] = []
        let preview = previewKey
        for entry in prefetchNeighbours {
            guard let key = childKey(of: entry, in: current), key != preview, !keys.contains(key),
                  !panes.contains(where: { $0.key == key }) else { continue }
            keys.append(key)
        }
        return keys
    }

    /// Called by ``ensurePreview()`` before it cancels the preview load the cursor left: when
    /// that listing is one the neighbours want, it is kept as a prefetch instead (true).
    mutating func adoptAsPrefetch(_ key: ListingKey) -> Bool {
        guard listings[key]?.pendingRequest != nil, prefetchKeys.contains(key) else { return false }
        if !prefetch.inFlight.contains(key) { prefetch.inFlight.append(key) }
        return true
    }

    /// Brings the prefetches in line with the cursor: hands a prefetch the cursor landed on to
    /// the preview (or a pane), forgets the finished ones, and keeps in flight exactly the first
    /// ``prefetchLimit`` wanted listings (nearest first) that are neither loaded nor failed:
    /// those missing start, the others in flight are cancelled. Then asks for the neighbours'
    /// lineage when the details column shows lineage. Effects only, no I/O.
    mutating func ensurePrefetch() -> [Effect] {
        var effects: [Effect] = []
        if let preview = previewKey, prefetch.inFlight.contains(preview), listings[preview]?.pendingRequest != nil {
            previewRequest = preview
        }
        let preview = previewKey
        let inFlight = prefetch.inFlight.filter { key in
            listings[key]?.pendingRequest != nil && key != preview && !panes.contains(where: { $0.key == key })
        }
        let desired = Array(prefetchKeys.filter { key in
            guard !inFlight.contains(key) else { return true }
            guard let listing = listings[key] else { return true }
            return listing.entries == nil && listing.pendingRequest == nil && listing.error == nil
        }.prefix(Self.prefetchLimit))
        for key in inFlight where !desired.contains(key) {
            guard let listing = listings[key], let id = listing.pendingRequest else { continue }
            effects.append(.cancel(requestID: id))
            if listing.entries == nil { listings[key] = nil } else { listings[key]?.pendingRequest = nil }
        }
        prefetch.inFlight = inFlight.filter(desired.contains)
        for key in desired where !prefetch.inFlight.contains(key) {
            effects += reload(key)
            prefetch.inFlight.append(key)
        }
        return effects + ensureNeighbourLineage()
    }

    /// Asks for the lineage of the versions next to the cursor, as ``ensureLineage()`` does for
    /// the version shown (same conditions), while fewer than ``prefetchLimit`` lineage reads are
    /// unanswered (they cannot be cancelled; each version is read once per session anyway).
    mutating func ensureNeighbourLineage() -> [Effect] {
        guard context.readsLineage, preview == nil, Layout(width: size.width).preview != nil,
              current.key.level == .versions else { return [] }
        var loading = lineage.values.filter { $0 == .loading }.count
        var effects: [Effect] = []
        for entry in prefetchNeighbours {
            guard loading < Self.prefetchLimit else { break }
            guard case .version(let v) = entry, !v.artifactVersionId.isEmpty, lineage[v.artifactVersionId] == nil else { continue }
            lineage[v.artifactVersionId] = .loading
            loading += 1
            effects.append(.loadLineage(v))
        }
        return effects
    }
}
