import Foundation

/// An `s3://bucket/key` link: one object, or a prefix when the key is empty or ends with `/`.
///
/// Parsing and URL building are pure. Object keys are arbitrary bytes to S3: `a/../b`, a leading
/// `/`, backslashes and spaces are all legal keys, so nothing here interprets them as paths (path
/// safety is checked where a key becomes a file name, ``LogicalPath``).
public struct S3Location: Sendable, Hashable, CustomStringConvertible {
    public var bucket: String
    /// The object key or prefix, without the bucket (`data/train.csv`, `data/`, or empty).
    public var key: String

    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// Parses `s3://bucket/key` (the scheme case-insensitive, as the SDK writes `s3://`). Nil for
    /// anything else, or a bucket name S3 would refuse (3–63 characters of `a-z 0-9 . -`, starting
    /// and ending with a letter or digit).
    public init?(link: String) {
        guard link.count > 5, link.prefix(5).lowercased() == "s3://" else { return nil }
        let rest = link.dropFirst(5)
        let bucket: Substring
        let key: Substring
        if let slash = rest.firstIndex(of: "/") {
            bucket = rest[..<slash]
            key = rest[rest.index(after: slash)...]
        } else {
            bucket = rest
            key = ""
        }
        guard Self.isValidBucket(bucket) else { return nil }
        self.bucket = String(bucket)
        self.key = String(key)
    }

    /// True for a prefix (a "folder" of objects): an empty key or one ending with `/`.
    public var isPrefix: Bool { key.isEmpty || key.hasSuffix("/") }

    /// `s3://bucket/key`.
    public var description: String { "s3://\(bucket)/\(key)" }

    static func isValidBucket(_ name: Substring) -> Bool {
        guard (3...63).contains(name.count),
              name.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "." || $0 == "-" }),
              let first = name.first, let last = name.last,
              first.isLetter || first.isNumber, last.isLetter || last.isNumber else { return false }
        return true
    }

    // MARK: URLs

    /// The base URL of this bucket's requests and the path prefix before the key:
    /// path style `ENDPOINT/BUCKET/`, or virtual-hosted `https://BUCKET.s3.REGION.amazonaws.com/`
    /// (path style on AWS too when the bucket name has a dot, which breaks TLS host names).
    func base(settings: S3Settings, region: String) -> String {
        if let endpoint = settings.endpoint {
            return "\(endpoint)/\(Self.encode(bucket))/"
        }
        let host = region == "us-east-1" ? "s3.amazonaws.com" : "s3.\(region).amazonaws.com"
        return bucket.contains(".") ? "https://\(host)/\(bucket)/" : "https://\(bucket).\(host)/"
    }

    /// The URL of the object `key` (each byte of the key RFC 3986 encoded, `/` kept), with
    /// `?versionId=` when given.
    public func objectURL(settings: S3Settings, region: String, versionId: String? = nil) -> String {
        var url = base(settings: settings, region: region) + Self.encode(key, keepSlash: true)
        if let versionId { url += "?" + Self.canonicalQuery([("versionId", versionId)]) }
        return url
    }

    /// The `ListObjectsV2` URL for this prefix: `?continuation-token=…&list-type=2&max-keys=…&prefix=…`,
    /// parameters sorted by name as SigV4's canonical request wants them.
    public func listURL(settings: S3Settings, region: String, continuationToken: String?, maxKeys: Int = 1000) -> String {
        var query: [(String, String)] = [("list-type", "2"), ("max-keys", String(maxKeys)), ("prefix", key)]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        return base(settings: settings, region: region) + "?" + Self.canonicalQuery(query)
    }

    /// `name=value` pairs sorted by name (then value), both encoded as SigV4 requires.
    static func canonicalQuery(_ pairs: [(String, String)]) -> String {
        // Encoded text is ASCII, so String order is byte order, as SigV4 sorts.
        let encoded: [(name: String, value: String)] = pairs.map { (encode($0.0), encode($0.1)) }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// RFC 3986 encoding as SigV4 defines it: every UTF-8 byte but `A-Z a-z 0-9 - _ . ~` (and `/`
    /// when `keepSlash`) becomes `%XX`, upper-case hex.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: true  // A-Z a-z 0-9
        case 0x2D, 0x5F, 0x2E, 0x7E: true  // - _ . ~
        default: false
        }
    }

    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == 0x2F) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
