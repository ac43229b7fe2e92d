@testable import ArtyUI
import CometAPI
import Foundation
import Testing

/// Drives the pure core like the app loop does, answering load effects from a fake service.
struct Harness {
    var state: BrowserState
    var service: FakeArtifactService
    /// When false, load effects stay pending (for loading states and stale results).
    var resolveLoads = true
    /// Every effect emitted, in order.
    var effects: [Effect] = []
    /// Loads not answered yet (when `resolveLoads` is false).
    var pending: [(ListingKey, Int)] = []
    /// Preview fetches not answered yet (when `resolveLoads` is false): asset id, version id, request id.
    var pendingPreviews: [(String, String?, Int)] = []

    init(size: Size = Size(width: 80, height: 24), service: FakeArtifactService = .sample(),
         context: BrowserContext = BrowserContext(serverLabel: "local registry", userName: "alice"),
         resolveLoads: Bool = true) async {
        self.service = service
        self.resolveLoads = resolveLoads
        state = BrowserState(context: context, size: size, nowMillis: FakeArtifactService.sampleNowMillis)
        let (s, e) = start(state)
        state = s
        await perform(e)
    }

    mutating func send(_ action: Action) async {
        let (s, e) = reduce(state, action)
        state = s
        await perform(e)
    }

    mutating func press(_ keys: Key...) async {
        for key in keys { await send(.key(key)) }
    }

    mutating func type(_ text: String) async {
        for c in text { await send(.key(.char(c))) }
    }

    mutating func perform(_ list: [Effect]) async {
        for effect in list {
            effects.append(effect)
            if case .fetchPreview(let assetId, let versionId, let id) = effect {
                if resolveLoads {
                    let result = await BrowserApp.fetchPreview(assetId: assetId, artifactVersionId: versionId, service: service)
                    await send(.previewFetched(assetId: assetId, requestID: id, result: result))
                } else {
                    pendingPreviews.append((assetId, versionId, id))
                }
                continue
            }
            if resolveLoads, let action = await Harness.answer(effect, service: service) {
                await send(action)
                continue
            }
            guard let (key, id) = BrowserApp.request(effect) else { continue }
            if resolveLoads {
                let result = await BrowserApp.load(key, service: service)
                await send(.loaded(key, requestID: id, result: result))
            } else {
                pending.append((key, id))
            }
        }
    }

    /// The answer to a lineage or column-facts effect, as the app computes it (nil for other effects).
    static func answer(_ effect: Effect, service: FakeArtifactService) async -> Action? {
        switch effect {
        case .loadLineage(let v):
            return .lineageLoaded(versionId: v.artifactVersionId, result: await BrowserApp.lineage(of: v, service: service))
        case .loadArtifactDates(let ws, let names):
            return .artifactDatesLoaded(workspace: ws, dates: await BrowserApp.artifactDates(ws, names, service: service))
        case .loadAssetCounts(let ws, let a, let versions):
            return .assetCountsLoaded(await BrowserApp.assetCounts(ws, a, versions, service: service))
        default:
            return nil
        }
    }

    /// Answers the pending loads in order.
    mutating func resolvePending() async {
        let list = pending
        pending = []
        for (key, id) in list {
            await send(.loaded(key, requestID: id, result: await BrowserApp.load(key, service: service)))
        }
    }

    /// Answers the pending preview fetches in order.
    mutating func resolvePendingPreviews() async {
        let list = pendingPreviews
        pendingPreviews = []
        for (assetId, versionId, id) in list {
            let result = await BrowserApp.fetchPreview(assetId: assetId, artifactVersionId: versionId, service: service)
            await send(.previewFetched(assetId: assetId, requestID: id, result: result))
        }
    }

    func frame(_ size: Size? = nil) -> Frame { render(state, size: size ?? state.size) }
    var text: String { frame().text }
    var selected: Entry? { state.selectedEntry(of: state.current) }
}

/// Text snapshots under `__Snapshots__/NAME.txt`. A missing snapshot is recorded and the test
/// fails; `ARTY_UPDATE_SNAPSHOTS=1 swift test --filter ArtyUITests` rewrites changed ones.
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let file = dir.appendingPathComponent(name + ".txt")
    let update = ProcessInfo.processInfo.environment["ARTY_UPDATE_SNAPSHOTS"] == "1"
    let stored = try? String(contentsOf: file, encoding: .utf8)
    if stored == text + "\n" { return }
    if update || stored == nil {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? (text + "\n").write(to: file, atomically: true, encoding: .utf8)
        if stored == nil {
            Issue.record("Recorded new snapshot \(name); run again", sourceLocation: sourceLocation)
        }
        return
    }
    Issue.record("Snapshot \(name) differs (ARTY_UPDATE_SNAPSHOTS=1 to accept):\n--- expected\n\(stored ?? "")\n--- actual\n\(text)",
                 sourceLocation: sourceLocation)
}
