import Foundation

/// What arty knows about a remote asset's link beyond the link itself: the object's size and
/// existence, a prefix's object count and total size, or why it was not read.
///
/// Encoded in `arty ls --json` as the asset's `remote` object (`{"store":"s3","state":"object",
/// "size":…}`, see ``encode(to:)``).
public enum RemoteAssetFacts: Sendable, Hashable, Encodable {
    /// One object: its facts, and whether they come from the asset's metadata (logged by the SDK
    /// with `sync_mode`: `file_size`, `checksum`, `version_id`) rather than from the store.
    case object(S3ObjectFacts, fromMetadata: Bool)
    /// A prefix: how many objects and bytes it holds; `complete` false when the listing stopped at
    /// its limit (then both are lower bounds).
    case prefix(objectCount: Int, totalBytes: Int64, complete: Bool)
    /// The store answered that it cannot be read: the fact to show (`not found (404)`).
    case unavailable(String)
    /// arty does not read this kind of link (`gs://`): why.
    case notRead(String)

    /// The size column's text: `↗ 1.2 GiB s3`, `↗ 3 obj 1.2 GiB s3`, `↗ not found (404)`.
    public var sizeLabel: String {
        switch self {
        case .object(let facts, _): "↗ \(Listing.byteCount(facts.size)) s3"
        case .prefix(let count, let bytes, let complete):
            "↗ \(count)\(complete ? "" : "+") obj \(Listing.byteCount(bytes)) s3"
        case .unavailable(let why): "↗ \(why)"
        case .notRead: "remote"
        }
    }

    /// Lines for the details pane: `S3 object: 1,234 bytes`, `Last modified: …`, `ETag: …`.
    public var detailLines: [String] {
        switch self {
        case .object(let facts, let fromMetadata):
            var lines = ["S3 object: \("\(Listing.byteCount(facts.size)) (\(facts.size) bytes)")\(fromMetadata ? " (from the asset's metadata)" : "")"]
            if let m = facts.lastModified { lines.append("Last modified: \(m)") }
            if let e = facts.eTag { lines.append("ETag: \(e)") }
            if let v = facts.versionId { lines.append("Object version: \(v)") }
            return lines
        case .prefix(let count, let bytes, let complete):
            return ["S3 prefix: \(complete ? "" : "at least ")\(count) object\(count == 1 ? "" : "s"), \("\(Listing.byteCount(bytes)) (\(bytes) bytes)")"]
        case .unavailable(let why): return ["S3: \(why)"]
        case .notRead(let why): return [why]
        }
    }

    /// The size in bytes when known (an object, or a complete prefix).
    public var knownSize: Int64? {
        switch self {
        case .object(let facts, _): facts.size
        case .prefix(_, let bytes, true): bytes
        default: nil
        }
    }

    private enum Keys: String, CodingKey { case store, state, size, lastModified, eTag, versionId, source, objectCount, totalBytes, complete, reason }

    /// `{"store":"s3","state":"object","size":8,"eTag":"…","lastModified":"…","source":"store"|"metadata"}`,
    /// `{"store":"s3","state":"prefix","objectCount":2,"totalBytes":13,"complete":true}`,
    /// `{"store":"s3","state":"unavailable","reason":"not found (404)"}`, `{"state":"notRead","reason":…}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .object(let facts, let fromMetadata):
            try c.encode("s3", forKey: .store)
            try c.encode("object", forKey: .state)
            try c.encode(facts.size, forKey: .size)
            try c.encodeIfPresent(facts.lastModified, forKey: .lastModified)
            try c.encodeIfPresent(facts.eTag, forKey: .eTag)
            try c.encodeIfPresent(facts.versionId, forKey: .versionId)
            try c.encode(fromMetadata ? "metadata" : "store", forKey: .source)
        case .prefix(let count, let bytes, let complete):
            try c.encode("s3", forKey: .store)
            try c.encode("prefix", forKey: .state)
            try c.encode(count, forKey: .objectCount)
            try c.encode(bytes, forKey: .totalBytes)
            try c.encode(complete, forKey: .complete)
        case .unavailable(let why):
            try c.encode("s3", forKey: .store)
            try c.encode("unavailable", forKey: .state)
            try c.encode(why, forKey: .reason)
        case .notRead(let why):
            try c.encode("notRead", forKey: .state)
            try c.encode(why, forKey: .reason)
        }
    }
}

/// What the SDK records for an S3 object logged with `sync_mode=True` (comet_ml's
/// `cloud_storage_utils`: metadata keys `s3_path`, `file_size`, `checksum` (the ETag),
/// `version_id`, `synced`).
public struct SyncedS3Metadata: Sendable, Hashable {
    public var location: S3Location?
    public var size: Int64
    public var eTag: String?
    public var versionId: String?

    /// Reads the synced-object keys of an asset's metadata; nil unless `file_size` is a
    /// non-negative whole number.
    public init?(_ metadata: JSONValue?) {
        guard let metadata, let n = metadata["file_size"]?.numberValue ?? metadata["file_size"]?.stringValue.flatMap(Double.init),
              n >= 0, n == n.rounded(), n < 9e15 else { return nil }
        size = Int64(n)
        location = metadata["s3_path"]?.stringValue.flatMap(S3Location.init(link:))
        eTag = metadata["checksum"]?.stringValue.map(S3Response.unquotedETag)
        versionId = metadata["version_id"]?.stringValue
    }
}

/// Finds ``RemoteAssetFacts`` for remote assets: from the SDK's synced metadata first (no request),
/// else from the store when credentials exist (a signed `HEAD`, or a listing for a prefix). Shared
/// by `arty ls` and the TUI.
public struct RemoteAssetInspector: Sendable {
    /// The S3 client, nil without AWS credentials (then only metadata facts are given and nothing
    /// is requested from any store).
    public let s3: S3Client?
    /// Most objects listed for one prefix.
    public var listLimit: Int

    public init(s3: S3Client?, listLimit: Int = 100_000) {
        self.s3 = s3
        self.listLimit = listLimit
    }

    /// An inspector for this process: the AWS chain (``S3Settings/fromEnvironment()``) over its own
    /// libcurl transport (TLS always verified, whatever `--insecure` says for the Comet server;
    /// `AWS_CA_BUNDLE` adds CA certificates, as for the AWS CLI). Without credentials, no transport
    /// is made and nothing is ever requested.
    public static func fromEnvironment() -> RemoteAssetInspector {
        guard let settings = S3Settings.fromEnvironment() else { return RemoteAssetInspector(s3: nil) }
        let ca = ProcessInfo.processInfo.environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        let transport = CurlTransport(options: CurlTransportOptions(caBundlePath: ca, userAgent: "arty/0.1 libcurl (S3)"))
        return RemoteAssetInspector(s3: S3Client(settings: settings, transport: transport))
    }

    /// True when only the store can tell about `asset` (a remote `s3://` link without the SDK's
    /// synced metadata), so ``facts(for:)`` would send a request. Pure.
    public static func needsStore(_ asset: Asset) -> Bool {
        guard asset.isRemote, SyncedS3Metadata(asset.metadata) == nil else { return false }
        return asset.link.flatMap(S3Location.init(link:)) != nil
    }

    /// The facts known without any request: the SDK's synced metadata, or a `gs://` link's
    /// "not read". Pure.
    public static func metadataFacts(_ asset: Asset) -> RemoteAssetFacts? {
        guard asset.isRemote, let link = asset.link else { return nil }
        if let synced = SyncedS3Metadata(asset.metadata) {
            return .object(S3ObjectFacts(size: synced.size, eTag: synced.eTag, versionId: synced.versionId), fromMetadata: true)
        }
        if link.lowercased().hasPrefix("gs://") { return .notRead("Google Cloud Storage link: arty does not read GCS.") }
        return nil
    }

    /// Facts about `asset`'s link; nil when there is nothing to say (a local asset; an `https://`
    /// link; an S3 link without credentials). Never throws: a store's refusal is a fact.
    public func facts(for asset: Asset) async -> RemoteAssetFacts? {
        guard asset.isRemote, let link = asset.link else { return nil }
        if let known = Self.metadataFacts(asset) { return known }
        guard let location = S3Location(link: link), let s3 else { return nil }
        do {
            if location.isPrefix {
                let listed = try await s3.list(location, limit: listLimit)
                return .prefix(objectCount: listed.objects.count, totalBytes: listed.objects.reduce(0) { $0 + $1.size },
                               complete: !listed.truncated)
            }
            return .object(try await s3.head(location), fromMetadata: false)
        } catch {
            return .unavailable(error.fact)
        }
    }
}
