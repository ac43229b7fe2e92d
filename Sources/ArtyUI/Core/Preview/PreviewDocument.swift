import CometAPI
import CZlib
import Foundation

/// One line of an asset preview, already display-safe (every byte went through ``Sanitizer``).
public struct PreviewLine: Sendable, Hashable {
    /// How the line is drawn.
    public enum Style: Sendable, Hashable { case plain, heading, dim }

    public var text: String
    /// The number the gutter shows (source line, or data row of a table); nil for none.
    public var number: Int?
    public var style: Style

    public init(_ text: String, number: Int? = nil, style: Style = .plain) {
        self.text = text
        self.number = number
        self.style = style
    }
}

/// What the preview of an asset shows: built once from its first bytes and its name by
/// ``PreviewDocument/build(name:bytes:totalBytes:)``, drawn by the renderer at any width. Pure.
public struct PreviewDocument: Sendable, Hashable {
    /// The content kind as the title shows it: `CSV · 150 rows × 5 columns`, `PNG image · 64×32`.
    public var kind: String
    /// What part of the asset this is: `first 64 KiB of 10.0 MiB`, or `1.2 KiB` when whole.
    public var extent: String
    public var lines: [PreviewLine]
    /// Whether long lines wrap until `w` says otherwise (text does; tables and hex dumps do not).
    public var wraps: Bool

    public init(kind: String, extent: String, lines: [PreviewLine], wraps: Bool) {
        self.kind = kind
        self.extent = extent
        self.lines = lines
        self.wraps = wraps
    }

    /// The most bytes a preview fetches: 64 KiB.
    public static let prefixBytes = 64 * 1024
    /// The most bytes a `.gz` prefix is inflated to: 256 KiB.
    public static let inflatedLimit = 256 * 1024
    /// Bytes shown in a binary's hex dump: 256.
    public static let hexDumpBytes = 256

    /// The preview of an asset named `name` (its logical path) from its first `bytes`; `totalBytes`
    /// is its whole size (nil when unknown). Content is sniffed from magic bytes first, then the
    /// name's extension, then whether the bytes read as text.
    public static func build(name: String, bytes: [UInt8], totalBytes: Int64?) -> PreviewDocument {
        let cut = totalBytes.map { Int64(bytes.count) < $0 } ?? false
        let extent = cut ? "first \(roundSize(bytes.count)) of \(Formatting.size(totalBytes!))"
            : bytes.count < 1024 ? (bytes.count == 1 ? "1 byte" : "\(bytes.count) bytes")
            : Formatting.size(Int64(bytes.count)) + " (\(bytes.count) bytes)"
        if bytes.isEmpty {
            return PreviewDocument(kind: "Empty file", extent: extent, lines: [PreviewLine("(0 bytes: nothing to show)", style: .dim)],
                                   wraps: true)
        }
        if let magic = Magic.sniff(bytes), magic == .gzip {
            return gzip(name: name, bytes: bytes, cut: cut, extent: extent)
        }
        var doc = content(name: name, bytes: bytes, cut: cut)
        doc.extent = extent
        return doc
    }

    /// The preview of content that is not compressed (or no longer is).
    static func content(name: String, bytes: [UInt8], cut: Bool) -> PreviewDocument {
        if let magic = Magic.sniff(bytes) { return binary(magic.label, bytes: bytes, dimensions: magic.dimensions(bytes)) }
        guard let text = Sniff.text(bytes, cut: cut) else { return binary("Binary data", bytes: bytes, dimensions: nil) }
        let ext = Sniff.pathExtension(name)
        switch ext {
        case "csv": return table(text, separator: ",", label: "CSV", cut: cut)
        case "tsv", "tab": return table(text, separator: "\t", label: "TSV", cut: cut)
        case "md", "markdown": return markdown(text)
        case "yaml", "yml": return YAMLPreview.document(text, cut: cut)
        default: break
        }
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if ext == "json" || trimmed.first == "{" || trimmed.first == "[" {
            let valid = (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
            if valid || (cut && ext == "json") {
                return PreviewDocument(kind: valid ? "JSON" : "JSON (cut: re-indented as far as it goes)", extent: "",
                                       lines: numbered(JSONIndent.lines(text)), wraps: true)
            }
            if ext == "json" { return PreviewDocument(kind: "Text (not valid JSON)", extent: "", lines: numbered(Sniff.lines(text)), wraps: true) }
        }
        return PreviewDocument(kind: "Text", extent: "", lines: numbered(Sniff.lines(text)), wraps: true)
    }

    /// `64 KiB` for a whole number of KiB below 1 MiB (the prefix size), otherwise ``Formatting/size(_:)``.
    static func roundSize(_ bytes: Int) -> String {
        bytes >= 1024 && bytes < 1 << 20 && bytes % 1024 == 0 ? "\(bytes / 1024) KiB" : Formatting.size(Int64(bytes))
    }

    static func numbered(_ lines: [String]) -> [PreviewLine] {
        lines.enumerated().map { PreviewLine(Sanitizer.clean($0.element), number: $0.offset + 1) }
    }

    static func gzip(name: String, bytes: [UInt8], cut: Bool, extent: String) -> PreviewDocument {
        var out = [UInt8](repeating: 0, count: inflatedLimit)
        var produced = 0
        let rc = bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                czlib_gunzip(input.baseAddress, input.count, output.baseAddress, output.count, &produced)
            }
        }
        let inflated = Array(out.prefix(produced))
        guard rc >= 0 || !inflated.isEmpty else {
            var doc = binary("gzip data (corrupt: cannot inflate)", bytes: bytes, dimensions: nil)
            doc.extent = extent
            return doc
        }
        let inner = name.lowercased().hasSuffix(".gz") ? String(name.dropLast(3)) : name
        let whole = rc == 1
        var doc = content(name: inner, bytes: inflated, cut: !whole)
        doc.kind = "gzip → " + doc.kind
        doc.extent = extent + " · " + Formatting.size(Int64(inflated.count)) + (whole ? " inflated" : " inflated so far")
        return doc
    }

    static func markdown(_ text: String) -> PreviewDocument {
        var fenced = false
        let lines = Sniff.lines(text).enumerated().map { i, line -> PreviewLine in
            if line.hasPrefix("```") || line.hasPrefix("~~~") { fenced.toggle(); return PreviewLine(Sanitizer.clean(line), number: i + 1, style: .dim) }
            let heading = !fenced && line.hasPrefix("#")
            return PreviewLine(Sanitizer.clean(line), number: i + 1, style: heading ? .heading : .plain)
        }
        return PreviewDocument(kind: "Markdown", extent: "", lines: lines, wraps: true)
    }

    /// Widest a table column gets, in cells; longer cells are cut with `…`.
    static let cellWidth = 32

    static func table(_ text: String, separator: Character, label: String, cut: Bool) -> PreviewDocument {
        var records = CSVSplitter.records(text, separator: separator, dropPartialLast: cut)
        while records.last.map({ $0 == [""] }) ?? false { records.removeLast() }
        guard !records.isEmpty else {
            return PreviewDocument(kind: label, extent: "", lines: [PreviewLine("(no rows)", style: .dim)], wraps: false)
        }
        let columns = records.map(\.count).max() ?? 0
        let cells = records.map { row in
            (0..<columns).map { i in i < row.count ? TextFit.truncate(Sanitizer.clean(row[i]), to: cellWidth) : "" }
        }
        var widths = [Int](repeating: 1, count: columns)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) } }
        // A column whose data cells are all numbers is right-aligned, header included.
        let numeric = (0..<columns).map { i in
            let values = cells.dropFirst().map { $0[i] }.filter { !$0.isEmpty }
            return !values.isEmpty && values.allSatisfy { Double($0) != nil }
        }
        func line(_ row: [String]) -> String {
            var text = row.enumerated().map { i, cell in TextFit.pad(cell, to: widths[i], align: numeric[i] ? .right : .left) }
                .joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        var lines = [PreviewLine(line(cells[0]), style: .heading),
                     PreviewLine(widths.map { String(repeating: "─", count: $0) }.joined(separator: "  "), style: .dim)]
        for (i, row) in cells.dropFirst().enumerated() { lines.append(PreviewLine(line(row), number: i + 1)) }
        let rows = records.count - 1
        let kind = "\(label) · \(rows)\(cut ? "+" : "") row\(rows == 1 ? "" : "s") × \(columns) column\(columns == 1 ? "" : "s")"
        return PreviewDocument(kind: kind, extent: "", lines: lines, wraps: false)
    }

    static func binary(_ label: String, bytes: [UInt8], dimensions: (Int, Int)?) -> PreviewDocument {
        var lines = [PreviewLine("Type        " + label)]
        if let size = dimensions { lines.append(PreviewLine("Dimensions  \(size.0)×\(size.1) pixels")) }
        lines.append(PreviewLine(""))
        lines.append(PreviewLine("First \(min(bytes.count, hexDumpBytes)) bytes:", style: .dim))
        lines += HexDump.lines(Array(bytes.prefix(hexDumpBytes))).map { PreviewLine($0) }
        let kind = dimensions.map { "\(label) · \($0.0)×\($0.1)" } ?? label
        return PreviewDocument(kind: kind, extent: "", lines: lines, wraps: false)
    }

    /// What the preview of a remote asset shows: its link and what the listing said. Nothing is fetched.
    public static func remote(_ asset: Asset) -> PreviewDocument {
        var lines = [PreviewLine("↗ A remote link: arty shows it and never fetches it.", style: .heading), PreviewLine("")]
        lines.append(PreviewLine("Link        " + Sanitizer.clean(asset.link ?? "?")))
        lines.append(PreviewLine("Path        " + Sanitizer.clean(asset.logicalPath)))
        if let type = asset.type { lines.append(PreviewLine("Type        " + Sanitizer.clean(type))) }
        if asset.size > 0 { lines.append(PreviewLine("Size        " + Formatting.size(asset.size) + " (as logged)")) }
        if let sum = asset.checksum { lines.append(PreviewLine("Checksum    " + Sanitizer.clean(sum))) }
        lines.append(PreviewLine("Asset id    " + Sanitizer.clean(asset.assetId)))
        if let metadata = asset.metadata {
            lines.append(PreviewLine("Metadata", style: .dim))
            lines += metadata.prettyJSON.split(separator: "\n", omittingEmptySubsequences: false)
                .map { PreviewLine("  " + Sanitizer.clean(String($0))) }
        }
        return PreviewDocument(kind: "Remote link", extent: "not fetched", lines: lines, wraps: true)
    }
}

/// Formats known by their first bytes.
enum Magic: Equatable {
    case gzip, png, jpeg, gif, pdf, zip, elf, sqlite, parquet, numpy, webp

    static func sniff(_ b: [UInt8]) -> Magic? {
        func starts(_ prefix: [UInt8]) -> Bool { b.count >= prefix.count && Array(b.prefix(prefix.count)) == prefix }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return .zip }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .elf }
        if starts(Array("SQLite format 3\0".utf8)) { return .sqlite }
        if starts(Array("PAR1".utf8)) { return .parquet }
        if starts([0x93] + Array("NUMPY".utf8)) { return .numpy }
        if starts(Array("RIFF".utf8)), b.count >= 12, Array(b[8..<12]) == Array("WEBP".utf8) { return .webp }
        return nil
    }

    var label: String {
        switch self {
        case .gzip: "gzip data"
        case .png: "PNG image"
        case .jpeg: "JPEG image"
        case .gif: "GIF image"
        case .pdf: "PDF document"
        case .zip: "ZIP archive"
        case .elf: "ELF executable"
        case .sqlite: "SQLite database"
        case .parquet: "Parquet file"
        case .numpy: "NumPy array (.npy)"
        case .webp: "WebP image"
        }
    }

    /// Width and height in pixels, read from the header (PNG IHDR, GIF screen, JPEG SOFn).
    func dimensions(_ b: [UInt8]) -> (Int, Int)? {
        func be16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func be32(_ i: Int) -> Int { be16(i) << 16 | be16(i + 2) }
        switch self {
        case .png:
            guard b.count >= 24, Array(b[12..<16]) == Array("IHDR".utf8) else { return nil }
            return (be32(16), be32(20))
        case .gif:
            guard b.count >= 10 else { return nil }
            return (Int(b[6]) | Int(b[7]) << 8, Int(b[8]) | Int(b[9]) << 8)
        case .jpeg:
            var i = 2
            while i + 9 < b.count {
                guard b[i] == 0xFF else { return nil }
                let marker = b[i + 1]
                if marker == 0xFF { i += 1; continue }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
                let length = be16(i + 2)
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return (be16(i + 7), be16(i + 5))
                }
                i += 2 + length
            }
            return nil
        default:
            return nil
        }
    }
}

/// Deciding whether bytes are text, and splitting text into lines.
enum Sniff {
    /// The lower-cased extension of a logical path's last component (`csv` for `a/b.CSV`).
    static func pathExtension(_ name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "" }
        return last[last.index(after: dot)...].lowercased()
    }

    /// The bytes as text, or nil when they look binary: a NUL, or more than 1 in 20 bytes that
    /// are invalid UTF-8 or control characters other than tab, newline, carriage return, form
    /// feed and ESC (ANSI-coloured logs are text; their escapes are shown escaped). A UTF-8
    /// sequence cut by the end of a prefix (`cut`) is dropped.
    static func text(_ bytes: [UInt8], cut: Bool) -> String? {
        if bytes.contains(0) { return nil }
        var body = bytes[...]
        if cut {
            // Drop a trailing incomplete UTF-8 sequence (at most 3 bytes).
            var back = 0
            while back < min(3, body.count), (body[body.endIndex - 1 - back] & 0xC0) == 0x80 { back += 1 }
            if back < body.count {
                let lead = body[body.endIndex - 1 - back]
                let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                if need > back + 1 { body = body.dropLast(back + 1) }
            }
        }
        var text = String(decoding: body, as: UTF8.self)
        // A UTF-8 byte order mark is no content (Windows editors write one).
        if text.unicodeScalars.first == "\u{FEFF}" { text = String(text.unicodeScalars.dropFirst()) }
        var bad = 0
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0xFFFD || (v < 0x20 && ![0x09, 0x0A, 0x0D, 0x0C, 0x1B].contains(v)) || v == 0x7F { bad += 1 }
        }
        return bad * 20 > max(1, body.count) ? nil : text
    }

    /// Lines of `text` (`\n` or `\r\n`), tabs expanded to 4-column stops, so a line shows as written.
    static func lines(_ text: String) -> [String] {
        // "\r\n" is one Character in Swift: a split on "\n" alone would keep CRLF files on one line.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line -> String in
            var s = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if s.contains("\t") {
                var out = ""
                var column = 0
                for c in s {
                    if c == "\t" {
                        let n = 4 - column % 4
                        out += String(repeating: " ", count: n)
                        column += n
                    } else {
                        out.append(c)
                        column += DisplayWidth.of(c)
                    }
                }
                s = out
            }
            return s
        }
        if lines.count > 1, lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// A small RFC 4180 splitter that takes a cut prefix: quoted fields (with `""` and newlines
/// inside), `\r\n` or `\n` records. SwiftCSV and CSV.swift parse a whole, well-formed file; a
/// 64 KiB prefix usually ends inside a record (or a quoted field), which they reject or return
/// as a short row, so the preview splits itself and drops that last partial record.
enum CSVSplitter {
    static func records(_ text: String, separator: Character, dropPartialLast: Bool) -> [[String]] {
        var records: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var endedClean = true
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        while let c = next() {
            endedClean = false
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = n }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            case separator:
                row.append(field); field = ""; afterQuote = false
            case "\n", "\r\n":
                row.append(field); field = ""; afterQuote = false
                records.append(row); row = []
                endedClean = true
            case "\r":
                break
            default:
                field.append(c)
            }
        }
        if !endedClean {
            row.append(field)
            if !dropPartialLast || records.isEmpty { records.append(row) }
        }
        return records
    }
}

/// Re-indents JSON text token by token, keeping the key order and working on a cut prefix.
enum JSONIndent {
    static func lines(_ text: String, indent: String = "  ") -> [String] {
        var lines: [String] = []
        var line = ""
        var depth = 0
        var inString = false
        var escaped = false
        let chars = Array(text)
        func newline() {
            if !line.isEmpty { lines.append(line) }
            line = String(repeating: indent, count: max(0, depth))
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            defer { i += 1 }
            if inString {
                line.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            switch c {
            case "\"":
                inString = true
                line.append(c)
            case "{", "[":
                // `{}` and `[]` stay on one line.
                var j = i + 1
                while j < chars.count, chars[j].isWhitespace { j += 1 }
                if j < chars.count, chars[j] == (c == "{" ? "}" : "]") {
                    line += String(c) + String(chars[j])
                    i = j
                } else {
                    line.append(c)
                    depth += 1
                    newline()
                }
            case "}", "]":
                depth -= 1
                newline()
                line.append(c)
            case ",":
                line.append(c)
                newline()
            case ":":
                line += ": "
            case " ", "\n", "\r", "\t":
                break
            default:
                line.append(c)
            }
        }
        if !line.trimmingCharacters(in: .whitespaces).isEmpty { lines.append(line) }
        return lines
    }
}

/// The classic hex dump: offset, 16 bytes in hex, and the printable ASCII (others as `.`).
enum HexDump {
    static func lines(_ bytes: [UInt8]) -> [String] {
        stride(from: 0, to: bytes.count, by: 16).map { offset in
            let chunk = bytes[offset..<min(bytes.count, offset + 16)]
            var hex = ""
            for (i, b) in chunk.enumerated() {
                hex += (i == 8 ? "  " : i == 0 ? "" : " ") + (b < 16 ? "0" : "") + String(b, radix: 16)
            }
            let ascii = String(chunk.map { (0x20..<0x7F).contains($0) ? Character(Unicode.Scalar($0)) : "." })
            let off = String(offset, radix: 16)
            return String(repeating: "0", count: max(0, 8 - off.count)) + off + "  " + TextFit.pad(hex, to: 49) + " |" + ascii + "|"
        }
    }
}
