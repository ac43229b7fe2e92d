import ArgumentParser
import CometAPI
import Foundation

/// `arty log DIR --workspace W --artifact NAME --type T [--alias A]… [--tag T]… [--remote URI]…`:
/// logs a folder (plus remote links) as a new artifact version.
struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Log a folder as a new artifact version.",
        discussion: """
            Every file under DIR is uploaded with its path relative to DIR as logical path (symlinks leaving DIR \
            are skipped); each --remote link is added as a remote asset named by its last path segment. The server \
            picks the next version number. Files are uploaded --parallel at a time; if one fails, the others \
            stop and the new version is left in the ERROR state. Exit status: 0 ok, 1 failure (or --read-only), 2 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The folder to log.", valueName: "dir"))
    var directory: String

    @Option(name: .long, help: ArgumentHelp("The artifact's name.", valueName: "name"))
    var artifact: String

    @Option(name: .long, help: ArgumentHelp("The artifact type (dataset, model, ...).", valueName: "type"))
    var type: String

    @Option(name: .long, help: ArgumentHelp("An alias for the new version (repeatable).", valueName: "alias"))
    var alias: [String] = []

    @Option(name: .long, help: ArgumentHelp("A version tag (repeatable).", valueName: "tag"))
    var tag: [String] = []

    @Option(name: .long, help: ArgumentHelp("A remote asset link (repeatable).", valueName: "uri"))
    var remote: [String] = []

    @Option(name: .long, help: ArgumentHelp("Transfers at once (default: \(DownloadOptions.defaultParallelTransfers)).",
                                            valueName: "n"))
    var parallel: Int = DownloadOptions.defaultParallelTransfers

    @Flag(name: .long, help: "Print the new version as JSON.")
    var json = false

    @OptionGroup var readOnly: ReadOnlyOption
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if parallel < 1 { throw ValidationError("--parallel must be at least 1.") }
        if directory.unicodeScalars.contains("\u{FFFD}") {
            throw ValidationError("The folder's name is not valid UTF-8 (or contains U+FFFD); arty cannot open it by that name.")
        }
        if artifact.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--artifact must not be empty.") }
        if artifact.contains(":") { throw ValidationError("--artifact must not contain ':' (a reference could not name it).") }
        if type.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--type must not be empty (e.g. dataset, model).") }
        for value in alias {
            do { _ = try FolderLog.validateAlias(value) } catch let error as ActionError {
                throw ValidationError("--alias: \(error.userMessage)")
            }
        }
        if tag.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) { throw ValidationError("--tag must not be empty.") }
        for link in remote where !Self.hasScheme(link) {
            throw ValidationError("--remote '\(link)' is not a URI; expected SCHEME://... (s3://bucket/key, https://host/file).")
        }
    }

    /// True when `link` starts with a URI scheme and `:` (RFC 3986: a letter, then letters,
    /// digits, `+`, `-` or `.`), followed by something. Pure.
    static func hasScheme(_ link: String) -> Bool {
        guard let colon = link.firstIndex(of: ":"), colon != link.startIndex, link.index(after: colon) != link.endIndex else {
            return false
        }
        let scheme = link[..<colon]
        guard let first = scheme.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return scheme.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0)) }
    }

    func run() async throws {
        try await runAction {
            try readOnly.check("arty log")
            let configuration = try connection.configuration()
            guard let workspace = configuration.workspace else {
                throw UsageError(message: "No workspace: pass --workspace (or set COMET_WORKSPACE).")
            }
            let plan = try FolderLog.prepare(directory: directory, workspace: workspace, artifactName: artifact,
                                             artifactType: type, aliases: alias, versionTags: tag, remoteLinks: remote)
            for line in plan.skipped { printError("Skipped \(line)") }
            let client = try await makeClient(connection)
            // Which versions hold the new aliases now (a new artifact has none): the moves are printed.
            let before = plan.aliases.isEmpty ? nil : try? await client.artifactDetails(workspace: workspace, name: artifact)
            let created = try await VersionCopier(client: client, parallelTransfers: parallel).log(plan, progress: stderrProgress(enabled: !json))
            endProgress(enabled: !json)
            if json {
                print(jsonText(created))
            } else {
                printLines(["Created \(created.workspace)/\(created.artifact):\(created.version) with \(Plural.count(created.localAssets, "file")) (\(Listing.byteCount(created.bytesUploaded))) and \(Plural.count(created.remoteAssets, "remote asset"))."])
                printLines(FolderLog.aliasMoves(aliases: plan.aliases, existing: before, newVersion: created.version).map { "moves \($0)" })
            }
        }
    }
}
