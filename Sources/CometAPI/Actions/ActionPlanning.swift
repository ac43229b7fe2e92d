import Foundation

/// The network half of planning: reads what a plan needs from any Comet-compatible server
/// (``ArtifactReading``), then hands the facts to the pure planners.
public enum ActionPlanning {
    /// Resolves `reference` to one concrete version, once: an alias (or no selector, meaning
    /// `latest`) becomes that version's string and id, and everything afterwards uses it
    /// (`GET artifacts/version`, reference §2.5).
    /// - Throws: ``CometAPIError`` (`isNotFound` for a missing artifact or version).
    public static func resolveVersion(_ reference: ArtifactReference, client: some ArtifactReading) async throws -> ArtifactVersion {
        try await client.artifactVersion(workspace: reference.workspace, name: reference.artifact,
                                         selector: reference.selector ?? .latest)
    }

    /// Resolves `reference` (``resolveVersion(_:client:)``) and lists that version's assets, with both
    /// requests in flight at once: one round trip instead of two before a download can start on a far
    /// server (issue 12). The listing asked for by the reference's own selector (§2.6: by `version` or
    /// `alias`) is kept only when it is not empty and every asset's `artifactVersionId` is the resolved
    /// version's; otherwise (an alias moved between the two answers, a server that leaves the field out,
    /// a failed listing) the assets are listed again by the concrete version string, as before.
    /// A ``VersionSelector/versionId(_:)`` reference is resolved first (files are not listed by id).
    /// - Throws: ``CometAPIError`` of the version's lookup first, then of the listing by version.
    public static func resolveAndList(_ reference: ArtifactReference,
                                      client: some ArtifactReading) async throws -> (ArtifactVersion, [Asset]) {
        let selector = reference.selector ?? .latest
        if case .versionId = selector {
            let version = try await resolveVersion(reference, client: client)
            return (version, try await client.assets(workspace: reference.workspace, name: reference.artifact,
                                                     selector: .version(version.version)))
        }
        async let early: [Asset]? = try? await client.assets(workspace: reference.workspace, name: reference.artifact,
                                                             selector: selector)
        let version = try await resolveVersion(reference, client: client)
        if let assets = await early, !assets.isEmpty,
           assets.allSatisfy({ $0.artifactVersionId == version.artifactVersionId }) {
            return (version, assets)
        }
        return (version, try await client.assets(workspace: reference.workspace, name: reference.artifact,
                                                 selector: .version(version.version)))
    }

    /// Plans the download of `reference` into `destination`: resolves the version, lists its
    /// assets by the concrete version (§2.6), looks at what exists in `destination`
    /// (with ``SafeFileSystem/existing(under:path:)`` and ``SafeFileSystem/identity(under:path:)``)
    /// and what arty recorded there (``DownloadRecordStore/read(root:)``), and builds the ``DownloadPlan``.
    /// - Parameter destination: the folder; nil for ``DownloadPlan/defaultDestination(artifact:version:)``
    ///   of the resolved version (`./NAME-VERSION`).
    /// - Parameter assetPaths: only the assets with these logical paths (`--asset`, the TUI's `d` on
    ///   an asset or on marked assets); nil for all. Throws ``ActionError/noSuchAsset(path:version:)``
    ///   for the first path the version does not hold, so nothing is downloaded under a wrong name.
    public static func planDownload(_ reference: ArtifactReference, destination: String?, include: [GlobPattern] = [],
                                    exclude: [GlobPattern] = [], assetPaths: [String]? = nil,
                                    remote: RemoteObjectFetcher? = nil, defaultFolder: String? = nil,
                                    client: some ArtifactReading) async throws -> DownloadPlan {
        let (version, listed) = try await resolveAndList(reference, client: client)
        var assets = listed
        let destination = destination ?? DownloadPlan.defaultDestination(artifact: reference.artifact, version: version.version,
                                                                         under: defaultFolder)
        if let assetPaths {
            let wanted = Set(assetPaths)
            let listed = Set(assets.map(\.logicalPath))
            if let missing = assetPaths.first(where: { !listed.contains($0) }) {
                throw ActionError.noSuchAsset(path: missing, version: "\(reference.workspace)/\(reference.artifact):\(version.version)")
            }
            assets = assets.filter { wanted.contains($0.logicalPath) }
        }
        // Remote assets fetched under `--include-remote` become files (one per object of a prefix);
        // a link the store refuses is reported by its logical path, the rest stay in remote-assets.json.
        var sources: [String: RemoteObjectSource] = [:]
        var refused: [RefusedAsset] = []
        if let remote, !remote.scope.isEmpty {
            var expanded: [Asset] = []
            for asset in assets {
                guard asset.isRemote, let path = try? LogicalPath(asset.logicalPath),
                      GlobPattern.selects(path.relativePath, include: include, exclude: exclude) else {
                    expanded.append(asset)
                    continue
                }
                do {
                    guard let files = try await remote.expand(asset) else { expanded.append(asset); continue }
                    for file in files {
                        expanded.append(file.asset)
                        sources[file.asset.assetId] = file.source
                    }
                } catch {
                    // Reported by name, and still listed in remote-assets.json (it was not fetched).
                    refused.append(RefusedAsset(asset: asset, reason: error.userMessage))
                    expanded.append(asset)
                }
            }
            assets = expanded
        }
        var existing: [String: ExistingFile] = [:]
        var identities: [String: FileIdentity] = [:]
        for asset in assets where !asset.isRemote {
            guard let path = try? LogicalPath(asset.logicalPath), !DownloadRecord.isReserved(path) else { continue }
            guard let found = SafeFileSystem.existing(under: destination, path: path) else { continue }
            existing[path.relativePath] = found
            if case .file = found, let identity = SafeFileSystem.identity(of: path.resolved(under: destination)) {
                identities[path.relativePath] = identity
            }
        }
        let record = existing.isEmpty ? nil : DownloadRecordStore.read(root: destination)
        var plan = DownloadPlan.make(workspace: reference.workspace, artifactName: reference.artifact, version: version,
                                     assets: assets, destination: destination, include: include, exclude: exclude,
                                     existing: existing, identities: identities, record: record, sources: sources)
        plan.refused = refused + plan.refused
        return plan
    }
}
