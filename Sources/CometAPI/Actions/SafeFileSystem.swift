import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system steps of the actions that must never write outside a destination folder:
/// every path component below the destination is checked with `lstat` and a symlink is refused,
/// never followed (issue 5: "nothing is written outside it, symlinks included").
public enum SafeFileSystem {
    /// What `lstat` says about a path.
    public enum Kind: Sendable, Hashable {
        case missing, file(size: Int64), directory, symlink, other
    }

    /// `lstat(path)`, never following a final symlink.
    public static func kind(of path: String) -> Kind {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file(size: Int64(st.st_size))
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// Creates `root` (and its parents) when missing. The root itself is the user's choice and may
    /// be reached through a symlink; it must end up a directory this process can write into.
    /// - Throws: ``ActionError/unsafeDestination(path:reason:)``.
    public static func ensureRoot(_ root: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ActionError.unsafeDestination(path: root, reason: "it is not a folder") }
            // One clear refusal up front rather than one "Permission denied" per file.
            guard access(root, W_OK | X_OK) == 0 else {
                throw ActionError.unsafeDestination(path: root, reason: "it is not writable (\(String(cString: strerror(errno))))")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            let reason = FileSystemErrorText.nonDirectoryAncestor(of: root).map { "'\($0)' is a file, not a directory" }
                ?? "the folder cannot be created (\(FileSystemErrorText.cause(of: error)))"
            throw ActionError.unsafeDestination(path: root, reason: reason)
        }
    }

    /// Creates the folders `segments` below `root`, one at a time, refusing any component that is a
    /// symlink or not a folder. Returns the full path of the innermost folder.
    /// - Throws: ``ActionError/unsafeDestination(path:reason:)``.
    @discardableResult
    public static func makeDirectories(under root: String, segments: some Sequence<String>) throws -> String {
        var current = root.hasSuffix("/") ? String(root.dropLast()) : root
        for segment in segments {
            current += "/" + segment
            switch kind(of: current) {
            case .directory: continue
            case .missing:
                if mkdir(current, 0o755) != 0, errno != EEXIST {
                    throw ActionError.unsafeDestination(path: current, reason: String(cString: strerror(errno)))
                }
                guard kind(of: current) == .directory else {
                    throw ActionError.unsafeDestination(path: current, reason: "it is not a folder")
                }
            case .symlink:
                throw ActionError.unsafeDestination(path: current, reason: "it is a symlink, which arty does not follow")
            default:
                throw ActionError.unsafeDestination(path: current, reason: "it exists and is not a folder")
            }
        }
        return current
    }

    /// What exists at `path` (relative to `root`), checking every component: a symlinked folder on
    /// the way counts as `.other`, so nothing is written through it.
    public static func existing(under root: String, path: LogicalPath) -> ExistingFile? {
        var current = root.hasSuffix("/") ? String(root.dropLast()) : root
        for (index, segment) in path.segments.enumerated() {
            current += "/" + segment
            let isLast = index == path.segments.count - 1
            switch kind(of: current) {
            case .missing: return nil
            case .symlink: return .other(isLast ? "a symlink" : "a path through a symlink")
            case .directory: if isLast { return .other("a folder") }
            case .file(let size): return isLast ? .file(size: size) : .other("a path through a file")
            case .other: return .other("a special file")
            }
        }
        return nil
    }

    /// The identity of the regular file at `path` (relative to `root`), or nil when there is none:
    /// missing, not a regular file, or reached through a symlink (every component is checked as
    /// ``existing(under:path:)`` does).
    public static func identity(under root: String, path: LogicalPath) -> FileIdentity? {
        guard case .file? = existing(under: root, path: path) else { return nil }
        return identity(of: path.resolved(under: root))
    }

    /// `lstat(path)` as a ``FileIdentity``, nil unless it is a regular file (a symlink is never followed).
    public static func identity(of path: String) -> FileIdentity? {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        func nanoseconds(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }
        #if canImport(Darwin)
        let (modified, changed) = (st.st_mtimespec, st.st_ctimespec)
        #else
        let (modified, changed) = (st.st_mtim, st.st_ctim)
        #endif
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                            modifiedNanoseconds: nanoseconds(modified), changedNanoseconds: nanoseconds(changed))
    }

    /// Reads the regular file at `path` whole, refusing a symlink (`O_NOFOLLOW`) and anything
    /// larger than `maxBytes`; nil when it cannot be read.
    public static func readSmallFile(_ path: String, maxBytes: Int) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, Int(st.st_size) <= maxBytes else { return nil }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while data.count <= maxBytes {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
        }
        return nil
    }

    /// Removes `path` if it is a file or a symlink (never a folder); errors are ignored.
    public static func removeFile(_ path: String) {
        switch kind(of: path) {
        case .file, .symlink, .other: unlink(path)
        case .missing, .directory: break
        }
    }

    /// The longest file name most file systems take (`NAME_MAX` of ext4, XFS, Btrfs, APFS), in UTF-8 bytes.
    public static let maxNameBytes = 255

    /// The partial file that a download to `finalPath` streams into before its rename: `NAME.part` beside
    /// it, or, when that would be longer than ``maxNameBytes`` (a name of 251–255 bytes is legal but its
    /// `.part` is not), NAME cut at a character boundary, `~`, 16 hex digits of NAME's SHA-256 and `.part`.
    /// The same final path always gives the same partial path, so a rerun resumes it. Pure.
    /// - Parameter shortened: use the second form whatever the length (when `NAME.part` is itself the
    ///   final name of another file of the same download).
    public static func partialPath(for finalPath: String, shortened: Bool = false) -> String {
        let slash = finalPath.lastIndex(of: "/")
        let name = slash.map { String(finalPath[finalPath.index(after: $0)...]) } ?? finalPath
        guard shortened || name.utf8.count + 5 > maxNameBytes else { return finalPath + ".part" }
        let digest = SHA256.hash(data: Data(name.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        let budget = maxNameBytes - 5 - 17  // ".part", "~" + 16 hex digits
        var kept = ""
        var bytes = 0
        for character in name {
            bytes += character.utf8.count
            if bytes > budget { break }
            kept.append(character)
        }
        let folder = slash.map { String(finalPath[...$0]) } ?? ""
        return folder + kept + "~" + digest + ".part"
    }

    /// `rename(2)`: atomic replacement of `to` within one file system.
    /// - Throws: ``ActionError/unsafeDestination(path:reason:)``.
    public static func atomicRename(_ from: String, to: String) throws {
        if case .symlink = kind(of: to) { unlink(to) }  // replace a planted link itself, never its target
        guard rename(from, to) == 0 else {
            throw ActionError.unsafeDestination(path: to, reason: String(cString: strerror(errno)))
        }
    }

    /// Writes `data` to `path` via `path.part` and an atomic rename, refusing a symlink at `path.part`.
    /// - Throws: ``ActionError/unsafeDestination(path:reason:)`` naming the folder of `path` (never the
    ///   internal `.part` file), e.g. `'/tmp/ro': permission denied`.
    public static func writeAtomically(_ data: Data, to path: String) throws {
        let part = partialPath(for: path)
        removeFile(part)
        let fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        // The `.part` file is arty's own business: name the folder the user chose (issue: read-only destination).
        let folder = (path as NSString).deletingLastPathComponent
        guard fd >= 0 else { throw ActionError.unsafeDestination(path: folder, reason: FileSystemErrorText.reason(errno: errno)) }
        let ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        close(fd)
        guard ok else {
            unlink(part)
            throw ActionError.unsafeDestination(path: folder, reason: "write failed")
        }
        try atomicRename(part, to: path)
    }
}

/// Streaming file digests (1 MiB reads; constant memory).
public enum FileDigest {
    public enum Algorithm: Sendable, Hashable { case md5, sha1, sha256 }

    /// The algorithm of a hex checksum by its length (32: MD5, as in an S3 single-part ETag;
    /// 40: SHA-1; 64: SHA-256), nil otherwise.
    public static func algorithm(ofHex checksum: String) -> Algorithm? {
        guard checksum.allSatisfy(\.isHexDigit) else { return nil }
        switch checksum.count {
        case 32: return .md5
        case 40: return .sha1
        case 64: return .sha256
        default: return nil
        }
    }

    /// Lower-case hex digest of the file at `path`.
    /// - Throws: ``CometAPIError/fileSystem(path:detail:operation:)`` when it cannot be read.
    public static func hex(of path: String, algorithm: Algorithm) throws -> String {
        var digest = RunningDigest(algorithm)
        try digest.update(file: path, to: nil)
        return digest.hex
    }

    /// True when both files have the same size and SHA-256.
    public static func sameContent(_ a: String, _ b: String) throws -> Bool {
        guard case .file(let sa) = SafeFileSystem.kind(of: a), case .file(let sb) = SafeFileSystem.kind(of: b), sa == sb else {
            return false
        }
        return try hex(of: a, algorithm: .sha256) == hex(of: b, algorithm: .sha256)
    }
}

/// A digest fed in file order, a piece at a time: a segmented download hashes each contiguous run of
/// finished ranges while the later ones still arrive, so that verification does not read the whole
/// file again after its last byte (issue 12).
public struct RunningDigest: @unchecked Sendable {
    // The Crypto hash functions are plain value types; @unchecked because not every version declares them Sendable.
    private enum State {
        case md5(Insecure.MD5), sha1(Insecure.SHA1), sha256(SHA256)
    }

    public let algorithm: FileDigest.Algorithm
    /// Bytes fed so far: the digest covers the file's bytes `0..<bytesHashed`.
    public private(set) var bytesHashed: Int64 = 0
    private var state: State

    public init(_ algorithm: FileDigest.Algorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .md5: state = .md5(Insecure.MD5())
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        }
    }

    /// Feeds `bytes` (the next ones in order).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .md5(var h): h.update(bufferPointer: bytes); state = .md5(h)
        case .sha1(var h): h.update(bufferPointer: bytes); state = .sha1(h)
        case .sha256(var h): h.update(bufferPointer: bytes); state = .sha256(h)
        }
        bytesHashed += Int64(bytes.count)
    }

    /// Feeds the file's bytes from ``bytesHashed`` up to `end` (exclusive; nil: to the end of the
    /// file), in 1 MiB reads (constant memory). Stops early, with the bytes fed so far counted, when
    /// the task is cancelled.
    /// - Throws: ``CometAPIError/fileSystem(path:detail:operation:)`` when the file cannot be opened,
    ///   or ends (or fails to read) before `end`.
    public mutating func update(file path: String, to end: Int64?) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CometAPIError.fileSystem(path: path, detail: "cannot open for reading: \(String(cString: strerror(errno)))",
                                          operation: "Checksumming")
        }
        defer { close(fd) }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while end.map({ bytesHashed < $0 }) ?? true {
            if Task.isCancelled { return }
            let want = end.map { Int(min(Int64(chunk), $0 - bytesHashed)) } ?? chunk
            let n = pread(fd, buffer.baseAddress, want, off_t(bytesHashed))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                if n == 0, end == nil { return }
                throw CometAPIError.fileSystem(path: path, detail: n == 0 ? "the file ends at byte \(bytesHashed)" : String(cString: strerror(errno)),
                                              operation: "Checksumming")
            }
            update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// The lower-case hex digest of the bytes fed.
    public var hex: String {
        let bytes: [UInt8] = switch state {
        case .md5(let h): Array(h.finalize())
        case .sha1(let h): Array(h.finalize())
        case .sha256(let h): Array(h.finalize())
        }
        return bytes.map { String(format: "%02x", $0) }.joined()
    }
}
