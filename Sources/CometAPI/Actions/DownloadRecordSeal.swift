import Crypto
import Foundation

/// Seals the entries of a ``DownloadRecord`` so that arty trusts only what it wrote itself.
///
/// The store sits in the user's folder, where anyone can edit it: an entry claiming the wrong checksum
/// for an untouched file would make arty keep old bytes as "up to date". Each entry therefore carries
/// an HMAC-SHA256 over its path and fields, keyed by a random 256-bit key kept in this user's state
/// directory (`$ARTY_STATE_DIR`, else `$XDG_STATE_HOME/arty`, else `~/.local/state/arty`; file
/// `download-record.key`, mode 0600, created on first use). An entry without a valid seal is ignored:
/// the file is then compared as if there were no store (hashed when a checksum is known, else fetched).
public struct DownloadRecordSeal: Sendable {
    /// The 32 key bytes.
    let key: Data

    /// A seal with `key` (tests use a fixed one).
    public init(key: Data) { self.key = key }

    /// This user's seal, loading the key (or creating it once); nil when no key can be read or made,
    /// so that nothing in any store is trusted.
    public static let current: DownloadRecordSeal? = loadOrCreate(environment: ProcessInfo.processInfo.environment)

    /// The key file's path for `environment`.
    public static func keyPath(environment: [String: String]) -> String {
        let dir: String
        if let explicit = environment["ARTY_STATE_DIR"], !explicit.isEmpty {
            dir = explicit
        } else if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty {
            dir = xdg + "/arty"
        } else {
            dir = (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) + "/.local/state/arty"
        }
        return dir + "/download-record.key"
    }

    /// Reads the key at ``keyPath(environment:)``, creating it (0600, in a 0700 folder) when absent.
    public static func loadOrCreate(environment: [String: String]) -> DownloadRecordSeal? {
        let path = keyPath(environment: environment)
        if let key = SafeFileSystem.readSmallFile(path, maxBytes: 64), key.count == 32 { return DownloadRecordSeal(key: key) }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        var bytes = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &bytes) })
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 {
            let written = key.withUnsafeBytes { write(fd, $0.baseAddress, 32) }
            close(fd)
            if written != 32 { unlink(path); return nil }
        }
        // Another process may have created it first: use whatever is there now.
        guard let stored = SafeFileSystem.readSmallFile(path, maxBytes: 64), stored.count == 32 else { return nil }
        return DownloadRecordSeal(key: stored)
    }

    /// The seal of `file` at `path`: hex HMAC-SHA256 over its fields, NUL-separated.
    public func seal(_ file: DownloadRecord.File, path: String) -> String {
        let id = file.identity
        let fields = [path, file.assetId, file.artifactVersionId, String(file.size), file.checksum ?? "",
                      String(id.device), String(id.inode), String(id.size), String(id.modifiedNanoseconds),
                      String(id.changedNanoseconds)]
        let mac = HMAC<SHA256>.authenticationCode(for: Data(fields.joined(separator: "\u{0}").utf8), using: SymmetricKey(data: key))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// `record` with every entry sealed.
    public func sealed(_ record: DownloadRecord) -> DownloadRecord {
        var out = record
        for (path, file) in record.files { out.files[path]?.seal = seal(file, path: path) }
        return out
    }

    /// `record` with only the entries whose seal verifies (compared in constant time).
    public func verified(_ record: DownloadRecord) -> DownloadRecord {
        var out = record
        out.files = record.files.filter { path, file in
            guard let given = file.seal else { return false }
            let expected = seal(file, path: path)
            return given.utf8.count == expected.utf8.count && zip(given.utf8, expected.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
        return out
    }
}
