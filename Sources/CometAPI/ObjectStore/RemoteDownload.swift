import Foundation

/// Which remote links `arty download --include-remote[=KINDS]` fetches. Off by default.
///
/// `--include-remote` alone (or `=s3`) fetches `s3://` objects; `=https` also fetches web links
/// (`https://`, and `http://`); `gs://` and other schemes are never fetched.
public struct RemoteFetchScope: Sendable, Hashable {
    public var s3: Bool
    public var web: Bool

    public init(s3: Bool = false, web: Bool = false) {
        self.s3 = s3
        self.web = web
    }

    /// Nothing fetched: remote assets are listed in `remote-assets.json` only.
    public static let none = RemoteFetchScope()

    /// Parses the option's value: `s3`, `https`, or both comma-separated; empty means `s3`.
    /// - Throws: a message naming the bad value.
    public init(argument: String) throws(RemoteFetchScopeError) {
        self.init()
        let kinds = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if kinds.isEmpty { s3 = true; return }
        for kind in kinds {
            switch kind {
            case "s3": s3 = true
            case "https", "http", "web": s3 = true; web = true
            default: throw RemoteFetchScopeError(value: kind)
            }
        }
    }

    /// True when `link`'s scheme is fetched under this scope.
    public func includes(_ link: String) -> Bool {
        switch RemoteLinkKind(link) {
        case .s3: s3
        case .web: web
        case .other: false
        }
    }

    public var isEmpty: Bool { !s3 && !web }
}

/// A bad `--include-remote` value.
public struct RemoteFetchScopeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var value: String
    public init(value: String) { self.value = value }
    public var description: String { "--include-remote takes s3 or https (comma-separated), not '\(value)'." }
}

/// The kind of a remote asset's link, by scheme.
public enum RemoteLinkKind: Sendable, Hashable {
    case s3, web, other

    public init(_ link: String) {
        let scheme = link.split(separator: ":", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        switch scheme {
        case "s3": self = .s3
        case "https", "http": self = .web
        default: self = .other
        }
    }
}

/// Where a downloaded file's bytes come from when it is not a Comet asset.
public enum RemoteObjectSource: Sendable, Hashable {
    /// An S3 object (a specific object version when given), with the ETag it had when listed: the
    /// download asks `If-Match` it, so a replaced object fails instead of mixing bytes.
    case s3(S3Location, versionId: String?, eTag: String? = nil)
    /// A web link, fetched with a plain GET.
    case web(url: String)

    /// The link, for messages.
    public var link: String {
        switch self {
        case .s3(let location, _, _): location.description
        case .web(let url): url
        }
    }
}

/// A remote asset expanded into files to download: one for an object, one per object of a prefix.
public struct RemoteObjectFile: Sendable, Hashable {
    /// A stand-in asset: the remote asset's id (plus `:KEY` for a prefix's objects), the logical
    /// path the file gets (`LOGICAL/REST-OF-KEY` for a prefix's objects), the store's size, and the
    /// MD5 from a single-part ETag as its checksum (metadata `checksum`).
    public var asset: Asset
    public var source: RemoteObjectSource
}

/// Turns remote assets into files to download (signed `HEAD` or listing for S3, `HEAD` for web
/// links), and streams them (``download(_:to:resumeFrom:progress:)``), for ``ArtifactDownloader``.
public struct RemoteObjectFetcher: Sendable {
    public let s3: S3Client?
    /// The transport for web links (never signed).
    public let web: any HTTPTransport
    public var scope: RemoteFetchScope

    public init(s3: S3Client?, web: any HTTPTransport, scope: RemoteFetchScope) {
        self.s3 = s3
        self.web = web
        self.scope = scope
    }

    /// The fetcher for this process: the AWS chain for S3 (nil client without credentials) and a
    /// plain libcurl transport for web links.
    public static func fromEnvironment(scope: RemoteFetchScope) -> RemoteObjectFetcher {
        let inspector = RemoteAssetInspector.fromEnvironment()
        return RemoteObjectFetcher(s3: inspector.s3, web: CurlTransport(), scope: scope)
    }

    /// Expands one remote asset into its files.
    /// - Returns: the files, or nil when the asset is not fetched: outside ``scope``, or an S3 link
    ///   without AWS credentials (then nothing is requested and it stays in `remote-assets.json`).
    /// - Throws: ``ObjectStoreError`` naming the link (403, 404, no such bucket, unreachable).
    public func expand(_ asset: Asset) async throws(ObjectStoreError) -> [RemoteObjectFile]? {
        guard asset.isRemote, let link = asset.link, scope.includes(link) else { return nil }
        switch RemoteLinkKind(link) {
        case .s3:
            guard let s3 else { return nil }
            let synced = SyncedS3Metadata(asset.metadata)
            guard let location = synced?.location ?? S3Location(link: link) else {
                throw .malformed(link: link, detail: "not an s3://BUCKET/KEY link")
            }
            if location.isPrefix {
                let listed = try await s3.list(location)
                if listed.truncated { throw .malformed(link: link, detail: "more than \(listed.objects.count) objects under the prefix") }
                return listed.objects.compactMap { object -> RemoteObjectFile? in
                    // By bytes: a combining mark after the prefix's `/` joins it in one Character.
                    guard object.key.utf8.starts(with: location.key.utf8) else { return nil }
                    let rest = String(decoding: object.key.utf8.dropFirst(location.key.utf8.count), as: UTF8.self)
                    // A "folder" marker (the prefix itself, or `x/` of size 0) holds no file.
                    if rest.isEmpty || (rest.hasSuffix("/") && object.size == 0) { return nil }
                    let logical = asset.logicalPath.hasSuffix("/") ? asset.logicalPath + rest : asset.logicalPath + "/" + rest
                    return RemoteObjectFile(asset: Self.standIn(asset, id: asset.assetId + ":" + object.key, logicalPath: logical,
                                                                size: object.size, eTag: object.eTag),
                                            source: .s3(S3Location(bucket: location.bucket, key: object.key), versionId: nil,
                                                        eTag: object.eTag))
                }
            }
            let facts = try await s3.head(location, versionId: synced?.versionId)
            return [RemoteObjectFile(asset: Self.standIn(asset, id: asset.assetId, logicalPath: asset.logicalPath,
                                                         size: facts.size, eTag: facts.eTag ?? synced?.eTag),
                                     source: .s3(location, versionId: synced?.versionId, eTag: facts.eTag))]
        case .web:
            var request = TransportRequest(method: .head, url: link, acceptCompressed: false, totalTimeoutMilliseconds: 60_000)
            request.maxBodyBytes = 1 << 20
            let response: TransportResponse
            do {
                response = try await web.send(request)
            } catch {
                throw ObjectStoreError(error, link: link)
            }
            guard response.isSuccess else {
                switch response.status {
                case 404: throw .notFound(link: link, code: nil)
                case 401, 403: throw .accessDenied(link: link, code: nil)
                default: throw .http(link: link, status: response.status, code: nil, message: nil)
                }
            }
            guard let size = response.header("Content-Length").flatMap(Int64.init), size >= 0 else {
                throw .malformed(link: link, detail: "the server does not say the size (no Content-Length)")
            }
            return [RemoteObjectFile(asset: Self.standIn(asset, id: asset.assetId, logicalPath: asset.logicalPath, size: size, eTag: nil),
                                     source: .web(url: link))]
        case .other:
            return nil
        }
    }

    /// Streams a remote object to `path` (resuming at `resumeFrom` with `Range`).
    /// - Throws: ``ObjectStoreError``.
    public func download(_ source: RemoteObjectSource, to path: String, resumeFrom: Int64,
                         progress: ProgressHandler?) async throws(ObjectStoreError) {
        switch source {
        case .s3(let location, let versionId, let eTag):
            guard let s3 else { throw .malformed(link: source.link, detail: "no AWS credentials") }
            _ = try await s3.download(location, versionId: versionId, eTag: eTag, to: path, resumeFrom: resumeFrom, progress: progress)
        case .web(let url):
            let request = TransportRequest(method: .get, url: url, rangeStart: resumeFrom, acceptCompressed: false)
            let response: TransportResponse
            do {
                response = try await web.send(request, sink: .file(path: path), progress: progress)
            } catch {
                throw ObjectStoreError(error, link: url)
            }
            guard response.isSuccess else {
                ThrottleSignals.current?.report(status: response.status, retryAfter: response.header("Retry-After"))
                throw .http(link: url, status: response.status, code: nil, message: nil)
            }
        }
    }

    static func standIn(_ asset: Asset, id: String, logicalPath: String, size: Int64, eTag: String?) -> Asset {
        let checksum = S3Response.md5(fromETag: eTag)
        return Asset(assetId: id, logicalPath: logicalPath, size: size, isRemote: false,
                     metadata: checksum.map { .object(["checksum": .string($0)]) },
                     artifactId: asset.artifactId, artifactVersionId: asset.artifactVersionId)
    }
}
