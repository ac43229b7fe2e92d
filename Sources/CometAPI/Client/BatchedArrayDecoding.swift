import Foundation

/// Decodes the one big array of an answer (`{"files": [ … 100,000 assets … ]}`, §2.6) a batch of
/// elements at a time, so the decoder's index of the whole 30 MB document never exists at once
/// (issue 13: a version of 100,000 assets browsed within 128 MiB). Pure.
///
/// A light scanner finds the array's elements; `JSONDecoder` still checks and decodes every one
/// of them. A document the scanner does not understand (not an object, no such array, the key
/// twice, a truncated body) gets `nil` from ``elementRanges(ofArrayAt:in:)``, and the caller
/// decodes it whole, as before, with the same errors.
public enum BatchedArrayDecoding {
    /// Elements decoded per batch: 2,000 (≈ 0.7 MB of JSON for assets).
    public static let batchSize = 2_000

    /// The byte ranges of the elements of the array at top-level key `key` of the JSON object
    /// `bytes` (whitespace trimmed), or nil when `bytes` is no object holding one such array.
    public static func elementRanges(ofArrayAt key: String, in bytes: UnsafeRawBufferPointer) -> [Range<Int>]? {
        var scanner = Scanner(bytes: bytes)
        let wanted = Array(key.utf8)
        guard scanner.skipSpace(), scanner.take(UInt8(ascii: "{")) else { return nil }
        var found: [Range<Int>]?
        guard scanner.skipSpace() else { return nil }
        if scanner.take(UInt8(ascii: "}")) { return nil }
        while true {
            guard scanner.skipSpace(), let name = scanner.string(), scanner.skipSpace(), scanner.take(UInt8(ascii: ":")),
                  scanner.skipSpace() else { return nil }
            if bytes[name].elementsEqual(wanted) {
                guard found == nil, let elements = scanner.arrayElements() else { return nil }
                found = elements
            } else {
                guard scanner.skipValue() else { return nil }
            }
            guard scanner.skipSpace() else { return nil }
            if scanner.take(UInt8(ascii: ",")) { continue }
            guard scanner.take(UInt8(ascii: "}")) else { return nil }
            break
        }
        return found
    }

    /// Decodes the array at top-level key `key` of `data` as `[Element]`, batch by batch, passing
    /// each decoded element through `transform` (to share repeated strings, say). Throws what
    /// `JSONDecoder` throws for a bad element; returns nil when the document is not one the scanner
    /// understands (decode it whole then).
    public static func decode<Element: Decodable>(_ type: Element.Type, ofArrayAt key: String, in data: Data,
                                                 transform: (inout Element) -> Void = { _ in }) throws -> [Element]? {
        try data.withUnsafeBytes { raw -> [Element]? in
            guard let ranges = elementRanges(ofArrayAt: key, in: raw) else { return nil }
            var out: [Element] = []
            out.reserveCapacity(ranges.count)
            let decoder = JSONDecoder()
            var start = 0
            while start < ranges.count {
                let batch = ranges[start..<min(ranges.count, start + batchSize)]
                var json = Data(capacity: batch.reduce(2) { $0 + $1.count + 1 })
                json.append(UInt8(ascii: "["))
                for (i, range) in batch.enumerated() {
                    if i > 0 { json.append(UInt8(ascii: ",")) }
                    json.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[range]))
                }
                json.append(UInt8(ascii: "]"))
                for var element in try decoder.decode([Element].self, from: json) {
                    transform(&element)
                    out.append(element)
                }
                start += batchSize
            }
            return out
        }
    }

    /// A cursor over JSON bytes that skips values without building them.
    struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var at = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        /// Skips whitespace; false at the end of the bytes.
        mutating func skipSpace() -> Bool {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
            return at < bytes.count
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        /// Skips a string at the cursor; returns the range of its raw contents (escapes kept).
        mutating func string() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            while at < bytes.count {
                switch bytes[at] {
                case UInt8(ascii: "\\"): at += 2
                case UInt8(ascii: "\""):
                    at += 1
                    return start..<(at - 1)
                default: at += 1
                }
            }
            return nil
        }

        /// Skips one value of any kind; false when the bytes end first or it is no value.
        mutating func skipValue() -> Bool {
            guard at < bytes.count else { return false }
            switch bytes[at] {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while at < bytes.count {
                    switch bytes[at] {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            at += 1
                            return true
                        }
                    default: break
                    }
                    at += 1
                }
                return false
            default:
                // A number, true, false or null: up to the next delimiter (the decoder checks it).
                let start = at
                while at < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) {
                    at += 1
                }
                return at > start
            }
        }

        /// Skips an array at the cursor; returns its elements' ranges.
        mutating func arrayElements() -> [Range<Int>]? {
            guard take(UInt8(ascii: "[")), skipSpace() else { return nil }
            var ranges: [Range<Int>] = []
            if take(UInt8(ascii: "]")) { return ranges }
            while true {
                guard skipSpace() else { return nil }
                let start = at
                guard skipValue() else { return nil }
                ranges.append(start..<at)
                guard skipSpace() else { return nil }
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "]")) else { return nil }
                return ranges
            }
        }
    }
}

/// Makes equal strings share one buffer: the same artifact and version ids repeated on each of
/// 100,000 assets cost one allocation instead of 100,000.
public struct StringInterner {
    private var seen: [String: String] = [:]

    public init() {}

    /// `string`, or the first equal string seen before (same value, shared storage).
    public mutating func intern(_ string: String?) -> String? {
        guard let string else { return nil }
        if let kept = seen[string] { return kept }
        // Distinct values are kept only while few: ids differ per asset and would only grow the table.
        if seen.count < 64 { seen[string] = string }
        return string
    }
}
