import Foundation

/// AWS credentials: an access key, its secret, and for temporary credentials a session token.
///
/// `description` shows the access key id only; the secret and the token are registered with
/// ``Redaction`` when the settings are resolved, so they never reach a message or a log.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "AWSCredentials(\(accessKeyId), secret: \(Redaction.placeholder))" }
}

/// Where and how arty reaches S3: credentials, region, endpoint. Resolved the way the AWS CLI
/// resolves them (``resolve(environment:readFile:)``).
public struct S3Settings: Sendable, Hashable {
    public var credentials: AWSCredentials
    /// The default region (`us-east-1` when none is configured). A bucket in another region is
    /// found from S3's `x-amz-bucket-region` answer.
    public var region: String
    /// An S3-compatible store's base URL (`http://127.0.0.1:9000`), from `AWS_ENDPOINT_URL_S3`,
    /// `AWS_ENDPOINT_URL` or the profile's `endpoint_url`; nil for AWS itself.
    public var endpoint: String?
    /// Where the credentials came from, for messages: `environment` or `profile NAME`.
    public var source: String

    public init(credentials: AWSCredentials, region: String = "us-east-1", endpoint: String? = nil, source: String = "environment") {
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.source = source
    }

    /// Path-style URLs (`ENDPOINT/BUCKET/KEY`) for a custom endpoint (MinIO, Ceph, moto have no
    /// per-bucket DNS names); virtual-hosted ones (`BUCKET.s3.REGION.amazonaws.com/KEY`) for AWS.
    public var usesPathStyle: Bool { endpoint != nil }

    /// Resolves the settings from the standard AWS chain, as the AWS CLI does:
    /// 1. `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) in the environment;
    /// 2. else the profile `AWS_PROFILE` (or `AWS_DEFAULT_PROFILE`, else `default`) in the shared
    ///    credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`, section
    ///    `[NAME]`), then in the config file (`AWS_CONFIG_FILE`, default `~/.aws/config`, section
    ///    `[profile NAME]`, or `[default]`).
    ///
    /// Region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`.
    /// Endpoint: `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`; none when
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`.
    ///
    /// Pure apart from `readFile`. Returns nil when no credentials are found: then arty reads no
    /// object store at all. The secret and the token are registered with ``Redaction``.
    /// - Parameters:
    ///   - environment: the process environment (`ProcessInfo.processInfo.environment`).
    ///   - readFile: the text of a file, nil when it cannot be read.
    public static func resolve(environment: [String: String], readFile: (String) -> String?) -> S3Settings? {
        func env(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        let home = env("HOME") ?? NSHomeDirectory()
        // ``INIFile`` lower-cases section names, so profile names match case-insensitively.
        let profile = (env("AWS_PROFILE") ?? env("AWS_DEFAULT_PROFILE") ?? "default").lowercased()
        let credentialsFile = INIFile(parsing: readFile(env("AWS_SHARED_CREDENTIALS_FILE") ?? home + "/.aws/credentials") ?? "").sections
        let configFile = INIFile(parsing: readFile(env("AWS_CONFIG_FILE") ?? home + "/.aws/config") ?? "").sections
        let fromCredentials = credentialsFile[profile] ?? [:]
        let fromConfig = configFile[profile == "default" ? "default" : "profile \(profile)"]
            ?? (profile == "default" ? configFile["profile default"] : nil) ?? [:]

        let credentials: AWSCredentials
        let source: String
        if let key = env("AWS_ACCESS_KEY_ID"), let secret = env("AWS_SECRET_ACCESS_KEY") {
            credentials = AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: env("AWS_SESSION_TOKEN"))
            source = "environment"
        } else if let found = Self.credentials(in: fromCredentials) ?? Self.credentials(in: fromConfig) {
            credentials = found
            source = "profile \(profile)"
        } else {
            return nil
        }
        Redaction.register(credentials.secretAccessKey)
        if let token = credentials.sessionToken { Redaction.register(token) }

        let region = env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? fromConfig["region"] ?? "us-east-1"
        var endpoint: String?
        if env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.lowercased() != "true" {
            endpoint = env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ?? fromConfig["endpoint_url"]
            while endpoint?.hasSuffix("/") == true { endpoint?.removeLast() }
        }
        return S3Settings(credentials: credentials, region: region, endpoint: endpoint, source: source)
    }

    /// Settings from this process's environment and the user's AWS files; nil without credentials.
    public static func fromEnvironment() -> S3Settings? {
        resolve(environment: ProcessInfo.processInfo.environment) { path in
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }

    private static func credentials(in section: [String: String]) -> AWSCredentials? {
        guard let key = section["aws_access_key_id"], !key.isEmpty,
              let secret = section["aws_secret_access_key"], !secret.isEmpty else { return nil }
        let token = section["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyId: key, secretAccessKey: secret, sessionToken: token)
    }
}
