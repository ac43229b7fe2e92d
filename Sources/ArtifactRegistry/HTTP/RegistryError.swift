import Foundation

/// An error the registry answers with Comet's error body (reference §3):
/// `{"msg": <text>, "code": <HTTP status>, "sdk_error_code": <int>}`.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// HTTP status code of the reply.
    public var status: Int
    /// Human-readable message (`msg`).
    public var message: String
    /// Comet's `sdk_error_code` (0 when there is no specific code).
    public var sdkErrorCode: Int

    public init(status: Int, message: String, sdkErrorCode: Int = 0) {
        self.status = status
        self.message = message
        self.sdkErrorCode = sdkErrorCode
    }

    public var description: String { "\(status) \(message) (sdk_error_code \(sdkErrorCode))" }

    /// The JSON error body.
    public var body: WireJSON {
        .object([("msg", .string(message)), ("code", .int(Int64(status))), ("sdk_error_code", .int(Int64(sdkErrorCode)))])
    }

    // MARK: Comet's artifact error codes (reference §3)

    /// No API key, or a key that is not registered: 401 with 90212.
    public static let unauthorized = RegistryError(status: 401, message: "Invalid or missing API key", sdkErrorCode: 90212)
    /// A missing artifact or version: 400 with 624523 (the only code Python maps to `ArtifactNotFound`).
    public static func versionNotFound(_ what: String) -> RegistryError {
        RegistryError(status: 400, message: "No artifact version found: \(what)", sdkErrorCode: 624523)
    }
    /// A missing artifact on endpoints other than `artifacts/version`: 400 with 624522.
    public static func artifactNotFound(_ what: String) -> RegistryError {
        RegistryError(status: 400, message: "No artifact found: \(what)", sdkErrorCode: 624522)
    }
    /// A workspace the key's user cannot see: 400 with 90219.
    public static func workspaceNotFound(_ name: String) -> RegistryError {
        RegistryError(status: 400, message: "Workspace does not exist: \(name)", sdkErrorCode: 90219)
    }
    /// Re-using an existing version string on upsert: 400 with 90399.
    public static func versionExists(_ version: String) -> RegistryError {
        RegistryError(status: 400, message: "Artifact version \(version) already exists", sdkErrorCode: 90399)
    }
    /// Adding an asset to a version that is no longer OPEN: 400 with 90401 (its content is final).
    public static func versionImmutable(_ version: String, state: VersionState) -> RegistryError {
        RegistryError(status: 400, message: "Artifact version \(version) is \(state.rawValue): its assets cannot change", sdkErrorCode: 90401)
    }
    /// A by-name lookup of an OPEN version: 400 with 90402.
    public static func notClosed(_ version: String) -> RegistryError {
        RegistryError(status: 400, message: "Artifact version \(version) is not closed yet", sdkErrorCode: 90402)
    }
    /// A by-name lookup of an ERROR version: 400 with 90403.
    public static func closedWithError(_ version: String) -> RegistryError {
        RegistryError(status: 400, message: "Artifact version \(version) is not closed, an error occurred", sdkErrorCode: 90403)
    }
    /// An invalid version string: 400 with 42001.
    public static func invalidVersion(_ version: String) -> RegistryError {
        RegistryError(status: 400, message: "Invalid semantic version: \(version)", sdkErrorCode: 42001)
    }
    /// A malformed request (missing parameter, bad JSON, bad multipart).
    public static func badRequest(_ message: String) -> RegistryError {
        RegistryError(status: 400, message: message, sdkErrorCode: 0)
    }
    /// A method and path the registry does not serve: 404 (arty's client detects a missing
    /// extension endpoint by this status).
    public static func routeNotFound(method: String, path: String) -> RegistryError {
        RegistryError(status: 404, message: "Not found: \(method) \(path)", sdkErrorCode: 0)
    }
    /// An unknown asset on `get-asset`: 404.
    public static func assetNotFound(_ id: String) -> RegistryError {
        RegistryError(status: 404, message: "No asset found: \(id)", sdkErrorCode: 0)
    }
}
