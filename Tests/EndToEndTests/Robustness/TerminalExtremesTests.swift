import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// Names that try to break a terminal: escape sequences, an OSC title, newlines, NUL, a C1 CSI, a
/// bidi override, very long names, wide characters.
enum HostileTerminalNames {
    static let artifact = "evil\u{1B}[31m-red\u{1B}]0;pwned-title\u{07}"
    static let longArtifact = "long-" + String(repeating: "ab", count: 200)
    static let assets: [String: String] = [
        "\u{1B}[2Jclear.txt": "1", "new\nline.txt": "2", "c1-\u{9B}31m.txt": "4",
        "rtl-\u{202E}txt.exe": "5", String(repeating: "n", count: 4096): "6", "日本語の名前.csv": "7",
        "../escape.txt": "8", "ok.txt": "9",
    ]
}

@Suite("Hostile names and terminal extremes, end to end", .serialized)
struct TerminalExtremesTests {
    static let key = "terminal-extremes-key"

    static func seed() async throws -> SeededRegistry {
        try await SeededRegistry.start(apiKey: key, artifacts: [
            (HostileTerminalNames.artifact, HostileTerminalNames.assets, ["prod"]),
            (HostileTerminalNames.longArtifact, ["a.txt": "x"], []),
            ("cats", ["a.txt": "hello"], ["prod"]),
        ])
    }

    /// Raw bytes a terminal would act on: ESC, other C0 controls except newline, DEL, C1.
    static func rawControls(_ data: Data) -> [UInt8] {
        let text = String(decoding: data, as: UTF8.self)
        return text.unicodeScalars.filter { TerminalText.needsEscape($0) && $0 != "\n" }.map { UInt8(truncatingIfNeeded: $0.value) }
    }

    @Test func cliPrintsHostileNamesEscapedAndRefusesToWriteOutside() async throws {
        guard ArtyCommandRunner.binary != nil else {
            Issue.record("the arty binary is not built; run `swift build` before `swift test`")
            return
        }
        let r = try await Self.seed()
        defer { Task { await r.registry.stop() } }
        let env = r.environment(apiKey: Self.key)
        let ref = "\(r.workspace)/\(HostileTerminalNames.artifact):prod"
        for args in [["ls", r.workspace], ["ls", ref], ["ls", "--json", ref], ["ls", "\(r.workspace)/\(HostileTerminalNames.artifact)"]] {
            let out = try await ArtyCommandRunner.run(args, environment: env)
            #expect(out.status == 0, "\(out.all)")
            #expect(Self.rawControls(out.stdoutBytes).isEmpty, "raw control bytes from arty \(args): \(Self.rawControls(out.stdoutBytes))")
        }
        let table = try await ArtyCommandRunner.run(["ls", ref], environment: env)
        #expect(table.stdout.contains("\\x1b[2Jclear.txt"))
        #expect(table.stdout.contains("new\\nline.txt"))

        // Download: hostile paths refused one by one, the rest in place, nothing outside DEST.
        let parent = scratchPath("parent")
        let dest = parent + "/dest"
        try FileManager.default.createDirectory(atPath: dest, withIntermediateDirectories: true)
        let outside = scratchPath("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dest + "/sub", withDestinationPath: outside)
        let download = try await ArtyCommandRunner.run(["download", ref, dest], environment: env)
        #expect(download.status == 1)
        #expect(Self.rawControls(download.stdoutBytes).isEmpty, "raw control bytes: \(download.all)")
        #expect(download.stderr.contains("'../escape.txt' contains '..'"), "\(download.stderr)")
        #expect(download.stderr.contains("new\\nline.txt"))
        let top = try FileManager.default.contentsOfDirectory(atPath: parent)
        #expect(top == ["dest"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
        #expect(FileManager.default.fileExists(atPath: dest + "/ok.txt"))
        #expect(FileManager.default.fileExists(atPath: dest + "/日本語の名前.csv"))
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: dest)).contains { $0.hasSuffix(".part") })
    }

    @Test func tuiShowsHostileNamesWithoutRawEscapes() async throws {
        guard RobustnessTmux.isAvailable, let binary = ArtyCommandRunner.binary else {
            Issue.record("tmux or the arty binary is missing")
            return
        }
        let r = try await Self.seed()
        defer { Task { await r.registry.stop() } }
        let tmux = try await RobustnessTmux(command: [binary], environment: r.environment(apiKey: Self.key), width: 200, height: 40)
        defer { tmux.stop() }
        let titleBefore = try await tmux.format("#{pane_title}")
        let artifacts = try await tmux.waitFor(15, "the artifacts pane") { $0.contains("cats") && $0.contains("evil") }
        #expect(artifacts.contains("evil\\x1b[31m-red"), "\(artifacts)")
        // Select the hostile artifact (sorted by name: `cats`, `evil…`, `long-…`) and open it.
        try await tmux.send("g")
        try await tmux.send("j")
        try await tmux.send("l")
        try await tmux.waitFor(10, "the versions pane") { $0.contains("1.0.0") }
        try await tmux.send("l")
        let assets = try await tmux.waitFor(10, "the assets pane") { $0.contains("ok.txt") }
        #expect(assets.contains("\\x1b[2Jclear.txt"), "\(assets)")
        #expect(assets.contains("new\\nline.txt"))
        // The OSC title sequence never reached the terminal.
        #expect(try await tmux.format("#{pane_title}") == titleBefore)
        #expect(!(try await tmux.format("#{pane_title}")).contains("pwned"))
        try await expectCleanQuit(tmux)
    }

    @Test func resizeStormsTinyPanesAndAPlainLocaleDoNotCrash() async throws {
        guard RobustnessTmux.isAvailable, let binary = ArtyCommandRunner.binary else {
            Issue.record("tmux or the arty binary is missing")
            return
        }
        let r = try await Self.seed()
        defer { Task { await r.registry.stop() } }
        // Every answer is slow, so loads are in flight while the pane changes size.
        r.injector.setPlan(try FaultPlan.parse("*=stall:300"))
        for locale in [["LANG": "C.UTF-8"], ["LANG": "C", "LC_ALL": "POSIX"]] {
            let tmux = try await RobustnessTmux(command: [binary], environment: r.environment(apiKey: Self.key, extra: locale),
                                          width: 300, height: 80)
            defer { tmux.stop() }
            try await tmux.waitFor(20, "the artifacts pane (\(locale))") { $0.contains("cats") }
            for round in 0..<6 {
                try await tmux.resize(width: 300, height: 80)
                try await tmux.send(round % 2 == 0 ? "l" : "h")
                try await tmux.resize(width: 10, height: 3)
                try await tmux.send("j")
                try await tmux.resize(width: 1, height: 1)
                try await tmux.resize(width: 80, height: 24)
                try await tmux.send("k")
                #expect(await tmux.isAlive, "arty died during the resize storm (\(locale)), round \(round)")
            }
            // A 1-column pane: split the window so arty keeps a single column, then give it back.
            try await tmux.resize(width: 80, height: 24)
            try await tmux.tmux(["split-window", "-h", "-t", tmux.session, "-l", "78", "sleep 30"])
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await tmux.format("#{pane_width}", target: "\(tmux.session).0") == "1")
            #expect(await tmux.isAlive)
            try await tmux.tmux(["kill-pane", "-t", "\(tmux.session).1"])
            try await tmux.send("g")
            // After the storm the screen is whole again at 80×24: the list and the footer are drawn.
            // Wait for the whole frame (list and footer), not only its first rows: under load a capture
            // can land between the two halves of a redraw.
            let screen = try await tmux.waitFor(20, "a redraw at 80x24 with its footer (\(locale))") { s in
                s.contains("cats") && s.split(separator: "\n", omittingEmptySubsequences: false).count >= 24
                    && s.contains("? help")  // the footer (help stays in it when the pane's keys fill the line)
            }
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.allSatisfy { $0.count <= 80 }, "a line wider than the pane:\n\(screen)")
            try await expectCleanQuit(tmux)
        }
        r.injector.setPlan(.none)
    }
}
