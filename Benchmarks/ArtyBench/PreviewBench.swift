import ArtyUI
import CometAPI
import Foundation

/// Issue 13, previews: from the 64 KiB head of an asset arriving to the preview's first frame
/// (reduce of `.previewFetched`, which sniffs and lays out the bytes, plus render at 160×48), for
/// each content kind, and the keys that scroll a loaded preview. The fetch itself (one `Range`
/// request) is the real binary's figure in Benchmarks/run.sh.
struct PreviewBench {
    var size = Size(width: 160, height: 48)
    var rounds = 7

    /// One content kind: the asset's name and the head of its bytes (at most 64 KiB, as fetched).
    struct Kind {
        var label: String
        var name: String
        var head: Data
    }

    static let prefixBytes = 64 * 1024

    static func kinds() -> [Kind] {
        var csv = "sepal_length,sepal_width,petal_length,petal_width,species\n"
        var json = "{\"runs\": ["
        var text = "# Notes\n\n"
        var i = 0
        while csv.utf8.count < prefixBytes || json.utf8.count < prefixBytes || text.utf8.count < prefixBytes {
            csv += "\(5 + i % 3).\(i % 10),\(3 + i % 2).\(i % 7),\(1 + i % 5).\(i % 9),0.\(i % 10),\(["setosa", "versicolor", "virginica"][i % 3])\n"
            json += "{\"id\": \(i), \"name\": \"run-\(i)\", \"metrics\": {\"loss\": 0.\(i % 997), \"acc\": 0.\(i % 89)}, \"tags\": [\"a\", \"b\"]},"
            text += "Line \(i): the quick brown fox jumps over the lazy dog, again and again, until the preview wraps it.\n"
            i += 1
        }
        let cut = { (s: String) in Data(s.utf8.prefix(prefixBytes)) }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
                        0, 0, 0x07, 0x80, 0, 0, 0x04, 0x38, 8, 6, 0, 0, 0])
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var noise = Data(count: prefixBytes)
        for k in 0..<prefixBytes {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            noise[k] = UInt8(truncatingIfNeeded: state >> 56)
        }
        png.append(noise.prefix(prefixBytes - png.count))
        var kinds = [Kind(label: "CSV as columns", name: "iris.csv", head: cut(csv)),
                     Kind(label: "JSON pretty-printed (cut at 64 KiB)", name: "runs.json", head: cut(json)),
                     Kind(label: "Markdown / text, wrapped", name: "NOTES.md", head: cut(text)),
                     Kind(label: "PNG summary + hex", name: "plot.png", head: png),
                     Kind(label: "binary summary + hex", name: "weights.bin", head: noise)]
        if let gz = gzip(Data(csv.utf8)) {
            kinds.insert(Kind(label: "gzip CSV, inflated", name: "iris.csv.gz", head: gz.prefix(prefixBytes)), at: 1)
        }
        return kinds
    }

    /// `gzip -c` of `data` (nil when gzip is not installed).
    static func gzip(_ data: Data) -> Data? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-c"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        guard (try? p.run()) != nil else { return nil }
        DispatchQueue.global().async {
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? out : nil
    }

    struct Figure {
        var label: String
        var name: String
        /// Bytes arrived → first frame, ms of thread CPU time, one per round.
        var firstFrame: [Double] = []
        /// Scrolling keys in the loaded preview (j, PgDn, G, g, w), ms of thread CPU time.
        var keys: [Double] = []
    }

    func run() -> [Figure] {
        let ui = UIBench(artifacts: 10, versions: 10, assets: 10, size: size)
        var figures: [Figure] = []
        for kind in Self.kinds() {
            var f = Figure(label: kind.label, name: kind.name)
            for round in 0..<rounds {
                // A new asset id each round: the preview cache keeps fetched heads per asset id.
                let asset = Asset(assetId: "\(kind.name)-\(round)", logicalPath: "data/\(kind.name)", size: 10 << 20,
                                  type: "asset", artifactId: "a-a", artifactVersionId: "v-a")
                let rows: [Entry] = [.asset(asset)]
                var d = ui.openArtifact(UIBench.assetsArtifact, assets: rows)
                d.step(.key(.char("l")), size: size)
                ui.settle(&d, assets: rows)
                d.step(.key(.char("p")), size: size)
                guard let request = d.pending.compactMap({ e -> Int? in
                    if case .fetchPreview(_, _, let id) = e { id } else { nil }
                }).first else { fatalError("p did not ask for the preview of \(kind.name)") }
                d.pending = []
                let fetched = Action.previewFetched(assetId: asset.assetId, requestID: request,
                                                    result: .success(AssetPrefix(bytes: kind.head, totalBytes: asset.size, rangeHonoured: true)))
                f.firstFrame.append(d.step(fetched, size: size))
                if round == 0 {
                    let keys: [Key] = Array(repeating: .char("j"), count: 30) + Array(repeating: .pageDown, count: 8)
                        + [.char("G"), .char("g"), .char("w"), .pageDown, .char("w"), .char("G")]
                    for key in keys { f.keys.append(d.step(.key(key), size: size)) }
                }
            }
            figures.append(f)
        }
        return figures
    }
}
