import CometAPI
import Foundation
import GRDB

/// Which label set a delta edits (arty's `write/artifacts/labels/delta` extension).
public enum LabelField: String, Sendable, Hashable, CaseIterable {
    /// A version's aliases: an alias names at most one version of an artifact.
    case alias
    /// A version's version tags.
    case versionTags
    /// The artifact's tags.
    case artifactTags
}

/// What an atomic label delta did: the set before and after, and the aliases it moved away from
/// other versions of the artifact.
public struct LabelDeltaResult: Sendable, Equatable {
    public struct Move: Sendable, Equatable {
        public var alias: String
        public var fromVersionId: String
        public var fromVersion: String
    }
    public var before: [String]
    public var after: [String]
    public var moves: [Move]
}

extension RegistryStore {
    /// Applies a label delta in one write transaction: `after = before − remove + add` (added labels
    /// appended in order, duplicates skipped), so no concurrent writer's change can be lost between
    /// a read and a write. An added alias held by another version of the artifact is moved (removed
    /// there) in the same transaction.
    ///
    /// - Parameters:
    ///   - versionId: the version, for `.alias` and `.versionTags`.
    ///   - artifactId: the artifact, for `.artifactTags`.
    /// - Throws: ``RegistryError/versionNotFound(_:)`` / ``RegistryError/artifactNotFound(_:)`` for an
    ///   unknown or foreign target, ``RegistryError/badRequest(_:)`` for a missing target, `latest` or an
    ///   unreachable alias (nothing changes then).
    public func applyLabelDelta(field: LabelField, artifactId: String?, versionId: String?, userId: Int64,
                                add: [String], remove: [String]) throws -> LabelDeltaResult {
        let adds = VersionRules.normalizedLabels(add)
        let removes = Set(VersionRules.normalizedLabels(remove))
        // arty's clients check labels with the same grammar; a label they would refuse is refused here too.
        let kind: LabelKind = switch field {
        case .alias: .alias
        case .versionTags: .versionTag
        case .artifactTags: .artifactTag
        }
        for label in adds {
            do { _ = try LabelGrammar.validate(label, kind: kind) } catch let error as ActionError {
                throw RegistryError.badRequest(error.userMessage)
            }
        }
        if field == .alias {
            if let reserved = adds.first(where: VersionRules.isLatest) {
                throw RegistryError.badRequest("Invalid alias: '\(reserved)' is reserved for the highest version")
            }
            for alias in adds {
                if let problem = ArtifactReference.aliasProblem(alias) { throw RegistryError.badRequest("Invalid alias: \(problem)") }
            }
        }
        func apply(_ before: [String]) -> [String] {
            var after = before.filter { !removes.contains($0) }
            for label in adds where !after.contains(label) { after.append(label) }
            return after
        }
        return try pool.write { db in
            switch field {
            case .artifactTags:
                guard let id = artifactId else { throw RegistryError.badRequest("artifactId is required for artifact tags") }
                guard let artifact = try Self.artifact(db, id: id, userId: userId) else { throw RegistryError.artifactNotFound(id) }
                let after = apply(artifact.tags)
                try db.execute(sql: "UPDATE artifacts SET tags = ? WHERE id = ?", arguments: [Self.encodeList(after), id])
                return LabelDeltaResult(before: artifact.tags, after: after, moves: [])
            case .alias, .versionTags:
                guard let id = versionId else { throw RegistryError.badRequest("artifactVersionId is required for \(field.rawValue)") }
                guard let (artifact, version) = try Self.version(db, id: id, userId: userId) else {
                    throw RegistryError.versionNotFound(id)
                }
                if field == .versionTags {
                    let after = apply(version.tags)
                    try db.execute(sql: "UPDATE versions SET tags = ? WHERE id = ?", arguments: [Self.encodeList(after), id])
                    return LabelDeltaResult(before: version.tags, after: after, moves: [])
                }
                let after = apply(version.aliases)
                var moves: [LabelDeltaResult.Move] = []
                for other in try Self.versions(db, artifactId: artifact.id) where other.id != id {
                    for alias in other.aliases where adds.contains(alias) && !version.aliases.contains(alias) {
                        moves.append(.init(alias: alias, fromVersionId: other.id, fromVersion: other.version))
                    }
                }
                try Self.setAliases(db, artifactId: artifact.id, versionId: id, aliases: after)
                return LabelDeltaResult(before: version.aliases, after: after, moves: moves.sorted { $0.alias < $1.alias })
            }
        }
    }
}
