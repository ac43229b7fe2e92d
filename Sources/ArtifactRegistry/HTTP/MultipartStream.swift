#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A streaming `multipart/form-data` parser: bytes go in as they arrive from the socket, part
/// boundaries and content come out as events, so an uploaded file can be written (and hashed)
/// straight into the blob store without buffering the body (reference §2.13).
///
/// Memory use is bounded by the largest chunk fed plus the boundary length, except for part
/// headers, which are limited to ``maxHeaderBytes``.
public struct MultipartStream: Sendable {
    /// What the parser reports, in order: `begin`, any number of `content`, `end`, for each part.
    public enum Event: Equatable, Sendable {
        /// A part starts; `name` and `filename` come from its `Content-Disposition`.
        case begin(name: String, filename: String?)
        /// Bytes of the current part's content.
        case content([UInt8])
        /// The current part is complete.
        case end
    }

    enum Phase { case preamble, afterDelimiter, headers, content, done }

    /// Largest accepted header block of one part, in bytes.
    public static let maxHeaderBytes = 16 * 1024

    private let delimiter: [UInt8]  // "\r\n--" + boundary
    private var buffer: [UInt8] = Array("\r\n".utf8)  // lets the first delimiter match like the others
    private var phase = Phase.preamble

    public init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Whether the closing delimiter has been seen.
    public var isComplete: Bool { phase == .done }

    /// Feeds the next bytes of the body; `handler` receives the events they complete.
    /// - Throws: ``RegistryError/badRequest(_:)`` for malformed input, or what `handler` throws.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer, handler: (Event) throws -> Void) throws {
        guard phase != .done else { return }
        buffer.append(contentsOf: bytes)
        try process(handler)
    }

    /// Feeds bytes from an array (tests, small bodies).
    public mutating func feed(_ bytes: [UInt8], handler: (Event) throws -> Void) throws {
        try bytes.withUnsafeBytes { try feed($0, handler: handler) }
    }

    /// Call after the last byte.
    /// - Throws: ``RegistryError/badRequest(_:)`` when the closing delimiter never came.
    public func finish() throws {
        guard phase == .done else { throw RegistryError.badRequest("Malformed multipart body: truncated") }
    }

    private mutating func process(_ handler: (Event) throws -> Void) throws {
        var start = 0
        defer { if start > 0 { buffer.removeFirst(start) } }
        while true {
            switch phase {
            case .preamble:
                guard let at = find(delimiter, from: start) else {
                    start = max(start, buffer.count - delimiter.count + 1)
                    return
                }
                start = at + delimiter.count
                phase = .afterDelimiter
            case .afterDelimiter:
                guard buffer.count - start >= 2 else { return }
                if buffer[start] == UInt8(ascii: "-"), buffer[start + 1] == UInt8(ascii: "-") {
                    phase = .done
                    start = buffer.count
                    return
                }
                guard let lineEnd = find(Array("\r\n".utf8), from: start) else {
                    if buffer.count - start > Self.maxHeaderBytes { throw RegistryError.badRequest("Malformed multipart body") }
                    return
                }
                start = lineEnd + 2  // transport padding after the boundary is ignored
                phase = .headers
            case .headers:
                let headerEnd: Int
                if buffer.count - start >= 2, buffer[start] == 13, buffer[start + 1] == 10 {
                    headerEnd = start  // no headers at all
                } else if let at = find(Array("\r\n\r\n".utf8), from: start) {
                    headerEnd = at + 2
                } else {
                    if buffer.count - start > Self.maxHeaderBytes { throw RegistryError.badRequest("Multipart part headers too large") }
                    return
                }
                let text = String(decoding: buffer[start..<headerEnd], as: UTF8.self)
                let (name, filename) = Multipart.dispositionNames(text)
                try handler(.begin(name: name ?? "", filename: filename))
                start = headerEnd + 2
                phase = .content
            case .content:
                if let at = find(delimiter, from: start) {
                    if at > start { try handler(.content(Array(buffer[start..<at]))) }
                    try handler(.end)
                    start = at + delimiter.count
                    phase = .afterDelimiter
                } else {
                    // Keep a tail that could be the start of the delimiter.
                    let safe = buffer.count - (delimiter.count - 1)
                    if safe > start {
                        try handler(.content(Array(buffer[start..<safe])))
                        start = safe
                    }
                    return
                }
            case .done:
                start = buffer.count
                return
            }
        }
    }

    /// Index of the first occurrence of `needle` in `buffer` at or after `from`.
    private func find(_ needle: [UInt8], from: Int) -> Int? {
        guard buffer.count - from >= needle.count else { return nil }
        return buffer.withUnsafeBytes { hay -> Int? in
            needle.withUnsafeBytes { pin -> Int? in
                let base = hay.baseAddress!, first = Int32(needle[0])
                var at = from
                let last = hay.count - needle.count
                while at <= last {
                    // memchr finds the candidate first byte quickly; memcmp confirms the rest.
                    guard let hit = memchr(base + at, first, last - at + 1) else { return nil }
                    let index = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + index, pin.baseAddress!, needle.count) == 0 { return index }
                    at = index + 1
                }
                return nil
            }
        }
    }
}
