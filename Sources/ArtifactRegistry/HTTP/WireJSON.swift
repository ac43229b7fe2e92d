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

    /// Compact JSON text (no whitespace).
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// Compact JSON text (no whitespace) as UTF-8 bytes: what a response body carries.
    ///
    /// Written straight into one byte array: the earlier `String`-building writer appended each
    /// character's scalar one at a time and took 60 % of a 100,000-asset `version/files` answer (issue 6).
    public func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    private func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: Self.nullBytes)
        case .bool(let b): out.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
        case .int(let i): Self.writeInteger(i, into: &out)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        out.append(contentsOf: String(value).utf8)
    }

    /// A JSON string literal: `"` and `\` escaped, `\n` `\r` `\t` by name, other control characters
    /// below U+0020 as `\u00XX`; every other byte (UTF-8 included) copied as is, in runs.
    private static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var runStart = 0
            for (i, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                runStart = i + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
