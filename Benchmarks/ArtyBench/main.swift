import ArtifactRegistry
import ArtyUI
import CometAPI
import Foundation

/// `arty-bench`: the in-process parts of the issue-6 benchmarks (driven by Benchmarks/run.sh).
///
///     arty-bench ui   [--artifacts N] [--versions N] [--assets N]   pure reduce+render figures (markdown)
///     arty-bench tree [--assets N]   the assets tree view (`T`): build time and key p99 (markdown)
///     arty-bench preview              asset previews: 64 KiB head → first frame per content kind (markdown)
///     arty-bench seed --data DIR [--artifacts N] [--versions N] [--assets N]
///                     seeds a registry data directory through the store API (one transaction)
func option(_ name: String, _ fallback: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let n = Int(args[i + 1]) else { return fallback }
    return n
}

func stringOption(_ name: String) -> String? {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

let command = CommandLine.arguments.dropFirst().first ?? "ui"
let artifacts = option("--artifacts", 10_000)
let versions = option("--versions", 5_000)
let assets = option("--assets", 100_000)

switch command {
case "ui":
    let bench = UIBench(artifacts: artifacts, versions: versions, assets: assets)
    let r = bench.run()
    print("Times are the thread's CPU time per key (reduce + render), in ms; wall p99 beside it includes being")
    print("preempted by the other processes of a loaded machine.")
    print("")
    print("| Pane | Rows | Keys | p50 ms | p99 ms | max ms | wall p99 ms | Target p99 ≤ 5 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for k in r.keys {
        let s = Stats(k.samples), w = Stats(k.wall)
        print("| \(k.pane) | \(k.rows) | \(k.samples.count) | \(fmt(s.p(50), 3)) | \(fmt(s.p(99), 3)) | \(fmt(s.max, 3)) | \(fmt(w.p(99), 3)) | \(s.p(99) <= 5 ? "✓" : "✗") |")
    }
    let f = Stats(r.filterSamples), fw = Stats(r.filterWall)
    print("| assets: filter keystroke | \(assets) | \(r.filterSamples.count) | \(fmt(f.p(50), 3)) | \(fmt(f.p(99), 3)) | \(fmt(f.max, 3)) | \(fmt(fw.p(99), 3)) | \(f.max <= 5 ? "✓" : "✗") |")
    print("")
    print("- Assets response → first frame (reduce of the loaded action + render), \(assets) rows: **\(fmt(r.firstFrameMillis, 2)) ms** (target ≤ 50 ms \(r.firstFrameMillis <= 50 ? "✓" : "✗"))")
    print("- Drilling into the loaded \(assets)-row assets pane (one key + render): \(fmt(r.drillIntoMillis, 2)) ms")
    print("- Before the fix (for comparison): one un-memoised filter + sort of the \(assets) asset rows, as every `visibleEntries` call did: \(r.naiveMillis.map { fmt($0, 1) }.joined(separator: " ms (no filter), ")) ms (filter \"s\"); a key made about 6 such calls")
    print("- Memory per asset row in a loaded listing (RSS growth while building it / rows): **\(Int(r.bytesPerAssetRow.rounded())) bytes**")
case "tree":
    let r = TreeBench(assets: assets).run()
    let s = Stats(r.samples), w = Stats(r.wall)
    print("| Step | Rows | Keys | p50 ms | p99 ms | max ms | wall p99 ms | Target p99 ≤ 5 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    print("| tree view keys | \(assets) | \(r.samples.count) | \(fmt(s.p(50), 3)) | \(fmt(s.p(99), 3)) | \(fmt(s.max, 3)) | \(fmt(w.p(99), 3)) | \(s.p(99) <= 5 ? "✓" : "✗") |")
    print("")
    print("- `FolderTree` build from \(assets) paths (\(r.folders) folders): **\(fmt(r.buildMedian, 2)) ms** median of 5 (best \(fmt(r.buildBest, 2)) ms)")
    print("- First `T` on the loaded \(assets)-row assets pane (builds the listing's folder index, then draws): \(fmt(r.firstToggle, 2)) ms")
case "preview":
    let figures = PreviewBench().run()
    print("| Content (64 KiB head of a 10 MiB asset) | Name | Bytes → first frame, median ms | max ms | Scroll keys p99 ms |")
    print("|---|---|---:|---:|---:|")
    for f in figures {
        let first = Stats(f.firstFrame), keys = Stats(f.keys)
        print("| \(f.label) | `\(f.name)` | \(fmt(first.p(50), 3)) | \(fmt(first.max, 3)) | \(fmt(keys.p(99), 3)) |")
    }
case "seed":
    guard let data = stringOption("--data") else {
        FileHandle.standardError.write(Data("seed needs --data DIR\n".utf8))
        exit(2)
    }
    let dir = URL(fileURLWithPath: data, isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let store = try RegistryStore(path: dir.appendingPathComponent("registry.sqlite").path)
    let blobs = try BlobStore(root: dir)
    let blob = try blobs.store(Data(repeating: 0x61, count: 1024))
    let user = try store.ensureUser(name: LocalRegistry.defaultUserName)
    guard let ws = try store.workspace(userId: user.id, name: "bench", create: true) else { exit(1) }
    let t0 = Date()
    var list: [RegistryStore.SeedArtifact] = []
    list.append(.init(name: "many-versions", type: "model", versions: (0..<versions).map {
        .init(version: "\($0 / 100 + 1).\($0 % 100).0", aliases: $0 == versions - 1 ? ["production"] : [])
    }))
    list.append(.init(name: "many-assets", type: "dataset", versions: [.init(version: "1.0.0", assets: (0..<assets).map {
        (logicalPath: "data/shard-\(String(format: "%04d", $0 / 1000))/sample-\(String(format: "%06d", $0)).bin", size: blob.size, sha256: blob.sha256)
    })]))
    // A 10 MiB CSV for the real binary's preview figure (run.sh: G k k l l p); a preview fetches 64 KiB of it.
    var csv = "sepal_length,sepal_width,petal_length,petal_width,species\n"
    var row = 0
    while csv.utf8.count < 10 << 20 {
        csv += "\(5 + row % 3).\(row % 10),\(3 + row % 2).\(row % 7),\(1 + row % 5).\(row % 9),0.\(row % 10),\(["setosa", "versicolor", "virginica"][row % 3])\n"
        row += 1
    }
    let csvBlob = try blobs.store(Data(csv.utf8))
    list.append(.init(name: "artifact-preview", type: "dataset", versions: [.init(version: "1.0.0", assets: [
        (logicalPath: "iris.csv", size: csvBlob.size, sha256: csvBlob.sha256)])]))
    for i in 0..<max(0, artifacts - 3) {
        list.append(.init(name: "artifact-\(String(format: "%05d", i))", type: i % 3 == 0 ? "model" : "dataset",
                          versions: [.init(version: "1.0.0", assets: [(logicalPath: "weights.bin", size: blob.size, sha256: blob.sha256)])]))
    }
    _ = try store.seedBulk(workspace: ws, owner: user.name, artifacts: list)
    print("seeded \(artifacts) artifacts, \(versions) versions, \(assets) assets in \(fmt(Date().timeIntervalSince(t0), 1)) s (store API, one transaction)")
default:
    FileHandle.standardError.write(Data("usage: arty-bench ui|tree|preview|seed [options]\n".utf8))
    exit(2)
}
