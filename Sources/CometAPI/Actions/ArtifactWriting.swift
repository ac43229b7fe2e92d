import Foundation

/// The write side of Comet's artifact API that the actions use (reference §2.7–2.14):
/// ``CometClient`` conforms; the TUI and tests may supply in-memory fakes.
///
/// Every method throws ``CometAPIError`` on failure and honours task cancellation.
public protocol ArtifactWriting: ArtifactReading, AssetDownloading {
    /// `POST write/artifacts/version/labels` (§2.11): a non-nil list replaces the whole set.
    func updateVersionLabels(artifactVersionId: String, aliases: [String]?, versionTags: [String]?,
                             metadata: JSONValue?) async throws
    /// `POST write/artifacts/details` (§2.12): replaces the artifact tags and/or changes its type.
    func updateArtifactDetails(artifactId: String, tags: [String]?, type: String?) async throws
    /// `POST write/artifacts/upsert` (§2.9): a new OPEN version.
    func upsertArtifactVersion(_ upsert: ArtifactVersionUpsert) async throws -> ArtifactVersionUpsertResult
    /// `POST write/artifacts/state` (§2.10).
    func setVersionState(artifactVersionId: String, experimentKey: String?, state: ArtifactVersionState) async throws
    /// `POST write/experiment/upload-asset` with a file (§2.13 d); `progress` reports bytes sent.
    func uploadAsset(fileAt path: String, logicalPath: String, artifactVersionId: String, experimentKey: String?,
                     metadata: JSONValue?, overwrite: Bool, progress: ProgressHandler?) async throws
    /// `POST write/experiment/upload-asset?isRemote=true` with a link (§2.13 c).
    func uploadRemoteAsset(link: String, logicalPath: String, artifactVersionId: String, experimentKey: String?,
                           metadata: JSONValue?, overwrite: Bool) async throws
    /// `POST write/experiment/create` (§2.14).
    func createExperiment(workspace: String, project: String, name: String?) async throws -> ExperimentInfo
    /// arty's registry extension `write/artifacts/version/copy-asset`; false when the server lacks it.
    func copyAssetOnServer(sourceAssetId: String, sourceVersionId: String?, artifactVersionId: String,
                           logicalPath: String) async throws -> Bool
    /// arty's registry extension `write/artifacts/labels/delta`: applies a label change atomically;
    /// nil when the server lacks it (the caller then reads, applies, writes and verifies).
    func applyLabelDeltaOnServer(kind: LabelKind, artifactId: String, artifactVersionId: String?,
                                 add: [String], remove: [String]) async throws -> LabelDeltaAnswer?
}

extension CometClient: ArtifactWriting {}
