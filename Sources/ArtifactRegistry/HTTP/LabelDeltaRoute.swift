import CometAPI
import Foundation
import Hummingbird

/// arty's extension endpoint `POST /api/rest/v2/write/artifacts/labels/delta` (not part of Comet's
/// API: Comet's `version/labels` and `details` replace whole sets, reference §2.11–2.12, so two
/// clients editing at once can erase each other's labels).
///
/// Body: `{"field": "alias"|"versionTags"|"artifactTags", "artifactVersionId": ID|null,
/// "artifactId": ID|null, "add": [LABEL…], "remove": [LABEL…]}`. The change is applied to what the
/// registry holds at that moment, in one transaction (``RegistryStore/applyLabelDelta(kind:artifactId:versionId:userId:add:remove:)``).
/// Answers `{"msg","code","sdk_error_code", "before": […], "after": […], "moves": [{"alias",
/// "fromArtifactVersionId", "fromVersion"}]}`; 400 for a bad field or label, 624523 / 624522 for an
/// unknown version / artifact. Clients detect a server without it by a 404 (or an answer without
/// `after`) and fall back to read-apply-write-verify.
extension RegistryResponder {
    /// The path of the extension endpoint.
    static let labelDeltaPath = "/api/rest/v2/write/artifacts/labels/delta"

    func labelDelta(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let field = Self.string(body, "field"), let kind = LabelKind(wireField: field) else {
            throw RegistryError.badRequest("field must be one of \(LabelKind.allCases.map(\.wireField).joined(separator: ", "))")
        }
        let result = try store.applyLabelDelta(kind: kind, artifactId: Self.string(body, "artifactId"),
                                               versionId: Self.string(body, "artifactVersionId"), userId: user.id,
                                               add: Self.strings(body, "add") ?? [], remove: Self.strings(body, "remove") ?? [])
        let moves: [WireJSON] = result.moves.map {
            .object([("alias", .string($0.alias)), ("fromArtifactVersionId", .string($0.fromVersionId)),
                     ("fromVersion", .string($0.fromVersion))])
        }
        return Self.json(.object([("msg", .string("ok")), ("code", .int(200)), ("sdk_error_code", .int(0)),
                                  ("before", .array(result.before.map(WireJSON.string))),
                                  ("after", .array(result.after.map(WireJSON.string))),
                                  ("moves", .array(moves))]))
    }
}
