import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Content-addressed blob storage on disk: `blobs/aa/bb/<sha256>` under the data directory.
///
/// An upload is written to a file in `tmp/`, hashed (sha256) while it is written, fsynced, then
/// renamed into place and the directory fsynced, so a crash never leaves a half blob under a
/// digest name. Identical content is stored once. ``collectGarbage(referenced:)`` removes leftover
/// temporary files and blobs no asset references (run at start-up, before serving).
public struct BlobStore: Sendable {
    /// Root of the store (the registry's data directory).
    public let root: URL

    public init(root: URL) throws {
        self.root = root
        try FileManager.default.createDirectory(at: blobsDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tmpDirectory, withIntermediateDirectories: true)
    }

    public var blobsDirectory: URL { root.appendingPathComponent("blobs", isDirectory: true) }
    public var tmpDirectory: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// The path of a blob with the given lower-case hex sha256 (which may not exist).
    public func path(forDigest digest: String) -> URL {
        let a = String(digest.prefix(2)), b = String(digest.dropFirst(2).prefix(2))
        return blobsDirectory.appendingPathComponent(a).appendingPathComponent(b).appendingPathComponent(digest)
    }

    /// A new, empty temporary file in `tmp/`, opened for writing.
    public func makeTemporaryFile() throws -> TemporaryFile {
        try TemporaryFile(url: tmpDirectory.appendingPathComponent(UUID().uuidString.lowercased() + ".part"))
    }

    /// Moves a finished temporary file into place under its digest (dropping it when the same
    /// content is already stored). Returns the digest and size in bytes.
    /// - Throws: file-system errors; the temporary file is removed in every case.
    public func commit(_ file: TemporaryFile) throws -> (sha256: String, size: Int64) {
        let (digest, size) = try file.finish()
        defer { try? FileManager.default.removeItem(at: file.url) }
        let target = path(forDigest: digest)
        if FileManager.default.fileExists(atPath: target.path) { return (digest, size) }
        let dir = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        guard rename(file.url.path, target.path) == 0 else {
            throw RegistryError(status: 500, message: "Cannot store blob: errno \(errno)")
        }
        Self.syncDirectory(dir)
        return (digest, size)
    }

    /// Stores `data` as a blob. Returns the digest and size in bytes.
    public func store(_ data: Data) throws -> (sha256: String, size: Int64) {
        let file = try makeTemporaryFile()
        try file.write(data)
        return try commit(file)
    }

    /// Removes every temporary file, and every blob whose digest is not in `referenced`.
    /// Returns how many files were removed. Call only while no upload is in flight.
    @discardableResult
    public func collectGarbage(referenced: Set<String>) throws -> Int {
        let fm = FileManager.default
        var removed = 0
        for name in (try? fm.contentsOfDirectory(atPath: tmpDirectory.path)) ?? [] {
            try? fm.removeItem(at: tmpDirectory.appendingPathComponent(name))
            removed += 1
        }
        if let walker = fm.enumerator(at: blobsDirectory, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
                if !referenced.contains(url.lastPathComponent) {
                    try? fm.removeItem(at: url)
                    removed += 1
                }
            }
        }
        return removed
    }

    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); _ = close(fd) }
    }
}

/// A file being written in the blob store's `tmp/`: counts bytes and computes sha256 as it goes.
/// Used from one task at a time.
public final class TemporaryFile: @unchecked Sendable {
    public let url: URL
    private let handle: FileHandle
    private var hasher = SHA256()
    /// Bytes written so far.
    public private(set) var size: Int64 = 0

    init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw RegistryError(status: 500, message: "Cannot create temporary file")
        }
        handle = try FileHandle(forWritingTo: url)
    }

    /// Appends bytes.
    public func write(_ bytes: some DataProtocol) throws {
        let data = Data(bytes)
        hasher.update(data: data)
        try handle.write(contentsOf: data)
        size += Int64(data.count)
    }

    /// Appends raw bytes from a buffer.
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: buffer)
        try handle.write(contentsOf: Data(buffer))
        size += Int64(buffer.count)
    }

    /// fsyncs and closes the file; returns its sha256 (lower-case hex) and size in bytes.
    func finish() throws -> (String, Int64) {
        try handle.synchronize()
        try handle.close()
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return (digest, size)
    }

    /// Closes (without fsync) and deletes the file.
    public func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}
