@testable import ArtyUI
import CometAPI
import Testing

/// Prefetching the previews of the rows next to the cursor (issue 12): which loads a cursor move
/// issues, the bound on loads in flight, no duplicates, stale prefetches cancelled and ignored.
@Suite struct PrefetchTests {
    /// mnist-team / mnist-digits, versions newest first: 2.2.0-rc.1, 2.1.0, 2.0.0, 1.1.0, 1.0.0.
    static let order = ["2.2.0-rc.1", "2.1.0", "2.0.0", "1.1.0", "1.0.0"]
    static let ids = ["2.2.0-rc.1": "e2a96b501", "2.1.0": "c41d7788a", "2.0.0": "9e0f33b27", "1.1.0": "77ab21f04", "1.0.0": "5d9c0a3e1"]

    static func assets(_ version: String) -> ListingKey {
        .assets(workspace: "mnist-team", artifact: "mnist-digits", version: version, versionId: ids[version]!)
    }

    /// The versions pane of mnist-digits at 120×40 (room for the preview's assets), cursor on the
    /// first row, lineage off; every load before it answered (the artifacts pane previewed the
    /// versions listing). With `resolveLoads` false, what landing there asked for stays pending.
    static func versionsPane(resolveLoads: Bool) async -> Harness {
        var context = BrowserContext(serverLabel: "local registry", userName: "alice")
        context.readsLineage = false
        var h = await Harness(size: Size(width: 120, height: 40), context: context)
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter)
        h.resolveLoads = resolveLoads
        await h.press(.enter)
        #expect(h.state.current.key == .versions(workspace: "mnist-team", artifact: "mnist-digits"))
        #expect(h.selected?.name == "2.2.0-rc.1")
        return h
    }

    /// The versions whose assets listing was asked for by `effects`, in order.
    static func assetLoads(_ effects: some Collection<Effect>) -> [String] {
        effects.compactMap { if case .loadAssets(_, _, let v, _, _) = $0 { v } else { nil } }
    }

    /// Assets listings with a load in flight that is still the one the state waits for.
    static func liveAssetLoads(_ h: Harness) -> [String] {
        h.pending.compactMap { key, id in
            guard case .assets(_, _, let v, _) = key, h.state.listings[key]?.pendingRequest == id else { return nil }
            return v
        }
    }

    @Test func landingPrefetchesTheNextTwoRowsPreviews() async {
        let h = await Self.versionsPane(resolveLoads: false)
        // The preview's own load first, then the rows below (there is none above).
        #expect(Self.liveAssetLoads(h) == ["2.2.0-rc.1", "2.1.0", "2.0.0"])
        #expect(h.state.prefetch.inFlight == [Self.assets("2.1.0"), Self.assets("2.0.0")])
    }

    @Test func movingOntoAPrefetchedRowShowsItsAssetsWithoutAskingAgain() async {
        var h = await Self.versionsPane(resolveLoads: false)
        await h.resolvePending()
        #expect(h.state.listings[Self.assets("2.1.0")]?.entries?.count == 5)
        let before = h.effects.count
        await h.press(.char("j"))
        let issued = Self.assetLoads(h.effects[before...])
        // Only the row that came within reach is asked for: 2.1.0 is in place, 2.2.0-rc.1 and 2.0.0 too.
        #expect(issued == ["1.1.0"])
        #expect(h.text.contains("README.md"))  // 2.1.0's own asset, shown at once
        #expect(!h.text.contains("Loading"))
    }

    @Test func landingOnARowStillPrefetchingTakesOverItsLoad() async {
        var h = await Self.versionsPane(resolveLoads: false)
        let before = h.effects.count
        await h.press(.char("j"))
        let after = Array(h.effects[before...])
        // 2.1.0's load (started as a prefetch) becomes the preview's: neither cancelled nor sent again.
        let id = h.pending.first { $0.0 == Self.assets("2.1.0") }!.1
        #expect(!after.contains(.cancel(requestID: id)))
        #expect(!Self.assetLoads(after).contains("2.1.0"))
        #expect(h.state.previewRequest == Self.assets("2.1.0"))
        // The row left (2.2.0-rc.1) is a neighbour now: its load is kept, not cancelled.
        let left = h.pending.first { $0.0 == Self.assets("2.2.0-rc.1") }!.1
        #expect(!after.contains(.cancel(requestID: left)))
        #expect(Self.liveAssetLoads(h).sorted() == ["2.0.0", "2.1.0", "2.2.0-rc.1"])
    }

    @Test func neverMoreThanThePreviewAndTwoPrefetchesInFlight() async {
        var h = await Self.versionsPane(resolveLoads: false)
        // Nothing answers while the cursor runs down and back up.
        for key in ["j", "j", "j", "j", "k", "k", "j"] {
            await h.press(.char(Character(key)))
            let live = Self.liveAssetLoads(h)
            #expect(live.count <= 1 + BrowserState.prefetchLimit, "\(live)")
            #expect(Set(live).count == live.count)
            #expect(h.state.prefetch.inFlight.count <= BrowserState.prefetchLimit)
        }
        // On 1.1.0 (the fourth row), going down: the nearest rows are the ones in flight.
        await h.press(.char("k"), .char("j"))
        #expect(h.selected?.name == "1.1.0")
        #expect(Set(h.state.prefetch.inFlight) == [Self.assets("1.0.0"), Self.assets("2.0.0")])
    }

    @Test func aPrefetchLeftBehindIsCancelledAndItsLateAnswerIgnored() async {
        var h = await Self.versionsPane(resolveLoads: false)
        let (key, id) = h.pending.first { $0.0 == Self.assets("2.1.0") }!
        await h.press(.char("G"))  // 1.0.0: 2.1.0 is three rows away
        #expect(h.effects.contains(.cancel(requestID: id)))
        #expect(h.state.listings[key] == nil)
        await h.send(.loaded(key, requestID: id, result: .success([], artifact: nil)))
        #expect(h.state.listings[key] == nil)
        #expect(!h.state.prefetch.inFlight.contains(key))
    }

    @Test func eachListingIsAskedForOnceWhateverTheMoves() async {
        var h = await Self.versionsPane(resolveLoads: true)
        for key in ["j", "j", "k", "G", "g", "j", "j", "j", "k", "k"] { await h.press(.char(Character(key))) }
        let loads = Self.assetLoads(h.effects)
        #expect(Set(loads) == Set(Self.order))
        #expect(loads.count == Self.order.count, "\(loads)")
    }

    @Test func goingUpPrefersTheRowsAbove() async {
        var h = await Self.versionsPane(resolveLoads: true)
        await h.press(.char("G"), .char("k"))  // on 1.1.0, coming from below
        #expect(h.state.prefetch.backward)
        #expect(h.state.prefetchNeighbours.map(\.name) == ["2.0.0", "1.0.0", "2.1.0"])
    }

    @Test func aFailedPrefetchShowsItsErrorOnArrivalAndIsNotRetriedByItself() async {
        var h = await Self.versionsPane(resolveLoads: false)
        let (key, id) = h.pending.first { $0.0 == Self.assets("2.1.0") }!
        await h.send(.loaded(key, requestID: id, result: .failure("HTTP 500: boom")))
        #expect(h.state.message?.kind != .error)  // not the pane in use: no status-line error
        #expect(!h.state.prefetch.inFlight.contains(key))
        let before = h.effects.count
        await h.press(.char("j"))
        #expect(!Self.assetLoads(h.effects[before...]).contains("2.1.0"))
        #expect(h.text.contains("HTTP 500: boom"))
    }

    @Test func neighboursLineageIsReadAheadWithinTheBound() async {
        var h = await Self.versionsPane(resolveLoads: false)
        h.state.context.readsLineage = true
        await h.press(.char("j"))
        let asked = h.effects.compactMap { if case .loadLineage(let v) = $0 { v.version } else { nil } }
        // The shown version's own read, and at most prefetchLimit neighbours', nearest first.
        #expect(asked.contains("2.1.0"))
        #expect(asked.filter { $0 != "2.1.0" } == ["2.0.0", "2.2.0-rc.1"])
    }
}
