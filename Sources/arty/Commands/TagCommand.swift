import ArgumentParser
import CometAPI
import Foundation

/// `arty tag REF add|remove TAG…`: edits a version's tags, or with `--artifact` the artifact's tags.
struct Tag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Add or remove version tags (or, with --artifact, artifact tags).",
        discussion: """
            The change is applied to the tags the server holds when it is written, so a tag someone else added or \
            removed meanwhile keeps their change. \(LabelGrammar.summary) Exit status: 0 ok, 1 failure (or --read-only), \
            2 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The version (or with --artifact, the artifact) to edit.",
                                 valueName: "workspace/artifact[:version|alias]"))
    var reference: String
    @Argument(help: "add or remove.")
    var operation: LabelOperation
    @Argument(help: ArgumentHelp("The tags (each argument may hold several, separated by commas).", valueName: "tag"))
    var tags: [String]

    @Flag(name: .long, help: "Edit the artifact's tags instead of the version's.")
    var artifact = false

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @OptionGroup var readOnly: ReadOnlyOption
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try parsedLabels(tags, kind: artifact ? .artifactTag : .versionTag, operation: operation)
    }

    func run() async throws {
        try await runAction {
            try readOnly.check("arty tag")
            let ref = try parseReference(reference, requireVersion: !artifact)
            try await editLabels(kind: artifact ? .artifactTag : .versionTag, reference: ref, operation: operation,
                                 labels: try parsedLabels(tags, kind: artifact ? .artifactTag : .versionTag, operation: operation),
                                 json: json, connection: connection)
        }
    }
}
