import Crypto
import Foundation

/// When a big asset is fetched as several byte ranges in parallel (segmented download, issue 12),
/// and into how many. Pure.
///
/// One TCP stream from a far server rarely fills a fast link (about 8 MB/s at a 50 ms round trip);
/// several ranges of one file on several connections do. A range costs a request (one round trip)
/// before its first byte, so a segment is at least ``minSegmentBytes`` long: 4 MiB take 0.5 s at
/// 8 MB/s, against a 50 ms round trip (10 %, less for the bigger segments of bigger files).
///
/// A file has up to four times more segments than run at once (``maxSegments`` against
/// ``maxInFlight``), started in file order: the file's finished prefix then grows during the download
/// and is checksummed while the rest arrives, instead of all at once after the last byte.
public struct SegmentPolicy: Sendable, Hashable {
    /// Files smaller than this are fetched as one stream, in bytes.
    public var thresholdBytes: Int64
    /// The shortest segment but the last, in bytes.
    public var minSegmentBytes: Int64
    /// Most segments of one file (1 turns segmenting off).
    public var maxSegments: Int
    /// Most ranges of one file transferring at once; the others start as these end. 16 streams of
    /// about 8 MB/s fill a 100 MB/s link. Below the transport's connections per host
    /// (``CurlTransportOptions/maxConnectionsPerHost``, 32), and every range also holds one of the
    /// download's ``TransferSlots``: libcurl queues the transfers beyond its connections, and its
    /// connect timeout runs while they wait (curl issue 4486), so ranges wait for a slot instead.
    public var maxInFlight: Int = 16

    /// - Parameters:
    ///   - thresholdBytes: at least 1.
    ///   - minSegmentBytes: at least 1.
    ///   - maxSegments: at least 1.
    public init(thresholdBytes: Int64 = 16 << 20, minSegmentBytes: Int64 = 4 << 20, maxSegments: Int = 64) {
        self.thresholdBytes = max(1, thresholdBytes)
        self.minSegmentBytes = max(1, minSegmentBytes)
        self.maxSegments = max(1, maxSegments)
    }

    /// Files of 16 MiB and more, in segments of at least 4 MiB, at most 64 of them, 16 at once
    /// (16 streams of 8 MB/s fill a 100 MB/s link; on loopback more segments only add requests).
    public static let `default` = SegmentPolicy()
    /// Every file as one stream.
    public static let off = SegmentPolicy(maxSegments: 1)

    /// Segments for a file of `size` bytes: 1 (one stream) below ``thresholdBytes``, else
    /// `size / minSegmentBytes` clamped to `1...maxSegments`.
    public func segmentCount(forSize size: Int64) -> Int {
        guard size >= thresholdBytes, size > 0 else { return 1 }
        return Int(min(Int64(maxSegments), max(1, size / minSegmentBytes)))
    }
}

/// A `Content-Range` header of a `206` or `416` answer (RFC 9110 §14.4): `bytes FIRST-LAST/TOTAL`,
/// `bytes FIRST-LAST/*` or `bytes */TOTAL`. Pure.
public struct ContentRange: Sendable, Hashable {
    /// The first and last byte sent (inclusive); nil for `bytes */TOTAL`.
    public var first: Int64?
    public var last: Int64?
    /// The whole representation's size; nil for `*`.
    public var total: Int64?

    /// Nil when `headerValue` is absent or not one of the forms above.
    public init?(headerValue: String?) {
        guard let text = headerValue?.trimmingCharacters(in: .whitespaces), text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst("bytes ".count).trimmingCharacters(in: .whitespaces)
        guard let slash = spec.firstIndex(of: "/") else { return nil }
        let range = spec[..<slash]
        let totalText = spec[spec.index(after: slash)...]
        if totalText == "*" {
            total = nil
        } else {
            guard let t = Int64(totalText), t >= 0 else { return nil }
            total = t
        }
        if range == "*" {
            guard total != nil else { return nil }
            return
        }
        let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let a = Int64(bounds[0]), let b = Int64(bounds[1]), a >= 0, b >= a else { return nil }
        if let total, b >= total { return nil }
        first = a
        last = b
    }
}

/// What the first answer of a segmented download says about the server (issue 12). Pure.
public enum RangeSupport: Sendable, Hashable {
    /// `206` with a `Content-Range` whose total is the expected size, or a `200` with
    /// `Accept-Ranges: bytes`: the other ranges may be asked for in parallel.
    case ranges
    /// A `200` without `Accept-Ranges: bytes`: the server ignores `Range`; its body is the whole
    /// file (kept as the one stream).
    case wholeBody
    /// A `206` for another size, or with no readable `Content-Range`: do not trust ranges.
    case mismatch

    /// Decides from a 2xx answer's status and headers, for a file of `expectedSize` bytes.
    public static func decide(status: Int, headers: [HTTPHeader], expectedSize: Int64) -> RangeSupport {
        func header(_ name: String) -> String? {
            headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
        if status == 206 {
            guard let range = ContentRange(headerValue: header("Content-Range")), range.total == expectedSize else { return .mismatch }
            return .ranges
        }
        if header("Accept-Ranges")?.lowercased().contains("bytes") == true { return .ranges }
        return .wholeBody
    }
}

/// The byte ranges of one segmented download and how far each has come. Pure.
///
/// A file of ``size`` bytes is cut into consecutive segments of equal length (a multiple of
/// ``alignment``), the last one shorter; each is fetched on its own and resumed on its own from its
/// last written byte after a drop.
public struct RangePlan: Sendable, Hashable {
    /// One segment: bytes `start..<end` of the file, of which the first `written` are on disk.
    public struct Segment: Sendable, Hashable {
        public var start: Int64
        /// Exclusive.
        public var end: Int64
        public var written: Int64

        public init(start: Int64, end: Int64, written: Int64 = 0) {
            self.start = start
            self.end = end
            self.written = written
        }

        public var length: Int64 { end - start }
        public var isComplete: Bool { written >= length }
        /// The range to ask for next (`Range: bytes=LOWER-UPPER`, inclusive), nil when complete.
        public var remaining: ClosedRange<Int64>? { isComplete ? nil : (start + written)...(end - 1) }
    }

    /// The file's size in bytes.
    public let size: Int64
    public private(set) var segments: [Segment]

    /// Segment lengths are rounded up to this many bytes (64 KiB: whole pages, whole write gatherings).
    public static let alignment: Int64 = 64 << 10

    /// `count` segments (fewer when the aligned length covers `size` sooner; one for an empty file).
    public init(size: Int64, count: Int) {
        self.size = max(0, size)
        let wanted = Int64(max(1, count))
        var length = max(1, (self.size + wanted - 1) / wanted)
        length = (length + Self.alignment - 1) / Self.alignment * Self.alignment
        var segments: [Segment] = []
        var start: Int64 = 0
        repeat {
            let end = min(self.size, start + length)
            segments.append(Segment(start: start, end: end))
            start = end
        } while start < self.size
        self.segments = segments
    }

    /// A plan with these segments, or nil when they do not tile `0..<size` in order.
    public init?(size: Int64, segments: [Segment]) {
        guard !segments.isEmpty, segments.first?.start == 0, segments.last?.end == size else { return nil }
        for (i, s) in segments.enumerated() {
            guard s.start <= s.end, s.written >= 0, s.written <= s.length else { return nil }
            if i > 0, segments[i - 1].end != s.start { return nil }
        }
        self.size = size
        self.segments = segments
    }

    /// Bytes on disk in all segments.
    public var completedBytes: Int64 { segments.reduce(0) { $0 + min($1.written, $1.length) } }
    public var isComplete: Bool { segments.allSatisfy(\.isComplete) }
    /// Indices of the segments still to fetch, in file order.
    public var incomplete: [Int] { segments.indices.filter { !segments[$0].isComplete } }
    /// The first incomplete segment's index (the one whose continuation extends the file's contiguous
    /// prefix), nil when complete.
    public var firstIncomplete: Int? { segments.firstIndex { !$0.isComplete } }

    /// The range to ask for next for segment `index` (after a drop: from its own last written byte).
    public func nextRange(segment index: Int) -> ClosedRange<Int64>? { segments[index].remaining }

    /// Records `count` more bytes written contiguously at segment `index`'s next range.
    public mutating func record(_ count: Int64, segment index: Int) {
        segments[index].written = min(segments[index].length, segments[index].written + max(0, count))
    }

    /// Merges a contiguous prefix already on disk (the first `bytes` of the file, from a single-stream
    /// download that was interrupted): every segment it covers counts as (partly) written.
    public func merging(prefix bytes: Int64) -> RangePlan {
        var plan = self
        for i in plan.segments.indices {
            let covered = min(plan.segments[i].length, max(0, bytes - plan.segments[i].start))
            plan.segments[i].written = max(plan.segments[i].written, covered)
        }
        return plan
    }

    /// Bytes at the start of the file that are on disk without a gap.
    public var contiguousPrefix: Int64 {
        var prefix: Int64 = 0
        for s in segments {
            prefix = s.start + s.written
            if !s.isComplete { break }
        }
        return prefix
    }
}

/// The record of a segmented download's progress, kept at the end of its own `.part` file (after the
/// asset's bytes) so that an interrupted download resumes each range where it stopped and the
/// leftover is never taken for a single stream's prefix. Kept in the `.part` itself rather than in a
/// file beside it, whose name could be another asset's. Pure.
///
/// A `.part` holding one is longer than the asset (a single stream's `.part` never is), so earlier
/// arty versions discard it. Layout (integers little-endian): magic `ARTYSEG1`, size (8), identity
/// digest (32), segment count (4), per segment start, end, written (8 each), SHA-256 of all the
/// preceding bytes (32). Its length depends only on the segment count, so rewriting it never leaves
/// stale bytes behind.
public enum RangeTrailer {
    static let magic = Array("ARTYSEG1".utf8)

    /// Bytes of a trailer for `segments` segments.
    public static func length(segments: Int) -> Int64 { Int64(8 + 8 + 32 + 4 + segments * 24 + 32) }

    /// A digest of what the bytes must be: the same asset (id, version, checksum when known).
    public static func identity(assetId: String, versionId: String, checksum: String?) -> [UInt8] {
        Array(SHA256.hash(data: Data("\(assetId)\n\(versionId)\n\(checksum ?? "")".utf8)))
    }

    public static func encode(_ plan: RangePlan, identity: [UInt8]) -> [UInt8] {
        var out = magic
        func put(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        put(plan.size)
        out.append(contentsOf: identity.prefix(32) + Array(repeating: 0, count: max(0, 32 - identity.count)))
        withUnsafeBytes(of: UInt32(plan.segments.count).littleEndian) { out.append(contentsOf: $0) }
        for s in plan.segments { put(s.start); put(s.end); put(s.written) }
        out.append(contentsOf: SHA256.hash(data: out))
        return out
    }

    /// Most segments a record found at the end of a file is looked for with (``recordLength(tail:fileSize:)``).
    public static let maxRecordedSegments = 256

    /// The length of a whole, intact record (of any asset) that ends a file of `fileSize` bytes
    /// whose last bytes are `tail`, or nil when the file does not end with one. A `.part` shorter
    /// than the asset is resumed as a single stream's prefix only when this is nil: one that ends
    /// with a record is another asset's segmented download, whose unwritten ranges are holes.
    public static func recordLength(tail: [UInt8], fileSize: Int64) -> Int64? {
        for count in 1...maxRecordedSegments {
            let length = length(segments: count)
            guard Int64(tail.count) >= length, fileSize >= length else { break }
            let record = Array(tail.suffix(Int(length)))
            guard Array(record.prefix(8)) == magic,
                  Array(SHA256.hash(data: Data(record.dropLast(32)))) == Array(record.suffix(32)) else { continue }
            var size: Int64 = 0
            for i in (8..<16).reversed() { size = size << 8 | Int64(record[i]) }
            let recorded = Int(record[48]) | Int(record[49]) << 8 | Int(record[50]) << 16 | Int(record[51]) << 24
            if recorded == count, size == fileSize - length { return length }
        }
        return nil
    }

    /// The plan in `bytes` (a whole trailer), or nil when it is not one, is torn, or is for another
    /// size or identity.
    public static func decode(_ bytes: [UInt8], size: Int64, identity: [UInt8]) -> RangePlan? {
        guard bytes.count >= Int(length(segments: 1)), Array(bytes.prefix(8)) == magic else { return nil }
        let body = bytes.dropLast(32)
        guard Array(SHA256.hash(data: Data(body))) == Array(bytes.suffix(32)) else { return nil }
        func int64(_ at: Int) -> Int64 {
            var v: Int64 = 0
            for i in (0..<8).reversed() { v = v << 8 | Int64(bytes[at + i]) }
            return v
        }
        let count = Int(bytes[48]) | Int(bytes[49]) << 8 | Int(bytes[50]) << 16 | Int(bytes[51]) << 24
        guard count > 0, Int64(bytes.count) == length(segments: count), int64(8) == size,
              Array(bytes[16..<48]) == Array(identity.prefix(32)) else { return nil }
        let segments = (0..<count).map { i in
            RangePlan.Segment(start: int64(52 + i * 24), end: int64(60 + i * 24), written: int64(68 + i * 24))
        }
        return RangePlan(size: size, segments: segments)
    }
}
