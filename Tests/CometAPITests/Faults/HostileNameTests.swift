import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Logical paths a hostile or broken server (or uploader) can hand out.
enum HostileNames {
    /// Names that must be refused by a download, each with why.
    static let refused: [String] = [
        "../x", "a/../../x", "/etc/x", "C:\\x", "..\\x", "~/x",
        "../\u{35C}beside.txt",            // a combining mark after `/` hid the separator from a Character split
        "./C:", "./~x",                     // normalise to a drive letter and a home-relative name
        "new\nline", "carriage\rreturn.txt",
        "\u{1B}[31mred\u{1B}[0m.txt", "\u{1B}]0;pwned-title\u{07}.txt", "\u{7F}del",
    ]
    /// Names that are safe as paths but hostile to a terminal or a file system.
    static let odd: [String] = [
        "c1-\u{9B}31m.txt",                 // C1 CSI
        "rtl-\u{202E}txt.exe",              // bidi override: reads as "exe.txt"
        String(repeating: "n", count: 4096), // longer than any file name a file system takes
        "deep/" + String(repeating: "d/", count: 40) + "x.txt",
        "sub/inside.txt",                   // goes through the planted symlink `sub`
    ]
    static let safe = "ok/plain.txt"
    /// Refused by the registry itself: SQLite text cannot hold it exactly.
    static let unstorable = "nul\u{0}name"
}

/// Every entry under `root` (relative, sorted), symlinks listed and not followed, with sizes.
func snapshot(_ root: String) -> [String] {
    var out: [String] = []
    guard let e = FileManager.default.enumerator(atPath: root) else { return out }
    while let rel = e.nextObject() as? String {
        let kind = SafeFileSystem.kind(of: root + "/" + rel)
        out.append("\(rel) \(kind)")
    }
    return out.sorted()
}

@Suite("Hostile asset names served by the registry", .serialized)
struct HostileNameTests {
    /// A registry holding one version with every hostile name, each asset 3 bytes.
    static func seed() async throws -> (LocalRegistry, CometClient, String, [String]) {
        let dir = URL(fileURLWithPath: temporaryPath("registry"), isDirectory: true)
        let registry = try await LocalRegistry.start(RegistryConfiguration(dataDirectory: dir, apiKey: "hostile-key-0001"))
        let client = CometClient(configuration: try CometConfiguration(apiKey: registry.apiKey, urlOverride: registry.urlOverride),
                                 retryPolicy: .none)
        let workspace = try #require(try await client.accountDetails().defaultWorkspaceName)
        let upsert = try await client.upsertArtifactVersion(ArtifactVersionUpsert(artifactName: "evil", workspace: workspace,
                                                                                  version: "1.0.0"))
        let file = temporaryPath("abc")
        try Data("abc".utf8).write(to: URL(fileURLWithPath: file))
        let names = HostileNames.refused + HostileNames.odd + [HostileNames.safe]
        for name in names {
            try await client.uploadAsset(fileAt: file, logicalPath: name, artifactVersionId: upsert.artifactVersionId,
                                         experimentKey: nil)
        }
        // A NUL would be cut off by the store (`nul\0name` stored as `nul`): refused, with a reason.
        do {
            try await client.uploadAsset(fileAt: file, logicalPath: HostileNames.unstorable,
                                         artifactVersionId: upsert.artifactVersionId, experimentKey: nil)
            Issue.record("the registry accepted a name with NUL")
        } catch let error as CometAPIError {
            #expect(error.status == 400)
            #expect(error.userMessage.contains("NUL"))
        }
        try await client.setVersionState(artifactVersionId: upsert.artifactVersionId, experimentKey: nil, state: .closed)
        return (registry, client, workspace, names)
    }

    @Test func theRegistryStoresAndListsNamesAsGiven() async throws {
        let (registry, client, workspace, names) = try await Self.seed()
        defer { Task { await registry.stop() } }
        let listed = try await client.assets(workspace: workspace, name: "evil", selector: .version("1.0.0")).map(\.logicalPath)
        #expect(listed.sorted() == names.sorted(), "stored names differ from the names given")
    }

    @Test func downloadRefusesHostileNamesAndWritesNothingOutsideTheDestination() async throws {
        let (registry, client, workspace, _) = try await Self.seed()
        defer { Task { await registry.stop() } }
        // parent/ holds dest/ and a decoy; outside/ is where the planted symlink points.
        let parent = temporaryPath("parent")
        let dest = parent + "/dest"
        let outside = temporaryPath("outside")
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("decoy".utf8).write(to: URL(fileURLWithPath: parent + "/x"))
        try FileManager.default.createSymbolicLink(atPath: dest + "/sub", withDestinationPath: outside)
        let parentBefore = snapshot(parent).filter { !$0.hasPrefix("dest/") && !$0.hasPrefix("dest ") }
        let outsideBefore = snapshot(outside)

        let plan = try await ActionPlanning.planDownload(
            ArtifactReference(workspace: workspace, artifact: "evil", selector: .version("1.0.0")), destination: dest, client: client)
        let summary = try await ArtifactDownloader(client: client).run(plan)

        #expect(!summary.succeeded)
        let failedPaths = Set(summary.failed.map(\.path))
        for name in HostileNames.refused {
            #expect(failedPaths.contains(name), "not refused: \(name.debugDescription.prefix(80))")
        }
        #expect(failedPaths.contains("sub/inside.txt"), "written through a planted symlink")
        #expect(failedPaths.contains(String(repeating: "n", count: 4096)))
        #expect(summary.downloaded.contains(HostileNames.safe))
        #expect(summary.downloaded.contains("c1-\u{9B}31m.txt"))
        // Each refusal says why, in one line a terminal shows safely once escaped.
        for failure in summary.failed {
            #expect(!failure.reason.isEmpty)
            #expect(TerminalText.isSafe(TerminalText.escape(failure.reason)))
        }
        // Nothing outside dest changed; nothing went through the symlink; no .part left anywhere.
        #expect(snapshot(parent).filter { !$0.hasPrefix("dest/") && !$0.hasPrefix("dest ") } == parentBefore)
        #expect(snapshot(outside) == outsideBefore)
        #expect(SafeFileSystem.kind(of: dest + "/sub") == .symlink)
        let inside = snapshot(dest)
        #expect(!inside.contains { $0.contains(".part") }, "\(inside)")
        #expect(try String(contentsOfFile: dest + "/" + HostileNames.safe, encoding: .utf8) == "abc")
        #expect(try String(contentsOfFile: parent + "/x", encoding: .utf8) == "decoy")
    }

    @Test func listingsShowHostileNamesEscaped() async throws {
        let (registry, client, workspace, names) = try await Self.seed()
        defer { Task { await registry.stop() } }
        let target = Listing.Target.assets(workspace: workspace, artifact: "evil", selector: .version("1.0.0"))
        for json in [false, true] {
            let text = try await Listing.render(target, from: client, json: json)
            let raw = text.unicodeScalars.filter { TerminalText.needsEscape($0) && $0 != "\n" }
            #expect(raw.isEmpty, "raw control characters in the listing: \(raw.map { String($0.value, radix: 16) })")
            // One line per asset (plus the header) in a table: no name breaks a line.
            if !json { #expect(text.split(separator: "\n").count == names.count + 1) }
        }
        let table = try await Listing.render(target, from: client, json: false)
        #expect(table.contains("\\x1b[31mred\\x1b[0m.txt"))
        #expect(table.contains("new\\nline"))
        #expect(table.contains("rtl-\\u{202e}txt.exe"))
        // JSON keeps the exact names (escaped the JSON way) for scripts.
        let json = try await Listing.render(target, from: client, json: true)
        let rows = try JSONDecoder().decode([Listing.AssetRow].self, from: Data(json.utf8))
        #expect(rows.map(\.logicalPath).sorted() == names.sorted(), "JSON names differ from the stored ones")
    }

    @Test(arguments: [
        ("plain", "plain"), ("a\u{1B}[2Jb", "a\\x1b[2Jb"), ("l1\nl2", "l1\\nl2"), ("\u{0}", "\\x00"),
        ("\u{9B}", "\\x9b"), ("\u{7F}", "\\x7f"), ("x\u{202E}y", "x\\u{202e}y"), ("\u{FEFF}bom", "bom"),
        ("tab\there", "tab\\there"), ("日本\u{2028}", "日本\\u{2028}"),
    ])
    func terminalTextEscapes(_ input: String, _ expected: String) {
        #expect(TerminalText.escape(input) == expected)
        #expect(TerminalText.isSafe(TerminalText.escape(input)))
    }

    @Test func escapedJSONIsTheSameValue() throws {
        let names = ["a\u{7F}b", "c\u{9B}d", "e\u{202E}f", "plain"]
        let escaped = JSONText.pretty(names)
        #expect(TerminalText.isSafe(escaped.replacingOccurrences(of: "\n", with: "")))  // the layout's own newlines
        #expect(try JSONDecoder().decode([String].self, from: Data(escaped.utf8)) == names)
    }
}
