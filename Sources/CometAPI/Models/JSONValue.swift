import Foundation

/// Any JSON value, as found in Comet's free-form `metadata` fields.
///
/// Comet sends metadata as a JSON-encoded *string* (`"{\"epochs\":3}"`, reference §1.6), but
/// servers and older clients also send a plain object; ``JSONValue/decodeMetadata(from:forKey:)``
/// accepts both, and `null` or an undecodable string become `nil`.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value") }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses JSON text; nil when it is not valid JSON.
    public static func parse(_ text: String) -> JSONValue? {
        guard let data = text.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// Compact JSON text with sorted keys, the form Comet's clients send metadata in.
    public var compactJSON: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? enc.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }

    /// Indented JSON text with sorted keys, for showing metadata to a person.
    public var prettyJSON: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? enc.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }

    /// The object's value for `key`, when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var numberValue: Double? { if case .number(let n) = self { return n }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }

    /// Decodes a metadata field that may be absent, `null`, a JSON-encoded string, or a JSON value.
    /// A string that is not JSON, an empty string, and `"null"` all give nil.
    public static func decodeMetadata<K: CodingKey>(
        from container: KeyedDecodingContainer<K>, forKey key: K
    ) -> JSONValue? {
        guard let raw = try? container.decodeIfPresent(JSONValue.self, forKey: key) else { return nil }
        switch raw {
        case .null: return nil
        case .string(let s):
            guard let parsed = JSONValue.parse(s), parsed != .null else { return nil }
            return parsed
        default: return raw
        }
    }
}
