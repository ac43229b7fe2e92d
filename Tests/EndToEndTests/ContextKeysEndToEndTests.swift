import Testing

/// Context-aware keys (issue 14) in the real binary: the footer follows the pane.
extension BrowserEndToEndTests {
    /// The footer: the screen's last non-empty line.
    func footer(_ screen: String) -> String {
        screen.split(separator: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map(String.init) ?? ""
    }

    @Test func footerShowsOnlyTheKeysThatActOnThePane() throws {
        let tmux = try open()
        var screen = try tmux.waitForWholeFrame("Workspaces (4)", "mnist-team", "J jobs")
        #expect(footer(screen).contains("? help"))
        #expect(!footer(screen).contains("d download"))
        #expect(!footer(screen).contains("m mark"))

        // `b` on the workspaces pane says why, as information.
        try tmux.send("b")
        screen = try tmux.waitForWholeFrame("Bump works on a version")
        #expect(!screen.contains("✗ error"))

        try tmux.send("Enter", "/")
        try tmux.type("MNIST")
        try tmux.send("Enter")
        try tmux.waitForWholeFrame("Artifacts (1/5) · name ↑ · /MNIST")
        try tmux.send("Enter")
        screen = try tmux.waitForWholeFrame("Versions (5) · version ↓", "d download")
        #expect(footer(screen).contains("d download"))
        #expect(footer(screen).contains("m mark"))
        // --fake cannot write: the keys that write stay out.
        #expect(!footer(screen).contains("b bump"))
    }
}
