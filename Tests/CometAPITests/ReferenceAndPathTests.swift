import CometAPI
import Testing

@Suite("ArtifactReference parsing")
struct ArtifactReferenceTests {
    @Test(arguments: [
        ("ws/cats", ArtifactReference(workspace: "ws", artifact: "cats")),
        ("ws/cats:1.2.0", ArtifactReference(workspace: "ws", artifact: "cats", selector: .version("1.2.0"))),
        ("ws/cats:prod", ArtifactReference(workspace: "ws", artifact: "cats", selector: .alias("prod"))),
        ("ws/my artifact:2.0.0-rc.1", ArtifactReference(workspace: "ws", artifact: "my artifact", selector: .version("2.0.0-rc.1"))),
        ("ws/a/b", ArtifactReference(workspace: "ws", artifact: "a/b")),
        ("  ws/cats  ", ArtifactReference(workspace: "ws", artifact: "cats")),
        ("ws/cats:1.0", ArtifactReference(workspace: "ws", artifact: "cats", selector: .alias("1.0"))),
        // A combining mark right after `/` or `:` joins it into one Character; the separators still count.
        ("ws/\u{300}cats", ArtifactReference(workspace: "ws", artifact: "\u{300}cats")),
        ("ws/cats:\u{300}prod", ArtifactReference(workspace: "ws", artifact: "cats", selector: .alias("\u{300}prod"))),
    ])
    func parses(text: String, expected: ArtifactReference) throws {
        #expect(try ArtifactReference.parse(text) == expected)
    }

    @Test(arguments: [
        ("", ArtifactReference.ParseError.empty),
        ("cats", .missingArtifact("cats")),
        ("/cats", .emptyWorkspace("/cats")),
        ("ws/", .missingArtifact("ws/")),
        ("ws/:1.0.0", .missingArtifact("ws/:1.0.0")),
        ("ws/cats:", .emptyVersion("ws/cats:")),
        ("ws/a:b:c", .extraColon("ws/a:b:c")),
        ("ws/a:b:latest", .extraColon("ws/a:b:latest")),
        ("ws/a:\u{300}b:\u{300}c", .extraColon("ws/a:\u{300}b:\u{300}c")),
    ])
    func rejects(text: String, expected: ArtifactReference.ParseError) {
        #expect(throws: expected) { try ArtifactReference.parse(text) }
    }

    @Test func describesItself() throws {
        #expect(try ArtifactReference.parse("ws/my artifact:prod").description == "ws/my artifact:prod")
        #expect(ArtifactReference.ParseError.emptyVersion("ws/a:").description.contains("no version or alias"))
        #expect(ArtifactReference.ParseError.extraColon("ws/a:b:c").description
            == "'ws/a:b:c' has more than one ':'; artifact names and aliases cannot contain ':' in a reference (WORKSPACE/ARTIFACT[:VERSION|ALIAS]).")
    }

    @Test(arguments: [
        ("prod", nil),
        ("best model", nil),
        ("", "an alias must not be empty"),
        ("  ", "an alias must not be empty"),
        ("a:b", "'a:b' contains ':' or '/', so no reference could name it"),
        ("a/b", "'a/b' contains ':' or '/', so no reference could name it"),
        ("1.2.3", "'1.2.3' is a semantic version, so a reference would name that version instead"),
        ("1.0", nil),
    ] as [(String, String?)])
    func aliasesThatNoReferenceCouldReachAreRefused(alias: String, problem: String?) {
        #expect(ArtifactReference.aliasProblem(alias) == problem)
    }
}

@Suite("LogicalPath validation")
struct LogicalPathTests {
    @Test(arguments: [
        ("data/train.csv", "data/train.csv"),
        ("a//b/./c.txt", "a/b/c.txt"),
        ("./x", "x"),
        ("dir/", "dir"),
        ("..hidden/file..", "..hidden/file.."),
        ("日本/データ.csv", "日本/データ.csv"),
        ("with space/x y", "with space/x y"),
        ("\u{35C}/x\u{35C}", "\u{35C}/x\u{35C}"),
        ("a/~b/c:d", "a/~b/c:d"),
    ])
    func acceptsAndNormalises(path: String, expected: String) throws {
        let p = try LogicalPath(path)
        #expect(p.relativePath == expected)
        #expect(p.resolved(under: "/dl") == "/dl/" + expected)
    }

    @Test(arguments: [
        ("", LogicalPath.ValidationError.empty),
        ("/etc/passwd", .absolute("/etc/passwd")),
        ("~/x", .absolute("~/x")),
        ("../x", .parentSegment("../x")),
        ("a/../../x", .parentSegment("a/../../x")),
        ("a/..", .parentSegment("a/..")),
        ("C:/Windows", .driveLetter("C:/Windows")),
        ("c:x", .driveLetter("c:x")),
        ("a\\b", .backslash("a\\b")),
        ("a\u{0}b", .controlCharacter("a\u{0}b")),
        ("a\nb", .controlCharacter("a\nb")),
        (".", .empty),
        ("./", .empty),
        // A combining mark joins the `/` before it into one Character: the checks read scalars.
        ("../\u{35C}x", .parentSegment("../\u{35C}x")),
        ("a/../\u{35C}../\u{35C}b", .parentSegment("a/../\u{35C}../\u{35C}b")),
        ("\\\u{35C}x", .backslash("\\\u{35C}x")),
        ("./C:", .driveLetter("./C:")),
        ("./~x", .absolute("./~x")),
    ])
    func refuses(path: String, expected: LogicalPath.ValidationError) {
        #expect(throws: expected) { try LogicalPath(path) }
    }
}
