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
        var unloggable: [String] = []
        while let relative = walker.nextObject() as? String {
            let full = root + "/" + relative
            // A name no download could write (a control character) or that is not UTF-8 (Foundation
            // decodes it lossily, so the file cannot even be opened by that name) is refused here,
            // before any version exists: never create a version that cannot be downloaded.
            if let problem = nameProblem(relative, exists: SafeFileSystem.kind(of: full) != .missing) {
                unloggable.append("\(TerminalText.escape(relative)): \(problem)")
                walker.skipDescendants()
                continue
            }
            let resolved = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
            switch SafeFileSystem.kind(of: full) {
            case .symlink:
                // Bytes, not Characters: canonically equivalent names are different folders on Linux.
                guard resolved.utf8.starts(with: (root + "/").utf8) else {
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
        if !unloggable.isEmpty {
            throw ActionError.folder(path: directory, detail: unloggable.sorted().joined(separator: "; ")
                                     + " (rename \(unloggable.count == 1 ? "it" : "them") and log again)")
        }
        return (files.sorted { $0.logicalPath < $1.logicalPath }, skipped)
    }

    /// Why a file name found under the folder cannot become a logical path, or nil: a control
    /// character (newline, tab, ESC, ...) in any segment, a name that is not valid UTF-8 (seen
    /// as U+FFFD in a name that then does not exist on disk), or any other name ``LogicalPath``
    /// refuses (a backslash, a leading `~`, a drive letter such as `C:`), which `arty download`
    /// would then refuse for every reader of the version. Pure apart from `exists`.
    public static func nameProblem(_ relative: String, exists: Bool) -> String? {
        if relative.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "its name contains a control character, so no download could write it"
        }
        if !exists, relative.contains("\u{FFFD}") { return "its name is not valid UTF-8" }
        do {
            _ = try LogicalPath(relative)
        } catch {
            switch error {
            case .backslash: return "its name contains a backslash, which downloads refuse"
            case .absolute: return "its name starts with '~', which downloads refuse"
            case .driveLetter: return "its name starts with a drive letter, which downloads refuse"
            case .empty, .parentSegment, .controlCharacter: return "downloads refuse its name"
            }
        }
        return nil
    }

    /// The aliases that a new version `newVersion` logged with `aliases` takes away from the
    /// versions in `existing` (nil when the artifact is new): one ``AliasMove`` per alias, sorted.
    /// Pure; the CLI prints them as `arty alias` does (`moves best: 1.0.0 → 2.0.0`).
    public static func aliasMoves(aliases: [String], existing: ArtifactDetails?, newVersion: String) -> [AliasMove] {
        guard let existing else { return [] }
        var moves: [AliasMove] = []
        for version in existing.versions where version.version != newVersion {
            for alias in version.aliases where aliases.contains(alias) {
                moves.append(AliasMove(alias: alias, fromVersion: version.version, fromVersionId: version.artifactVersionId,
                                       toVersion: newVersion))
            }
        }
        return moves.sorted { $0.alias < $1.alias }
    }

    /// An alias for a new version: a valid label that a reference can reach and is not `latest`
    /// (``LabelGrammar/validate(_:kind:)``).
    /// - Throws: ``ActionError/invalidLabel(_:)``.
    public static func validateAlias(_ alias: String) throws -> String {
        try LabelGrammar.validate(alias, kind: .alias)
    }

    /// Plans logging `directory`.
    /// - Throws: ``ActionError`` for an unreadable or empty folder, or a bad link.
    public static func prepare(directory: String, workspace: String, artifactName: String, artifactType: String,
                               aliases: [String] = [], versionTags: [String] = [], remoteLinks: [String] = []) throws -> FolderLog {
        let (files, skipped) = try scan(directory: directory)
        let remote = try remoteLinks.map { RemoteLink(logicalPath: try remoteLogicalPath($0), link: $0) }
        if files.isEmpty && remote.isEmpty { throw ActionError.folder(path: directory, detail: "it has no files") }
        return FolderLog(workspace: workspace, artifactName: artifactName, artifactType: artifactType,
                         aliases: try aliases.map(validateAlias), versionTags: try versionTags.map { try LabelGrammar.validate($0, kind: .versionTag) },
                         files: files, remoteLinks: remote, skipped: skipped)
    }
}

extension VersionCopier {
    /// Logs `log` as a new version (the server picks the next version number): upsert, the files
    /// uploaded ``parallelTransfers`` at a time (progress per file, each `uploading` while its bytes
    /// go), the remote links added the same way, then CLOSED.
    ///
    /// The order in which files arrive does not matter: a version's assets are keyed by logical
    /// path (the registry lists them sorted by it; the SDK's own `log_artifact` uploads in a thread
    /// pool too). On the first failure no further upload starts, the running ones are cancelled,
    /// the version is set to ERROR and the last progress report names the file that failed; a
    /// cancellation stops every upload the same way (no file is named).
    /// - Throws: ``CometAPIError``; ``CancellationError`` when cancelled between uploads.
    public func log(_ log: FolderLog, progress: (@Sendable (DownloadProgress) -> Void)? = nil) async throws -> VersionCreated {
        let upsert = ArtifactVersionUpsert(artifactName: log.artifactName, artifactType: log.artifactType, workspace: log.workspace,
                                           aliases: log.aliases, versionTags: log.versionTags)
        let created = try await createVersion(upsert, workspace: log.workspace)
        let tracker = ProgressTracker(files: log.files.map {
            FileProgress(path: $0.logicalPath, bytes: 0, totalBytes: $0.size, state: .queued)
        }, clock: clock, handler: progress)
        let client = client
        let versionId = created.result.artifactVersionId, experimentKey = created.experimentKey
        do {
            let files = log.files
            _ = try await BoundedTasks.map(count: files.count, limit: parallelTransfers) { index in
                let file = files[index]
                tracker.set(index, state: .uploading, force: true)
                try await client.uploadAsset(fileAt: file.path, logicalPath: file.logicalPath, artifactVersionId: versionId,
                                             experimentKey: experimentKey, metadata: nil, overwrite: false,
                                             progress: { p in tracker.set(index, bytes: min(p.completedBytes, file.size)) })
                tracker.finish(index, as: .done)
            }
            let remote = log.remoteLinks
            do {
                _ = try await BoundedTasks.map(count: remote.count, limit: parallelTransfers) { index in
                    try await client.uploadRemoteAsset(link: remote[index].link, logicalPath: remote[index].logicalPath,
                                                       artifactVersionId: versionId, experimentKey: experimentKey,
                                                       metadata: nil, overwrite: false)
                }
            } catch let failure as BoundedTasks.Failure {
                throw failure.error  // a link is no file of the progress report: nothing to name there
            }
            try await client.setVersionState(artifactVersionId: versionId, experimentKey: experimentKey, state: .closed)
            return VersionCreated(workspace: log.workspace, artifact: log.artifactName, version: created.result.currentVersion,
                                  artifactVersionId: versionId, localAssets: log.files.count,
                                  remoteAssets: log.remoteLinks.count, bytesUploaded: log.files.reduce(0) { $0 + $1.size },
                                  copiedOnServer: 0)
        } catch {
            let error = reportFailure(error, tracker: tracker)
            await markError(artifactVersionId: versionId, experimentKey: experimentKey)
            throw error
        }
    }

    /// Sets a version that failed or was cancelled to ERROR, best effort. The request runs in a
    /// task of its own: a cancelled log or bump would otherwise cancel it too and leave the version OPEN.
    func markError(artifactVersionId: String, experimentKey: String?) async {
        let client = client
        await Task {
            try? await client.setVersionState(artifactVersionId: artifactVersionId, experimentKey: experimentKey, state: .error)
        }.value
    }

    /// After a failed or cancelled log or bump: marks the files still running as cancelled and,
    /// when a file's transfer failed on its own (not by a cancellation), that file as failed, in
    /// one last forced report (the TUI's jobs view and status line name it). Returns the error to
    /// rethrow (the transfer's own, unwrapped from ``BoundedTasks/Failure``).
    func reportFailure(_ error: any Error, tracker: ProgressTracker) -> any Error {
        guard let failure = error as? BoundedTasks.Failure else {
            tracker.cancelUnfinished()
            tracker.emit(force: true)
            return error
        }
        if !ArtifactDownloader.isCancellation(failure.error), !Task.isCancelled {
            tracker.set(failure.index, state: .failed(ArtifactDownloader.message(failure.error)))
        }
        tracker.cancelUnfinished()
        tracker.emit(force: true)
        return failure.error
    }
}
