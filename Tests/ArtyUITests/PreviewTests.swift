@testable import ArtyUI
import CometAPI
import Foundation
import Testing
import Yams

/// The asset preview (issue 13): one version holding one asset of each content kind, served by
/// the fake service's ``FakeArtifactService/contents``.
enum PreviewFixture {
    static let csv = [
        "sepal_length,sepal_width,petal_length,petal_width,species",
        "5.1,3.5,1.4,0.2,setosa",
        "4.9,3.0,1.4,0.2,setosa",
        "7.0,3.2,4.7,1.4,versicolor",
        "6.4,3.2,4.5,1.5,versicolor",
        "6.3,3.3,6.0,2.5,virginica",
        #"5.8,2.7,5.1,1.9,"virginica, ""big""""#,
    ].joined(separator: "\n") + "\n"
    static let text = "First line of the notes.\n\tIndented with a tab.\n"
        + "A long line that goes on and on so that it has to wrap at eighty columns, and then some more words after that.\n"
        + (4...40).map { "line \($0)" }.joined(separator: "\n") + "\n"
    static let markdown = "# Iris\n\nThe classic data set.\n\n## Columns\n\n```\nsepal_length  cm\n```\n- species: one of three\n"
    static let json = #"{"name":"resnet","layers":[64,128,{"kind":"pool","size":2}],"empty":{},"ok":true,"note":"a \"quoted\" word"}"#
    /// gzip (mtime 0) of "epoch,loss,accuracy\n1,0.92,0.61\n2,0.55,0.78\n3,0.31,0.88\n", made with Python's gzip module.
    static let gzip = [UInt8](Data(base64Encoded: "H4sIAAAAAAACA0styE/O0MnJLy7WSUxOLi1KTK7kMtQx0LM0AhJmhlwgytQUSJhbcBkDKWOQpIUFFwC+SzGgOAAAAA==")!)
    /// A real PNG header: signature, IHDR of a 320×240 RGBA image (with its CRC), then IEND.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
                               0x00, 0x00, 0x01, 0x40, 0x00, 0x00, 0x00, 0xF0, 0x08, 0x06, 0x00, 0x00, 0x00, 0x71, 0x2D, 0xBD,
                               0x6B, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
    static let binary: [UInt8] = (0..<300).map { UInt8(($0 * 37 + 11) % 256) }
    /// ESC [ 2 J (clear screen), OSC 52 (set the clipboard), a C1 CSI (U+009B), a bell, a bidi override.
    static let escapes = Array("title\u{1B}]52;c;ZXZpbA==\u{07}\n\u{1B}[2Jcleared?\n\u{9B}31mred via C1\n\u{202E}desrever\n".utf8)
    /// 10 MiB of numbered lines.
    static let big: [UInt8] = {
        var out: [UInt8] = []
        out.reserveCapacity(10 << 20)
        var i = 0
        while out.count < 10 << 20 {
            out += Array("row \(i) of a big log file\n".utf8)
            i += 1
        }
        return Array(out.prefix(10 << 20))
    }()

    static let files: [(String, [UInt8])] = [
        ("iris.csv", Array(csv.utf8)), ("notes.txt", Array(text.utf8)), ("README.md", Array(markdown.utf8)),
        ("config.json", Array(json.utf8)), ("metrics.csv.gz", gzip), ("chart.png", png), ("model.bin", binary),
        ("evil.txt", escapes), ("empty.txt", []), ("logs/big.log", big),
    ]

    static func asset(_ path: String, size: Int, link: String? = nil) -> Asset {
        Asset(assetId: "id-" + path, logicalPath: path, size: Int64(size), link: link, artifactVersionId: "v1")
    }

    static func service() -> FakeArtifactService {
        let version = ArtifactVersion(artifactVersionId: "v1", version: "1.0.0", sizeInBytes: 10 << 20, state: .closed,
                                      addedMillis: FakeArtifactService.sampleNowMillis)
        let details = ArtifactDetails(artifact: Artifact(artifactId: "a1", name: "files", type: "dataset", latestVersion: "1.0.0"),
                                      versions: [version])
        var assets = files.map { asset($0.0, size: $0.1.count) }
        assets.append(asset("raw/archive.tar.gz", size: 0, link: "s3://bucket/raw/archive.tar.gz"))
        var service = FakeArtifactService(data: ["ws": [(details, ["1.0.0": assets])]], workspaceNames: ["ws"])
        for (path, bytes) in files { service.contents["id-" + path] = bytes }
        return service
    }

    /// A harness on the assets pane of `ws/files:1.0.0`.
    static func harness(size: Size = Size(width: 80, height: 24), resolveLoads: Bool = true) async -> Harness {
        var h = await Harness(size: size, service: service())
        await h.press(.enter, .enter, .enter)
        if !resolveLoads { h.resolveLoads = false }
        return h
    }
}

extension Harness {
    /// Selects the asset at `path` and presses `key` (default `p`).
    mutating func preview(_ path: String, key: Key = .char("p")) async {
        state.current.selectedID = path
        await press(key)
    }

    var fetches: [Effect] { effects.filter { if case .fetchPreview = $0 { true } else { false } } }
}

@Suite struct PreviewSnapshotTests {
    func snapshot(_ path: String, _ name: String, size: Size = Size(width: 80, height: 24)) async -> String {
        var h = await PreviewFixture.harness(size: size)
        #expect(h.state.current.key.level == .assets)
        await h.preview(path)
        #expect(h.state.previewDocument != nil, "no document for \(path)")
        let text = h.text
        assertSnapshot(text, named: name)
        return text
    }

    @Test func textIsNumberedAndWrapped() async {
        let text = await snapshot("notes.txt", "preview-text-80x24")
        #expect(text.contains("  2 │     Indented with a tab."))
    }

    @Test func markdown() async { _ = await snapshot("README.md", "preview-markdown-80x24") }

    @Test func csvAsAlignedColumns() async {
        let text = await snapshot("iris.csv", "preview-csv-80x24")
        #expect(text.contains("CSV · 6 rows × 5 columns"))
        #expect(text.contains("virginica, \"big\""))
    }

    @Test func jsonPrettyPrintedInFileOrder() async {
        let text = await snapshot("config.json", "preview-json-80x24")
        #expect(text.contains("\"name\": \"resnet\","))
        #expect(text.range(of: "\"name\"")!.lowerBound < text.range(of: "\"layers\"")!.lowerBound)
    }

    @Test func gzipTextIsInflated() async {
        let text = await snapshot("metrics.csv.gz", "preview-gzip-80x24")
        #expect(text.contains("gzip → CSV · 3 rows × 3 columns"))
        #expect(text.contains("0.92"))
    }

    @Test func pngSummaryWithDimensions() async {
        let text = await snapshot("chart.png", "preview-png-80x24")
        #expect(text.contains("PNG image · 320×240"))
        #expect(text.contains("00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|"))
    }

    @Test func binaryAsHexDump() async {
        let text = await snapshot("model.bin", "preview-binary-80x24")
        #expect(text.contains("Binary data"))
    }

    @Test func escapeSequencesNeverReachTheFrame() async {
        let text = await snapshot("evil.txt", "preview-escapes-80x24")
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (0x80...0x9F).contains($0.value) })
        #expect(!text.unicodeScalars.contains { $0.value == 0x202E })
        #expect(text.contains("\\x1b[2Jcleared?"))
        #expect(text.contains("\\x9b31mred via C1"))
    }

    @Test func emptyFile() async {
        let text = await snapshot("empty.txt", "preview-empty-80x24")
        #expect(text.contains("0 bytes"))
    }

    @Test func tenMiBAssetFetchesOnly64KiB() async {
        var h = await PreviewFixture.harness()
        await h.preview("logs/big.log")
        assertSnapshot(h.text, named: "preview-big-80x24")
        #expect(h.text.contains("first 64 KiB of 10.0 MiB"))
        let asked = h.service.prefixRequests.all
        #expect(asked.count == 1)
        #expect(asked.first?.maxBytes == 64 * 1024)
        #expect(asked.first?.assetId == "id-logs/big.log")
    }

    @Test func remoteAssetShowsItsLinkAndIsNeverFetched() async {
        var h = await PreviewFixture.harness()
        await h.preview("raw/archive.tar.gz")
        assertSnapshot(h.text, named: "preview-remote-80x24")
        #expect(h.fetches.isEmpty)
        #expect(h.text.contains("s3://bucket/raw/archive.tar.gz"))
    }

    @Test func csvAtNarrowAndWideSizes() async {
        _ = await snapshot("iris.csv", "preview-csv-40x10", size: Size(width: 40, height: 10))
        _ = await snapshot("iris.csv", "preview-csv-132x43", size: Size(width: 132, height: 43))
    }
}

@Suite struct PreviewReducerTests {
    @Test func pOpensAndFetchesOnce() async {
        var h = await PreviewFixture.harness()
        let before = h.effects.count
        await h.preview("iris.csv")
        #expect(h.state.preview?.asset.logicalPath == "iris.csv")
        let fetches = h.effects.dropFirst(before).filter { if case .fetchPreview = $0 { true } else { false } }
        #expect(fetches.count == 1)
        if case .fetchPreview(let id, let version, _)? = fetches.first {
            #expect(id == "id-iris.csv")
            #expect(version == "v1")
        }
    }

    @Test func enterAndLOpenThePreviewOfAnAsset() async {
        for key in [Key.enter, .char("l")] {
            var h = await PreviewFixture.harness()
            await h.preview("notes.txt", key: key)
            #expect(h.state.preview?.asset.logicalPath == "notes.txt")
            #expect(h.state.previewDocument?.kind == "Text")
        }
    }

    @Test func scrollsAndStopsAtTheEnd() async {
        var h = await PreviewFixture.harness()
        await h.preview("notes.txt")
        await h.press(.char("j"), .char("j"))
        #expect(h.state.preview?.offset == 2)
        await h.press(.char("k"))
        #expect(h.state.preview?.offset == 1)
        await h.press(.pageDown)
        #expect(h.state.preview?.offset == 1 + PreviewLayout.contentHeight(h.state.size) - 1)
        await h.press(.char("G"))
        let last = h.state.preview?.offset ?? -1
        #expect(last == h.state.previewMaxOffset)
        #expect(last > 0)
        await h.press(.char("j"))
        #expect(h.state.preview?.offset == last)
        #expect(h.text.contains(" 40 │ line 40"))
        await h.press(.char("g"))
        #expect(h.state.preview?.offset == 0)
    }

    @Test func wToggesWrap() async {
        var h = await PreviewFixture.harness()
        await h.preview("notes.txt")
        #expect(h.state.previewWraps)
        #expect(h.text.contains("after that."))
        await h.press(.char("w"))
        #expect(!h.state.previewWraps)
        #expect(!h.text.contains("after that."))
        #expect(h.text.contains("…"))
        await h.press(.char("w"))
        #expect(h.state.previewWraps)
    }

    @Test func movingOnCancelsTheFetchAndDropsItsLateResult() async {
        var h = await PreviewFixture.harness(resolveLoads: false)
        await h.preview("chart.png")
        guard case .fetchPreview(_, _, let first)? = h.fetches.last else { Issue.record("no fetch"); return }
        let late = h.pendingPreviews
        h.pendingPreviews = []
        await h.press(.char("]"))  // the next asset: config.json
        #expect(h.effects.contains(.cancel(requestID: first)))
        #expect(h.state.preview?.asset.logicalPath == "config.json")
        #expect(h.state.current.selectedID == "config.json")
        // The first fetch answers after all: dropped, nothing cached for it.
        for (assetId, versionId, id) in late {
            let result = await BrowserApp.fetchPreview(assetId: assetId, artifactVersionId: versionId, service: h.service)
            await h.send(.previewFetched(assetId: assetId, requestID: id, result: result))
        }
        #expect(h.state.previewCache["id-chart.png"] == nil)
        await h.resolvePendingPreviews()
        #expect(h.state.previewDocument?.kind == "JSON")
    }

    @Test func closingCancelsTheFetch() async {
        var h = await PreviewFixture.harness(resolveLoads: false)
        await h.preview("notes.txt")
        guard case .fetchPreview(_, _, let id)? = h.fetches.last else { Issue.record("no fetch"); return }
        await h.press(.escape)
        #expect(h.state.preview == nil)
        #expect(h.effects.last == .cancel(requestID: id))
    }

    @Test func aCachedPreviewMakesNoSecondFetch() async {
        var h = await PreviewFixture.harness()
        await h.preview("iris.csv")
        await h.press(.char("q"))
        #expect(h.state.preview == nil)
        #expect(!h.state.quitRequested)
        await h.preview("iris.csv")
        #expect(h.state.previewDocument != nil)
        #expect(h.fetches.count == 1)
        #expect(h.service.prefixRequests.all.count == 1)
    }

    @Test func aFailedFetchSaysWhy() async {
        var h = await PreviewFixture.harness()
        h.service.contents["id-notes.txt"] = nil
        await h.preview("notes.txt")
        #expect(h.state.preview?.error?.contains("HTTP 404") == true)
        #expect(h.text.contains("Could not read notes.txt"))
    }

    @Test func theCacheKeepsTheLast32() {
        var cache = PreviewCache()
        let doc = PreviewDocument(kind: "Text", extent: "", lines: [], wraps: true)
        for i in 0..<40 { cache.insert(doc, for: "a\(i)") }
        #expect(cache.count == PreviewCache.limit)
        #expect(cache["a7"] == nil)
        #expect(cache["a8"] != nil)
        cache.touch("a8")
        cache.insert(doc, for: "new")
        #expect(cache["a8"] != nil)
        #expect(cache["a9"] == nil)
    }

    @Test func keysAreInTheKeymapHelpAndFooter() async {
        #expect(Keymap.command(for: .char("p")) == .preview)
        #expect(Keymap.previewCommand(for: .char("w")) == .toggleWrap)
        var h = await PreviewFixture.harness(size: Size(width: 132, height: 60))
        await h.preview("notes.txt")
        let footer = h.text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.contains("w wrap"))
        await h.press(.char("?"))
        #expect(h.text.contains("In the preview (p)"))
    }
}

@Suite struct PreviewDocumentTests {
    @Test func everyDocumentLineIsDisplaySafe() {
        for (path, bytes) in PreviewFixture.files {
            let doc = PreviewDocument.build(name: path, bytes: Array(bytes.prefix(PreviewDocument.prefixBytes)),
                                            totalBytes: Int64(bytes.count))
            #expect(!doc.lines.isEmpty, "\(path)")
            for line in doc.lines { #expect(TerminalText.isSafe(line.text), "\(path): \(line.text)") }
        }
        let hostile = PreviewDocument.build(name: "x.csv", bytes: Array("a\u{1B}[2J,b\n\u{9B}1m,c\n".utf8), totalBytes: nil)
        #expect(hostile.lines.allSatisfy { TerminalText.isSafe($0.text) })
        #expect(hostile.lines.contains { $0.text.contains("a\\x1b[2J") })
    }

    @Test func csvSplitterDropsTheCutRecord() {
        let text = "a,b\n1,\"x\ny\"\n2,\"cut here"
        #expect(CSVSplitter.records(text, separator: ",", dropPartialLast: true) == [["a", "b"], ["1", "x\ny"]])
        #expect(CSVSplitter.records(text, separator: ",", dropPartialLast: false).count == 3)
        #expect(CSVSplitter.records("a\tb\r\n1\t2\r\n", separator: "\t", dropPartialLast: false) == [["a", "b"], ["1", "2"]])
    }

    @Test func jpegAndGifDimensions() {
        // A JPEG: SOI, an APP0 segment of 16 bytes, then SOF0 with height 480 and width 640.
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array(repeating: 0, count: 14)
            + [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80, 0x03]
        #expect(Magic.sniff(jpeg) == .jpeg)
        #expect(Magic.jpeg.dimensions(jpeg).map { [$0.0, $0.1] } == [640, 480])
        let gif = Array("GIF89a".utf8) + [0x0A, 0x00, 0x14, 0x00]
        #expect(Magic.gif.dimensions(gif).map { [$0.0, $0.1] } == [10, 20])
    }

    @Test func aCutJSONIsReindentedAsFarAsItGoes() {
        let doc = PreviewDocument.build(name: "big.json", bytes: Array(#"{"a": [1, 2], "b": {"c": "d"#.utf8), totalBytes: 1000)
        #expect(doc.kind.hasPrefix("JSON (cut"))
        #expect(doc.lines.map(\.text) == ["{", "  \"a\": [", "    1,", "    2", "  ],", "  \"b\": {", "    \"c\": \"d"])
    }

    @Test func crlfLinesAndAByteOrderMark() {
        let crlf = PreviewDocument.build(name: "notes.txt", bytes: Array("line1\r\nline2\r\n".utf8), totalBytes: nil)
        #expect(crlf.lines.map(\.text) == ["line1", "line2"])
        let bom = PreviewDocument.build(name: "notes.txt", bytes: [0xEF, 0xBB, 0xBF] + Array("a\r\nb\r\n".utf8), totalBytes: nil)
        #expect(bom.kind == "Text")
        #expect(bom.lines.map(\.text) == ["a", "b"])
        let yaml = PreviewDocument.build(name: "p.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array("a: {b: 1}\n".utf8), totalBytes: nil)
        #expect(yaml.kind == "YAML")
        #expect(yaml.lines.map(\.text) == ["a:", "  b: 1"])
    }

    @Test func aCutUTF8SequenceIsNotBinary() {
        let bytes = Array("héllo wörld ".utf8) + [0xE2, 0x82]  // the first two bytes of €
        let doc = PreviewDocument.build(name: "a.txt", bytes: bytes, totalBytes: 100)
        #expect(doc.kind == "Text")
        #expect(doc.lines.first?.text == "héllo wörld ")
    }

    // MARK: YAML (issue 13: "JSON and YAML pretty-printed")

    func yaml(_ text: String, total: Int? = nil) -> PreviewDocument {
        PreviewDocument.build(name: "params.yaml", bytes: Array(text.utf8), totalBytes: Int64(total ?? text.utf8.count))
    }

    @Test func flowStyleYAMLIsReindentedInBlockStyle() {
        let doc = yaml("model: {name: resnet, layers: [64, 128], opt: {lr: 0.001}}\nseed: 7\n")
        #expect(doc.kind == "YAML")
        #expect(doc.lines.map(\.text) == ["model:", "  name: resnet", "  layers:", "  - 64", "  - 128", "  opt:", "    lr: 0.001",
                                           "seed: 7"])
        #expect(doc.lines.map(\.number) == Array(1...8))
    }

    @Test func yamlWithCommentsIsShownAsWritten() {
        let text = "# training\nlr: 0.1  # tuned\nname: 'a # b'\n"
        let doc = yaml(text)
        #expect(doc.kind == "YAML (shown as written: it has comments)")
        #expect(doc.lines.map(\.text) == ["# training", "lr: 0.1  # tuned", "name: 'a # b'"])
        #expect(!YAMLPreview.hasComments("url: http://x/#frag\nk: \"a # b\"\n"))
    }

    @Test func severalDocumentsKeepTheirSeparators() {
        let doc = yaml("a: 1\n---\nb: [2]\n")
        #expect(doc.kind == "YAML · 2 documents")
        #expect(doc.lines.map(\.text) == ["---", "a: 1", "---", "b:", "- 2"])
    }

    @Test func aCutOrBrokenYAMLIsShownAsWritten() {
        let cut = yaml("a: 1\nb: \"unterminated", total: 10_000)
        #expect(cut.kind == "YAML (cut: shown as written)")
        #expect(cut.lines.map(\.text) == ["a: 1", "b: \"unterminated"])
        #expect(yaml("a: [1, 2\n").kind == "YAML (does not parse: shown as written)")
        let prefix = yaml("a: {b: 1}\nc: 2\n", total: 10_000)
        #expect(prefix.kind == "YAML (cut: the prefix's complete part)")
    }

    @Test func aliasesThatExplodeAreNotExpanded() {
        // "Billion laughs": 9 levels of 10 aliases each would be 10^9 nodes re-emitted.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let doc = yaml(text)
        #expect(doc.kind == "YAML (shown as written: it uses anchors or tags)")
        #expect(doc.lines.count == 10)
        // The budget alone (a walk that stops once spent) also refuses it, without expanding it.
        let root = try! Yams.compose(yaml: text)!
        var budget = YAMLPreview.nodeBudget
        #expect(!YAMLPreview.fits(root, budget: &budget))
        #expect(!YAMLPreview.hasAnchors("a: 'x & y'\nb: \"*not\"\nc: 2 * 3\n"))
        #expect(YAMLPreview.hasAnchors("base: &b {lr: 1}\nrun: *b\n"))
        // Tags would be dropped by re-emitting (a binary read as a string): shown as written too.
        #expect(yaml("bin: !!binary aGVsbG8=\nl: !custom x\n").kind == "YAML (shown as written: it uses anchors or tags)")
        #expect(!YAMLPreview.hasAnchors("a: wow!\nb: 'x !y'\n"))
    }

    @Test func deepNestingIsNeverHandedToTheComposer() {
        let flow = String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)
        #expect(yaml(flow).kind == "YAML (nested too deeply to re-indent; shown as written)")
        let dashes = String(repeating: "- ", count: 20_000) + "x\n"
        #expect(yaml(dashes).kind == "YAML (nested too deeply to re-indent; shown as written)")
        #expect(YAMLPreview.nestingDepth("a:\n  b:\n    - c: [1, {d: 2}]\n") == 7)
    }

    @Test func yamlNeverPutsAnEscapeOnScreen() {
        let doc = yaml("k: \"\\e[2J cleared\"\nraw: \u{1B}]52;c;ZXZpbA==\u{07}\n")
        #expect(doc.lines.allSatisfy { TerminalText.isSafe($0.text) })
    }
}
