import Foundation

/// What to do when a file to download already exists at its destination, as the Python SDK's
/// `AssetOverwriteStrategy` (reference §4.6).
public enum OverwriteStrategy: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// The default: identical existing content is accepted (kept), different content is an error.
    case fail = "FAIL"
    /// Keep any existing file untouched.
    case preserve = "PRESERVE"
    /// Replace any existing file.
    case overwrite = "OVERWRITE"

    public var description: String { rawValue }

    /// Parses `fail` / `FAIL`, `preserve`, `overwrite` (case-insensitive).
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

/// What is already at a destination path (collected before planning, so planning stays pure).
public enum ExistingFile: Sendable, Hashable {
    /// A regular file of this many bytes.
    case file(size: Int64)
    /// A directory, a symlink or another non-regular entry: never written through.
    case other(String)
}

/// One asset to transfer.
public struct DownloadEntry: Sendable, Hashable, Identifiable {
    public var asset: Asset
    /// The validated relative path under the destination (`data/train.csv`).
    public var path: LogicalPath
    /// Expected size in bytes.
    public var expectedSize: Int64 { asset.size }
    /// Checksum from the asset's metadata (hex SHA-1 or SHA-256), when the server gives one.
    public var checksum: String? { asset.checksum }
    /// What exists at the destination now, nil for nothing.
    public var existing: ExistingFile?
    /// The identity of the existing regular file now (nil when there is none).
    public var identity: FileIdentity?
    /// What the destination's ``DownloadRecord`` says arty put at this path, whether or not the
    /// file still matches it (nil when nothing is recorded).
    public var recorded: DownloadRecord.File?
    /// Where the bytes come from when this is a remote asset's object fetched under
    /// `--include-remote` (``RemoteObjectFetcher``); nil for a Comet asset.
    public var source: RemoteObjectSource?

    public var id: String { asset.assetId }

    public init(asset: Asset, path: LogicalPath, existing: ExistingFile? = nil, identity: FileIdentity? = nil,
                recorded: DownloadRecord.File? = nil) {
        self.asset = asset
        self.path = path
        self.existing = existing
        self.identity = identity
        self.recorded = recorded
    }

    /// The asset's checksum in lower case when it is SHA-1 or SHA-256 hex, else nil.
    public var verifiableChecksum: String? {
        guard let c = checksum?.lowercased(), FileDigest.algorithm(ofHex: c) != nil else { return nil }
        return c
    }

    /// True when the existing file is the one arty recorded, untouched since (same identity).
    public var isTracked: Bool {
        guard let identity, case .file? = existing else { return false }
        return recorded?.identity == identity
    }

    /// True when the existing file is known to hold this asset's bytes without reading it: arty
    /// recorded it, nobody touched it since, and the record is for this content: the same checksum
    /// when both the server and the record have one of the same algorithm, else the same asset id.
    public var isUpToDate: Bool {
        guard isTracked, let r = recorded, r.size == expectedSize else { return false }
        if let c = verifiableChecksum, let rc = r.checksum?.lowercased(),
           FileDigest.algorithm(ofHex: rc) == FileDigest.algorithm(ofHex: c) {
            return rc == c
        }
        return r.assetId == asset.assetId
    }

    /// The checksum to compare an existing file with locally: the server's, else the one arty
    /// recorded when it downloaded this very asset (even if the file changed since). Nil when neither.
    public var knownChecksum: String? {
        if let c = verifiableChecksum { return c }
        guard let r = recorded, r.assetId == asset.assetId, let rc = r.checksum?.lowercased(),
              FileDigest.algorithm(ofHex: rc) != nil else { return nil }
        return rc
    }
}

/// An asset refused by planning, with the reason (a hostile logical path, a non-file in the way).
public struct RefusedAsset: Sendable, Hashable {
    public var asset: Asset
    public var reason: String
    public init(asset: Asset, reason: String) {
        self.asset = asset
        self.reason = reason
    }
}

/// A remote asset, never fetched; listed in the summary and in `remote-assets.json`.
public struct RemoteAssetEntry: Sendable, Hashable, Codable {
    public var logicalPath: String
    public var link: String
    public var assetId: String
    public init(logicalPath: String, link: String, assetId: String) {
        self.logicalPath = logicalPath
        self.link = link
        self.assetId = assetId
    }
}

/// What the executor does with one entry under a strategy (``DownloadPlan/decision(for:strategy:)``).
public enum DownloadDecision: Sendable, Hashable {
    /// The existing file is this asset's content by the destination's record
    /// (``DownloadEntry/isUpToDate``): kept, nothing transferred or read, under every strategy.
    case unchanged
    /// Nothing exists: download.
    case download
    /// OVERWRITE over an existing file, or any strategy but PRESERVE over a file arty wrote and nobody
    /// changed since (``DownloadEntry/isTracked``) that is not this asset's content: download, then replace it.
    case replace
    /// PRESERVE: keep the existing file, transfer nothing.
    case keepExisting
    /// FAIL with an existing file of the same size: transfer, then keep it if identical, else fail.
    case verifyAgainstExisting
    /// FAIL with an existing file of another size (or anything in the way): the entry fails.
    case conflict(String)
}

/// A download, planned from server facts and destination facts, before any transfer
/// (the confirm dialog shows it): pure, no I/O.
///
/// Built from a version resolved once (an alias is never re-resolved) and its assets
/// (reference §2.5–2.6).
public struct DownloadPlan: Sendable, Hashable {
    /// `WORKSPACE/ARTIFACT`, for messages.
    public var artifactName: String
    public var workspace: String
    /// The concrete version downloaded (never an alias).
    public var version: ArtifactVersion
    /// The destination folder (absolute or relative to the current directory).
    public var destination: String
    /// Local assets to transfer, sorted by logical path.
    public var entries: [DownloadEntry]
    /// Assets refused by the logical-path check or because two assets map to one file.
    public var refused: [RefusedAsset]
    /// Remote assets (never fetched).
    public var remote: [RemoteAssetEntry]
    /// Local assets left out by `--include` / `--exclude`.
    public var excludedCount: Int

    /// Bytes of all entries.
    public var totalBytes: Int64 { entries.reduce(0) { $0 + $1.expectedSize } }
    /// Entries whose destination already exists.
    public var existingEntries: [DownloadEntry] { entries.filter { $0.existing != nil } }
    /// Existing entries already up to date by the destination's record (kept with no transfer
    /// under every strategy, ``DownloadDecision/unchanged``).
    public var upToDateEntries: [DownloadEntry] { entries.filter(\.isUpToDate) }

    public init(workspace: String, artifactName: String, version: ArtifactVersion, destination: String,
                entries: [DownloadEntry], refused: [RefusedAsset], remote: [RemoteAssetEntry], excludedCount: Int) {
        self.workspace = workspace
        self.artifactName = artifactName
        self.version = version
        self.destination = destination
        self.entries = entries
        self.refused = refused
        self.remote = remote
        self.excludedCount = excludedCount
    }

    /// Plans a download.
    /// - Parameters:
    ///   - assets: the version's assets (or the one asset chosen).
    ///   - include/exclude: globs on logical paths (``GlobPattern``); remote assets are filtered too.
    ///   - existing: what is at each relative path under `destination` now (see
    ///     ``SafeFileSystem/existing(under:path:)``, as ``ActionPlanning/planDownload(_:destination:include:exclude:assetPaths:remote:client:)`` does).
    ///   - identities: the identity of each existing regular file (``SafeFileSystem/identity(under:path:)``).
    ///   - record: the destination's ``DownloadRecord`` (``DownloadRecordStore/read(root:)``), nil for none.
    ///   - sources: for stand-in assets of remote objects (``RemoteObjectFile``), where their bytes
    ///     come from, by asset id.
    public static func make(workspace: String, artifactName: String, version: ArtifactVersion, assets: [Asset],
                            destination: String, include: [GlobPattern] = [], exclude: [GlobPattern] = [],
                            existing: [String: ExistingFile] = [:], identities: [String: FileIdentity] = [:],
                            record: DownloadRecord? = nil, sources: [String: RemoteObjectSource] = [:]) -> DownloadPlan {
        var entries: [DownloadEntry] = []
        var refused: [RefusedAsset] = []
        var remote: [RemoteAssetEntry] = []
        var excluded = 0
        var seen = Set<String>()
        for asset in assets.sorted(by: { $0.logicalPath < $1.logicalPath }) {
            let path: LogicalPath
            do {
                path = try LogicalPath(asset.logicalPath)
            } catch {
                refused.append(RefusedAsset(asset: asset, reason: error.description))
                continue
            }
            guard GlobPattern.selects(path.relativePath, include: include, exclude: exclude) else {
                if !asset.isRemote { excluded += 1 }
                continue
            }
            if asset.isRemote {
                remote.append(RemoteAssetEntry(logicalPath: path.relativePath, link: asset.link ?? "", assetId: asset.assetId))
                continue
            }
            if path.relativePath == remoteManifestName {
                refused.append(RefusedAsset(asset: asset, reason: "'\(remoteManifestName)' is reserved for the remote-asset manifest."))
                continue
            }
            if DownloadRecord.isReserved(path) {
                refused.append(RefusedAsset(asset: asset, reason: "'\(DownloadRecord.folderName)/' is reserved for arty's record of the files it downloaded."))
                continue
            }
            guard seen.insert(path.relativePath).inserted else {
                refused.append(RefusedAsset(asset: asset, reason: "Another asset has the logical path '\(path.relativePath)'."))
                continue
            }
            var entry = DownloadEntry(asset: asset, path: path, existing: existing[path.relativePath],
                                      identity: identities[path.relativePath], recorded: record?.files[path.relativePath])
            entry.source = sources[asset.assetId]
            entries.append(entry)
        }
        // A file and a folder of the same name cannot both exist (`a` and `a/b`).
        let paths = Set(entries.map(\.path.relativePath))
        entries.removeAll { entry in
            let p = entry.path.relativePath
            // Bytes, not Characters: `a` is a folder of `a/\u{35C}b` although Swift's `hasPrefix` says no.
            guard paths.contains(where: { $0.utf8.starts(with: (p + "/").utf8) }) else { return false }
            refused.append(RefusedAsset(asset: entry.asset, reason: "'\(p)' is also a folder of other assets."))
            return true
        }
        entries.sort { $0.path.relativePath < $1.path.relativePath }
        return DownloadPlan(workspace: workspace, artifactName: artifactName, version: version, destination: destination,
                            entries: entries, refused: refused, remote: remote, excludedCount: excluded)
    }

    /// The manifest of remote assets written beside the files.
    public static let remoteManifestName = "remote-assets.json"

    /// The folder a download goes to when none is given, in the CLI (`arty download REF`) and the
    /// TUI's confirm dialog alike: `./ARTIFACT-VERSION` under the working directory, with the
    /// concrete version (an alias resolved); a `/` in the name becomes `_`.
    public static func defaultDestination(artifact: String, version: String) -> String {
        "./" + (artifact + "-" + version).replacingOccurrences(of: "/", with: "_")
    }

    /// What happens to `entry` under `strategy`: SDK semantics (reference §4.6), except that a file
    /// arty recorded and nobody changed since is arty's own copy: kept with no transfer when it is
    /// already this asset's content, otherwise replaced (under FAIL too; PRESERVE keeps it).
    public static func decision(for entry: DownloadEntry, strategy: OverwriteStrategy) -> DownloadDecision {
        switch entry.existing {
        case nil: return .download
        case .other(let what)?:
            return .conflict("'\(entry.path)' exists as \(what); refusing to write through it.")
        case .file(let size)?:
            if entry.isUpToDate { return .unchanged }
            if entry.isTracked { return strategy == .preserve ? .keepExisting : .replace }
            switch strategy {
            case .overwrite: return .replace
            case .preserve: return .keepExisting
            case .fail:
                return size == entry.expectedSize
                    ? .verifyAgainstExisting
                    : .conflict(ActionError.existingFileDiffers(path: entry.path.relativePath).userMessage)
            }
        }
    }

    /// The text of `remote-assets.json`: an array of `{logicalPath, link, assetId}`, pretty-printed, sorted keys.
    public func remoteManifestJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(remote)) ?? Data("[]".utf8)
    }
}
