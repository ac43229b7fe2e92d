import ArtifactRegistry
import Testing

/// Context-aware keys (issue 14) in the real binary: the footer follows the pane.
extension BrowserEndToEndTests {
    /// The footer: the screen's last non-empty line.
    func footer(_ screen: String) -> String {
        screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
    }

    @Test func footerShowsOnlyTheKeysThatActOnThePane() async throws {
        let tmux = try open()
        var screen = try await tmux.waitForWholeFrame("Workspaces (4)", "mnist-team", "J jobs")
        #expect(footer(screen).contains("? help"))
        #expect(!footer(screen).contains("d download"))
        #expect(!footer(screen).contains("m mark"))

        // `b` on the workspaces pane says why, as information.
        try tmux.send("b")
        screen = try await tmux.waitForWholeFrame("Bump works on a version")
        #expect(!screen.contains("✗ error"))

        try tmux.send("Enter", "/")
        try tmux.type("MNIST")
        try tmux.send("Enter")
        try await tmux.waitForWholeFrame("Artifacts (1/5) · name ↑ · /MNIST")
        try tmux.send("Enter")
        screen = try await tmux.waitForWholeFrame("Versions (5) · version ↓", "d download")
        #expect(footer(screen).contains("d download"))
        #expect(footer(screen).contains("m mark"))
        // --fake cannot write: the keys that write stay out.
        #expect(!footer(screen).contains("b bump"))
    }
}

/// The footer on the artifacts and assets panes (the workspaces and versions panes: above).
extension BrowserEndToEndTests {
    @Test func footerOnTheArtifactsAndAssetsPanes() async throws {
        let tmux = try open(width: 140)
        try await tmux.waitForWholeFrame("Workspaces (4)", "mnist-team", "Artifacts (5)")
        try tmux.send("Enter")
        var screen = try await tmux.waitForWholeFrame("Artifacts (5) · name ↑", "d download")
        #expect(footer(screen).contains("d download"))
        #expect(!footer(screen).contains("m mark"))     // marks are versions'
        #expect(!footer(screen).contains("p preview"))  // previews are files'
        #expect(!footer(screen).contains("T tree"))
        try tmux.send("/")
        try tmux.type("MNIST")
        try tmux.send("Enter", "Enter", "j", "Enter")
        screen = try await tmux.waitForWholeFrame("artifact mnist-digits │ version 2.1.0", "Assets (5)", "p preview")
        #expect(footer(screen).contains("d download"))
        #expect(footer(screen).contains("T tree"))
        #expect(!footer(screen).contains("m mark"))
        #expect(!footer(screen).contains("b bump"))
        try tmux.send("q")
        try await tmux.waitForExit()
    }
}

/// The footer with a registry that can write, with and without `--read-only`.
extension ActionsEndToEndTests {
    @Test func footerShowsWriteKeysOnlyWhenTheSessionCanWrite() async throws {
        let f = try await Fixture.start()
        defer { Task { await f.stop() } }
        let footer = { (screen: String) in
            screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
        }
        for readOnly in [false, true] {
            let tmux = try f.browse(workspace: LocalRegistry.defaultUserName, width: 140, readOnly: readOnly)
            var screen = try await tmux.waitForWholeFrame("quickstart", "d download")
            #expect(footer(screen).contains("t tag") == !readOnly, "artifacts pane, read-only \(readOnly): \(footer(screen))")
            try tmux.send("Enter")
            screen = try await tmux.waitForWholeFrame("Versions (1)", "m mark")
            let line = footer(screen)
            #expect(line.contains("d download"))
            #expect(line.contains("m mark"))
            for write in ["a alias", "t tag", "b bump"] {
                #expect(line.contains(write) == !readOnly, "versions pane, read-only \(readOnly): \(line)")
            }
            try tmux.send("q")
            try await tmux.waitForExit()
        }
    }
}
