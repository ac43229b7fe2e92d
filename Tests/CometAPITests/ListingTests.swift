import CometAPI
import Foundation
import Testing

/// An in-memory ``ArtifactReading`` with one workspace and one artifact.
struct FakeReader: ArtifactReading {
    var versions: [ArtifactVersion] = [
        ArtifactVersion(artifactVersionId: "v1", version: "1.0.0", aliases: ["prod"], tags: ["a"], sizeInBytes: 1536,
                        state: .closed, owner: "alice", addedMillis: 1_700_000_000_000),
        ArtifactVersion(artifactVersionId: "v10", version: "10.0.0", sizeInBytes: 0, state: .open, owner: "bob",
                        addedMillis: 1_700_000_900_000),
        ArtifactVersion(artifactVersionId: "v2", version: "2.0.0-rc.1", sizeInBytes: 2 << 20, owner: "alice",
                        addedMillis: 1_700_000_500_000),
    ]

    func accountDetails() async throws -> AccountDetails { AccountDetails(userName: "alice", defaultWorkspaceName: "alice") }
    func workspaces() async throws -> [String] { ["zeta", "alice"] }
    func artifacts(workspace: String, type: String?) async throws -> [Artifact] {
        [Artifact(artifactId: "a2", name: "dogs", type: "model", latestVersion: nil, sizeInBytes: 10),
         Artifact(artifactId: "a1", name: "cats data", type: "dataset", latestVersion: "10.0.0", tags: ["raw", "v"], sizeInBytes: 5 << 30)]
    }
    func artifactDetails(workspace: String, name: String) async throws -> ArtifactDetails {
        ArtifactDetails(artifact: Artifact(artifactId: "a1", name: name, type: "dataset"), versions: versions)
    }
    func artifactVersion(workspace: String, name: String, selector: VersionSelector) async throws -> ArtifactVersion { versions[0] }
    func assets(workspace: String, name: String, selector: VersionSelector) async throws -> [Asset] {
        // ls resolves an alias first (artifactVersion), then lists that one version's assets by id; a download
        // plan by version, after trying the reference's own selector alongside the version's lookup (its
        // assets here carry no artifactVersionId, so that listing is not kept).
        #expect(selector == .versionId("v1") || selector == .version("1.0.0") || selector == .alias("prod"))
        return [Asset(assetId: "r", logicalPath: "z/remote.csv", size: 0, link: "s3://b/remote.csv"),
                Asset(assetId: "l", logicalPath: "data/train.csv", size: 52311)]
    }
}

@Suite("arty ls listings")
struct ListingTests {
    @Test(arguments: [
        (nil, Listing.Target.workspaces),
        ("ws", .artifacts(workspace: "ws")),
        ("ws/my artifact", .versions(workspace: "ws", artifact: "my artifact")),
        ("ws/cats:1.2.0", .assets(workspace: "ws", artifact: "cats", selector: .version("1.2.0"))),
        ("ws/cats:prod", .assets(workspace: "ws", artifact: "cats", selector: .alias("prod"))),
    ] as [(String?, Listing.Target)])
    func parsesTargets(text: String?, expected: Listing.Target) throws {
        #expect(try Listing.Target.parse(text) == expected)
    }

    @Test func rejectsAVersionWithoutArtifact() {
        #expect(throws: ArtifactReference.ParseError.missingArtifact("ws:1.0.0")) { try Listing.Target.parse("ws:1.0.0") }
        #expect(throws: ArtifactReference.ParseError.emptyVersion("ws/a:")) { try Listing.Target.parse("ws/a:") }
        // An empty argument (an unset shell variable) is a mistake, not "list everything".
        #expect(throws: ArtifactReference.ParseError.empty) { try Listing.Target.parse("") }
        #expect(throws: ArtifactReference.ParseError.empty) { try Listing.Target.parse("  ") }
        #expect(throws: ArtifactReference.ParseError.extraColon("ws/a:b:c")) { try Listing.Target.parse("ws/a:b:c") }
    }

    @Test func workspacesTable() async throws {
        #expect(try await Listing.render(.workspaces, from: FakeReader(), json: false) == "WORKSPACE\nalice\nzeta")
    }

    @Test func artifactsTable() async throws {
        let text = try await Listing.render(.artifacts(workspace: "alice"), from: FakeReader(), json: false)
        #expect(text == """
            NAME       TYPE     LATEST  TAGS      SIZE
            cats data  dataset  10.0.0  raw,v  5.0 GiB
            dogs       model    -       -         10 B
            """)
    }

    @Test func versionsNewestFirst() async throws {
        let text = try await Listing.render(.versions(workspace: "alice", artifact: "cats"), from: FakeReader(), json: false)
        #expect(text == """
            VERSION     ALIASES  TAGS  STATE      SIZE  ADDED             OWNER
            10.0.0      -        -     OPEN        0 B  2023-11-14 22:28  bob
            2.0.0-rc.1  -        -     -       2.0 MiB  2023-11-14 22:21  alice
            1.0.0       prod     a     CLOSED  1.5 KiB  2023-11-14 22:13  alice
            """)
    }

    @Test func assetsJSON() async throws {
        let text = try await Listing.render(.assets(workspace: "alice", artifact: "cats", selector: .alias("prod")),
                                            from: FakeReader(), json: true)
        let decoded = try JSONDecoder().decode([Listing.AssetRow].self, from: Data(text.utf8))
        #expect(decoded == [
            Listing.AssetRow(logicalPath: "data/train.csv", size: 52311, remote: false, link: nil, assetId: "l",
                             resolvedVersion: "1.0.0"),
            Listing.AssetRow(logicalPath: "z/remote.csv", size: 0, remote: true, link: "s3://b/remote.csv", assetId: "r",
                             resolvedVersion: "1.0.0"),
        ])
        #expect(text.contains(#""resolvedVersion": "1.0.0""#))
        #expect(text.contains(#""logicalPath": "data/train.csv""#))
        #expect(text.contains(#""link": null"#))
    }

    /// Issue 14: `arty ls WS/NAME:prod` says which version `prod` is.
    @Test func anAliasTableSaysWhatItResolvedTo() async throws {
        let text = try await Listing.render(.assets(workspace: "alice", artifact: "cats", selector: .alias("prod")),
                                            from: FakeReader(), json: false)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "prod → 1.0.0")
        #expect(lines[1].hasPrefix("LOGICAL PATH"))
        #expect(lines.count == 4)
    }

    @Test func versionsJSONCarriesISODatesAndEmptyLists() async throws {
        let text = try await Listing.render(.versions(workspace: "alice", artifact: "cats"), from: FakeReader(), json: true)
        let rows = try JSONDecoder().decode([Listing.VersionRow].self, from: Data(text.utf8))
        #expect(rows.map(\.version) == ["10.0.0", "2.0.0-rc.1", "1.0.0"])
        #expect(rows[2].added == "2023-11-14T22:13:20Z")
        #expect(rows[0].state == "OPEN")
        #expect(text.contains(#""aliases": []"#))
        #expect(text.contains(#""state": null"#))
    }

    @Test func tableCellsCannotCarryControlCharacters() {
        let text = Listing.table(header: ["A", "B"], rows: [["x\u{1B}[2J", "y"]])
        // Shown as a visible escape (TerminalText), so the cell says what the name really holds.
        #expect(text == "A         B\nx\\x1b[2J  y")
    }

    @Test func wideCharactersTakeTwoColumns() {
        #expect(Listing.displayWidth("データ") == 6)
        #expect(Listing.displayWidth("cafe\u{301}") == 4)
        #expect(Listing.displayWidth("🐱x") == 3)
        let text = Listing.table(header: ["NAME", "TYPE"], rows: [["猫データ", "dataset"], ["cats", "model"]])
        #expect(text == "NAME      TYPE\n猫データ  dataset\ncats      model")
    }

    @Test(arguments: [(Int64(0), "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (5 << 30, "5.0 GiB")])
    func byteCounts(bytes: Int64, expected: String) {
        #expect(Listing.byteCount(bytes) == expected)
    }
}

@Suite("JSON output")
struct JSONTextTests {
    struct Row: Encodable {
        var name: String
        var tags: [String]
        var extra: [String: Int]
        var nested: [[String]]
    }

    @Test func prettyJSONIsTidyAndSorted() {
        let text = JSONText.pretty([Row(name: "a", tags: [], extra: [:], nested: [[]]), Row(name: "b", tags: ["x"], extra: ["k": 1], nested: [])])
        #expect(text == """
            [
              {
                "extra": {},
                "name": "a",
                "nested": [
                  []
                ],
                "tags": []
              },
              {
                "extra": {
                  "k": 1
                },
                "name": "b",
                "nested": [],
                "tags": [
                  "x"
                ]
              }
            ]
            """)
    }

    @Test func stringsThatLookLikeJSONAreLeftAlone() throws {
        let tricky = ["a : b", "[ ]", "{\n}", "\"q\" : 1", "back\\slash \\\" : x", "日本 : [ ]"]
        let text = JSONText.pretty(tricky)
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == tricky)
        #expect(text.contains(#""a : b""#))
        #expect(text.contains(#""[ ]""#))
    }

    @Test func terminalUnsafeScalarsBecomeEscapesOfTheSameValue() throws {
        let names = ["del\u{7F}", "c1\u{85}\u{9B}", "bidi\u{202E}\u{2066}", "ls\u{2028}ps\u{2029}", "emoji🧪", "ctl\u{1B}\n", "é\u{301}"]
        let text = JSONText.pretty(names)
        #expect(TerminalText.isSafe(text.replacingOccurrences(of: "\n", with: "")))
        #expect(text.contains(#"del\u007f"#))
        #expect(text.contains(#"bidi\u202e\u2066"#))
        #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == names)
    }
}

@Suite("Byte counts")
struct ByteCountTests {
    @Test(arguments: [
        (Int64(0), "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"), (1_048_575, "1.0 MiB"),
        (1_048_525, "1.0 MiB"),  // 1023.95 KiB rounds to the next unit, not to "1024.0 KiB"
        (1_048_473, "1023.9 KiB"), (5 << 30, "5.0 GiB"), (Int64.max, "8.0 EiB"), (-1, "?"),
    ])
    func binaryUnitsWithOneDecimal(_ bytes: Int64, _ text: String) {
        #expect(Listing.byteCount(bytes) == text)
    }
}
