import Foundation

/// What arty's registry answered to an atomic label delta: the set before and after, and the
/// aliases it moved away from other versions.
public struct LabelDeltaAnswer: Sendable, Hashable {
    public struct Move: Sendable, Hashable {
        public var alias: String
        public var fromVersionId: String
        public var fromVersion: String
        public init(alias: String, fromVersionId: String, fromVersion: String) {
            self.alias = alias
            self.fromVersionId = fromVersionId
            self.fromVersion = fromVersion
        }
    }
    public var before: [String]
    public var after: [String]
    public var moves: [Move]

    public init(before: [String], after: [String], moves: [Move]) {
        self.before = before
        self.after = after
        self.moves = moves
    }
}

extension LabelKind {
    /// The `field` of the `labels/delta` extension: `alias`, `versionTags`, `artifactTags`.
    public var wireField: String {
        switch self {
        case .alias: "alias"
        case .versionTag: "versionTags"
        case .artifactTag: "artifactTags"
        }
    }

    /// The kind a `labels/delta` `field` names, nil for anything else.
    public init?(wireField: String) {
        guard let kind = Self.allCases.first(where: { $0.wireField == wireField }) else { return nil }
        self = kind
    }
}

extension CometClient {
    /// Applies a label change on the server in one step: arty's local-registry extension
    /// `POST write/artifacts/labels/delta` (body `{field, artifactId, artifactVersionId, add, remove}`;
    /// `field` is `alias`, `versionTags` or `artifactTags`). The server applies the change to what it
    /// holds at that moment, so no concurrent writer's label is lost. Comet's own API has no such call
    /// (its `version/labels` and `details` replace whole sets, reference §2.11–2.12).
    ///
    /// - Returns: the server's answer; nil when the server does not offer the extension (404/405, or
    ///   an answer without `after`), so the caller falls back to read-apply-write-verify.
    /// - Throws: ``CometAPIError`` for other failures (a refused label, authorisation, 5xx after retries).
    public func applyLabelDeltaOnServer(kind: LabelKind, artifactId: String, artifactVersionId: String?,
                                        add: [String], remove: [String]) async throws -> LabelDeltaAnswer? {
        let body: JSONValue = .object([
            "field": .string(kind.wireField), "artifactId": .string(artifactId),
            "artifactVersionId": artifactVersionId.map(JSONValue.string) ?? .null,
            "add": .array(add.map(JSONValue.string)), "remove": .array(remove.map(JSONValue.string)),
        ])
        var request = makeRequest(.post, url: url("write/artifacts/labels/delta", []))
        request.body = .data(Data(body.compactJSON.utf8), contentType: "application/json")
        request.totalTimeoutMilliseconds = Self.jsonTimeoutMilliseconds
        let response: TransportResponse
        do {
            // A delta is idempotent (adding or removing a label twice changes nothing more), so a lost answer is retried.
            response = try await perform(request, operation: "Updating labels", sink: .memory, progress: nil, idempotent: true)
        } catch let error as CometAPIError where error.status == 404 || error.status == 405 {
            return nil
        }
        guard let answer = try? JSONDecoder().decode(JSONValue.self, from: response.body),
              let after = answer["after"]?.arrayValue?.compactMap(\.stringValue) else { return nil }
        let before = answer["before"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let moves = (answer["moves"]?.arrayValue ?? []).compactMap { m -> LabelDeltaAnswer.Move? in
            guard let alias = m["alias"]?.stringValue, let id = m["fromArtifactVersionId"]?.stringValue else { return nil }
            return .init(alias: alias, fromVersionId: id, fromVersion: m["fromVersion"]?.stringValue ?? "?")
        }
        return LabelDeltaAnswer(before: before, after: after, moves: moves)
    }
}
