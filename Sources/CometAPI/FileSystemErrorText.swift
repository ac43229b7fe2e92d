import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-line, human descriptions of file-system failures, shared by every command that touches a
/// local path (`serve --data`, `demo --data`, `download DIR`, `user add --data`).
///
/// Foundation's own texts (`Error Domain=NSCocoaErrorDomain Code=516 …`, `(NSCocoaErrorDomain error
/// 512.)`) never reach the user: the failure is described by the path it concerns and its cause,
/// e.g. `'/tmp/file' is a file, not a directory` or `'/tmp/ro': permission denied`.
public enum FileSystemErrorText {
    /// Describes why `path` could not be used.
    ///
    /// - Parameters:
    ///   - error: the thrown error (an `NSError` of the Cocoa or POSIX domain, or anything else).
    ///   - path: the path that was being created, opened or written.
    /// - Returns: one line, no trailing period: a blocking non-directory ancestor when there is one
    ///   (`'A' is a file, not a directory`), else `'PATH': CAUSE` with a lower-case cause.
    public static func describe(_ error: any Error, path: String) -> String {
        if let blocker = nonDirectoryAncestor(of: path) {
            return "'\(blocker)' is a file, not a directory"
        }
        return "'\(path)': \(cause(of: error))"
    }

    /// The closest existing component of `path` (itself included) that is not a directory, when
    /// one exists below which `path` would have to be created: such a path can never be a folder.
    /// Symlinks are followed (a link to a folder is a folder). Pure apart from `stat(2)`.
    public static func nonDirectoryAncestor(of path: String) -> String? {
        var current = URL(fileURLWithPath: path).standardizedFileURL.path
        while !current.isEmpty, current != "/" {
            var info = stat()
            if stat(current, &info) == 0 {
                return (info.st_mode & S_IFMT) == S_IFDIR ? nil : current
            }
            current = (current as NSString).deletingLastPathComponent
        }
        return nil
    }

    /// The cause of `error` in lower case: the POSIX reason (`permission denied`, `no space left on
    /// device`) when one can be found, else a short text for the common Cocoa codes, else the
    /// error's own description.
    public static func cause(of error: any Error) -> String {
        let ns = error as NSError
        if let code = posixCode(of: ns) { return reason(errno: code) }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or directory"
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return "permission denied"
            case NSFileWriteFileExistsError: return "it already exists"
            case NSFileWriteOutOfSpaceError: return "no space left on device"
            case NSFileWriteVolumeReadOnlyError: return "read-only file system"
            case NSFileReadCorruptFileError: return "the file is corrupt"
            default: break
            }
        }
        return String(describing: error)
    }

    /// `strerror(code)` starting in lower case ("Permission denied" → "permission denied").
    public static func reason(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    private static func posixCode(of error: NSError) -> Int32? {
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError { return posixCode(of: underlying) }
        return nil
    }
}
