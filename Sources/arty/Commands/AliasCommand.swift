import ArgumentParser
import CometAPI
import Foundation

/// `add` or `remove`, for `arty alias` and `arty tag`.
enum LabelOperation: String, ExpressibleByArgument, CaseIterable {
    case add, remove
}

/// `arty alias REF add|remove ALIAS…`: edits a version's aliases; moving an alias away from another
/// version is shown (`production: 1.0.0 → 2.0.0`).
struct Alias: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Add or remove aliases of an artifact version.",
        discussion: """
            Aliases are unique per artifact: adding one held by another version moves it, and the move is printed \
            (production: 1.0.0 → 2.0.0). Exit status: 0 ok, 1 failure (or --read-only), 2 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The version to edit.", valueName: "workspace/artifact:version|alias"))
    var reference: String
    @Argument(help: "add or remove.")
    var operation: LabelOperation
    @Argument(help: ArgumentHelp("The aliases.", valueName: "alias"))
    var aliases: [String]

    @OptionGroup var readOnly: ReadOnlyOption
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if aliases.isEmpty { throw ValidationError("Give at least one alias.") }
        for alias in aliases {
            if operation == .add, let problem = ArtifactReference.aliasProblem(alias) {
                throw ValidationError("Invalid alias: \(problem).")
            }
            if alias.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("Invalid alias: an alias must not be empty.") }
        }
    }

    func run() async throws {
        try await runAction {
            try readOnly.check("arty alias")
            let ref = try parseReference(reference, requireVersion: true)
            try await editLabels(kind: .alias, reference: ref, operation: operation, labels: aliases, connection: connection)
        }
    }
}

/// Plans, prints and applies a label edit; prints the labels as the server has them afterwards.
func editLabels(kind: LabelKind, reference: ArtifactReference, operation: LabelOperation, labels: [String],
                connection: ConnectionOptions) async throws {
    let client = try await makeClient(connection)
    let details = try await client.artifactDetails(workspace: reference.workspace, name: reference.artifact)
    var version: ArtifactVersion?
    if kind != .artifactTag {
        let resolved = try await ActionPlanning.resolveVersion(reference, client: client)
        version = details.versions.first { $0.artifactVersionId == resolved.artifactVersionId } ?? resolved
    }
    let edit = try LabelEdit.plan(kind: kind, add: operation == .add ? labels : [], remove: operation == .remove ? labels : [],
                                  version: version, details: details)
    if edit.isNoOp {
        print("Nothing to change.")
        return
    }
    let after = try await LabelEditor.apply(edit, workspace: reference.workspace, artifactName: reference.artifact, client: client)
    printLines(edit.summaryLines)
    switch kind {
    case .artifactTag:
        printLines(["artifact tags now: [\(after.artifact.tags.joined(separator: ", "))]"])
    case .alias, .versionTag:
        if let now = after.versions.first(where: { $0.artifactVersionId == version?.artifactVersionId }) {
            let values = kind == .alias ? now.aliases : now.tags
            printLines(["\(kind == .alias ? "aliases" : "version tags") of \(now.version) now: [\(values.joined(separator: ", "))]"])
        }
    }
}
