import Foundation

/// Which labels an edit changes.
public enum LabelKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A version's aliases (unique per artifact).
    case alias
    /// A version's version tags.
    case versionTag
    /// The artifact's tags.
    case artifactTag

    /// `aliases`, `version tags`, `artifact tags`.
    public var plural: String {
        switch self {
        case .alias: "aliases"
        case .versionTag: "version tags"
        case .artifactTag: "artifact tags"
        }
    }

    /// The labels of this kind in `details`: the version's (found by id) or the artifact's; nil
    /// when the version is not among `details.versions`.
    public func labels(in details: ArtifactDetails, versionId: String?) -> [String]? {
        switch self {
        case .artifactTag: return details.artifact.tags
        case .alias, .versionTag:
            guard let v = details.versions.first(where: { $0.artifactVersionId == versionId }) else { return nil }
            return self == .alias ? v.aliases : v.tags
        }
    }
}

/// An alias taken from another version: `production: 1.0.0 → 2.0.0`.
public struct AliasMove: Sendable, Hashable, Codable, CustomStringConvertible {
    public var alias: String
    public var fromVersion: String
    public var fromVersionId: String
    public var toVersion: String

    public init(alias: String, fromVersion: String, fromVersionId: String, toVersion: String) {
        self.alias = alias
        self.fromVersion = fromVersion
        self.fromVersionId = fromVersionId
        self.toVersion = toVersion
    }

    public var description: String { "\(alias): \(fromVersion) → \(toVersion)" }
}

/// A label edit as the user meant it: the labels added and the labels removed, never a whole list
/// (pure). Applied to whatever the server holds when it is written, so a label someone else added
/// or removed in the meantime keeps their change.
public struct LabelDelta: Sendable, Hashable, Codable {
    /// Labels to add, in the order given.
    public var add: [String]
    /// Labels to remove.
    public var remove: [String]

    public init(add: [String] = [], remove: [String] = []) {
        self.add = add
        self.remove = remove
    }

    /// True when the edit changes nothing.
    public var isEmpty: Bool { add.isEmpty && remove.isEmpty }

    /// The change that turns `before` into `after`: what the user did in an editor that opened
    /// with `before` and was left holding `after`.
    public static func between(_ before: [String], _ after: [String]) -> LabelDelta {
        LabelDelta(add: after.filter { !before.contains($0) }, remove: before.filter { !after.contains($0) })
    }

    /// `current` with this change applied: removed labels dropped, added ones appended (once), the
    /// order of the others kept.
    public func applied(to current: [String]) -> [String] {
        var after = current.filter { !remove.contains($0) }
        for label in add where !after.contains(label) { after.append(label) }
        return after
    }

    /// True when `labels` shows this change: every added label present, every removed one absent.
    public func holds(in labels: [String]) -> Bool {
        add.allSatisfy(labels.contains) && !remove.contains(where: labels.contains)
    }

    /// `Add cold · Remove none`.
    public var summary: String {
        let add = add.isEmpty ? "none" : LabelGrammar.format(add)
        let remove = remove.isEmpty ? "none" : LabelGrammar.format(remove)
        return "Add \(add) · Remove \(remove)"
    }
}

/// A planned label change, shown before confirming: the user's ``LabelDelta`` applied to the labels
/// the server holds now (pure; see ``LabelEdit/plan(kind:delta:version:details:opened:)``).
public struct LabelEdit: Sendable, Hashable {
    public var kind: LabelKind
    /// The version edited (nil for artifact tags), as the server has it now.
    public var version: ArtifactVersion?
    /// The artifact (id for `write/artifacts/details` and the delta extension).
    public var artifactId: String
    /// The user's change.
    public var delta: LabelDelta
    /// The labels the server holds now.
    public var before: [String]
    /// ``before`` with the change applied: what the write will leave, unless someone writes meanwhile.
    public var after: [String]
    /// Aliases moved from other versions of the artifact.
    public var moves: [AliasMove]
    /// What others changed between the moment the editor opened and now (labels added and
    /// removed by someone else); empty when nothing changed or the editor's start is unknown.
    public var concurrent: LabelDelta

    /// True when nothing changes.
    public var isNoOp: Bool { before == after && moves.isEmpty }

    /// Plans applying `delta` to the labels of `kind` in `details` (the server's state now).
    ///
    /// Added labels are checked with ``LabelGrammar/validate(_:kind:)``; removed ones are not (an
    /// existing label that the grammar would refuse can still be removed). Adding an alias held by
    /// another version records an ``AliasMove``. `opened` is what the editor showed when it opened:
    /// the differences from `before` are reported in ``concurrent`` (`hot was added by someone else; kept`).
    /// - Throws: ``ActionError/invalidLabel(_:)``.
    public static func plan(kind: LabelKind, delta: LabelDelta, version: ArtifactVersion?, details: ArtifactDetails,
                            opened: [String]? = nil) throws -> LabelEdit {
        let adds = try delta.add.map { try LabelGrammar.validate($0, kind: kind) }
        let delta = LabelDelta(add: adds, remove: delta.remove.filter { !adds.contains($0) })
        let before: [String]
        var current = version
        switch kind {
        case .artifactTag: before = details.artifact.tags
        case .alias, .versionTag:
            guard let version else {
                throw ActionError.invalidLabel("no version selected for \(kind.plural).")
            }
            // The version as `details` has it (fresher than the caller's copy when both are given).
            current = details.versions.first { $0.artifactVersionId == version.artifactVersionId } ?? version
            before = kind == .alias ? current!.aliases : current!.tags
        }
        var moves: [AliasMove] = []
        if kind == .alias, let current {
            for other in details.versions where other.artifactVersionId != current.artifactVersionId {
                for alias in other.aliases where delta.add.contains(alias) && !before.contains(alias) {
                    moves.append(AliasMove(alias: alias, fromVersion: other.version, fromVersionId: other.artifactVersionId,
                                           toVersion: current.version))
                }
            }
        }
        return LabelEdit(kind: kind, version: current, artifactId: details.artifact.artifactId, delta: delta, before: before,
                         after: delta.applied(to: before), moves: moves.sorted { $0.alias < $1.alias },
                         concurrent: opened.map { LabelDelta.between($0, before) } ?? LabelDelta())
    }

    /// Plans adding `add` and removing `remove` (the CLI's `add` / `remove`).
    /// - Throws: ``ActionError/invalidLabel(_:)``.
    public static func plan(kind: LabelKind, add: [String], remove: [String], version: ArtifactVersion?,
                            details: ArtifactDetails) throws -> LabelEdit {
        try plan(kind: kind, delta: LabelDelta(add: add, remove: remove), version: version, details: details)
    }

    /// Lines for others' changes since the editor opened: `hot was added by someone else; kept`.
    public var concurrentLines: [String] {
        concurrent.add.map { "\($0) was added by someone else; kept" }
            + concurrent.remove.map { "\($0) was removed by someone else; stays removed" }
    }

    /// One line per change, for a confirm dialog or the CLI: `aliases of 2.0.0: [a] → [a, b]`, then the moves.
    public var summaryLines: [String] {
        let target = version.map { " of \($0.version)" } ?? ""
        var lines = ["\(kind.plural)\(target): [\(LabelGrammar.format(before))] → [\(LabelGrammar.format(after))]"]
        lines += moves.map { "moves \($0)" }
        return lines
    }
}

/// What a label write did, as read back from the server.
public struct LabelWriteOutcome: Sendable, Hashable {
    /// The labels the server held just before the write that succeeded.
    public var before: [String]
    /// The labels the server holds after the write (read back).
    public var after: [String]
    /// Aliases moved away from other versions.
    public var moves: [AliasMove]
    /// Writes made (1 unless another writer raced the edit and it was applied again).
    public var attempts: Int
    /// True when the server applied the change atomically (arty's registry extension); false for
    /// read-apply-write-verify through Comet's whole-set endpoints.
    public var atomic: Bool
    /// Labels that were on the server before the write, were not removed by this edit, and were
    /// gone when it was read back: another writer removed them meanwhile (reported, not restored).
    public var removedByOthers: [String]
    /// The artifact as the server has it after the write.
    public var details: ArtifactDetails
}

/// Writes a ``LabelDelta`` so that no one else's change is lost.
///
/// On arty's registry the change goes through the `write/artifacts/labels/delta` extension, applied
/// atomically on the server. Elsewhere (comet.com, whose `version/labels` and `details` replace whole
/// sets, reference §2.11–2.12) it is read-apply-write-verify: read the labels now, apply the delta,
/// write, read back, look once more after a pause of a few round trips (``defaultSettle``), and
/// apply again (at most ``maxAttempts`` writes) when another writer's write undid it; a conflict
/// that persists is an error that names the labels.
public enum LabelEditor {
    /// Writes at most this many times when other writers keep undoing the change.
    public static let maxAttempts = 6
    /// The least pause before the second look at the labels on a server without the delta extension.
    public static let defaultSettle = Duration.milliseconds(250)

    /// Applies `edit.delta` to the labels the server holds at write time.
    /// - Throws: ``CometAPIError``; ``ActionError/labelConflict(_:)`` when the change did not hold
    ///   after ``maxAttempts`` writes.
    @discardableResult
    public static func apply(_ edit: LabelEdit, workspace: String, artifactName: String,
                             client: some ArtifactWriting, settle: Duration = defaultSettle) async throws -> LabelWriteOutcome {
        try await apply(edit.delta, kind: edit.kind, artifactId: edit.artifactId, version: edit.version,
                        workspace: workspace, artifactName: artifactName, client: client, settle: settle)
    }

    /// Applies `delta` to the labels of `kind` (of `version`, or of the artifact) as the server holds them now.
    /// - Parameter settle: on a server without the delta extension, how long to wait (at least; three
    ///   times the slowest read if longer) before reading the labels once more to catch a writer whose
    ///   stale whole-set write landed just after ours; zero skips that check.
    /// - Throws: see ``apply(_:workspace:artifactName:client:)``.
    public static func apply(_ delta: LabelDelta, kind: LabelKind, artifactId: String, version: ArtifactVersion?,
                             workspace: String, artifactName: String, client: some ArtifactWriting,
                             settle: Duration = defaultSettle) async throws -> LabelWriteOutcome {
        let versionId = version?.artifactVersionId
        if kind != .artifactTag, versionId == nil { throw ActionError.invalidLabel("no version selected for \(kind.plural).") }
        if let answer = try await client.applyLabelDeltaOnServer(kind: kind, artifactId: artifactId, artifactVersionId: versionId,
                                                                 add: delta.add, remove: delta.remove) {
            let details = try await client.artifactDetails(workspace: workspace, name: artifactName)
            let moves = answer.moves.map {
                AliasMove(alias: $0.alias, fromVersion: $0.fromVersion, fromVersionId: $0.fromVersionId, toVersion: version?.version ?? "?")
            }
            return LabelWriteOutcome(before: answer.before, after: kind.labels(in: details, versionId: versionId) ?? answer.after,
                                     moves: moves, attempts: 1, atomic: true, removedByOthers: [], details: details)
        }
        var removedByOthers: [String] = []
        var lastSeen: [String] = []
        let clock = ContinuousClock()
        var longestRead = Duration.zero
        func read() async throws -> (ArtifactDetails, [String]?) {
            let started = clock.now
            let details = try await client.artifactDetails(workspace: workspace, name: artifactName)
            longestRead = max(longestRead, clock.now - started)
            return (details, kind.labels(in: details, versionId: versionId))
        }
        var moves: [AliasMove] = []
        for attempt in 1...maxAttempts {
            if attempt > 1 {
                // Writers racing in lockstep would undo each other again: back off for a random while,
                // longer after each lost race (at most 0.1, 0.2, 0.4, 0.8, 1.6 s).
                try await Task.sleep(for: .milliseconds(Int.random(in: 10...(50 << (attempt - 1)))))
            }
            let (details, labels) = try await read()
            guard let current = labels else {
                throw ActionError.invalidLabel("version \(version?.version ?? "?") of \(artifactName) no longer exists.")
            }
            let after = delta.applied(to: current)
            if current != after {
                switch kind {
                case .artifactTag:
                    try await client.updateArtifactDetails(artifactId: artifactId, tags: after, type: nil)
                case .versionTag:
                    try await client.updateVersionLabels(artifactVersionId: versionId!, aliases: nil, versionTags: after, metadata: nil)
                case .alias:
                    // The edited version first, then each added alias is taken away from the versions holding
                    // it, explicitly, so the move works on a server that would not make it itself. In this order
                    // an interrupted move leaves the alias on two versions for a moment, never on none.
                    try await client.updateVersionLabels(artifactVersionId: versionId!, aliases: after, versionTags: nil, metadata: nil)
                    for other in details.versions where other.artifactVersionId != versionId {
                        let taken = other.aliases.filter { delta.add.contains($0) && !current.contains($0) }
                        guard !taken.isEmpty else { continue }
                        try await client.updateVersionLabels(artifactVersionId: other.artifactVersionId,
                                                             aliases: other.aliases.filter { !taken.contains($0) },
                                                             versionTags: nil, metadata: nil)
                        for alias in taken where !moves.contains(where: { $0.alias == alias }) {
                            moves.append(AliasMove(alias: alias, fromVersion: other.version, fromVersionId: other.artifactVersionId,
                                                   toVersion: version?.version ?? "?"))
                        }
                    }
                }
            }
            var (readBack, now) = try await read()
            lastSeen = now ?? []
            guard delta.holds(in: lastSeen) else { continue }  // another writer's write landed after ours: again
            // A writer that read before our write may still land its whole-set write a moment later and
            // undo ours without anyone noticing. Look again after a few round trips; apply again if so.
            if settle > .zero {
                let jitter = Duration.milliseconds(Int.random(in: 0...50))
                try await Task.sleep(for: max(settle, longestRead * 3) + jitter)
                (readBack, now) = try await read()
                lastSeen = now ?? []
                guard delta.holds(in: lastSeen) else { continue }
            }
            let untouchedGone = current.filter { !delta.remove.contains($0) && !lastSeen.contains($0) }
            for label in untouchedGone where !removedByOthers.contains(label) { removedByOthers.append(label) }
            return LabelWriteOutcome(before: current, after: lastSeen, moves: moves.sorted { $0.alias < $1.alias }, attempts: attempt,
                                     atomic: false, removedByOthers: removedByOthers, details: readBack)
        }
        let missing = delta.add.filter { !lastSeen.contains($0) }
        let back = delta.remove.filter(lastSeen.contains)
        var parts: [String] = []
        if !missing.isEmpty { parts.append("\(missing.joined(separator: ", ")) not added") }
        if !back.isEmpty { parts.append("\(back.joined(separator: ", ")) not removed") }
        throw ActionError.labelConflict("another writer kept changing the \(kind.plural) of \(artifactName)"
                                        + (version.map { ":\($0.version)" } ?? "") + " (\(maxAttempts) writes; "
                                        + parts.joined(separator: ", ") + "). Nothing else was changed; try again.")
    }
}
