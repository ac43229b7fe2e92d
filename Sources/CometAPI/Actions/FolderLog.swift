import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A local folder to log as a new artifact version (`arty log DIR ...`): pure planning from the
/// files found, plus ``FolderLog/scan(directory:)`` to find them.
public struct FolderLog: Sendable, Hashable {
    /// One file to upload.
    public struct File: Sendable, Hashable {
        /// Absolute path on disk.
        public var path: String
        /// Logical path: relative to the folder, `/`-separated.
        public var logicalPath: String
        public var size: Int64
    }

    public var workspace: String
    public var artifactName: String
    public var artifactType: String
    public var aliases: [String]
    public var versionTags: [String]
    public var files: [File]
    /// Remote links; logical path = the link's last path segment.
    public var remoteLinks: [RemoteLink]
    /// Entries skipped while scanning (symlinks leaving the folder, special files), with reasons.
    public var skipped: [String]

    /// A remote asset to add.
    public struct RemoteLink: Sendable, Hashable {
        public var logicalPath: String
        public var link: String
    }

    /// The logical path of a remote link: its last path segment (`s3://b/x/data.csv` → `data.csv`).
    /// - Throws: ``ActionError/invalidLabel(_:)`` for a link without a usable last segment.
    public static func remoteLogicalPath(_ link: String) throws -> String {
        let withoutQuery = link.split(separator: "?", maxSplits: 1).first.map(String.init) ?? link
        let last = withoutQuery.split(separator: "/").last.map(String.init) ?? ""
        guard !last.isEmpty, !last.hasSuffix(":"), (try? LogicalPath(last)) != nil else {
            throw ActionError.invalidLabel("the remote link '\(link)' has no file name to use as its logical path.")
        }
        return last
    }

    /// Regular files under `directory`, sorted by logical path. Symlinks are followed only when
    /// their target stays inside the folder; others are skipped (and listed).
    /// - Throws: ``ActionError/folder(path:detail:)``.
    public static func scan(directory: String) throws -> (files: [File], skipped: [String]) {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            throw ActionError.folder(path: directory, detail: "not a folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw ActionError.folder(path: directory, detail: "cannot be read")
        }
        var files: [File] = []
        var skipped: [String] = []
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            let resolved = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
            switch SafeFileSystem.kind(of: full) {
            case .symlink:
                guard resolved.hasPrefix(root + "/") else {
                    skipped.append("\(relative): a symlink leaving the folder")
                    continue
                }
                var st = stat()
                if stat(resolved, &st) == 0, st.st_mode & S_IFMT == S_IFREG {
                    files.append(File(path: resolved, logicalPath: relative, size: Int64(st.st_size)))
                } else {
                    skipped.append("\(relative): a symlink to a non-file")
                }
            case .file(let size):
                files.append(File(path: full, logicalPath: relative, size: size))
            case .directory:
                continue
            case .other, .missing:
                skipped.append("\(relative): not a regular file")
            }
        }
        return (files.sorted { $0.logicalPath < $1.logicalPath }, skipped)
    }

    /// Plans logging `directory`.
    /// - Throws: ``ActionError`` for an unreadable or empty folder, or a bad link.
    public static func prepare(directory: String, workspace: String, artifactName: String, artifactType: String,
                               aliases: [String] = [], versionTags: [String] = [], remoteLinks: [String] = []) throws -> FolderLog {
        let (files, skipped) = try scan(directory: directory)
        let remote = try remoteLinks.map { RemoteLink(logicalPath: try remoteLogicalPath($0), link: $0) }
        if files.isEmpty && remote.isEmpty { throw ActionError.folder(path: directory, detail: "it has no files") }
        return FolderLog(workspace: workspace, artifactName: artifactName, artifactType: artifactType,
                         aliases: try aliases.map(LabelEdit.validate), versionTags: try versionTags.map(LabelEdit.validate),
                         files: files, remoteLinks: remote, skipped: skipped)
    }
}

extension VersionCopier {
    /// Logs `log` as a new version (the server picks the next version number): upsert, each file
    /// uploaded (progress per file), each remote link added, then CLOSED; ERROR on failure.
    /// - Throws: ``CometAPIError``.
    public func log(_ log: FolderLog, progress: (@Sendable (DownloadProgress) -> Void)? = nil) async throws -> VersionCreated {
        let upsert = ArtifactVersionUpsert(artifactName: log.artifactName, artifactType: log.artifactType, workspace: log.workspace,
                                           aliases: log.aliases, versionTags: log.versionTags)
        let created = try await createVersion(upsert, workspace: log.workspace)
        let tracker = ProgressTracker(files: log.files.map {
            FileProgress(path: $0.logicalPath, bytes: 0, totalBytes: $0.size, state: .queued)
        }, interval: 100, clock: clock, handler: progress)
        do {
            var uploaded: Int64 = 0
            for (index, file) in log.files.enumerated() {
                try Task.checkCancellation()
                tracker.set(index, state: .transferring, force: true)
                try await client.uploadAsset(fileAt: file.path, logicalPath: file.logicalPath,
                                             artifactVersionId: created.result.artifactVersionId,
                                             experimentKey: created.experimentKey, metadata: nil, overwrite: false,
                                             progress: { p in tracker.set(index, bytes: min(p.completedBytes, file.size)) })
                uploaded += file.size
                tracker.set(index, bytes: file.size, state: .done, force: true)
            }
            for remote in log.remoteLinks {
                try await client.uploadRemoteAsset(link: remote.link, logicalPath: remote.logicalPath,
                                                   artifactVersionId: created.result.artifactVersionId,
                                                   experimentKey: created.experimentKey, metadata: nil, overwrite: false)
            }
            try await client.setVersionState(artifactVersionId: created.result.artifactVersionId,
                                             experimentKey: created.experimentKey, state: .closed)
            return VersionCreated(workspace: log.workspace, artifact: log.artifactName, version: created.result.currentVersion,
                                  artifactVersionId: created.result.artifactVersionId, localAssets: log.files.count,
                                  remoteAssets: log.remoteLinks.count, bytesUploaded: uploaded, copiedOnServer: 0)
        } catch {
            try? await client.setVersionState(artifactVersionId: created.result.artifactVersionId,
                                              experimentKey: created.experimentKey, state: .error)
            throw error
        }
    }
}
