import ArgumentParser
import ArtyUI
import CometAPI

/// `arty browse` (the default command): the full-screen terminal browser.
struct Browse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "browse",
        abstract: "Browse workspaces, artifacts, versions and assets in a full-screen terminal UI.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Disable every key that changes the server (aliases, tags, bumps).")
    var readOnly = false

    /// Dev harness: run on the in-memory sample data instead of a server.
    @Flag(name: .long, help: .hidden)
    var fake = false

    /// Dev harness: delay of every fake request, in milliseconds (shows loading states).
    @Option(name: .long, help: .hidden)
    var fakeLatency = 150

    func run() async throws {
        try await runReportingErrors {
            if fake {
                try await browse(FakeArtifactService.sample(latencyMillis: fakeLatency),
                                 BrowserContext(serverLabel: "fake data", userName: nil, readOnly: readOnly || ReadOnlyOption.environmentIsReadOnly))
                return
            }
            let server = try await connect(connection)
            var context = BrowserContext(serverLabel: server.label, userName: nil,
                                         initialWorkspace: server.workspace, readOnly: readOnly || ReadOnlyOption.environmentIsReadOnly)
            context.webRoot = server.webRoot
            try await browse(server.client, context)
        }
    }
}

/// Opens the terminal browser; a terminal that cannot host it (not a TTY, unknown TERM) is a
/// run-time failure with a clear message (exit 1).
func browse(_ service: any ArtifactReading, _ context: BrowserContext) async throws {
    do {
        try await runBrowser(service: service, context: context)
    } catch let error as TerminalError {
        throw CometAPIError.configuration(error.description)
    }
}
