import Foundation

/// Builds query strings the way Comet's Python SDK sends them (reference §1.6).
public enum QueryEncoding {
    private static let unreserved: CharacterSet = {
        var set = CharacterSet()
        set.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return set
    }()

    /// Percent-encodes every byte except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`),
    /// like Python's `urllib.parse.quote(s, safe="")`: `my artifact` → `my%20artifact`, `a/b` → `a%2Fb`.
    public static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// Percent-encodes twice, as the SDK sends `artifactName` (reference §1.6):
    /// `my artifact` → `my%2520artifact`. The server decodes the value once more after query parsing.
    public static func doublePercentEncode(_ text: String) -> String {
        percentEncode(percentEncode(text))
    }

    /// `name=value&...` from already-encoded pairs, leaving out nil values (as the SDK does).
    public static func queryString(_ items: [(String, String?)]) -> String {
        items.compactMap { name, value in value.map { "\(percentEncode(name))=\($0)" } }.joined(separator: "&")
    }
}

/// One query parameter, encoded once or (for `artifactName`) twice.
struct QueryItem {
    var name: String
    var encodedValue: String?

    /// A value encoded once (`workspace`, `version`, `alias`, ...); nil values are left out.
    static func plain(_ name: String, _ value: String?) -> QueryItem {
        QueryItem(name: name, encodedValue: value.map(QueryEncoding.percentEncode))
    }

    /// `artifactName`, double-encoded like the SDK (reference §1.6).
    static func artifactName(_ value: String) -> QueryItem {
        QueryItem(name: "artifactName", encodedValue: QueryEncoding.doublePercentEncode(value))
    }

    static func render(_ items: [QueryItem]) -> String {
        QueryEncoding.queryString(items.map { ($0.name, $0.encodedValue) })
    }
}
