import Foundation

extension CometClient {
    /// Asks the server to add a copy of an existing asset to an OPEN version without moving bytes:
    /// arty's local-registry extension `POST write/artifacts/version/copy-asset`
    /// (body `{sourceAssetId, sourceArtifactVersionId, artifactVersionId, fileName}`).
    ///
    /// - Returns: true when the server made the copy; false when it does not offer the extension
    ///   (404/405, or an answer without the new `assetId`), so the caller falls back to
    ///   download + upload.
    /// - Throws: ``CometAPIError`` for other failures (authorisation, 5xx after retries, transport).
    public func copyAssetOnServer(sourceAssetId: String, sourceVersionId: String?, artifactVersionId: String,
                                  logicalPath: String) async throws -> Bool {
        let body: JSONValue = .object([
            "sourceAssetId": .string(sourceAssetId), "sourceArtifactVersionId": sourceVersionId.map(JSONValue.string) ?? .null,
            "artifactVersionId": .string(artifactVersionId), "fileName": .string(logicalPath),
        ])
        var request = makeRequest(.post, url: url("write/artifacts/version/copy-asset", []))
        request.body = .data(Data(body.compactJSON.utf8), contentType: "application/json")
        request.totalTimeoutMilliseconds = Self.jsonTimeoutMilliseconds
        let response: TransportResponse
        do {
            response = try await perform(request, operation: "Copying asset \(sourceAssetId) on the server", sink: .memory,
                                         progress: nil, idempotent: false)
        } catch let error as CometAPIError where error.status == 404 || error.status == 405 || error.status == 400 {
            return false
        }
        let answer = try? JSONDecoder().decode(JSONValue.self, from: response.body)
        return answer?["assetId"]?.stringValue?.isEmpty == false
    }
}
