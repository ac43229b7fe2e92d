import ArtifactRegistry
import CometAPI
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The folder tree (issue 13, `T`) with the real binary against an in-process local registry holding
/// a version logged from nested folders. In the preview suite, which is serialized.
extension PreviewEndToEndTests {
    /// `nested:VERSION`, logged from `data/train/{a,b}.csv`, `data/test/c.csv`, `images/cats/cat.jpg`,
    /// `README.md`.
    static func nestedFixture() async throws -> Fixture {
        let files: [(String, String)] = [
            ("data/train/a.csv", "x,y\n1,2\n"), ("data/train/b.csv", String(repeating: "3,4\n", count: 500)),
            ("data/test/c.csv", "x,y\n5,6\n"), ("images/cats/cat.jpg", String(repeating: "\u{1}", count: 2048)),
            ("README.md", "# nested\n"),
        ]
        return try await Fixture.start(artifact: "nested", files: files.map { ($0.0, Data($0.1.utf8)) })
    }

    @Test func tShowsFoldersLEntersOneHLeavesIt() async throws {
        let f = try await Self.nestedFixture()
        defer { Task { await f.stop() } }
        let tmux = try TmuxSession([ArtyBinary.path!, "browse"], width: 100, height: 30, environment: f.environment,
                                   directory: f.directory.path)
        try await tmux.waitFor("nested")
        try tmux.send("/")
        try tmux.type("nested")
        try tmux.send("Enter", "Enter")
        try await tmux.waitFor("Versions (1)", f.version)
        try tmux.send("Enter")
        try await tmux.waitForWholeFrame("Assets (5)", "data/train/a.csv", "README.md")

        try tmux.send("T")
        var screen = try await tmux.waitForWholeFrame("Assets / (3)", "data/", "images/", "README.md", "Folder tree")
        #expect(screen.contains("3 files"))  // data/
        #expect(screen.contains("1 file"))  // images/
        #expect(!screen.contains("data/train/a.csv"))

        try tmux.send("l")  // data/ (the top folder of the selected asset)
        screen = try await tmux.waitForWholeFrame("Assets /data/ (2)", "test/", "train/", "folder data")
        try tmux.send("j", "l")  // data/train/
        screen = try await tmux.waitForWholeFrame("Assets /data/train/ (2)", "a.csv", "b.csv", "data/train/a.csv", "local file")
        #expect(screen.contains("folder data/train"))
        #expect(screen.contains("2.0 KiB"))  // b.csv: 2,000 bytes

        try tmux.send("h")
        screen = try await tmux.waitForWholeFrame("Assets /data/ (2)", "test/", "train/", without: ["Assets /data/train/"])
        #expect(screen.contains("›   train/"))  // back in data/ with train/ still selected
        try tmux.send("h")
        try await tmux.waitForWholeFrame("Assets / (3)", "images/", without: ["Assets /data/"])
        try tmux.send("h")
        try await tmux.waitForWholeFrame("Versions (1)", without: ["Assets / ("])
        try tmux.send("q")
        try await tmux.waitForExit()
    }
}

extension TmuxSession {
    /// Waits until the screen holds every one of `texts` and none of `without` (text of the frame
    /// before), and two captures 50 ms apart (waitFor suspends between them) are the same, so the assertions that follow read a
    /// whole frame, not one caught in the middle of a redraw.
    @discardableResult
    func waitForWholeFrame(_ texts: String..., without: [String] = [], seconds: Double = 30) async throws -> String {
        var last = ""
        return try await waitFor(texts.joined(separator: ", ") + " (a settled frame)", seconds: seconds) { screen in
            defer { last = screen }
            guard texts.allSatisfy(screen.contains), !without.contains(where: screen.contains) else { return false }
            if screen == last { return true }
            return false
        }
    }
}
