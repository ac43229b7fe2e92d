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
            remote flag, link). Artifact names may contain spaces: quote the argument. Exit status: 0 on success, \
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
            let request = try LsTarget.parse(target)
            let client = try await makeClient(connection)
            print(try await Self.render(request, client: client, json: json))
        }
    }

    /// The listing for `request`, as a table or JSON text.
    static func render(_ request: LsTarget, client: some ArtifactReading, json: Bool) async throws -> String {
        switch request {
        case .workspaces:
            let rows = Listing.rows(workspaces: try await client.workspaces())
            return json ? Listing.json(rows) : Listing.table(rows)
        case .artifacts(let workspace):
            let rows = Listing.rows(artifacts: try await client.artifacts(workspace: workspace, type: nil))
            return json ? Listing.json(rows) : Listing.table(rows)
        case .versions(let workspace, let artifact):
            let details = try await client.artifactDetails(workspace: workspace, name: artifact)
            let rows = Listing.rows(versions: details.versions)
            return json ? Listing.json(rows) : Listing.table(rows)
        case .assets(let workspace, let artifact, let selector):
            let rows = Listing.rows(assets: try await client.assets(workspace: workspace, name: artifact, selector: selector))
            return json ? Listing.json(rows) : Listing.table(rows)
        }
    }
}

/// What `arty ls` was asked to list.
enum LsTarget: Equatable {
    case workspaces
    case artifacts(workspace: String)
    case versions(workspace: String, artifact: String)
    case assets(workspace: String, artifact: String, selector: VersionSelector)

    /// Parses the optional argument.
    /// - Throws: ``UsageError`` for a malformed reference.
    static func parse(_ text: String?) throws -> LsTarget {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return .workspaces }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.contains("/") {
            if trimmed.contains(":") {
                throw UsageError(message: "'\(trimmed)' gives a version but no artifact; expected WORKSPACE/ARTIFACT:VERSION.")
            }
            return .artifacts(workspace: trimmed)
        }
        do {
            let reference = try ArtifactReference.parse(trimmed)
            guard let selector = reference.selector else {
                return .versions(workspace: reference.workspace, artifact: reference.artifact)
            }
            return .assets(workspace: reference.workspace, artifact: reference.artifact, selector: selector)
        } catch {
            throw UsageError(message: error.description)
        }
    }
}
