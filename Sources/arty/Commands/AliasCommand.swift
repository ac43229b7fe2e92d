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
            (production: 1.0.0 → 2.0.0). The change is applied to the aliases the server holds when it is written, \
            so an alias someone else added or removed meanwhile keeps their change. \
            \(LabelGrammar.summary) Exit status: 0 ok, 1 failure (or --read-only), 2 usage error.
            """
    )

    @Argument(help: ArgumentHelp("The version to edit.", valueName: "workspace/artifact:version|alias"))
    var reference: String
    @Argument(help: "add or remove.")
    var operation: LabelOperation
    @Argument(help: ArgumentHelp("The aliases (each argument may hold several, separated by commas).", valueName: "alias"))
    var aliases: [String]

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    @OptionGroup var readOnly: ReadOnlyOption
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        _ = try parsedLabels(aliases, kind: .alias, operation: operation)
    }

    func run() async throws {
        try await runAction {
            try readOnly.check("arty alias")
            let ref = try parseReference(reference, requireVersion: true)
            try await editLabels(kind: .alias, reference: ref, operation: operation,
                                 labels: try parsedLabels(aliases, kind: .alias, operation: operation), json: json,
                                 connection: connection)
        }
    }
}

/// The labels of `arguments`, each read as a list (``LabelGrammar/parse(_:)``); labels to add are
/// validated (``LabelGrammar/validate(_:kind:)``).
/// - Throws: `ValidationError` (exit status 2) naming the label and the rule.
func parsedLabels(_ arguments: [String], kind: LabelKind, operation: LabelOperation) throws -> [String] {
    let noun = kind == .alias ? "alias" : "tag"
    var labels: [String] = []
    do {
        for argument in arguments {
            // The shell already quoted the argument: a space at its ends was typed on purpose and would
            // silently be dropped as list padding, so it is refused, like a label with such a space.
            if let first = argument.unicodeScalars.first, let last = argument.unicodeScalars.last,
               first.properties.isWhitespace || last.properties.isWhitespace, !argument.allSatisfy(\.isWhitespace) {
                _ = try LabelGrammar.validate(argument, kind: kind)
            }
            let parsed = try LabelGrammar.parse(argument)
            if parsed.isEmpty { throw ActionError.invalidLabel("\(noun == "alias" ? "an" : "a") \(noun) must not be empty.") }
            for label in parsed where !labels.contains(label) { labels.append(label) }
        }
        if operation == .add { for label in labels { _ = try LabelGrammar.validate(label, kind: kind) } }
    } catch ActionError.invalidLabel(let detail) {
        throw ValidationError("Invalid \(noun): \(detail)")
    }
    if labels.isEmpty { throw ValidationError("Give at least one \(noun).") }
    return labels
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
    /// The labels the server held just before the write.
    var before: [String]
    /// The labels the server holds after it (read back).
    var after: [String]
    var added: [String]
    var removed: [String]
    var moves: [AliasMove]
    /// Labels another writer removed while this edit was written (reported, not restored).
    var removedByOthers: [String]
    /// Writes made: more than 1 when another writer raced the edit.
    var attempts: Int
}

/// Plans, applies (``LabelEditor``: the change is applied to the labels the server holds at write
/// time) and prints a label edit; prints the labels as the server has them afterwards (with `json`,
/// one ``LabelEditResult``).
func editLabels(kind: LabelKind, reference: ArtifactReference, operation: LabelOperation, labels: [String], json: Bool = false,
                connection: ConnectionOptions) async throws {
    let client = try await makeClient(connection)
    let details = try await client.artifactDetails(workspace: reference.workspace, name: reference.artifact)
    var version: ArtifactVersion?
    if kind != .artifactTag {
        let resolved = try await ActionPlanning.resolveVersion(reference, client: client)
        version = details.versions.first { $0.artifactVersionId == resolved.artifactVersionId } ?? resolved
    }
    let delta = operation == .add ? LabelDelta(add: labels) : LabelDelta(remove: labels)
    let edit = try LabelEdit.plan(kind: kind, delta: delta, version: version, details: details)
    let target = version.map { " of \($0.version)" } ?? ""
    if edit.isNoOp {
        if json {
            print(jsonText(LabelEditResult(workspace: reference.workspace, artifact: reference.artifact, version: version?.version,
                                           kind: kind, changed: false, before: edit.before, after: edit.before, added: [],
                                           removed: [], moves: [], removedByOthers: [], attempts: 0)))
        } else {
            print("Nothing to change: the \(kind.plural)\(target) are [\(TerminalText.escape(LabelGrammar.format(edit.before)))].")
        }
        return
    }
    let outcome = try await LabelEditor.apply(edit, workspace: reference.workspace, artifactName: reference.artifact, client: client)
    if json {
        print(jsonText(LabelEditResult(
            workspace: reference.workspace, artifact: reference.artifact, version: version?.version, kind: kind,
            changed: outcome.before != outcome.after || !outcome.moves.isEmpty, before: outcome.before, after: outcome.after,
            added: outcome.after.filter { !outcome.before.contains($0) }, removed: outcome.before.filter { !outcome.after.contains($0) },
            moves: outcome.moves, removedByOthers: outcome.removedByOthers, attempts: outcome.attempts)))
        return
    }
    var lines = ["\(kind.plural)\(target): [\(LabelGrammar.format(outcome.before))] → [\(LabelGrammar.format(outcome.after))]"]
    lines += outcome.moves.map { "moved \($0)" }
    if !outcome.removedByOthers.isEmpty {
        lines.append("meanwhile someone else removed: \(LabelGrammar.format(outcome.removedByOthers))")
    }
    if outcome.attempts > 1 { lines.append("(written \(outcome.attempts) times: another writer changed the labels at the same moment)") }
    printLines(lines)
}
