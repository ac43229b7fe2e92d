import CometAPI
import Foundation
import GRDB

extension RegistryStore {
    /// Applies a label delta in one write transaction: `after = before − remove + add` (added labels
    /// appended in order, duplicates skipped), so no concurrent writer's change can be lost between
    /// a read and a write. An added alias held by another version of the artifact is moved (removed
    /// there) in the same transaction.
    ///
    /// - Parameters:
    ///   - versionId: the version, for `.alias` and `.versionTag`.
    ///   - artifactId: the artifact, for `.artifactTag`.
    /// - Throws: ``RegistryError/versionNotFound(_:)`` / ``RegistryError/artifactNotFound(_:)`` for an
    ///   unknown or foreign target, ``RegistryError/badRequest(_:)`` for a missing target, `latest` or an
    ///   unreachable alias (nothing changes then).
    public func applyLabelDelta(kind: LabelKind, artifactId: String?, versionId: String?, userId: Int64,
                                add: [String], remove: [String]) throws -> LabelDeltaAnswer {
        let adds = VersionRules.normalizedLabels(add)
        // arty's clients check labels with the same grammar (for aliases: not `latest`, reachable by a
        // reference); a label they would refuse is refused here too.
        for label in adds {
            do { _ = try LabelGrammar.validate(label, kind: kind) } catch let error as ActionError {
                throw RegistryError.badRequest(error.userMessage)
            }
        }
        // The same arithmetic as arty's client (``LabelDelta/applied(to:)``), applied inside the transaction.
        let delta = LabelDelta(add: adds, remove: VersionRules.normalizedLabels(remove))
        return try pool.write { db in
            switch kind {
            case .artifactTag:
                guard let id = artifactId else { throw RegistryError.badRequest("artifactId is required for artifact tags") }
                guard let artifact = try Self.artifact(db, id: id, userId: userId) else { throw RegistryError.artifactNotFound(id) }
                let after = delta.applied(to: artifact.tags)
                try db.execute(sql: "UPDATE artifacts SET tags = ? WHERE id = ?", arguments: [Self.encodeList(after), id])
                return LabelDeltaAnswer(before: artifact.tags, after: after, moves: [])
            case .alias, .versionTag:
                guard let id = versionId else { throw RegistryError.badRequest("artifactVersionId is required for \(kind.plural)") }
                guard let (artifact, version) = try Self.version(db, id: id, userId: userId) else {
                    throw RegistryError.versionNotFound(id)
                }
                if kind == .versionTag {
                    let after = delta.applied(to: version.tags)
                    try db.execute(sql: "UPDATE versions SET tags = ? WHERE id = ?", arguments: [Self.encodeList(after), id])
                    return LabelDeltaAnswer(before: version.tags, after: after, moves: [])
                }
                let after = delta.applied(to: version.aliases)
                var moves: [LabelDeltaAnswer.Move] = []
                for other in try Self.versions(db, artifactId: artifact.id) where other.id != id {
                    for alias in other.aliases where adds.contains(alias) && !version.aliases.contains(alias) {
                        moves.append(.init(alias: alias, fromVersionId: other.id, fromVersion: other.version))
                    }
                }
                try Self.setAliases(db, artifactId: artifact.id, versionId: id, aliases: after)
                return LabelDeltaAnswer(before: version.aliases, after: after, moves: moves.sorted { $0.alias < $1.alias })
            }
        }
    }
}
