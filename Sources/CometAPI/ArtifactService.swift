import Foundation

/// How to pick one version of an artifact (reference §2.5).
public enum VersionSelector: Sendable, Hashable, CustomStringConvertible {
    /// An exact version string (`1.2.0`).
    case version(String)
    /// An alias (`production`); `latest` names the highest version, case-insensitively.
    case alias(String)
    /// A version string if it parses as one, otherwise an alias (`versionOrAlias`).
    case versionOrAlias(String)
    /// A version id (works for OPEN versions too).
    case versionId(String)

    /// The highest version of the artifact.
    public static let latest = VersionSelector.alias("latest")

    public var description: String {
        switch self {
        case .version(let v), .alias(let v), .versionOrAlias(let v), .versionId(let v): v
        }
    }
}

/// The read side of Comet's artifact API, as the terminal UI uses it.
///
/// ``CometClient`` implements it over libcurl; tests use in-memory fakes. Every method throws
/// ``CometAPIError`` on failure (HTTP status, Comet's `sdk_error_code` and message, or a
/// transport / decoding failure) and honours task cancellation.
public protocol ArtifactReading: Sendable {
    /// `GET account-details` (reference §2.2).
    func accountDetails() async throws -> AccountDetails
    /// `GET workspaces`: the names of the workspaces the API key can see (reference §2.1).
    func workspaces() async throws -> [String]
    /// `GET artifacts/get-all`: the artifacts of a workspace, optionally of one type (§2.3).
    func artifacts(workspace: String, type: String?) async throws -> [Artifact]
    /// `GET artifacts/get`: one artifact and all its versions, by workspace and name (§2.4).
    func artifactDetails(workspace: String, name: String) async throws -> ArtifactDetails
    /// `GET artifacts/version`: one version, with its artifact summary (§2.5).
    func artifactVersion(workspace: String, name: String, selector: VersionSelector) async throws -> ArtifactVersion
    /// `GET artifacts/version/files`: the assets of one version (§2.6).
    func assets(workspace: String, name: String, selector: VersionSelector) async throws -> [Asset]
}
