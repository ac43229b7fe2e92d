import Foundation

/// A failure of an artifact action (download, alias/tag edit, bump, diff, log) that is not a
/// transport or HTTP failure: something the user asked for that cannot be done as asked.
///
/// ``userMessage`` is one sentence for the status line or stderr; it never contains the API key.
public enum ActionError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The requested version already exists (bump; reference §2.9, `sdk_error_code` 90399).
    case versionExists(artifact: String, version: String)
    /// The source version is not strict semantic versioning, so it cannot be bumped.
    case notSemantic(version: String)
    /// The number a bump would raise is already `Int.max`: there is no next version to make.
    case versionOverflow(version: String, kind: String)
    /// A label (alias or tag) is empty or otherwise unusable.
    case invalidLabel(String)
    /// Another writer kept undoing a label change (read-apply-write-verify gave up).
    case labelConflict(String)
    /// A mutating action was refused because arty runs read-only (`--read-only`, `ARTY_READ_ONLY=1`).
    case readOnly(action: String)
    /// The download destination cannot be used (not a directory, a symlink inside it, ...).
    case unsafeDestination(path: String, reason: String)
    /// An existing file differs from the asset and the overwrite strategy is FAIL.
    case existingFileDiffers(path: String)
    /// The downloaded bytes do not match the expected size or checksum.
    case verificationFailed(path: String, detail: String)
    /// A local folder to log cannot be read, or has no files.
    case folder(path: String, detail: String)
    /// `--asset PATH` names no asset of the version (`version` is `WORKSPACE/ARTIFACT:VERSION`).
    case noSuchAsset(path: String, version: String)
    /// Some transfers of a download or copy failed; the summary says which.
    case partialFailure(failed: Int, total: Int)

    public var userMessage: String {
        switch self {
        case .versionExists(let artifact, let version):
            "Version \(version) of artifact '\(artifact)' already exists; nothing was created."
        case .notSemantic(let version):
            "Version '\(version)' is not a semantic version (MAJOR.MINOR.PATCH), so it cannot be bumped."
        case .versionOverflow(let version, let kind):
            "Version '\(version)' has no next \(kind) version: that number is already the largest arty can count to."
        case .invalidLabel(let detail): "Invalid label: \(detail)"
        case .labelConflict(let detail): "Label conflict: \(detail)"
        case .readOnly(let action): "arty is read-only (--read-only or ARTY_READ_ONLY=1): \(action) is disabled."
        case .unsafeDestination(let path, let reason): "Refusing to write to '\(path)': \(reason)."
        case .existingFileDiffers(let path):
            "'\(path)' already exists with different content; use --overwrite preserve to keep it or --overwrite overwrite to replace it."
        case .verificationFailed(let path, let detail): "Download of '\(path)' failed verification: \(detail)."
        case .folder(let path, let detail): "Cannot log folder '\(path)': \(detail)."
        case .noSuchAsset(let path, let version): "No asset '\(path)' in \(version)."
        case .partialFailure(let failed, let total): "\(failed) of \(total) transfers failed."
        }
    }

    public var description: String { userMessage }
    public var errorDescription: String? { userMessage }
}
