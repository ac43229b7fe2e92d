import CometAPI
import Crypto
import Foundation
import GRDB

/// An asset row that stores its bytes in a blob: where it is shown (workspace, artifact, version,
/// logical path) and which blob it names.
public struct BlobReference: Sendable, Hashable {
    public var assetId: String
    public var workspace: String
    public var artifact: String
    public var version: String
    public var logicalPath: String
    /// The blob's lower-case hex sha256.
    public var sha256: String
    /// The asset's size in bytes.
    public var size: Int64

    public init(assetId: String, workspace: String, artifact: String, version: String, logicalPath: String, sha256: String, size: Int64) {
        self.assetId = assetId
        self.workspace = workspace
        self.artifact = artifact
        self.version = version
        self.logicalPath = logicalPath
        self.sha256 = sha256
        self.size = size
    }

    /// `WORKSPACE/ARTIFACT:VERSION PATH (asset ID)`.
    public var label: String { "\(workspace)/\(artifact):\(version) \(logicalPath) (asset \(assetId))" }

    var json: WireJSON {
        .object([("assetId", .string(assetId)), ("workspace", .string(workspace)), ("artifact", .string(artifact)),
                 ("version", .string(version)), ("logicalPath", .string(logicalPath)), ("sha256", .string(sha256)),
                 ("size", .int(size))])
    }
}

/// Why `arty registry check|gc` refused to work on a directory.
public enum MaintenanceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The directory holds no registry (no `registry.sqlite` or no `blobs/`).
    case notARegistry(String)
    /// A running registry serves the directory (gc could delete a blob an upload just stored).
    case inUse(String)

    public var description: String {
        switch self {
        case .notARegistry(let path): "'\(path)' is not an arty registry (no registry.sqlite and blobs/ in it)"
        case .inUse(let path): "the registry in '\(path)' is being served; stop arty serve and retry"
        }
    }
}

/// What `arty registry check` found.
public struct CheckReport: Sendable, Equatable {
    /// A blob file whose content does not hash to its name (or whose name is not a sha256).
    public struct CorruptBlob: Sendable, Equatable {
        /// The file's name (the digest it claims).
        public var name: String
        /// Path relative to the data directory, e.g. `blobs/ab/cd/abcd…`.
        public var path: String
        /// sha256 of the content actually found.
        public var actualSha256: String
        /// The assets naming this blob (they serve wrong bytes).
        public var references: [BlobReference]
        /// Where `--repair` moved it, relative to the data directory; nil when not moved.
        public var quarantinedTo: String?
    }

    /// Blob files read and hashed.
    public var blobsChecked: Int
    /// Asset rows that name a blob.
    public var assetsChecked: Int
    /// Corrupt blob files.
    public var corrupt: [CorruptBlob]
    /// Assets whose blob file does not exist (before any repair).
    public var missing: [BlobReference]
    /// Whether `--repair` ran.
    public var repaired: Bool

    /// Number of problems: each corrupt blob and each asset without its blob.
    public var problemCount: Int { corrupt.count + missing.count }

    /// Assets left without bytes after a repair: the missing ones and those of quarantined blobs.
    public var assetsWithoutBytes: [BlobReference] {
        missing + corrupt.filter { $0.quarantinedTo != nil }.flatMap(\.references)
    }

    /// The report for people: one line per problem, then a summary line.
    public func lines() -> [String] {
        var out: [String] = []
        for blob in corrupt {
            let users = blob.references.isEmpty ? "referenced by no asset"
                : "used by " + blob.references.map(\.label).joined(separator: "; ")
            out.append("corrupt blob \(blob.path): content sha256 is \(blob.actualSha256); \(users)")
            if let moved = blob.quarantinedTo { out.append("quarantined \(blob.path) to \(moved)") }
        }
        for ref in missing { out.append("missing blob \(ref.sha256) of \(ref.label)") }
        if repaired {
            for ref in assetsWithoutBytes { out.append("asset without bytes: \(ref.label)") }
        }
        let summary = "checked \(blobsChecked) blob\(blobsChecked == 1 ? "" : "s") and \(assetsChecked) asset\(assetsChecked == 1 ? "" : "s"): "
        out.append(summary + (problemCount == 0 ? "no problems" : "\(problemCount) problem\(problemCount == 1 ? "" : "s")"))
        return out
    }

    /// The report as one JSON object: `{"blobsChecked", "assetsChecked", "problems": [{"kind":
    /// "corruptBlob", "blob", "path", "actualSha256", "assets": [...], "quarantinedTo"} | {"kind":
    /// "missingBlob", "blob", "asset": {...}}], "repaired", "assetsWithoutBytes": [...]}`.
    public func json() -> WireJSON {
        var problems: [WireJSON] = corrupt.map { blob in
            .object([("kind", .string("corruptBlob")), ("blob", .string(blob.name)), ("path", .string(blob.path)),
                     ("actualSha256", .string(blob.actualSha256)), ("assets", .array(blob.references.map(\.json))),
                     ("quarantinedTo", .optional(blob.quarantinedTo))])
        }
        problems += missing.map { .object([("kind", .string("missingBlob")), ("blob", .string($0.sha256)), ("asset", $0.json)]) }
        return .object([("blobsChecked", .int(Int64(blobsChecked))), ("assetsChecked", .int(Int64(assetsChecked))),
                        ("problems", .array(problems)), ("repaired", .bool(repaired)),
                        ("assetsWithoutBytes", .array(repaired ? assetsWithoutBytes.map(\.json) : []))])
    }
}

/// What `arty registry gc` removed (or would remove).
public struct GarbageReport: Sendable, Equatable {
    /// A removed file: path relative to the data directory and its size in bytes.
    public struct Removal: Sendable, Equatable {
        public var path: String
        public var bytes: Int64
    }

    public var removed: [Removal]
    /// True when nothing was removed (`--dry-run`).
    public var dryRun: Bool

    /// Bytes freed (or that would be).
    public var bytesFreed: Int64 { removed.reduce(0) { $0 + $1.bytes } }

    /// One line per file, then `freed N bytes in K files` (`would free …` for a dry run).
    public func lines() -> [String] {
        let verb = dryRun ? "would remove" : "removed"
        var out = removed.map { "\(verb) \($0.path) (\($0.bytes) bytes)" }
        out.append("\(dryRun ? "would free" : "freed") \(bytesFreed) bytes in \(removed.count) file\(removed.count == 1 ? "" : "s")")
        return out
    }
}

/// Offline maintenance of a registry's data directory (issue 15): verifying blobs against their
/// names and asset rows against their blobs, and collecting unreferenced blobs.
public enum RegistryMaintenance {
    /// Temporary upload files older than this are stale (seconds).
    public static let staleTemporaryAge: TimeInterval = 3600
    /// Folder (in the data directory) that receives corrupt blobs.
    public static let quarantineFolder = "quarantine"

    /// Opens the registry in `dataDirectory` without creating anything.
    /// - Throws: ``MaintenanceError/notARegistry(_:)`` when there is no `registry.sqlite` or `blobs/`.
    static func openExisting(_ dataDirectory: URL) throws -> (RegistryStore, BlobStore) {
        var isDirectory: ObjCBool = false
        let fm = FileManager.default
        guard fm.fileExists(atPath: dataDirectory.appendingPathComponent(LocalRegistry.databaseFileName).path),
              fm.fileExists(atPath: dataDirectory.appendingPathComponent("blobs").path, isDirectory: &isDirectory),
              isDirectory.boolValue else {
            throw MaintenanceError.notARegistry(dataDirectory.path)
        }
        let store = try RegistryStore(path: dataDirectory.appendingPathComponent(LocalRegistry.databaseFileName).path)
        return (store, try BlobStore(root: dataDirectory))
    }

    /// Hashes every blob file and looks up every asset's blob. With `repair`, corrupt blobs are moved
    /// to `quarantine/` (asset rows are never deleted); without it nothing is changed.
    /// - Throws: ``MaintenanceError/notARegistry(_:)``; file-system and database errors.
    public static func check(dataDirectory: URL, repair: Bool) throws -> CheckReport {
        let (store, blobs) = try openExisting(dataDirectory)
        let references = try store.blobReferences()
        let byDigest = Dictionary(grouping: references, by: \.sha256)
        var corrupt: [CheckReport.CorruptBlob] = []
        var present: Set<String> = []
        let files = blobFiles(blobs)
        for file in files {
            let name = file.lastPathComponent
            let actual = try sha256(of: file)
            guard actual != name else {
                present.insert(name)
                continue
            }
            var entry = CheckReport.CorruptBlob(name: name, path: relative(file, to: dataDirectory), actualSha256: actual,
                                                references: byDigest[name] ?? [], quarantinedTo: nil)
            if repair { entry.quarantinedTo = try quarantine(file, dataDirectory: dataDirectory) }
            corrupt.append(entry)
        }
        let corruptNames = Set(corrupt.map(\.name))
        let missing = references.filter { !present.contains($0.sha256) && !corruptNames.contains($0.sha256) }
        return CheckReport(blobsChecked: files.count, assetsChecked: references.count, corrupt: corrupt, missing: missing,
                           repaired: repair)
    }

    /// Removes blob files no asset references and temporary files older than an hour (with
    /// `dryRun`, only lists them). Refuses while a registry serves the directory.
    /// - Throws: ``MaintenanceError/notARegistry(_:)``, ``MaintenanceError/inUse(_:)``; database errors.
    public static func collectGarbage(dataDirectory: URL, dryRun: Bool, now: Date = Date()) throws -> GarbageReport {
        let (store, blobs) = try openExisting(dataDirectory)
        let lock = try DataDirectoryLock(directory: dataDirectory)
        defer { lock.release() }
        guard lock.isExclusive else { throw MaintenanceError.inUse(dataDirectory.path) }
        let referenced = try store.referencedBlobs()
        var removed: [GarbageReport.Removal] = []
        let fm = FileManager.default
        for file in blobFiles(blobs) where !referenced.contains(file.lastPathComponent) {
            removed.append(.init(path: relative(file, to: dataDirectory), bytes: size(of: file)))
            if !dryRun { try fm.removeItem(at: file) }
        }
        let tmp = (try? fm.contentsOfDirectory(at: blobs.tmpDirectory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        for file in tmp.sorted(by: { $0.path < $1.path }) {
            let modified = (try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? now
            guard now.timeIntervalSince(modified) > staleTemporaryAge else { continue }
            removed.append(.init(path: relative(file, to: dataDirectory), bytes: size(of: file)))
            if !dryRun { try fm.removeItem(at: file) }
        }
        return GarbageReport(removed: removed, dryRun: dryRun)
    }

    /// Every regular file under `blobs/`, sorted by path.
    static func blobFiles(_ blobs: BlobStore) -> [URL] {
        var files: [URL] = []
        if let walker = FileManager.default.enumerator(at: blobs.blobsDirectory, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                files.append(url)
            }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Lower-case hex sha256 of a file, read in 1 MiB chunks.
    static func sha256(of file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func size(of file: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: file.path)[.size]) as? NSNumber)?.int64Value ?? 0
    }

    static func relative(_ file: URL, to root: URL) -> String {
        let base = root.standardizedFileURL.path
        let path = file.standardizedFileURL.path
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }

    /// Moves `file` into `quarantine/` (a numeric suffix avoids overwriting an earlier one).
    /// Returns the new path relative to the data directory.
    static func quarantine(_ file: URL, dataDirectory: URL) throws -> String {
        let folder = dataDirectory.appendingPathComponent(quarantineFolder, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var target = folder.appendingPathComponent(file.lastPathComponent)
        var n = 1
        while FileManager.default.fileExists(atPath: target.path) {
            target = folder.appendingPathComponent("\(file.lastPathComponent).\(n)")
            n += 1
        }
        try FileManager.default.moveItem(at: file, to: target)
        return relative(target, to: dataDirectory)
    }
}

extension RegistryStore {
    /// Every asset row that names a blob, with where it is shown, sorted by workspace, artifact,
    /// version text and logical path.
    public func blobReferences() throws -> [BlobReference] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT assets.asset_id, w.name AS workspace, a.name AS artifact, v.version, assets.logical_path,
                       assets.blob_sha256, assets.size
                FROM assets JOIN versions v ON v.id = assets.version_id
                JOIN artifacts a ON a.id = v.artifact_id JOIN workspaces w ON w.id = a.workspace_id
                WHERE assets.blob_sha256 IS NOT NULL
                ORDER BY w.name, a.name, v.version, assets.logical_path
                """).map {
                BlobReference(assetId: $0["asset_id"], workspace: $0["workspace"], artifact: $0["artifact"], version: $0["version"],
                              logicalPath: $0["logical_path"], sha256: $0["blob_sha256"], size: $0["size"])
            }
        }
    }
}
