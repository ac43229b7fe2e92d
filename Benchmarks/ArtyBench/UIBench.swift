import ArtyUI
import CometAPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Issue 6, figure 1: the pure UI (reduce + render) on big listings. Keys are timed one by one
/// (reduce of the key, then render of the new state), on the same machine and in the same run.
struct UIBench {
    /// Workspace size (artifacts), versions of one artifact, assets of one version.
    var artifacts: Int
    var versions: Int
    var assets: Int
    var size = Size(width: 160, height: 48)

    static let workspace = "bench"
    static let versionsArtifact = "many-versions"
    static let assetsArtifact = "many-assets"

    // MARK: Data

    func artifactRows() -> [Entry] {
        var rows: [Entry] = [.artifact(Artifact(artifactId: "a-v", name: Self.versionsArtifact, type: "model",
                                                latestVersion: "\(versions).0.0", sizeInBytes: 1 << 30)),
                             .artifact(Artifact(artifactId: "a-a", name: Self.assetsArtifact, type: "dataset",
                                                latestVersion: "1.0.0", sizeInBytes: Int64(assets) << 20))]
        for i in 0..<max(0, artifacts - 2) {
            rows.append(.artifact(Artifact(artifactId: "id-\(i)", name: "artifact-\(String(format: "%05d", i))",
                                           type: i % 3 == 0 ? "model" : "dataset", latestVersion: "\(i % 7 + 1).0.\(i % 11)",
                                           tags: i % 5 == 0 ? ["nightly"] : [], sizeInBytes: Int64(i) * 4096)))
        }
        return rows
    }

    func versionRows(_ n: Int) -> [Entry] {
        (0..<n).map { i in
            .version(ArtifactVersion(artifactVersionId: "v-\(i)", version: "\(i / 100 + 1).\(i % 100).0",
                                     aliases: i == n - 1 ? ["production"] : [], tags: i % 10 == 0 ? ["gold"] : [],
                                     sizeInBytes: Int64(i) << 20, state: .closed, owner: "bench",
                                     addedMillis: 1_700_000_000_000 + Int64(i) * 60_000))
        }
    }

    static func assetRows(_ n: Int) -> [Entry] {
        (0..<n).map { i in
            .asset(Asset(assetId: String(format: "%032x", i), logicalPath: "data/shard-\(String(format: "%04d", i / 1000))/sample-\(String(format: "%06d", i)).bin",
                         size: Int64(1024 + i % 4096), type: "asset", artifactId: "a-a", artifactVersionId: "v-a"))
        }
    }

    /// Answers load effects at once: the big listings for the bench artifacts, small ones otherwise.
    func answer(_ effect: Effect, assets: [Entry]) -> Action? {
        switch effect {
        case .loadWorkspaces(let id):
            return .loaded(.workspaces, requestID: id, result: .success([.workspace(Self.workspace)], artifact: nil))
        case .loadArtifacts(let ws, let id):
            return .loaded(.artifacts(workspace: ws), requestID: id, result: .success(artifactRows(), artifact: nil))
        case .loadVersions(let ws, let a, let id):
            let rows = a == Self.versionsArtifact ? versionRows(versions)
                : [.version(ArtifactVersion(artifactVersionId: a == Self.assetsArtifact ? "v-a" : "v-\(a)", version: "1.0.0",
                                            sizeInBytes: 1 << 20, state: .closed, owner: "bench", addedMillis: 1_700_000_000_000))]
            return .loaded(.versions(workspace: ws, artifact: a), requestID: id, result: .success(rows, artifact: nil))
        case .loadAssets(let ws, let a, let v, let vid, let id):
            let rows = a == Self.assetsArtifact ? assets : Array(Self.assetRows(3))
            return .loaded(.assets(workspace: ws, artifact: a, version: v, versionId: vid), requestID: id,
                           result: .success(rows, artifact: nil))
        case .loadAccount:
            return .accountLoaded(userName: "bench")
        default:
            return nil
        }
    }

    // MARK: Driving

    struct Driver {
        var state: BrowserState
        var pending: [Effect] = []
        /// Milliseconds per timed step (reduce + render).
        var samples: [Double] = []

        /// Wall milliseconds of each timed step (the figures use thread CPU time: see ``step(_:size:)``).
        var wall: [Double] = []

        /// Applies `action`, renders, and returns the milliseconds of CPU time this thread spent on
        /// it (immune to being preempted on a loaded machine); the wall time goes to ``wall``.
        @discardableResult
        mutating func step(_ action: Action, size: Size) -> Double {
            let w0 = DispatchTime.now().uptimeNanoseconds
            let t0 = threadCPUNanos()
            let (s, effects) = reduce(state, action)
            let frame = render(s, size: size)
            let ms = Double(threadCPUNanos() - t0) / 1e6
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - w0) / 1e6)
            blackHole(frame)
            state = s
            pending += effects
            return ms
        }
    }

    /// Runs pending loads (untimed) until none is left.
    func settle(_ d: inout Driver, assets: [Entry]) {
        while !d.pending.isEmpty {
            let effects = d.pending
            d.pending = []
            for e in effects { if let a = answer(e, assets: assets) { d.step(a, size: size) } }
        }
    }

    /// Opens the workspace, then selects `artifact` (by filtering and clearing the filter, untimed).
    func openArtifact(_ artifact: String, assets: [Entry]) -> Driver {
        var state = BrowserState(context: BrowserContext(serverLabel: "bench", userName: "bench",
                                                         initialWorkspace: Self.workspace), size: size, nowMillis: 1_800_000_000_000)
        let (s, effects) = start(state)
        state = s
        var d = Driver(state: state, pending: effects)
        settle(&d, assets: assets)
        d.state.current.selectedID = artifact
        d.step(.key(.char("l")), size: size)  // into the artifact's versions
        settle(&d, assets: assets)
        return d
    }

    /// The key script timed on every big pane: moves, pages, ends, sorts, a filter typed and cleared.
    static let script: [Key] = Array(repeating: .char("j"), count: 40) + Array(repeating: .char("k"), count: 20)
        + Array(repeating: .pageDown, count: 10) + Array(repeating: .pageUp, count: 5)
        + [.char("G"), .char("g"), .char("G"), .char("s"), .char("S"), .char("s"), .char("S")]
        + [.char("/"), .char("0"), .char("0"), .char("1"), .backspace, .backspace, .backspace, .enter, .escape]

    struct KeyFigure {
        var pane: String
        var rows: Int
        var samples: [Double]
        /// Wall milliseconds of the same keys (include being preempted by other processes).
        var wall: [Double] = []
    }

    struct Results {
        var keys: [KeyFigure] = []
        /// Per filter keystroke over the asset pane (ms).
        var filterSamples: [Double] = []
        var filterWall: [Double] = []
        /// Response → first frame of the asset pane (ms), and drilling into it once loaded.
        var firstFrameMillis: Double = 0
        var drillIntoMillis: Double = 0
        var bytesPerAssetRow: Double = 0
        /// One un-memoised filter+sort of all asset rows (empty filter, then "s"), ms.
        var naiveMillis: [Double] = []
    }

    func run() -> Results {
        var results = Results()
        let assetEntries = Self.assetRows(assets)

        // Artifacts pane (10,000 rows).
        do {
            var d = openArtifact(Self.versionsArtifact, assets: assetEntries)
            d.step(.key(.char("h")), size: size)
            settle(&d, assets: assetEntries)
            let (cpu, wall) = timeScript(&d, assets: assetEntries)
            results.keys.append(KeyFigure(pane: "artifacts", rows: artifacts, samples: cpu, wall: wall))
        }
        // Versions pane (5,000 rows).
        do {
            var d = openArtifact(Self.versionsArtifact, assets: assetEntries)
            let (cpu, wall) = timeScript(&d, assets: assetEntries)
            results.keys.append(KeyFigure(pane: "versions", rows: versions, samples: cpu, wall: wall))
        }
        // Assets pane (100,000 rows): response → first frame, drill in, keys, filter keystrokes.
        do {
            var d = openArtifact(Self.assetsArtifact, assets: assetEntries)
            // The preview of the selected version asked for its assets: answer that one, timed.
            let effects = d.pending
            d.pending = []
            var answered = false
            for e in effects {
                guard let a = answer(e, assets: assetEntries) else { continue }
                if case .loadAssets = e, !answered {
                    results.firstFrameMillis = d.step(a, size: size)
                    answered = true
                } else {
                    d.step(a, size: size)
                }
            }
            if !answered {
                // The preview load was already answered by settle: reload it to time a fresh response.
                d.step(.key(.char("l")), size: size)
                let key = d.state.current.key
                d.state.listings[key] = nil
                d.step(.key(.char("r")), size: size)
                for e in d.pending { if case .loadAssets = e, let a = answer(e, assets: assetEntries) { results.firstFrameMillis = d.step(a, size: size) } }
                d.pending = []
                d.step(.key(.char("h")), size: size)
            }
            results.drillIntoMillis = d.step(.key(.char("l")), size: size)
            settle(&d, assets: assetEntries)
            let (cpu, wall) = timeScript(&d, assets: assetEntries)
            results.keys.append(KeyFigure(pane: "assets", rows: assets, samples: cpu, wall: wall))
            // Filter keystrokes: type a 6-character filter, then delete it, one key at a time.
            d.step(.key(.char("/")), size: size)
            for c in "sample-000123" { results.filterSamples.append(d.step(.key(.char(c)), size: size)); results.filterWall.append(d.wall.last ?? 0) }
            for _ in 0..<6 { results.filterSamples.append(d.step(.key(.backspace), size: size)); results.filterWall.append(d.wall.last ?? 0) }
            d.step(.key(.escape), size: size)
        }
        results.bytesPerAssetRow = Self.bytesPerAssetRow(count: min(assets, 100_000))
        // The pre-fix path (ArtyUI before the RowIndex memo): one filter + sort of every row, which
        // reduce and render repeated about 6 times per key.
        for filter in ["", "s"] {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let rows = Sorting.sorted(assetEntries.filter { $0.matches(filter) }, by: .defaultOrder(for: .assets))
            blackHole(rows)
            results.naiveMillis.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return results
    }

    /// CPU and wall milliseconds of every key of ``script``.
    func timeScript(_ d: inout Driver, assets: [Entry]) -> ([Double], [Double]) {
        var samples: [Double] = [], wall: [Double] = []
        for key in Self.script {
            let ms = d.step(.key(key), size: size)
            if ProcessInfo.processInfo.environment["ARTY_BENCH_VERBOSE"] != nil, ms > 3 {
                FileHandle.standardError.write(Data("slow key \(key) in \(d.state.current.key.level.noun): \(ms) ms\n".utf8))
            }
            samples.append(ms)
            wall.append(d.wall.last ?? 0)
            settle(&d, assets: assets)  // previews load between keys, as a user waits for them
        }
        return (samples, wall)
    }

    /// Resident bytes per asset row once in a loaded listing (RSS before and after building it).
    static func bytesPerAssetRow(count: Int) -> Double {
        guard count > 0 else { return 0 }
        let before = heapInUse()
        var listing = Listing(entries: assetRows(count))
        let after = heapInUse()
        blackHole(listing)
        listing.entries = nil
        return Double(after - before) / Double(count)
    }

    /// Resident bytes of this process (`/proc/self/statm`, second field × page size).
    static func heapInUse() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// CPU time of the calling thread, in nanoseconds (`CLOCK_THREAD_CPUTIME_ID`).
func threadCPUNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

@inline(never)
func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

/// Percentiles of milliseconds (nearest-rank).
struct Stats {
    let sorted: [Double]
    init(_ samples: [Double]) { sorted = samples.sorted() }
    func p(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(sorted.count - 1, Swift.max(0, rank - 1))]
    }
    var max: Double { sorted.last ?? 0 }
}
