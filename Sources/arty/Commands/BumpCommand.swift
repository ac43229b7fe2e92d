import ArgumentParser
import CometAPI
import Foundation

extension SemanticVersion.Bump: ExpressibleByArgument {}

/// `arty bump REF major|minor|patch`: creates the next version from REF, with its assets,
/// metadata and version tags (aliases with `--with-aliases`).
struct Bump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bump",
        abstract: "Create the next major, minor or patch version from a version.",
        discussion: """
            Prints the preview (1.2.0 → 1.3.0), refuses a version that already exists, copies the source's \
            assets (local files and remote links), metadata and version tags, and closes the new version. Assets \
            the server cannot copy itself are downloaded and uploaded again, --parallel at a time. \
            Exit status: 0 ok, 1 failure (or --read-only), 2 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The source version.", valueName: "workspace/artifact:version|alias"))
    var reference: String
    @Argument(help: "major, minor or patch.")
    var kind: SemanticVersion.Bump

    @Flag(name: .long, help: "Move the source's aliases to the new version.")
    var withAliases = false

    @Option(name: .long, help: ArgumentHelp("Transfers at once (default: \(DownloadOptions.defaultParallelTransfers)).",
                                            valueName: "n"))
    var parallel: Int = DownloadOptions.defaultParallelTransfers

    @Flag(name: .long, help: "Print the new version as JSON.")
    var json = false

    @OptionGroup var readOnly: ReadOnlyOption
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if parallel < 1 { throw ValidationError("--parallel must be at least 1.") }
    }

    func run() async throws {
        try await runAction {
            try readOnly.check("arty bump")
            let ref = try parseReference(reference, requireVersion: true)
            let client = try await makeClient(connection)
            let plan = try await BumpPlan.prepare(ref, kind: kind, withAliases: withAliases, client: client)
            if !json { printLines(["\(ref.workspace)/\(ref.artifact): \(plan.preview)"]) }
            let created = try await VersionCopier(client: client, parallelTransfers: parallel).bump(plan, progress: stderrProgress(enabled: !json))
            endProgress(enabled: !json)
            if json {
                print(jsonText(created))
            } else {
                printLines(["Created \(created.workspace)/\(created.artifact):\(created.version) with \(created.localAssets) local and \(Plural.count(created.remoteAssets, "remote asset"))."])
            }
        }
    }
}
