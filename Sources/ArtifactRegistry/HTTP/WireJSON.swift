import Foundation

/// A JSON value as the registry writes it on the wire (reference §1.6, §2).
///
/// The registry keeps its own encoder instead of reusing the client's `Decodable` models: the wire
/// shape is the contract with the Python SDK, so it is spelled out here field by field, with
/// integers kept as integers (sizes in bytes, `added` in epoch milliseconds), `null` written
/// explicitly where the SDK requires the key to exist, and object keys in a stable order.
public indirect enum WireJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([WireJSON])
    /// Ordered key/value pairs (the order is kept when serialising).
    case object([(String, WireJSON)])

    public static func == (lhs: WireJSON, rhs: WireJSON) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// A string, or `null` when `value` is nil.
    public static func optional(_ value: String?) -> WireJSON { value.map { .string($0) } ?? .null }

    /// A list of strings.
    public static func strings(_ values: [String]) -> WireJSON { .array(values.map { .string($0) }) }

    /// Compact JSON text (no whitespace), UTF-8.
    public func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): WireJSON.writeString(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out += "," }
                WireJSON.writeString(key, into: &out)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
