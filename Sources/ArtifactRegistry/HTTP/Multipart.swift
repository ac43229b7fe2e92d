import Foundation

/// One part of a `multipart/form-data` body: its form name, optional file name, and the byte range
/// of its content within the whole body.
public struct MultipartPart: Sendable, Equatable {
    public var name: String
    public var filename: String?
    public var range: Range<Int>
}

/// A `multipart/form-data` parser over a body that is already on disk (memory-mapped), so large
/// uploads are never held in memory (reference §2.13: the SDK sends a `file` or `link` part and
/// an optional `metadata` field).
public enum Multipart {
    /// The boundary of a `multipart/form-data; boundary=...` content type, or nil.
    public static func boundary(fromContentType contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/") else { return nil }
        for param in contentType.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = kv[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Splits `body` into parts.
    /// - Throws: ``RegistryError/badRequest(_:)`` when the body is not well-formed multipart with this boundary.
    public static func parse(_ body: Data, boundary: String) throws -> [MultipartPart] {
        let delimiter = Data(("--" + boundary).utf8)
        let crlf = Data("\r\n".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        let start = body.startIndex
        guard let first = body.range(of: delimiter, in: start..<body.endIndex) else {
            throw RegistryError.badRequest("Malformed multipart body: no boundary")
        }
        var parts: [MultipartPart] = []
        var cursor = first.upperBound
        while true {
            // After a delimiter: "--" ends the body, otherwise CRLF then headers.
            if body.count - (cursor - start) >= 2, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            guard let lineEnd = body.range(of: crlf, in: cursor..<body.endIndex) else {
                throw RegistryError.badRequest("Malformed multipart body: truncated")
            }
            let headersStart = lineEnd.upperBound
            guard let headersEnd = body.range(of: headerEnd, in: (headersStart - 2)..<body.endIndex) else {
                throw RegistryError.badRequest("Malformed multipart body: no part headers")
            }
            let headerText = String(decoding: body[headersStart..<max(headersStart, headersEnd.lowerBound)], as: UTF8.self)
            let contentStart = headersEnd.upperBound
            guard let next = body.range(of: crlf + delimiter, in: contentStart..<body.endIndex) else {
                throw RegistryError.badRequest("Malformed multipart body: unterminated part")
            }
            let (name, filename) = dispositionNames(headerText)
            if let name {
                parts.append(MultipartPart(name: name, filename: filename, range: (contentStart - start)..<(next.lowerBound - start)))
            }
            cursor = next.upperBound
        }
        return parts
    }

    /// `name` and `filename` from a part's `Content-Disposition` header.
    static func dispositionNames(_ headers: String) -> (String?, String?) {
        var name: String?, filename: String?
        for line in headers.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for param in line.split(separator: ";").dropFirst() {
                let kv = param.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                var value = kv[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                switch kv[0].trimmingCharacters(in: .whitespaces).lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
        }
        return (name, filename)
    }
}
