import CometAPI
import Testing

@Suite("ArtifactReference parsing")
struct ArtifactReferenceTests {
    @Test(arguments: [
        ("ws/cats", ArtifactReference(workspace: "ws", artifact: "cats")),
        ("ws/cats:1.2.0", ArtifactReference(workspace: "ws", artifact: "cats", selector: .version("1.2.0"))),
        ("ws/cats:prod", ArtifactReference(workspace: "ws", artifact: "cats", selector: .alias("prod"))),
        ("ws/my artifact:2.0.0-rc.1", ArtifactReference(workspace: "ws", artifact: "my artifact", selector: .version("2.0.0-rc.1"))),
        ("ws/a:b:latest", ArtifactReference(workspace: "ws", artifact: "a:b", selector: .alias("latest"))),
        ("ws/a/b", ArtifactReference(workspace: "ws", artifact: "a/b")),
        ("  ws/cats  ", ArtifactReference(workspace: "ws", artifact: "cats")),
        ("ws/cats:1.0", ArtifactReference(workspace: "ws", artifact: "cats", selector: .alias("1.0"))),
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
    ])
    func rejects(text: String, expected: ArtifactReference.ParseError) {
        #expect(throws: expected) { try ArtifactReference.parse(text) }
    }

    @Test func describesItself() throws {
        #expect(try ArtifactReference.parse("ws/my artifact:prod").description == "ws/my artifact:prod")
        #expect(ArtifactReference.ParseError.emptyVersion("ws/a:").description.contains("no version or alias"))
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
    ])
    func refuses(path: String, expected: LogicalPath.ValidationError) {
        #expect(throws: expected) { try LogicalPath(path) }
    }
}
