import ArgumentParser
import CometAPI
import Foundation

/// `arty ls [WORKSPACE[/ARTIFACT[:VERSION|ALIAS]]] [--json]`: lists workspaces, artifacts,
/// versions or assets, as a table or as JSON.
struct Ls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List workspaces, artifacts, versions or assets.",
        discussion: """
            No argument lists workspaces. WORKSPACE lists its artifacts (name, type, latest version, tags, size). \
            WORKSPACE/ARTIFACT lists its versions, newest first (version, aliases, tags, state, size, added, owner). \
            WORKSPACE/ARTIFACT:VERSION or :ALIAS lists the assets of that version (logical path, size in bytes, \
            remote flag, link); an alias is resolved first and the table starts with a line such as \
            `production → 1.2.0` (in --json every asset row has `resolvedVersion`). Artifact names may contain spaces: quote the argument. Exit status: 0 on success, \
            1 when the server or the connection fails, 2 for a malformed argument.
            """
    )

    @Argument(help: ArgumentHelp("What to list.", valueName: "workspace[/artifact[:version|alias]]"))
    var target: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await runReportingErrors {
            let request: Listing.Target
            do {
                request = try Listing.Target.parse(target)
            } catch {
                throw UsageError(message: String(describing: error))
            }
            let client = try await makeClient(connection)
            print(try await Listing.render(request, from: client, json: json))
        }
    }
}
