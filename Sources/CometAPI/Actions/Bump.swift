import Foundation

/// A planned bump: the next major, minor or patch version made from a source version (pure;
/// see ``BumpPlan/make(source:kind:details:assets:withAliases:)``). Preview: ``preview``.
public struct BumpPlan: Sendable, Hashable {
    public var workspace: String
    public var artifact: Artifact
    public var source: ArtifactVersion
    public var kind: SemanticVersion.Bump
    /// The version to create.
    public var target: SemanticVersion
    /// The source's assets to copy (local files and remote links).
    public var assets: [Asset]
    /// Whether the source's aliases move to the new version.
    public var withAliases: Bool

    /// `1.2.0 → 1.3.0`.
    public var preview: String { "\(source.version) → \(target)" }
    /// Aliases the new version gets (empty unless ``withAliases``).
    public var aliases: [String] { withAliases ? source.aliases : [] }
    /// Bytes of the local assets to copy.
    public var localBytes: Int64 { assets.filter { !$0.isRemote }.reduce(0) { $0 + $1.size } }

    /// Plans a bump of `source`.
    /// - Throws: ``ActionError/notSemantic(version:)`` when the source is not semver;
    ///   ``ActionError/versionOverflow(version:kind:)`` when the number to raise is already `Int.max`;
    ///   ``ActionError/versionExists(artifact:version:)`` when the artifact already has the target
    ///   (compared by semver precedence, so `1.3.0+build` counts as `1.3.0`).
    public static func make(workspace: String, source: ArtifactVersion, kind: SemanticVersion.Bump,
                            details: ArtifactDetails, assets: [Asset], withAliases: Bool = false) throws -> BumpPlan {
        guard let semver = source.semanticVersion else { throw ActionError.notSemantic(version: source.version) }
        guard let target = semver.bumped(kind) else {
            throw ActionError.versionOverflow(version: source.version, kind: kind.rawValue)
        }
        if details.versions.contains(where: { $0.semanticVersion.map { $0.hasSamePrecedence(as: target) } ?? ($0.version == target.description) }) {
            throw ActionError.versionExists(artifact: details.artifact.name, version: target.description)
        }
        return BumpPlan(workspace: workspace, artifact: details.artifact, source: source, kind: kind, target: target,
                        assets: assets.sorted { $0.logicalPath < $1.logicalPath }, withAliases: withAliases)
    }

    /// Reads what a bump of `reference` needs (version resolved once, its artifact and assets) and plans it.
    public static func prepare(_ reference: ArtifactReference, kind: SemanticVersion.Bump, withAliases: Bool = false,
                               client: some ArtifactReading) async throws -> BumpPlan {
        let source = try await ActionPlanning.resolveVersion(reference, client: client)
        let details = try await client.artifactDetails(workspace: reference.workspace, name: reference.artifact)
        let assets = try await client.assets(workspace: reference.workspace, name: reference.artifact,
                                             selector: .version(source.version))
        return try make(workspace: reference.workspace, source: source, kind: kind, details: details, assets: assets,
                        withAliases: withAliases)
    }
}

/// What a bump or a folder log created.
public struct VersionCreated: Sendable, Hashable, Encodable {
    public var workspace: String
    public var artifact: String
    public var version: String
    public var artifactVersionId: String
    /// Local files copied or uploaded, and remote links added.
    public var localAssets: Int
    public var remoteAssets: Int
    /// Bytes uploaded.
    public var bytesUploaded: Int64
    /// Local assets the server copied by reference (no bytes moved).
    public var copiedOnServer: Int

    public init(workspace: String, artifact: String, version: String, artifactVersionId: String, localAssets: Int,
                remoteAssets: Int, bytesUploaded: Int64, copiedOnServer: Int) {
        self.workspace = workspace
        self.artifact = artifact
        self.version = version
        self.artifactVersionId = artifactVersionId
        self.localAssets = localAssets
        self.remoteAssets = remoteAssets
        self.bytesUploaded = bytesUploaded
        self.copiedOnServer = copiedOnServer
    }
}

/// Creates versions: the executor of ``BumpPlan`` (and of ``FolderLog``).
///
/// Steps (reference §2.9–2.13): optionally `write/experiment/create`, `write/artifacts/upsert`
/// with the version string, metadata, version tags (and aliases on request); each remote asset
/// re-registered by link; each local asset copied server-side when the server offers arty's
/// `write/artifacts/version/copy-asset` extension, else downloaded to a temporary folder and
/// uploaded; finally state CLOSED. Assets are handled ``parallelTransfers`` at a time. On failure
/// the version is set to ERROR and the error rethrown.
public struct VersionCopier: Sendable {
    public let client: any ArtifactWriting
    /// Whether to try arty's server-side copy extension before download + upload (default true).
    public let serverSideCopy: Bool
    /// Assets copied or uploaded at once (at least 1; default
    /// ``DownloadOptions/defaultParallelTransfers``, the connections the transport keeps per host).
    public let parallelTransfers: Int
    public let clock: @Sendable () -> Int64

    public init(client: any ArtifactWriting, serverSideCopy: Bool = true,
                parallelTransfers: Int = DownloadOptions.defaultParallelTransfers,
                clock: @escaping @Sendable () -> Int64 = monotonicMilliseconds) {
        self.client = client
        self.serverSideCopy = serverSideCopy
        self.parallelTransfers = max(1, parallelTransfers)
        self.clock = clock
    }

    /// How one asset of a bump arrived in the new version.
    enum Copied: Sendable {
        case remote
        case onServer
        case uploaded(bytes: Int64)
    }

    /// Runs a bump, ``parallelTransfers`` assets at a time. Progress counts each local file's bytes
    /// twice (downloaded, then uploaded: the file is `downloading`, then `uploading`); a file copied
    /// on the server jumps to done. On the first failure no further asset starts, the running ones
    /// are cancelled, the version is set to ERROR and the last report names the asset that failed.
    /// - Throws: ``CometAPIError``, ``ActionError``; a version that already exists surfaces as
    ///   ``ActionError/versionExists(artifact:version:)`` (`sdk_error_code` 90399).
    public func bump(_ plan: BumpPlan, progress: (@Sendable (DownloadProgress) -> Void)? = nil) async throws -> VersionCreated {
        let upsert = ArtifactVersionUpsert(
            artifactName: plan.artifact.name, artifactType: plan.artifact.type, experimentKey: nil,
            workspace: plan.workspace, project: plan.artifact.project, version: plan.target.description,
            aliases: plan.aliases, versionTags: plan.source.tags, metadata: plan.source.metadata)
        let created = try await createVersion(upsert, workspace: plan.workspace)
        let tracker = ProgressTracker(files: plan.assets.map {
            FileProgress(path: $0.logicalPath, bytes: 0, totalBytes: $0.isRemote ? 0 : $0.size * 2, state: .queued)
        }, clock: clock, handler: progress)
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("arty-bump-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: temp) }
        let client = client, serverSideCopy = serverSideCopy
        let versionId = created.result.artifactVersionId, experimentKey = created.experimentKey
        let sourceVersionId = plan.source.artifactVersionId
        do {
            try FileManager.default.createDirectory(atPath: temp, withIntermediateDirectories: true)
            let assets = plan.assets
            let copied = try await BoundedTasks.map(count: assets.count, limit: parallelTransfers) { index -> Copied in
                let asset = assets[index]
                tracker.set(index, state: .transferring, force: true)
                if asset.isRemote {
                    try await client.uploadRemoteAsset(link: asset.link ?? "", logicalPath: asset.logicalPath,
                                                       artifactVersionId: versionId, experimentKey: experimentKey,
                                                       metadata: asset.metadata, overwrite: false)
                    tracker.finish(index, as: .done)
                    return .remote
                }
                if serverSideCopy, try await client.copyAssetOnServer(sourceAssetId: asset.assetId,
                                                                      sourceVersionId: asset.artifactVersionId ?? sourceVersionId,
                                                                      artifactVersionId: versionId, logicalPath: asset.logicalPath) {
                    tracker.finish(index, as: .done)
                    return .onServer
                }
                let file = temp + "/\(index)"
                defer { try? FileManager.default.removeItem(atPath: file) }
                let size = asset.size
                let outcome = try await client.downloadAsset(
                    assetId: asset.assetId, artifactVersionId: asset.artifactVersionId ?? sourceVersionId,
                    experimentKey: "", to: file, resumeFrom: 0, progress: { p in tracker.set(index, bytes: p.completedBytes) })
                guard outcome.fileSize == size else {
                    throw ActionError.verificationFailed(path: asset.logicalPath, detail: "\(outcome.fileSize) bytes received, \(size) expected")
                }
                tracker.set(index, bytes: size, state: .uploading, force: true)
                try await client.uploadAsset(fileAt: file, logicalPath: asset.logicalPath, artifactVersionId: versionId,
                                             experimentKey: experimentKey, metadata: asset.metadata, overwrite: false,
                                             progress: { p in tracker.set(index, bytes: size + min(p.completedBytes, size)) })
                tracker.finish(index, as: .done)
                return .uploaded(bytes: size)
            }
            try await client.setVersionState(artifactVersionId: versionId, experimentKey: experimentKey, state: .closed)
            var local = 0, remote = 0, serverCopies = 0
            var uploaded: Int64 = 0
            for result in copied {
                switch result {
                case .remote: remote += 1
                case .onServer: local += 1; serverCopies += 1
                case .uploaded(let bytes): local += 1; uploaded += bytes
                }
            }
            return VersionCreated(workspace: plan.workspace, artifact: plan.artifact.name, version: created.result.currentVersion,
                                  artifactVersionId: versionId, localAssets: local, remoteAssets: remote,
                                  bytesUploaded: uploaded, copiedOnServer: serverCopies)
        } catch {
            // The last report names the asset that failed (the TUI's jobs view and status line show it).
            let error = reportFailure(error, tracker: tracker)
            await markError(artifactVersionId: versionId, experimentKey: experimentKey)
            throw error
        }
    }

    /// Creates an experiment to own the new version (as the SDK does; skipped when the server has
    /// no such endpoint), then upserts the version.
    func createVersion(_ upsert: ArtifactVersionUpsert, workspace: String) async throws
        -> (result: ArtifactVersionUpsertResult, experimentKey: String?) {
        let experimentKey = try? await client.createExperiment(workspace: workspace, project: upsert.project ?? "arty",
                                                                name: nil).experimentKey
        var upsert = upsert
        upsert.experimentKey = experimentKey
        do {
            return (try await client.upsertArtifactVersion(upsert), experimentKey)
        } catch let error as CometAPIError where error.sdkErrorCode == CometAPIError.versionExistsCode {
            throw ActionError.versionExists(artifact: upsert.artifactName, version: upsert.version ?? "?")
        }
    }
}
