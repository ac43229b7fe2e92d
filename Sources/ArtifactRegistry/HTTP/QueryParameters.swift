import Foundation

/// Query-string parsing with the SDK's quirks (reference §1.6).
///
/// - `+` is a space and `%XX` sequences are decoded once, as in HTML form encoding;
/// - `artifactName` is double URL-encoded by the Python SDK, so ``artifactName`` decodes it once more;
/// - booleans come Python-style (`True`/`False`) or JSON-style and are parsed case-insensitively.
public struct QueryParameters: Sendable, Equatable {
    /// Decoded (key, value) pairs, in order.
    public var pairs: [(String, String)]

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.pairs.map { "\($0.0)=\($0.1)" } == rhs.pairs.map { "\($0.0)=\($0.1)" }
    }

    /// Parses a raw query string (the part after `?`, without it). Malformed escapes are kept verbatim.
    public init(query: String?) {
        pairs = []
        guard let query, !query.isEmpty else { return }
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = QueryParameters.formDecode(String(parts[0]))
            let value = parts.count > 1 ? QueryParameters.formDecode(String(parts[1])) : ""
            pairs.append((key, value))
        }
    }

    /// The first value for `key`; an empty value counts as absent.
    public subscript(_ key: String) -> String? {
        guard let value = pairs.first(where: { $0.0 == key })?.1, !value.isEmpty else { return nil }
        return value
    }

    /// `artifactName`, decoded a second time (the SDK quotes it itself before `requests` encodes it again).
    public var artifactName: String? {
        self["artifactName"].map { $0.removingPercentEncoding ?? $0 }
    }

    /// A boolean parameter: `true`/`True`/`1` is true, anything else (or absent) is `defaultValue`/false.
    public func bool(_ key: String, default defaultValue: Bool = false) -> Bool {
        guard let value = self[key] else { return defaultValue }
        return QueryParameters.parseBool(value)
    }

    /// Parses `True`, `true`, `1`, `yes` as true; everything else as false.
    public static func parseBool(_ value: String) -> Bool {
        ["true", "1", "yes"].contains(value.lowercased())
    }

    /// Form decoding: `+` becomes a space, then percent-escapes are decoded.
    static func formDecode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
