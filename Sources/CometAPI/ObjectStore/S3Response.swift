import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One object of a `ListObjectsV2` answer.
public struct S3ListedObject: Sendable, Hashable, Codable {
    /// The full object key.
    public var key: String
    /// Size in bytes.
    public var size: Int64
    /// The ETag without quotes (an MD5 hex for single-part uploads; `HEX-N` for multipart ones).
    public var eTag: String?
    /// ISO 8601, as S3 sends it (`2026-12-03T11:45:56.000Z`).
    public var lastModified: String?
}

/// One page of a `ListObjectsV2` answer (`ListBucketResult`).
public struct S3ListPage: Sendable, Hashable {
    public var objects: [S3ListedObject]
    /// More objects follow: ask again with ``nextContinuationToken``.
    public var isTruncated: Bool
    public var nextContinuationToken: String?
}

/// An S3 error body: `<Error><Code>NoSuchBucket</Code><Message>…</Message></Error>`.
public struct S3ErrorBody: Sendable, Hashable {
    public var code: String
    public var message: String?

    public init(code: String, message: String? = nil) {
        self.code = code
        self.message = message
    }
}

/// Parses S3's XML answers with the toolchain's XML parser (FoundationXML, libxml2). Pure.
public enum S3Response {
    /// The page in `data`, nil when it is not a `ListBucketResult` (malformed, or another document).
    /// Objects without a key or with a negative or missing size are skipped.
    public static func listPage(_ data: Data) -> S3ListPage? {
        guard let root = XMLTree.parse(data), root.name == "ListBucketResult" else { return nil }
        var objects: [S3ListedObject] = []
        for item in root.children where item.name == "Contents" {
            guard let key = item.text(of: "Key"), let size = item.text(of: "Size").flatMap({ Int64($0) }), size >= 0 else { continue }
            objects.append(S3ListedObject(key: key, size: size, eTag: item.text(of: "ETag").map(unquotedETag),
                                          lastModified: item.text(of: "LastModified")))
        }
        let token = root.text(of: "NextContinuationToken").flatMap { $0.isEmpty ? nil : $0 }
        return S3ListPage(objects: objects, isTruncated: root.text(of: "IsTruncated") == "true", nextContinuationToken: token)
    }

    /// The error in `data`, nil when it is not an `<Error>` document with a `Code`.
    public static func error(_ data: Data) -> S3ErrorBody? {
        guard let root = XMLTree.parse(data), root.name == "Error", let code = root.text(of: "Code"), !code.isEmpty else { return nil }
        return S3ErrorBody(code: code, message: root.text(of: "Message"))
    }

    /// An ETag without its quotes (`"abc"` → `abc`; `W/"abc"` → `abc`).
    public static func unquotedETag(_ tag: String) -> String {
        var t = Substring(tag.trimmingCharacters(in: .whitespaces))
        if t.hasPrefix("W/") { t = t.dropFirst(2) }
        if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") { t = t.dropFirst().dropLast() }
        return String(t)
    }

    /// The MD5 hex of an object's content when its ETag is one (32 hex digits: a single-part upload
    /// without SSE-KMS); nil for multipart ETags (`…-3`) and others.
    public static func md5(fromETag tag: String?) -> String? {
        guard let t = tag.map(unquotedETag)?.lowercased(), t.count == 32, t.allSatisfy(\.isHexDigit) else { return nil }
        return t
    }
}

/// A small element tree, enough for S3's shallow answers (two levels of elements with text).
struct XMLTree {
    var name: String
    var text = ""
    var children: [XMLTree] = []

    /// The text of the first child element named `name`.
    func text(of name: String) -> String? { children.first { $0.name == name }?.text }

    /// The document's root element, nil for malformed XML. A DTD or entity declaration is refused
    /// (S3 never sends one; a hostile server could use one to blow up memory).
    ///
    /// Also refused before parsing: bytes that are not UTF-8, and any entity reference but the five
    /// predefined ones and numeric ones. FoundationXML traps (crashes the process) on an entity name
    /// that is not UTF-8 (`&\xdbmp;`, found by fuzzing, scripts/fuzz.sh s3-xml), and S3 never sends
    /// another entity.
    static func parse(_ data: Data) -> XMLTree? {
        let head = data.prefix(4096)
        if head.range(of: Data("<!DOCTYPE".utf8)) != nil || head.range(of: Data("<!ENTITY".utf8)) != nil { return nil }
        guard String(validating: data, as: UTF8.self) != nil, onlyPlainEntities(data) else { return nil }
        let builder = Builder()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }

    /// True when every `&` starts `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` `&#N;` or `&#xH;`.
    static func onlyPlainEntities(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        var i = 0
        while let amp = bytes[i...].firstIndex(of: UInt8(ascii: "&")) {
            guard let semi = bytes[amp...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { return false }
            let name = bytes[(amp + 1)..<semi]
            switch String(decoding: name, as: UTF8.self) {
            case "amp", "lt", "gt", "quot", "apos": break
            case let n where n.hasPrefix("#x") && n.count > 2 && n.dropFirst(2).allSatisfy(\.isHexDigit): break
            case let n where n.hasPrefix("#") && n.count > 1 && n.dropFirst().allSatisfy(\.isASCII) && n.dropFirst().allSatisfy(\.isNumber): break
            default: return false
            }
            i = semi + 1
        }
        return true
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            // Deeper than S3 ever nests: stop rather than grow without bound.
            if stack.count > 16 { parser.abortParsing(); return }
            stack.append(XMLTree(name: elementName))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            guard let done = stack.popLast() else { return }
            if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
        }
    }
}
