import ArtyUI
import CometAPI
import Foundation

/// Issue 13, folders: the assets pane's tree view (`T`) on a version of many assets in nested
/// folders. Times the tree build alone (``FolderTree``), the first `T` (builds the folder index of
/// the listing, then draws), and every key of a script in the tree (reduce + render at 160×48).
struct TreeBench {
    var assets: Int
    var size = Size(width: 160, height: 48)

    /// `data/{train,test,valid}/class-NNN/batch-N/sample-NNNNNN.bin` (2,195 folders at 100,000),
    /// one asset in ten straight in `dump/` (a big flat folder), one in fifty a remote link.
    static func rows(_ n: Int) -> [Entry] {
        (0..<n).map { i in
            let path: String
            if i % 10 == 9 {
                path = "dump/file-\(String(format: "%06d", i)).bin"
            } else {
                path = "data/\(["train", "test", "valid"][i % 3])/class-\(String(format: "%03d", (i / 7) % 100))/batch-\(i % 10)/sample-\(String(format: "%06d", i)).bin"
            }
            let link: String? = i % 50 == 7 ? "s3://bench/\(i)" : nil
            return .asset(Asset(assetId: String(format: "%032x", i), logicalPath: path, size: Int64(1024 + (i * 7919) % 65536),
                                link: link, type: "asset", artifactId: "a-a", artifactVersionId: "v-a"))
        }
    }

    /// Keys timed in the tree: moves and pages at the root and inside folders, entering and leaving
    /// folders (`l`, `h`), the three sorts and their reverse, a filter typed, kept, walked into, and cleared.
    static let script: [Key] = [.char("j"), .char("k"), .char("l")]  // into data/
        + [.char("j"), .char("l"), .char("l"), .char("l")]  // data/train/class-000/batch-0/
        + Array(repeating: .char("j"), count: 20) + Array(repeating: .char("k"), count: 10)
        + [.char("G"), .char("g"), .char("h"), .char("h"), .char("h"), .char("h")]
        + [.char("G"), .char("l")]  // the root's last folder: dump/ (10% of the assets, flat)
        + Array(repeating: .char("j"), count: 20) + Array(repeating: .pageDown, count: 10) + Array(repeating: .pageUp, count: 5)
        + [.char("G"), .char("g"), .char("s"), .char("S"), .char("s"), .char("S"), .char("s"), .char("S"), .char("h")]
        + [.char("s"), .char("S"), .char("s"), .char("S"), .char("s"), .char("S")]
        + [.char("/"), .char("0"), .char("0"), .char("1"), .char("2"), .enter, .char("l"), .char("j"), .char("l"), .char("h"), .char("h")]
        + [.char("/"), .backspace, .backspace, .backspace, .backspace, .enter]
        + Array(repeating: .char("j"), count: 10) + [.char("T"), .char("j"), .char("k"), .char("T")]

    struct Results {
        /// `FolderTree` built from the paths alone, ms (best and median of 5).
        var buildBest: Double = 0
        var buildMedian: Double = 0
        var folders = 0
        /// The first `T` on the loaded assets pane (builds the listing's folder index, then renders), ms.
        var firstToggle: Double = 0
        var samples: [Double] = []
        var wall: [Double] = []
    }

    func run() -> Results {
        var r = Results()
        let entries = Self.rows(assets)
        let items: [FolderTree.Item] = entries.map { e in
            guard case .asset(let a) = e else { return FolderTree.Item(path: "", size: 0, isRemote: false) }
            return FolderTree.Item(path: a.logicalPath, size: a.size, isRemote: a.isRemote)
        }
        var times: [Double] = []
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let tree = FolderTree(items)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            r.folders = tree.nodes.count - 1
            blackHole(tree)
        }
        let sorted = times.sorted()
        r.buildBest = sorted[0]
        r.buildMedian = sorted[sorted.count / 2]

        // The UI: the bench's many-assets version holds these rows.
        let ui = UIBench(artifacts: 100, versions: 10, assets: assets, size: size)
        var d = ui.openArtifact(UIBench.assetsArtifact, assets: entries)
        d.step(.key(.char("l")), size: size)
        ui.settle(&d, assets: entries)
        r.firstToggle = d.step(.key(.char("T")), size: size)
        ui.settle(&d, assets: entries)
        // ARTY_BENCH_TREE_KEYS=sort: only sorts in dump/, many times (for a profiler).
        let keys: [Key] = ProcessInfo.processInfo.environment["ARTY_BENCH_TREE_KEYS"] == "sort"
            ? [.char("G"), .char("l")] + Array(repeating: [Key.char("s"), .char("S")], count: 60).flatMap { $0 } : Self.script
        for key in keys {
            let ms = d.step(.key(key), size: size)
            if ProcessInfo.processInfo.environment["ARTY_BENCH_VERBOSE"] != nil, ms > 3 {
                FileHandle.standardError.write(Data("slow tree key \(key) in /\(d.state.current.folder ?? "(flat)"): \(ms) ms\n".utf8))
            }
            r.samples.append(ms)
            r.wall.append(d.wall.last ?? 0)
            ui.settle(&d, assets: entries)
        }
        return r
    }
}
