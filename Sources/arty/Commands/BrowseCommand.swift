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

    @Flag(name: .long, help: "Turn the mouse on: click selects a row, double-click opens it, the wheel scrolls (also `mouse = true` in the config file).")
    var mouse = false

    @OptionGroup var config: ConfigOption

    /// Dev harness: run on the in-memory sample data instead of a server.
    @Flag(name: .long, help: .hidden)
    var fake = false

    /// Dev harness: delay of every fake request, in milliseconds (shows loading states).
    @Option(name: .long, help: .hidden)
    var fakeLatency = 150

    func run() async throws {
        var settings = try config.load()
        if mouse { settings.mouse = true }
        try await runReportingErrors {
            if fake {
                var context = BrowserContext(serverLabel: "fake data", userName: nil, readOnly: readOnly || ReadOnlyOption.environmentIsReadOnly)
                context.config = settings
                try await browse(FakeArtifactService.sample(latencyMillis: fakeLatency), context)
                return
            }
            let server = try await connect(connection)
            var context = BrowserContext(serverLabel: server.label, userName: nil,
                                         initialWorkspace: server.workspace, readOnly: readOnly || ReadOnlyOption.environmentIsReadOnly)
            context.config = settings
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
