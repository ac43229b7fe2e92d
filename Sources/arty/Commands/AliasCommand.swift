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

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

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
            try await editLabels(kind: .alias, reference: ref, operation: operation, labels: aliases, json: json,
                                 connection: connection)
        }
    }
}

/// What `arty alias --json` and `arty tag --json` print: the labels before and, as the server has
/// them, after the edit, and the aliases moved from other versions.
struct LabelEditResult: Encodable {
    var workspace: String
    var artifact: String
    /// The version edited; nil for artifact tags.
    var version: String?
    /// `alias`, `versionTag` or `artifactTag`.
    var kind: LabelKind
    var changed: Bool
    var before: [String]
    var after: [String]
    var moves: [AliasMove]
}

/// Plans, prints and applies a label edit; prints the labels as the server has them afterwards
/// (with `json`, one ``LabelEditResult``).
func editLabels(kind: LabelKind, reference: ArtifactReference, operation: LabelOperation, labels: [String], json: Bool = false,
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
    func result(after: [String]) -> LabelEditResult {
        LabelEditResult(workspace: reference.workspace, artifact: reference.artifact, version: version?.version, kind: kind,
                        changed: !edit.isNoOp, before: edit.before, after: after, moves: edit.moves)
    }
    if edit.isNoOp {
        print(json ? jsonText(result(after: edit.before)) : "Nothing to change.")
        return
    }
    let after = try await LabelEditor.apply(edit, workspace: reference.workspace, artifactName: reference.artifact, client: client)
    let now: [String]? = switch kind {
    case .artifactTag: after.artifact.tags
    case .alias, .versionTag:
        after.versions.first(where: { $0.artifactVersionId == version?.artifactVersionId }).map { kind == .alias ? $0.aliases : $0.tags }
    }
    if json {
        print(jsonText(result(after: now ?? edit.after)))
        return
    }
    printLines(edit.summaryLines)
    switch kind {
    case .artifactTag:
        printLines(["artifact tags now: [\((now ?? []).joined(separator: ", "))]"])
    case .alias, .versionTag:
        if let now, let v = version {
            printLines(["\(kind == .alias ? "aliases" : "version tags") of \(v.version) now: [\(now.joined(separator: ", "))]"])
        }
    }
}
