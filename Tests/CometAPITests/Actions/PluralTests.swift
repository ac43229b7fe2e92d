import CometAPI
import Testing

/// Issue 14: "1 files", "1 exist already" → counted nouns and verbs agree in every message.
@Suite struct PluralTests {
    @Test(arguments: [(0, "0 files"), (1, "1 file"), (2, "2 files")])
    func nouns(count: Int, expected: String) {
        #expect(Plural.count(count, "file") == expected)
    }

    @Test func irregularNounsAndVerbs() {
        #expect(Plural.count(1, "entry", "entries") == "1 entry")
        #expect(Plural.count(3, "entry", "entries") == "3 entries")
        #expect(Plural.verb(1, "exist") == "exists")
        #expect(Plural.verb(2, "exist") == "exist")
        #expect(Plural.verb(1, "are", "is") == "is")
    }

    @Test func theDownloadDialogCountsOneFileAndOneExisting() {
        let version = ArtifactVersion(artifactVersionId: "v1", version: "1.0.0")
        let assets = [Asset(assetId: "a", logicalPath: "a.txt", size: 5), Asset(assetId: "r", logicalPath: "r", size: 0, link: "s3://b/r")]
        let plan = DownloadPlan.make(workspace: "ws", artifactName: "cats", version: version, assets: assets,
                                     destination: "out", existing: ["a.txt": .file(size: 3)])
        let lines = ActionText.confirmLines(plan)
        #expect(lines.contains("1 file, 5 B"))
        #expect(lines.contains("1 exists already: a.txt"))
        #expect(lines.contains("1 remote asset listed in remote-assets.json, not fetched"))
    }
}
