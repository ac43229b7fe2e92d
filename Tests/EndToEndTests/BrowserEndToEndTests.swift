import Foundation
import Testing

/// The real `arty` binary in tmux, on the built-in fake data (`arty browse --fake`).
/// Needs tmux and a built binary (`swift build`); `ARTY_BIN` overrides the binary path.
@Suite(.enabled(if: TmuxSession.isAvailable && ArtyBinary.path != nil, "needs tmux and a built arty binary"), .serialized)
struct BrowserEndToEndTests {
    func open(width: Int = 100, height: Int = 30) throws -> TmuxSession {
        try TmuxSession([ArtyBinary.path!, "browse", "--fake", "--fake-latency", "20"], width: width, height: height)
    }

    /// Index of the first line containing `text`, for order checks.
    func row(_ text: String, in screen: String) -> Int? {
        screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }
    }

    @Test func drillFilterSortResizeAndQuit() async throws {
        let tmux = try open()
        try await tmux.waitFor("Workspaces (4)", "mnist-team", "Artifacts (5)")
        try tmux.send("Enter")
        try await tmux.waitFor("Artifacts (5)", "mnist-digits", "resnet50-🚀")

        // Filter: typing narrows, Enter keeps it with the first match selected, Enter drills in.
        try tmux.send("/")
        try tmux.type("MNIST")
        try await tmux.waitFor("Artifacts (1/5)", "filter: /MNIST")
        try tmux.send("Enter")
        try await tmux.waitFor("Artifacts (1/5) · name ↑ · /MNIST", "Versions (5)")
        try tmux.send("Enter")
        var screen = try await tmux.waitFor("Versions (5) · version ↓", "workspace mnist-team │ artifact mnist-digits")
        #expect(row("2.2.0-rc.1", in: screen)! < row("1.0.0", in: screen)!)  // newest first

        // Down to the assets of 2.1.0 and the remote asset's details.
        try tmux.send("j", "Enter")
        try await tmux.waitFor("artifact mnist-digits │ version 2.1.0", "Assets (5)", "data/train.csv")
        try tmux.send("G", "k")
        screen = try await tmux.waitFor("Link", "s3://comet-demo/", "↗ remote link", "raw/mnist.tar.gz → s3://")
        #expect(!screen.contains("0 B"))

        // Sort by size, then reverse.
        // (Wait for the rows themselves, not only the title: a capture can land between the two.)
        func ordered(_ first: String, _ second: String, _ screen: String) -> Bool {
            guard let a = row(first, in: screen), let b = row(second, in: screen) else { return false }
            return a < b
        }
        try tmux.send("s")
        try await tmux.waitFor("size ↑ with README.md above data/train.csv") { screen in
            screen.contains("Assets (5) · size ↑") && ordered("README.md", "data/train.csv", screen)
        }
        try tmux.send("S")
        try await tmux.waitFor("size ↓ with data/train.csv above README.md") { screen in
            screen.contains("Assets (5) · size ↓") && ordered("data/train.csv", "README.md", screen)
        }

        // Too small, keys ignored, then back.
        try tmux.resize(width: 30, height: 8)
        try await tmux.waitFor("terminal too small", "30×8")
        try tmux.send("h", "h")
        try tmux.resize(width: 100, height: 30)
        try await tmux.waitFor("Assets (5) · size ↓", "artifact mnist-digits │ version 2.1.0")

        try tmux.send("q")
        try await tmux.waitForExit()
    }

    /// Issue 14: the filter is a text field: `←` moves the cursor, typing inserts there, `^A` goes
    /// to the start and `^W` deletes the word before the cursor.
    @Test func editingTheFilterAtTheCursor() async throws {
        let tmux = try open()
        try await tmux.waitFor("Workspaces (4)", "mnist-team", "Artifacts (5)")
        try tmux.send("Enter")
        try await tmux.waitFor("Artifacts (5)", "mnist-digits")
        try tmux.send("/")
        try tmux.type("MNST")
        try await tmux.waitFor("Artifacts (0/5)", "filter: /MNST▏")
        try tmux.send("Left", "Left")
        try await tmux.waitFor("filter: /MN▏ST")
        try tmux.type("I")
        try await tmux.waitFor("Artifacts (1/5)", "filter: /MNI▏ST")
        try tmux.send("C-a")
        try tmux.type("x ")
        try await tmux.waitFor("Artifacts (0/5)", "filter: /x ▏MNIST")
        try tmux.send("C-w")
        try await tmux.waitFor("Artifacts (1/5)", "filter: /▏MNIST")
        try tmux.send("Enter")
        try await tmux.waitFor("Artifacts (1/5) · name ↑ · /MNIST")
        try tmux.send("C-c")
        try await tmux.waitForExit()
    }

    @Test func helpOverlayAndErrorPane() async throws {
        let tmux = try open(width: 80, height: 24)
        try await tmux.waitFor("Workspaces (4)")
        try tmux.send("?")
        try await tmux.waitFor("Help: key bindings", "Filter the pane as you type")
        try tmux.send("x")
        try tmux.send("j", "Enter")
        try await tmux.waitFor("Could not load artifacts of", "HTTP 403", "Press r to retry")
        try tmux.send("C-c")
        try await tmux.waitForExit()
    }
}
