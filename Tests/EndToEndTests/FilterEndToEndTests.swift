import Foundation
import Testing

/// Issue 14's filter with the real binary in tmux (`arty browse --fake`): a field prefix, `n`/`N`
/// stepping through the matches, and `/` opening fresh with `↑` recalling the kept filter.
extension BrowserEndToEndTests {
    /// The screen once the artifacts of mnist-team are drawn (all five rows).
    func openArtifacts() async throws -> TmuxSession {
        let tmux = try open()
        try await tmux.waitFor("Workspaces (4)", "mnist-team", "Artifacts (5)")
        try tmux.send("Enter")
        try await tmux.waitFor("Artifacts (5)", "mnist-digits", "resnet50-🚀")
        return tmux
    }

    @Test func filterByTypeThenNAndNStepThroughTheMatches() async throws {
        let tmux = try await openArtifacts()
        try tmux.send("/")
        try tmux.type("type:dataset")
        try await tmux.waitFor("Artifacts (3/5)", "filter: /type:dataset▏")
        try tmux.send("Enter")
        try await tmux.waitFor("Artifacts (3/5) · name ↑ · /type:dataset", "│›caf")
        // n and N move the cursor among the three matches, wrapping, and say where they are.
        // (Each wait checks the status line and the cursor row together: one whole frame.)
        try tmux.send("n")
        try await tmux.waitFor("match 2/3", "│›empty-artifact")
        try tmux.send("n")
        try await tmux.waitFor("match 3/3", "│›mnist-digits")
        try tmux.send("n")
        try await tmux.waitFor("match 1/3", "│›caf")
        try tmux.send("N")
        try await tmux.waitFor("match 3/3", "│›mnist-digits")
        try tmux.send("C-c")
        try await tmux.waitForExit()
    }

    @Test func slashOpensAFreshFilterAndUpRecallsTheLastOne() async throws {
        let tmux = try await openArtifacts()
        try tmux.send("/")
        try tmux.type("model")
        try await tmux.waitFor("Artifacts (1/5)", "│›resnet50-🚀")  // its type is model
        try tmux.send("Enter")
        try await tmux.waitFor("Artifacts (1/5) · name ↑ · /model")
        // `/` starts empty (typing does not append to "model"); the selected row stays.
        try tmux.send("/")
        try await tmux.waitFor("Artifacts (5)", "filter: /▏", "│›resnet50-🚀")
        try tmux.type("mnist")
        try await tmux.waitFor("Artifacts (1/5)", "filter: /mnist▏", "│›mnist-digits")
        try tmux.send("Up")
        try await tmux.waitFor("Artifacts (1/5)", "filter: /model▏", "│›resnet50-🚀")
        try tmux.send("Down")
        try await tmux.waitFor("filter: /mnist▏", "│›mnist-digits")
        try tmux.send("Up", "Enter")
        try await tmux.waitFor("Artifacts (1/5) · name ↑ · /model", "│›resnet50-🚀")
        try tmux.send("C-c")
        try await tmux.waitForExit()
    }
}
