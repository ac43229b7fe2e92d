import CometAPI
import Foundation

/// How a request names one version of an artifact (reference §2.5, §4.3).
public enum VersionLookup: Sendable, Equatable {
    /// By `versionId`: answers OPEN and ERROR versions too (the SDK reads them right after upsert).
    case id(String)
    /// By exact semantic version text.
    case version(String)
    /// By alias; `latest` (any case) is the highest version.
    case alias(String)
    /// `versionOrAlias`: tried as a version first, then as an alias.
    case versionOrAlias(String)
}

/// Pure rules of artifact versions: next version, alias moves, lookups. No I/O.
public enum VersionRules {
    /// The version a new upsert gets when none is given: `1.0.0` first, else the next major of the
    /// highest existing version (reference §4.1); nil when the highest major is already `Int.max`.
    public static func nextVersion(after existing: [SemanticVersion]) -> SemanticVersion? {
        guard let highest = existing.max() else { return SemanticVersion(major: 1, minor: 0, patch: 0) }
        return highest.nextMajor
    }

    /// The highest version: the highest CLOSED one, or when none is closed yet, the highest of all
    /// (so that a lookup answers "not final" rather than "not found").
    public static func latest(of versions: [VersionRecord]) -> VersionRecord? {
        let closed = versions.filter { $0.state == .closed }
        let pool = closed.isEmpty ? versions : closed
        return pool.max { $0.semanticVersion < $1.semanticVersion }
    }

    /// Whether an alias is the automatic `latest` alias (case-insensitive).
    public static func isLatest(_ alias: String) -> Bool { alias.lowercased() == "latest" }

    /// Cleans an alias or tag list: trims, drops empties and duplicates, keeps first-seen order.
    public static func normalizedLabels(_ labels: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for label in labels {
            let trimmed = label.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, seen.insert(trimmed).inserted else { continue }
            result.append(trimmed)
        }
        return result
    }

    /// Finds the version a lookup names among one artifact's versions.
    ///
    /// - Throws: ``RegistryError/versionNotFound(_:)`` (624523) when nothing matches;
    ///   for by-name lookups (everything except `.id`) of a version that is not CLOSED,
    ///   ``RegistryError/notClosed(_:)`` (90402, OPEN) or ``RegistryError/closedWithError(_:)`` (90403, ERROR).
    public static func resolve(_ lookup: VersionLookup, in versions: [VersionRecord], artifactName: String) throws -> VersionRecord {
        let found: VersionRecord?
        switch lookup {
        case .id(let id):
            guard let v = versions.first(where: { $0.id == id }) else {
                throw RegistryError.versionNotFound("\(artifactName) version id \(id)")
            }
            return v
        case .version(let text):
            found = byVersion(text, in: versions)
        case .alias(let alias):
            found = byAlias(alias, in: versions)
        case .versionOrAlias(let text):
            found = byVersion(text, in: versions) ?? byAlias(text, in: versions)
        }
        guard let version = found else { throw RegistryError.versionNotFound("\(artifactName) \(describe(lookup))") }
        switch version.state {
        case .closed: return version
        case .open: throw RegistryError.notClosed("\(artifactName):\(version.version)")
        case .error: throw RegistryError.closedWithError("\(artifactName):\(version.version)")
        }
    }

    static func byVersion(_ text: String, in versions: [VersionRecord]) -> VersionRecord? {
        guard let wanted = SemanticVersion(text) else { return nil }
        return versions.first { $0.version == text } ?? versions.first { $0.semanticVersion == wanted }
    }

    static func byAlias(_ alias: String, in versions: [VersionRecord]) -> VersionRecord? {
        if isLatest(alias) { return latest(of: versions) }
        return versions.first { $0.aliases.contains(alias) }
    }

    static func describe(_ lookup: VersionLookup) -> String {
        switch lookup {
        case .id(let s): return "id \(s)"
        case .version(let s): return "version \(s)"
        case .alias(let s): return "alias \(s)"
        case .versionOrAlias(let s): return s
        }
    }
}
