/// The state of an artifact version (reference §4.2): OPEN after upsert, CLOSED when every asset
/// is confirmed, ERROR when an upload failed.
public enum VersionState: String, Sendable, CaseIterable {
    case open = "OPEN"
    case closed = "CLOSED"
    case error = "ERROR"
}
