import Foundation

/// Which labels an edit changes.
public enum LabelKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A version's aliases (unique per artifact).
    case alias
    /// A version's version tags.
    case versionTag
    /// The artifact's tags.
    case artifactTag
}

/// An alias taken from another version: `production: 1.0.0 → 2.0.0`.
public struct AliasMove: Sendable, Hashable, Codable, CustomStringConvertible {
    public var alias: String
    public var fromVersion: String
    public var fromVersionId: String
    public var toVersion: String

    public var description: String { "\(alias): \(fromVersion) → \(toVersion)" }
}

/// A planned label change, shown before confirming (pure; see ``LabelEdit/plan(kind:add:remove:version:details:)``).
public struct LabelEdit: Sendable, Hashable {
    public var kind: LabelKind
    /// The version edited (nil for artifact tags).
    public var version: ArtifactVersion?
    /// The artifact (id for `write/artifacts/details`).
    public var artifactId: String
    public var before: [String]
    public var after: [String]
    /// Aliases moved from other versions of the artifact.
    public var moves: [AliasMove]
    /// For each other version losing an alias: its id and its remaining aliases.
    public var otherVersionsAfter: [String: [String]]

    /// True when nothing changes.
    public var isNoOp: Bool { before == after && moves.isEmpty }

    /// Plans adding `add` and removing `remove` (either may be empty).
    ///
    /// Labels are trimmed; an empty one, or one with a comma or control character, is refused.
    /// Adding an alias held by another version of the artifact records an ``AliasMove``: the
    /// executor removes it from that version explicitly (so the move works on any server, also
    /// one that would not move it itself; reference §2.11). `latest` is refused as an alias
    /// (Comet reserves it for the highest version), and so is an alias no reference could reach
    /// (``ArtifactReference/aliasProblem(_:)``: `:` or `/`, or a semantic version).
    /// - Throws: ``ActionError/invalidLabel(_:)``.
    public static func plan(kind: LabelKind, add: [String], remove: [String], version: ArtifactVersion?,
                            details: ArtifactDetails) throws -> LabelEdit {
        let adds = try add.map(validate)
        let removes = try remove.map(validate)
        if kind == .alias, let reserved = adds.first(where: { $0.lowercased() == "latest" }) {
            throw ActionError.invalidLabel("'\(reserved)' is reserved by Comet for the highest version.")
        }
        if kind == .alias, let problem = adds.lazy.compactMap(ArtifactReference.aliasProblem).first {
            throw ActionError.invalidLabel(problem + ".")
        }
        let before: [String]
        switch kind {
        case .artifactTag: before = details.artifact.tags
        case .alias, .versionTag:
            guard let version else { throw ActionError.invalidLabel("no version selected for \(kind == .alias ? "aliases" : "version tags")") }
            before = kind == .alias ? version.aliases : version.tags
        }
        var after = before.filter { label in !removes.contains(label) }
        for label in adds where !after.contains(label) { after.append(label) }

        var moves: [AliasMove] = []
        var others: [String: [String]] = [:]
        if kind == .alias, let version {
            for other in details.versions where other.artifactVersionId != version.artifactVersionId {
                let taken = other.aliases.filter { adds.contains($0) && !before.contains($0) }
                guard !taken.isEmpty else { continue }
                for alias in taken {
                    moves.append(AliasMove(alias: alias, fromVersion: other.version, fromVersionId: other.artifactVersionId,
                                           toVersion: version.version))
                }
                others[other.artifactVersionId] = other.aliases.filter { !taken.contains($0) }
            }
        }
        return LabelEdit(kind: kind, version: version, artifactId: details.artifact.artifactId, before: before,
                         after: after, moves: moves.sorted { $0.alias < $1.alias }, otherVersionsAfter: others)
    }

    /// A label, trimmed. - Throws: ``ActionError/invalidLabel(_:)``.
    public static func validate(_ label: String) throws -> String {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ActionError.invalidLabel("a label is empty.") }
        if trimmed.contains(",") { throw ActionError.invalidLabel("'\(trimmed)' contains a comma.") }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ActionError.invalidLabel("'\(trimmed.debugDescription)' contains a control character.")
        }
        return trimmed
    }

    /// One line per change, for a confirm dialog or the CLI: `aliases: [a] → [a, b]`, then the moves.
    public var summaryLines: [String] {
        let name = switch kind {
        case .alias: "aliases"
        case .versionTag: "version tags"
        case .artifactTag: "artifact tags"
        }
        let target = version.map { " of \($0.version)" } ?? ""
        var lines = ["\(name)\(target): [\(before.joined(separator: ", "))] → [\(after.joined(separator: ", "))]"]
        lines += moves.map { "moves \($0)" }
        return lines
    }
}

/// Writes a ``LabelEdit`` through `write/artifacts/version/labels` (§2.11) and
/// `write/artifacts/details` (§2.12), then reads the artifact back from the server.
public enum LabelEditor {
    /// Applies `edit`: first removes moved aliases from the versions that held them, then sets the
    /// edited version's (or artifact's) labels. Returns the artifact as the server now has it.
    /// - Throws: ``CometAPIError``.
    @discardableResult
    public static func apply(_ edit: LabelEdit, workspace: String, artifactName: String,
                             client: some ArtifactWriting) async throws -> ArtifactDetails {
        if !edit.isNoOp {
            switch edit.kind {
            case .artifactTag:
                try await client.updateArtifactDetails(artifactId: edit.artifactId, tags: edit.after, type: nil)
            case .versionTag:
                try await client.updateVersionLabels(artifactVersionId: edit.version!.artifactVersionId, aliases: nil,
                                                     versionTags: edit.after, metadata: nil)
            case .alias:
                for (versionId, aliases) in edit.otherVersionsAfter.sorted(by: { $0.key < $1.key }) {
                    try await client.updateVersionLabels(artifactVersionId: versionId, aliases: aliases, versionTags: nil, metadata: nil)
                }
                try await client.updateVersionLabels(artifactVersionId: edit.version!.artifactVersionId, aliases: edit.after,
                                                     versionTags: nil, metadata: nil)
            }
        }
        return try await client.artifactDetails(workspace: workspace, name: artifactName)
    }
}
