@testable import ArtyUI
import CometAPI
import Testing

/// The version details' lineage (issue 13): loading, none, unavailable, error and loaded; `y`'s web
/// link; the artifacts pane's UPDATED column and sort and the versions pane's ASSETS column, read
/// lazily for the rows on screen.
@Suite struct LineageViewTests {
    /// mnist-team / mnist-digits versions, cursor on `version` (newest first: 2.2.0-rc.1, 2.1.0, …).
    static func versions(_ version: String = "2.1.0", size: Size = Size(width: 80, height: 24),
                         service: FakeArtifactService = .sample(), context: BrowserContext? = nil,
                         resolveLoads: Bool = true) async -> Harness {
        var h = await Harness(size: size, service: service,
                              context: context ?? BrowserContext(serverLabel: "local registry", userName: "alice"))
        await h.press(.enter, .char("/"))
        await h.type("mnist")
        await h.press(.enter, .enter)
        h.resolveLoads = resolveLoads
        for _ in 0..<10 where h.selected?.name != version { await h.press(.char("j")) }
        #expect(h.selected?.name == version)
        return h
    }

    /// The screen at 200×43, where the details' values do not wrap.
    /// (Runs of spaces collapsed to one, so a label and its value read as `Consumers none`.)
    func wide(_ h: Harness) -> String {
        render(h.state, size: Size(width: 200, height: 43)).text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func lineageEffects(_ h: Harness) -> [String] {
        h.effects.compactMap { if case .loadLineage(let v) = $0 { v.artifactVersionId } else { nil } }
    }

    @Test func loadedShowsProducerAndConsumers() async {
        let h = await Self.versions()
        #expect(h.state.lineage["c41d7788a"] != nil)
        #expect(wide(h).contains("expc41d7788 (train-mnist-v2 · mnist-team/mnist)"))
        #expect(wide(h).contains("eval0001 (eval-nightly · mnist-team/evaluation)"))
        #expect(wide(h).contains("eval0002 (mnist-team/evaluation)"))
        // Asked once per version and session, and only for versions whose details were shown.
        #expect(Self.lineageEffects(h).filter { $0 == "c41d7788a" }.count == 1)
        #expect(!Self.lineageEffects(h).contains("5d9c0a3e1"))
        assertSnapshot(h.text, named: "lineage-loaded-80x24")
    }

    @Test func narrowTerminalsAskOnlyOnceTheDetailsShow() async {
        var h = await Self.versions(size: .minimum)  // 40 columns: no details column
        #expect(Self.lineageEffects(h).isEmpty)
        assertSnapshot(h.text, named: "lineage-loaded-40x10")
        await h.send(.resized(Size(width: 80, height: 24)))
        #expect(Self.lineageEffects(h) == ["c41d7788a"])
        #expect(h.text.contains("Consumers  eval0001"))
    }

    @Test func movingBackDoesNotAskAgain() async {
        var h = await Self.versions()
        await h.press(.char("k"), .char("j"))
        #expect(Self.lineageEffects(h).filter { $0 == "c41d7788a" }.count == 1)
    }

    /// `r` reads the lineage again (a consumer may have been recorded since), not only the list.
    @Test func refreshReadsTheLineageAgain() async {
        var h = await Self.versions()
        #expect(Self.lineageEffects(h).filter { $0 == "c41d7788a" }.count == 1)
        await h.press(.char("r"))
        #expect(Self.lineageEffects(h).filter { $0 == "c41d7788a" }.count == 2)
        #expect(wide(h).contains("eval0001 (eval-nightly · mnist-team/evaluation)"))
    }

    @Test func loadingState() async {
        var h = await Self.versions(resolveLoads: false)
        // Landing on the first row read 2.1.0's lineage ahead (a neighbour, Prefetch.swift); here
        // is how the details look before such a read is answered.
        #expect(h.state.lineage["c41d7788a"] != nil)
        h.state.lineage["c41d7788a"] = .loading
        #expect(wide(h).contains("expc41d7788 · loading…"))
        #expect(wide(h).contains("Consumers loading…"))
        assertSnapshot(h.text, named: "lineage-loading-80x24")
    }

    @Test func noConsumers() async {
        let h = await Self.versions("2.0.0")
        #expect(wide(h).contains("Consumers none"))
        #expect(wide(h).contains("Producer exp9e0f33b2"))
    }

    @Test func consumersUnavailableFromTheServer() async {
        var service = FakeArtifactService.sample()
        service.consumers = nil
        let h = await Self.versions(service: service)
        #expect(wide(h).contains("Consumers not available from this server"))
        assertSnapshot(h.text, named: "lineage-unavailable-80x24")
    }

    @Test func lineageUnreadableOnThisConnection() async {
        var context = BrowserContext(serverLabel: "local registry", userName: "alice")
        context.readsLineage = false
        let h = await Self.versions(context: context)
        #expect(Self.lineageEffects(h).isEmpty)
        #expect(wide(h).contains("Consumers unavailable on this connection"))
        #expect(wide(h).contains("Producer expc41d7788"))
    }

    @Test func errorState() async {
        var service = FakeArtifactService.sample()
        service.failingLineage = ["c41d7788a"]
        let h = await Self.versions(service: service)
        guard case .failed(let message)? = h.state.lineage["c41d7788a"] else {
            Issue.record("lineage not failed: \(String(describing: h.state.lineage["c41d7788a"]))")
            return
        }
        #expect(message.contains("HTTP 500"))
        #expect(wide(h).contains("Consumers error: HTTP 500"))
        assertSnapshot(h.text, named: "lineage-error-80x24")
    }

    @Test func yCopiesTheWebPageOnComet() async {
        var context = BrowserContext(serverLabel: "www.comet.com", userName: "alice")
        context.webRoot = "https://www.comet.com"
        var h = await Self.versions(context: context)
        await h.press(.char("y"))
        #expect(h.effects.last == .copyToClipboard("https://www.comet.com/mnist-team/artifacts/mnist-digits/2.1.0"))
        await h.send(.copied(text: "https://www.comet.com/mnist-team/artifacts/mnist-digits/2.1.0", ok: true))
        #expect(h.state.message?.text == "Copied https://www.comet.com/mnist-team/artifacts/mnist-digits/2.1.0")
        await h.press(.char("h"))  // the artifact: its page
        await h.press(.char("y"))
        #expect(h.effects.last == .copyToClipboard("https://www.comet.com/mnist-team/artifacts/mnist-digits"))
    }

    @Test func yOnTheLocalRegistrySaysThereIsNoWebUI() async {
        var h = await Self.versions()
        await h.press(.char("y"))
        #expect(h.effects.last == .copyToClipboard("mnist-team/mnist-digits:2.1.0"))
        await h.send(.copied(text: "mnist-team/mnist-digits:2.1.0", ok: true))
        #expect(h.state.message?.text == "Copied mnist-team/mnist-digits:2.1.0 (the local registry has no web UI)")
    }

    @Test func yIsOnlyWhereSomethingIsSelected() async {
        var h = await Harness(service: .sample())
        await h.press(.enter, .char("/"))
        await h.type("empty")
        await h.press(.enter, .enter)  // empty-artifact: no versions
        #expect(!Keymap.hints(in: h.state).contains { $0.key == "y" })
        await h.press(.char("y"))
        #expect(h.state.message?.text == "Nothing selected to copy")
    }

    @Test func artifactsShowLastUpdatedAndSortByIt() async {
        var h = await Harness(size: Size(width: 132, height: 43))
        await h.press(.enter)  // mnist-team: five artifacts, all on screen
        let asked = h.effects.compactMap { if case .loadArtifactDates(let ws, let names) = $0 { ws + ":" + String(names.count) } else { nil } }
        #expect(asked == ["mnist-team:5"])
        func date(_ name: String) -> Int64?? {
            for case .artifact(let a) in h.state.listings[.artifacts(workspace: "mnist-team")]?.entries ?? [] where a.name == name {
                return .some(a.lastUpdatedMillis)
            }
            return .none
        }
        // mnist-digits' newest version, 2.2.0-rc.1, was added 0.02 days before "now"; the empty artifact has no date.
        let day = 86_400_000.0
        #expect(date("mnist-digits") == .some(FakeArtifactService.sampleNowMillis - Int64(0.02 * day)))
        #expect(date("empty-artifact") == .some(nil))
        #expect(h.text.contains("UPDATED"))
        assertSnapshot(h.text, named: "artifacts-updated-132x43")
        await h.press(.char("s"), .char("s"), .char("s"))  // name → type → size → updated
        #expect(h.state.current.sort == SortOrder(field: .updated))
        await h.press(.char("S"))  // newest first; undated last
        let order = h.state.visibleEntries(of: h.state.current).map { $0.map(\.name) } ?? []
        #expect(order.first == "mnist-digits")
        #expect(order.last == "empty-artifact")
    }

    @Test func versionsShowAssetCounts() async {
        let h = await Self.versions()
        #expect(h.state.assetCounts["c41d7788a"] == .known(5))
        #expect(h.state.assetCounts["5d9c0a3e1"] == .known(1))
        let counted = h.effects.flatMap { e -> [String] in if case .loadAssetCounts(_, _, let vs) = e { vs.map(\.version) } else { [] } }
        #expect(Set(counted).count == counted.count)  // each version asked once
        // ASSETS is dropped before ADDED when the versions pane is narrow (it shows from about 160 columns).
        let text = render(h.state, size: Size(width: 200, height: 43)).text
        #expect(text.contains("ASSETS"))
        assertSnapshot(text, named: "versions-assets-200x43")
    }

    @Test func factsAreAskedOnlyForRowsOnScreen() {
        var s = BrowserState(context: BrowserContext(serverLabel: "x", userName: "a"), size: Size(width: 80, height: 10))
        let many = (0..<50).map { Entry.artifact(Artifact(artifactId: "id\($0)", name: String(format: "a%02d", $0), type: "t")) }
        s.panes.append(Pane(key: .artifacts(workspace: "ws")))
        s.listings[.artifacts(workspace: "ws")] = Listing(entries: many)
        let effects = s.ensureColumnFacts()
        guard case .loadArtifactDates("ws", let names)? = effects.first else { Issue.record("no effect: \(effects)"); return }
        #expect(names == ["a00", "a01", "a02", "a03", "a04"])  // 10 rows tall: 5 list rows
        #expect(s.ensureColumnFacts().isEmpty)  // asked already
        let (after, _) = reduce(s, .artifactDatesLoaded(workspace: "ws", dates: ["a01": 5_000, "a02": nil]))
        var dates: [String: Int64] = [:]
        for case .artifact(let a) in after.listings[.artifacts(workspace: "ws")]?.entries ?? [] {
            if let d = a.lastUpdatedMillis { dates[a.name] = d }
        }
        #expect(dates == ["a01": 5_000])
    }
}
