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
            `production → 1.2.0` (in --json every asset row has `resolvedVersion`). With AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, \
            ~/.aws/credentials; AWS_ENDPOINT_URL_S3 for S3-compatible stores), a remote asset's s3:// link is read \
            (a signed HEAD, or a listing for a prefix) and its size shown as the store's, e.g. "↗ 1.2 GiB s3" \
            (--json: "storeFacts"). Artifact names may contain spaces: quote the argument. A version's table ends with its lineage, \
            `produced by KEY (name · workspace/project) · consumed by …` (consumers where the server lists them: \
            arty's registry does, comet.com does not); --json --lineage prints it as an object. Exit status: 0 on success, \
            1 when the server or the connection fails, 2 for a malformed argument.
            """
    )

    @Argument(help: ArgumentHelp("What to list.", valueName: "workspace[/artifact[:version|alias]]"))
    var target: String?

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Flag(name: .long, help: "With --json and a version: {version, lineage: {producer, consumers}, assets} instead of the array of assets.")
    var lineage = false

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
            // Remote assets' S3 links are read only with AWS credentials (never otherwise).
            let inspector: RemoteAssetInspector? = if case .assets = request { RemoteAssetInspector.fromEnvironment() } else { nil }
            // A version's table ends with its lineage line (`produced by …`); --lineage puts it in the JSON.
            if lineage, !json { throw UsageError(message: "--lineage only changes --json output (the table always ends with the lineage)") }
            if lineage {
                guard case .assets = request else {
                    throw UsageError(message: "--lineage needs a version (WORKSPACE/ARTIFACT:VERSION or :ALIAS): only versions have a lineage")
                }
            }
            let reader: (any LineageReading)? = if case .assets = request, !json || lineage { client } else { nil }
            print(try await Listing.render(request, from: client, json: json, inspector: inspector, lineage: reader, lineageJSON: lineage))
        }
    }
}
