import ArgumentParser
import ArtyUI

/// `arty browse` (the default command): the full-screen terminal browser.
struct Browse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse",
        abstract: "Browse workspaces, artifacts, versions and assets in a full-screen terminal UI.")

    /// Dev harness: run on the in-memory sample data instead of a server.
    @Flag(name: .long, help: .hidden)
    var fake = false

    /// Dev harness: delay of every fake request, in milliseconds (shows loading states).
    @Option(name: .long, help: .hidden)
    var fakeLatency = 150

    func run() async throws {
        guard fake else {
            // The lead wires configuration (Comet server or the embedded local registry) here.
            throw ValidationError("arty browse is not wired to a server yet; try `arty browse --fake`")
        }
        do {
            try await runBrowser(service: FakeArtifactService.sample(latencyMillis: fakeLatency),
                                 context: BrowserContext(serverLabel: "fake data", userName: nil))
        } catch let error as TerminalError {
            throw ValidationError(error.description)
        }
    }
}
