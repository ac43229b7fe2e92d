import Foundation

/// Reads and writes a destination's ``DownloadRecord`` (`DEST/.arty/downloads.json`) without ever
/// following a symlink: the `.arty` folder must be a real folder, the store a regular file.
/// Every failure is quiet: a store that cannot be read is treated as absent, one that cannot be
/// written is skipped (the files downloaded are what matters; the next download just costs more).
public enum DownloadRecordStore {
    /// Largest store read, in bytes (about 200,000 entries); a bigger file is ignored.
    public static let maxBytes = 64 << 20

    /// The store's path under `root`.
    public static func path(under root: String) -> String {
        ArtifactDownloader.join(root, DownloadRecord.folderName + "/" + DownloadRecord.fileName)
    }

    /// The record in `root`, or nil when there is none, it is corrupt or foreign, or the `.arty`
    /// folder or the store is a symlink or not what it should be. Only entries whose seal verifies
    /// under `seal` are kept (none without a seal): arty trusts what it wrote itself, not a store
    /// edited by hand or written by another user.
    public static func read(root: String, seal: DownloadRecordSeal? = DownloadRecordSeal.current) -> DownloadRecord? {
        let folder = ArtifactDownloader.join(root, DownloadRecord.folderName)
        guard SafeFileSystem.kind(of: folder) == .directory,
              let data = SafeFileSystem.readSmallFile(path(under: root), maxBytes: maxBytes),
              var record = DownloadRecord.decode(data) else { return nil }
        record = seal?.verified(record) ?? DownloadRecord()
        return record
    }

    /// Applies `updates` to the record in `root` (read again now: another download may have written
    /// it since planning), drops entries whose file changed or went away, and writes it atomically
    /// (temporary file and rename) when it differs. Nothing is created when there is nothing to record.
    /// - Returns: the record now in `root` (what was written, or what was there).
    @discardableResult
    public static func update(root: String, with updates: [String: DownloadRecord.File],
                              seal: DownloadRecordSeal? = DownloadRecordSeal.current) -> DownloadRecord? {
        guard let seal else { return nil }  // nothing written could be trusted later
        let before = read(root: root, seal: seal)
        let after = seal.sealed((before ?? DownloadRecord()).merged(with: updates) { key in
            (try? LogicalPath(key)).flatMap { SafeFileSystem.identity(under: root, path: $0) }
        })
        if after == before || (before == nil && after.files.isEmpty) { return before }
        do {
            try SafeFileSystem.makeDirectories(under: root, segments: [DownloadRecord.folderName])
            try SafeFileSystem.writeAtomically(after.encoded(), to: path(under: root))
            return after
        } catch {
            return before
        }
    }
}
