import Foundation

/// The JSON that arty prints (`--json` of every command): pretty, keys sorted, `"key": value`, empty
/// collections as `[]` / `{}`, and safe on a terminal. Pure.
public enum JSONText {
    /// `value` encoded as pretty JSON with sorted keys and unescaped slashes, then ``tidy(_:)``-ed;
    /// `fallback` when the encoder refuses the value.
    public static func pretty(_ value: some Encodable, fallback: String = "null") -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return fallback }
        return data.withUnsafeBytes { tidy(UnsafeRawBufferPointer($0).bindMemory(to: UInt8.self)) }
    }

    /// One pass over a pretty-printing encoder's output, same JSON value out:
    /// - outside strings, `"key" : value` becomes `"key": value`, and a `[` or `{` followed only by
    ///   white space up to its closing bracket becomes `[]` / `{}` (Foundation spreads those over lines);
    /// - inside strings, every scalar that ``TerminalText/needsEscape(_:)`` names and that the encoder
    ///   left raw (DEL, C1 controls, U+2028/U+2029, bidi controls; all below U+10000) becomes `\uXXXX`.
    ///
    /// Replaces three regular-expression rewrites and a scalar-by-scalar escape, which took two thirds
    /// of `arty ls --json` over 10,000 artifacts (issue 6). Input must be valid UTF-8 JSON text.
    public static func tidy(_ json: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(json.count)
        var i = 0
        var inString = false
        let n = json.count
        while i < n {
            let byte = json[i]
            if inString {
                switch byte {
                case UInt8(ascii: "\\"):
                    out.append(byte)
                    if i + 1 < n { out.append(json[i + 1]) }
                    i += 2
                    continue
                case UInt8(ascii: "\""):
                    inString = false
                    out.append(byte)
                case 0x7F:
                    appendEscape(0x7F, to: &out)
                case 0xC0...:
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    guard i + length <= n else { out.append(byte); break }
                    let scalar = decodeScalar(json, at: i, length: length)
                    if let scalar, TerminalText.needsEscape(scalar) {
                        appendEscape(scalar.value, to: &out)
                    } else {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: json[i..<(i + length)]))
                    }
                    i += length
                    continue
                default:
                    out.append(byte)
                }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                var j = i + 1
                while j < n, json[j] == 0x20 || json[j] == 0x0A || json[j] == 0x0D || json[j] == 0x09 { j += 1 }
                let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                out.append(byte)
                if j < n, json[j] == close {
                    out.append(close)
                    i = j
                }
            case 0x20 where i + 1 < n && json[i + 1] == UInt8(ascii: ":"):
                break  // outside strings, " :" is only ever the encoder's key separator
            default:
                out.append(byte)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)]) }
    }

    private static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int, length: Int) -> Unicode.Scalar? {
        var value = UInt32(bytes[i]) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return Unicode.Scalar(value)
    }
}
