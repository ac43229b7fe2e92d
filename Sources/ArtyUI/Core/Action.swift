import CometAPI

/// Something that happened: a key, a resize, a clock tick, or a finished effect.
/// ``reduce(_:_:)`` turns it into a new ``BrowserState`` and the ``Effect``s to run.
public enum Action: Sendable, Hashable {
    /// A key press, dispatched through ``Keymap`` (or typed into the filter or an overlay).
    case key(Key)
    /// A command, as a key binding would trigger it.
    case command(Command)
    /// The terminal now has this size.
    case resized(Size)
    /// A clock tick: current time in epoch milliseconds (relative dates, spinner).
    case tick(nowMillis: Int64)
    /// A listing load finished: rows, or what failed. Dropped unless `requestID` is the one pending.
    case loaded(ListingKey, requestID: Int, result: LoadResult)
    /// `account-details` answered (§2.2); nil user name when it failed.
    case accountLoaded(userName: String?)
    /// The clipboard effect ran (`true`) or could not (`false`, e.g. no terminal).
    case copied(text: String, ok: Bool)
    /// A background job's progress (issue 5: downloads); `finished` removes it.
    case jobProgress(Job, finished: Bool)
    /// Replace the status-line message.
    case showMessage(StatusMessage)
    /// ``Effect/planDownload(workspace:artifact:version:assets:destination:includeRemote:)`` answered:
    /// the plan opens (or updates) the download confirm dialog; a failure goes to the status line.
    case downloadPlanned(Result<DownloadPlan, ActionFailure>, assets: [String]?)
    /// A job's progress (throttled by the engine to ≤10 reports/s; the inbox keeps only the newest).
    case jobUpdated(id: Int, progress: DownloadProgress)
    /// A job ended: how (kept in the jobs view until dismissed, and shown on the status line);
    /// the listings in ``Job/refresh`` are reloaded.
    case jobFinished(id: Int, outcome: JobOutcome)
    /// ``Effect/reviewLabels(kind:workspace:artifactName:)`` answered: the artifact as the server
    /// has it now, to review the label editor's change against.
    case labelsReviewed(Result<ArtifactDetails, ActionFailure>)
    /// A label edit was written (or failed): the message, and the listings to reload.
    case labelsApplied(StatusMessage, refresh: [ListingKey])
    /// ``Effect/compare(from:to:)`` answered.
    case compared(Result<VersionDiff, ActionFailure>)
    /// ``Effect/fetchPreview(assetId:artifactVersionId:requestID:)`` answered: the asset's first
    /// bytes, or what failed. Dropped unless the preview still waits for `requestID`.
    case previewFetched(assetId: String, requestID: Int, result: Result<AssetPrefix, ActionFailure>)
    /// ``Effect/inspectRemoteAssets(_:)`` answered: facts by asset id (nil: nothing to say).
    case remoteFactsLoaded([String: RemoteAssetFacts?])
    /// ``Effect/loadLineage(_:)`` answered for the version with this id.
    case lineageLoaded(versionId: String, result: Result<VersionLineage, ActionFailure>)
    /// ``Effect/loadArtifactDates(workspace:names:)`` answered: each artifact's newest version's
    /// `added` (epoch ms; nil when unknown or the read failed).
    case artifactDatesLoaded(workspace: String, dates: [String: Int64?])
    /// ``Effect/loadAssetCounts(workspace:artifact:versions:)`` answered: asset counts by version id
    /// (nil when the read failed).
    case assetCountsLoaded([String: Int?])
}

/// A failed action, already phrased for a person (one sentence, never the API key).
public struct ActionFailure: Error, Sendable, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The outcome of a listing load.
public enum LoadResult: Sendable, Hashable {
    case success([Entry], artifact: Artifact?)
    /// What failed, already phrased for a person (`HTTP 401: invalid API key`).
    case failure(String)
}

/// Work for the app to do outside the pure core. Results come back as ``Action``s.
public enum Effect: Sendable, Hashable {
    /// `GET workspaces` (§2.1) → ``Action/loaded(_:requestID:result:)`` for `.workspaces`.
    case loadWorkspaces(requestID: Int)
    /// `GET artifacts/get-all` (§2.3).
    case loadArtifacts(workspace: String, requestID: Int)
    /// `GET artifacts/get` (§2.4): the versions of one artifact.
    case loadVersions(workspace: String, artifact: String, requestID: Int)
    /// `GET artifacts/version/files` (§2.6) of the version with this id (or version string when no id).
    case loadAssets(workspace: String, artifact: String, version: String, versionId: String, requestID: Int)
    /// `GET account-details` (§2.2) → ``Action/accountLoaded(userName:)``.
    case loadAccount
    /// Cancel the load with this request id (the user moved elsewhere).
    case cancel(requestID: Int)
    /// Put text on the system clipboard through the terminal (OSC 52).
    case copyToClipboard(String)
    /// Plan a download of a version (or of the assets with the logical paths `assets`) into
    /// `destination` (a path relative to the working directory or absolute): `artifacts/version` +
    /// `artifacts/version/files` (§2.5, §2.6) and a look at the destination → ``Action/downloadPlanned(_:assets:)``.
    /// With `includeRemote`, remote assets' `s3://` links are expanded into objects to fetch
    /// (``RemoteObjectFetcher``, signed `HEAD`s and listings) and planned as files.
    case planDownload(workspace: String, artifact: String, version: String, assets: [String]?, destination: String,
                      includeRemote: Bool = false)
    /// Run `plan` as background job `jobID` (``ArtifactDownloader``) → ``Action/jobUpdated(id:progress:)``
    /// while it runs, ``Action/jobFinished(id:outcome:)`` at the end.
    case startDownload(jobID: Int, plan: DownloadPlan, strategy: OverwriteStrategy)
    /// Bump `version` as background job `jobID`: ``BumpPlan/prepare(_:kind:withAliases:client:)``
    /// then ``VersionCopier/bump(_:progress:)`` (§2.9–2.13).
    case startBump(jobID: Int, workspace: String, artifact: String, version: String, kind: SemanticVersion.Bump, withAliases: Bool)
    /// Cancel background job `id` (its task is cancelled; the engine removes partial files).
    case cancelJob(id: Int)
    /// Read the artifact and its versions again (`artifacts/get`, §2.4), to review a label change
    /// against what the server holds now → ``Action/labelsReviewed(_:)``.
    case reviewLabels(workspace: String, artifactName: String)
    /// Write a label edit's change with ``LabelEditor/apply(_:workspace:artifactName:client:)``
    /// (applied to the labels the server holds at write time) → ``Action/labelsApplied(_:refresh:)``.
    case applyLabels(LabelEdit, workspace: String, artifactName: String, refresh: [ListingKey])
    /// List the assets of two versions and compare them (``VersionDiff``) → ``Action/compared(_:)``.
    case compare(from: VersionMark, to: VersionMark)
    /// Fetch the first ``PreviewDocument/prefixBytes`` (64 KiB) of a local asset, `get-asset` with
    /// `Range` (§2.7) → ``Action/previewFetched(assetId:requestID:result:)``; cancelled with
    /// ``cancel(requestID:)`` when the preview closes or moves on.
    case fetchPreview(assetId: String, artifactVersionId: String?, requestID: Int)
    /// Read what the object store says about these remote assets' links (``RemoteAssetInspector``:
    /// a signed `HEAD`, or a listing for a prefix) → ``Action/remoteFactsLoaded(_:)``.
    case inspectRemoteAssets([Asset])
    /// Read who produced and consumed a version (``LineageReading/lineage(of:)``: `experiment/metadata`
    /// of its source experiment, and the consumers where the server lists them) →
    /// ``Action/lineageLoaded(versionId:result:)``.
    case loadLineage(ArtifactVersion)
    /// Read these artifacts' versions (`artifacts/get`, §2.4) for their last-updated dates (the
    /// artifacts pane's UPDATED column; rows on screen only) → ``Action/artifactDatesLoaded(workspace:dates:)``.
    case loadArtifactDates(workspace: String, names: [String])
    /// List these versions' assets (`artifacts/version/files`, §2.6) to count them (the versions
    /// pane's ASSETS column; rows on screen only) → ``Action/assetCountsLoaded(_:)``.
    case loadAssetCounts(workspace: String, artifact: String, versions: [ArtifactVersion])

    /// The load effect for a listing.
    public static func load(_ key: ListingKey, requestID: Int) -> Effect {
        switch key {
        case .workspaces: .loadWorkspaces(requestID: requestID)
        case .artifacts(let ws): .loadArtifacts(workspace: ws, requestID: requestID)
        case .versions(let ws, let a): .loadVersions(workspace: ws, artifact: a, requestID: requestID)
        case .assets(let ws, let a, let v, let id):
            .loadAssets(workspace: ws, artifact: a, version: v, versionId: id, requestID: requestID)
        }
    }
}
