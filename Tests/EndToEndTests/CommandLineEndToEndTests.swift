import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// The `:` command line (issue 14) in the real binary against a seeded local registry: `:goto`
/// reaches an asset three levels down in one step (with Tab completion on the way), `:alias add`
/// writes on the server, and the `arty …` command each prints on the status line runs as printed.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"), .serialized)
struct CommandLineEndToEndTests {
    typealias Fixture = ActionsEndToEndTests.Fixture

    /// The command after `$ ` on the status line, up to the gap before the line's right side
    /// (a spinner, the jobs summary).
    static func printedCommand(_ screen: String) -> String? {
        guard let line = screen.split(separator: "\n").last(where: { $0.contains("$ arty ") }),
              let start = line.range(of: "$ ")?.upperBound else { return nil }
        let rest = line[start...]
        let end = rest.range(of: "   ")?.lowerBound ?? rest.endIndex
        return rest[..<end].trimmingCharacters(in: .whitespaces)
    }

    /// Runs `line` with /bin/sh, `arty` on PATH and the registry's connection in the environment:
    /// exit status and stdout + stderr.
    static func sh(_ line: String, _ f: Fixture) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        let bin = URL(fileURLWithPath: ArtyBinary.path!).deletingLastPathComponent().path
        process.environment = ["COMET_URL_OVERRIDE": f.registry.urlOverride, "COMET_API_KEY": f.registry.apiKey,
                               "HOME": f.directory.path, "COMET_ERROR_TRACKING_ENABLE": "false",
                               "PATH": bin + ":/usr/bin:/bin"]
        process.currentDirectoryURL = f.work
        let out = f.directory.appendingPathComponent("sh-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    @Test func gotoReachesAnAssetThreeLevelsDownAndItsLsRuns() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try f.browse(workspace: "vision-lab", width: 160, height: 30)
        try await tmux.waitFor("cats-vs-dogs", ": cmd")
        try tmux.send(":")
        try tmux.type("goto vision-lab/cats")
        try tmux.send("Tab")
        try await tmux.waitFor(":goto vision-lab/cats-vs-dogs:")
        try tmux.type("staging/images/val/mixed/img_2.jpg")
        try tmux.send("Enter")
        let screen = try await tmux.waitFor("Assets (", "(staging → 1.1.0)", "$ arty ls vision-lab/cats-vs-dogs:1.1.0")
        // The asset is the selected row of the current pane; the parent pane shows the version.
        let selected = screen.split(separator: "\n").filter { $0.contains("›") }
        #expect(selected.contains { $0.contains("images/val/mixed/img_2.jpg") }, "\(screen)")
        #expect(selected.contains { $0.contains("1.1.0") }, "\(screen)")
        #expect(screen.contains("version 1.1.0"))
        // One key back is the versions pane, with 1.1.0 selected.
        try tmux.send("h")
        try await tmux.waitFor("Versions (3)")
        try tmux.send("q")
        try await tmux.waitForExit()

        let command = try #require(Self.printedCommand(screen))
        #expect(command == "arty ls vision-lab/cats-vs-dogs:1.1.0")
        let ls = try Self.sh(command, f)
        #expect(ls.status == 0, "\(ls.output)")
        #expect(ls.output.contains("images/val/mixed/img_2.jpg"))
    }

    @Test func aliasAddWritesOnTheServerAndItsCommandRuns() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let tmux = try f.browse(workspace: "vision-lab", width: 160, height: 30)
        try await tmux.waitFor("cats-vs-dogs")
        try tmux.send(":")
        try tmux.type("vision-lab/cats-vs-dogs")
        try tmux.send("Enter")
        try await tmux.waitFor("Versions (3)", "staging")
        try tmux.send("j")  // 1.1.0 (staging); newest first
        try tmux.send(":")
        try tmux.type("alias add gold")
        try tmux.send("Enter")
        try await tmux.waitFor("Add gold · Remove none", "Write")
        try tmux.send("y")
        let screen = try await tmux.waitFor("$ arty alias vision-lab/cats-vs-dogs:1.1.0 add gold")
        try tmux.send("q")
        try await tmux.waitForExit()

        let version = try await f.client.artifactVersion(workspace: "vision-lab", name: "cats-vs-dogs", selector: .alias("gold"))
        #expect(version.version == "1.1.0")
        #expect(Set(version.aliases) == ["staging", "gold"])

        // The printed command parses and acts: the alias is there already, so it changes nothing.
        let command = try #require(Self.printedCommand(screen))
        let again = try Self.sh(command, f)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("Nothing to change"), "\(again.output)")
        let remove = try Self.sh(command.replacingOccurrences(of: " add ", with: " remove "), f)
        #expect(remove.status == 0, "\(remove.output)")
        let after = try await f.client.artifactVersion(workspace: "vision-lab", name: "cats-vs-dogs", selector: .version("1.1.0"))
        #expect(after.aliases == ["staging"])
    }

    @Test func downloadIntoAFolderWithASpacePrintsACommandThatRuns() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let ws = LocalRegistry.defaultUserName
        let tmux = try f.browse(workspace: ws, width: 160, height: 30)
        try await tmux.waitFor("quickstart")
        try tmux.send(":")
        try tmux.type("goto \(ws)/quickstart:1.0.0")
        try tmux.send("Enter")
        try await tmux.waitFor("Assets (", "$ arty ls \(ws)/quickstart:1.0.0")
        try tmux.send("h")  // the version selected in the versions pane
        try await tmux.waitFor("Versions (1)")
        try tmux.send(":")
        try tmux.type("download 'my data'")
        try tmux.send("Enter")
        try await tmux.waitFor("Download version quickstart:1.0.0", "my data", "▸ Cancel ◂")
        try tmux.send("y")
        let screen = try await tmux.waitFor("Downloaded 3 files", "$ arty download \(ws)/quickstart:1.0.0 'my data'")
        try tmux.send("q")
        try await tmux.waitForExit()
        let written = try FileManager.default.subpathsOfDirectory(atPath: f.work.appendingPathComponent("my data").path)
        #expect(written.filter { !$0.hasPrefix(".arty") }.count >= 3, "\(written)")

        // The same command again: everything is in place already, nothing is transferred, exit 0.
        let command = try #require(Self.printedCommand(screen))
        #expect(command == "arty download \(ws)/quickstart:1.0.0 'my data'")
        let again = try Self.sh(command, f)
        #expect(again.status == 0, "\(again.output)")
    }
}
