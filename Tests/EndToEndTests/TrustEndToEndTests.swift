import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Issue 11's findings replayed on the real binary in tmux, with a second client writing in
/// between: no label the user did not remove is lost, one tag with a space stays one tag, and two
/// files of the same size with different bytes are never called unchanged. Part of the serialized
/// actions suite, so that its tmux sessions never compete with the other action tests for the CPU.
extension ActionsEndToEndTests {
    /// `arty ARGS` as another user's client would run it, against the fixture's registry.
    func otherClient(_ f: Fixture, _ arguments: String...) async throws -> ArtyCommandRunner.Outcome {
        let outcome = try await ArtyCommandRunner.run(arguments, environment: [
            "COMET_URL_OVERRIDE": f.registry.urlOverride, "COMET_API_KEY": f.registry.apiKey,
            "HOME": f.directory.path, "COMET_ERROR_TRACKING_ENABLE": "false",
        ])
        #expect(outcome.status == 0, "arty \(arguments.joined(separator: " ")): \(outcome.all)")
        return outcome
    }

    /// Finding 1: the editor opened on [staging]; another client adds `hot`; the user adds `cold`.
    @Test func anAliasAddedByAnotherClientWhileTheEditorIsOpenIsKept() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try await f.browseCatsVersion110()
        try tmux.send("a")
        try await tmux.waitFor("Aliases of cats-vs-dogs:1.1.0", "> staging, ")
        _ = try await otherClient(f, "alias", "vision-lab/cats-vs-dogs:1.1.0", "add", "hot")
        try tmux.type("cold")
        try tmux.send("Enter")
        try await tmux.waitFor("hot was added by someone else; kept", "cold", "▸ Cancel ◂")
        try tmux.send("Right", "Enter")
        try await tmux.waitFor("Saved aliases of 1.1.0: [staging, hot] → [staging, hot, cold]")
        try tmux.send("q")
        try await tmux.waitForExit()

        let details = try await f.client.artifactDetails(workspace: "vision-lab", name: "cats-vs-dogs")
        #expect(details.versions.first { $0.version == "1.1.0" }?.aliases == ["staging", "hot", "cold"])
    }

    /// Finding 4: `arty tag … add "bad tag"`, then `t` and Enter must not split it into two tags.
    @Test func aTagWithASpaceStaysOneTagInTheEditor() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        _ = try await otherClient(f, "tag", "vision-lab/cats-vs-dogs:1.1.0", "add", "bad tag")
        let tmux = try await f.browseCatsVersion110()
        try tmux.send("t")
        try await tmux.waitFor("Version tags of cats-vs-dogs:1.1.0", "> cleaned, bad tag, ")
        try tmux.send("Enter")
        try await tmux.waitFor("Nothing changed")
        try tmux.type("x")
        try tmux.send("Enter")
        let review = try await tmux.waitFor("Add x · Remove none", "▸ Cancel ◂")
        #expect(review.contains("cleaned, bad tag, x"))
        try tmux.send("Right", "Enter")
        try await tmux.waitFor("Saved version tags of 1.1.0: [cleaned, bad tag] → [cleaned, bad tag, x]")
        try tmux.send("q")
        try await tmux.waitForExit()
        let details = try await f.client.artifactDetails(workspace: "vision-lab", name: "cats-vs-dogs")
        #expect(details.versions.first { $0.version == "1.1.0" }?.tags == ["cleaned", "bad tag", "x"])
    }

    /// Finding 2: `f.txt` holds `aaaa` in one version and `bbbb` in the next: the compare pane and
    /// `arty diff` both call it changed (the registry sends each file's SHA-256).
    @Test func sameSizeDifferentBytesIsAChangeInTheTUIAndTheCLI() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let ws = LocalRegistry.defaultUserName
        for content in ["aaaa", "bbbb"] {
            let folder = f.directory.appendingPathComponent("log-\(content)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: folder.appendingPathComponent("f.txt"))
            try Data("same".utf8).write(to: folder.appendingPathComponent("g.txt"))
            let log = try FolderLog.prepare(directory: folder.path, workspace: ws, artifactName: "same-size", artifactType: "dataset")
            _ = try await VersionCopier(client: f.client).log(log)
        }
        let cli = try await otherClient(f, "diff", "\(ws)/same-size:1.0.0", "\(ws)/same-size:2.0.0")
        #expect(cli.stdout.contains("~ f.txt  (4 bytes → 4 bytes; checksum)"))
        #expect(cli.stdout.contains("1.0.0 → 2.0.0: 0 added, 0 removed, 1 changed, 1 unchanged"))

        let tmux = try f.browse(workspace: ws)
        try await tmux.waitFor("same-size")
        try tmux.send("/")
        try tmux.type("same")
        try tmux.send("Enter", "Enter")
        try await tmux.waitFor("Versions (2)")
        try tmux.send("m", "j", "c")
        let screen = try await tmux.waitFor("Compare 1.0.0 → 2.0.0", "1 changed")
        #expect(screen.contains("~ f.txt"))
        #expect(!screen.contains("The versions have the same assets"))
        try tmux.send("Escape", "q")
        try await tmux.waitForExit()
    }
}
