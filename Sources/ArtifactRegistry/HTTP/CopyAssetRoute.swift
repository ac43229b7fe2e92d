import Foundation
import Hummingbird

/// arty's extension endpoint `POST /api/rest/v2/write/artifacts/version/copy-asset` (not part of
/// Comet's API; reference §2.13 describes the standard upload it saves).
///
/// Body: `{"sourceAssetId", "sourceArtifactVersionId"?, "artifactVersionId", "fileName"}`. Adds an
/// asset to the OPEN version `artifactVersionId` that references the source asset's stored blob
/// (or link), so `arty bump` copies a local asset without transferring its bytes again.
/// Answers `{"assetId": NEW_ID}`; 404 when the source asset or target version is not found.
extension RegistryResponder {
    /// The path of the extension endpoint.
    static let copyAssetPath = "/api/rest/v2/write/artifacts/version/copy-asset"

    func copyAsset(_ request: Request, user: UserRecord) async throws -> Response {
        let body = try await jsonBody(request)
        guard let sourceId = Self.string(body, "sourceAssetId"), let versionId = Self.string(body, "artifactVersionId") else {
            throw RegistryError.badRequest("sourceAssetId and artifactVersionId are required")
        }
        guard let source = try store.asset(id: sourceId, versionId: Self.string(body, "sourceArtifactVersionId"), userId: user.id) else {
            throw RegistryError.assetNotFound(sourceId)
        }
        let assetId = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var copy = source
        copy.assetId = assetId
        copy.versionId = versionId
        copy.logicalPath = Self.string(body, "fileName") ?? source.logicalPath
        try store.addAsset(copy, userId: user.id)
        return Self.json(.object([("msg", .string("ok")), ("code", .int(200)), ("sdk_error_code", .int(0)),
                                  ("assetId", .string(assetId))]))
    }
}
