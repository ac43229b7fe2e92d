import Foundation

/// The identity of a regular file as `lstat` sees it: what changes when anyone rewrites, replaces,
/// edits or `touch`es it. Two equal identities of one path mean nobody wrote to it in between.
///
/// The change time (`ctime`) is part of it because nobody can set it: a copied or extracted folder
/// (a tarball holding someone else's `.arty/downloads.json`) gets new inodes and change times, so a
/// foreign record never matches its files.
public struct FileIdentity: Sendable, Hashable, Codable {
    /// `st_dev`.
    public var device: UInt64
    /// `st_ino`.
    public var inode: UInt64
    /// `st_size`, in bytes.
    public var size: Int64
    /// `st_mtim`, in nanoseconds since 1970.
    public var modifiedNanoseconds: Int64
    /// `st_ctim`, in nanoseconds since 1970.
    public var changedNanoseconds: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanoseconds: Int64, changedNanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.changedNanoseconds = changedNanoseconds
    }
}

/// What arty wrote into a destination folder: the store `DEST/.arty/downloads.json`, read before
/// planning and updated after each download (like huggingface_hub's `.cache/huggingface/` of a local
/// directory). A file whose identity still matches its entry holds the recorded asset's bytes, so a
/// second download of the same version transfers nothing (issue 11). Pure: reading and writing the
/// store is ``DownloadRecordStore``'s.
///
/// The file is JSON, pretty-printed with sorted keys:
///
/// ```json
/// { "format": 1,
///   "files": { "data/train.csv": { "assetId": "…", "artifactVersionId": "…", "artifact": "ws/name",
///              "version": "1.0.0", "size": 123, "checksum": "<sha256 or sha1 hex, when known>",
///              "identity": { "device": 2049, "inode": 1234, "size": 123,
///                            "modifiedNanoseconds": …, "changedNanoseconds": … } } } }
/// ```
///
/// The store is a hint, never trusted blindly: an entry counts only when the file's identity
/// matches it now, and a store that is not this format is ignored as a whole.
public struct DownloadRecord: Sendable, Hashable, Codable {
    /// The folder of the store inside a destination; no asset may be written below it.
    public static let folderName = ".arty"
    /// The store's file name inside ``folderName``.
    public static let fileName = "downloads.json"
    /// The only format understood; a store of any other format is ignored (and replaced on the next write).
    public static let currentFormat = 1

    /// One file arty wrote (or proved identical to an asset).
    public struct File: Sendable, Hashable, Codable {
        /// The asset whose bytes the file holds.
        public var assetId: String
        /// The version that asset belonged to when it was downloaded.
        public var artifactVersionId: String
        /// `WORKSPACE/ARTIFACT`, for people reading the file.
        public var artifact: String
        /// The version string, for people reading the file.
        public var version: String
        /// Size in bytes.
        public var size: Int64
        /// Lower-case hex SHA-256 or SHA-1 of the bytes, when arty verified one; nil otherwise.
        public var checksum: String?
        /// The file's identity right after arty wrote or checked it.
        public var identity: FileIdentity
        /// HMAC-SHA256 (hex) of the entry and its path under this user's key (``DownloadRecordSeal``):
        /// an entry edited by hand, or written by another user or machine, does not verify and is ignored.
        public var seal: String?

        public init(assetId: String, artifactVersionId: String, artifact: String, version: String, size: Int64,
                    checksum: String?, identity: FileIdentity) {
            self.assetId = assetId
            self.artifactVersionId = artifactVersionId
            self.artifact = artifact
            self.version = version
            self.size = size
            self.checksum = checksum
            self.identity = identity
        }
    }

    /// Always ``currentFormat`` once decoded.
    public var format: Int
    /// Entries by relative path (`data/train.csv`).
    public var files: [String: File]

    public init(files: [String: File] = [:]) {
        self.format = Self.currentFormat
        self.files = files
    }

    /// Decodes a store, or nil for anything else (empty, truncated, another format, not JSON):
    /// a corrupt or foreign store is ignored, never an error. Entries whose key is not a valid
    /// relative path (``LogicalPath``) or lies inside ``folderName`` are dropped.
    public static func decode(_ data: Data) -> DownloadRecord? {
        guard var record = try? JSONDecoder().decode(DownloadRecord.self, from: data),
              record.format == currentFormat else { return nil }
        record.files = record.files.filter { key, file in
            guard let path = try? LogicalPath(key), path.relativePath == key, !isReserved(path) else { return false }
            return file.size >= 0 && file.identity.size == file.size
        }
        return record
    }

    /// The store's bytes: pretty-printed JSON with sorted keys (stable, diff-friendly).
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// True for a path inside (or equal to) the store's folder: planning refuses such assets.
    public static func isReserved(_ path: LogicalPath) -> Bool {
        path.segments.first == folderName
    }

    /// The entry for `path` if the file there still has the recorded identity, else nil.
    public func entry(for path: String, identity: FileIdentity?) -> File? {
        guard let identity, let file = files[path], file.identity == identity else { return nil }
        return file
    }

    /// This record with `updates` applied and entries whose file changed dropped.
    /// - Parameters:
    ///   - updates: new entries by path (files just written, or proved identical to an asset).
    ///   - currentIdentity: the identity of each path now (nil for no regular file); an entry is
    ///     kept only while it matches.
    public func merged(with updates: [String: File], currentIdentity: (String) -> FileIdentity?) -> DownloadRecord {
        var files = self.files
        for (path, file) in updates { files[path] = file }
        return DownloadRecord(files: files.filter { path, file in currentIdentity(path) == file.identity })
    }
}
