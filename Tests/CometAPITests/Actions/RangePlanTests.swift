import CometAPI
import Foundation
import Testing

@Suite("Segmented downloads: range plan, Content-Range, trailer (pure)")
struct RangePlanTests {
    @Test func theSegmentCountGrowsWithTheSizeUpToTheCap() {
        let policy = SegmentPolicy()  // 16 MiB threshold, 4 MiB segments, at most 64, 16 at once
        #expect(policy.segmentCount(forSize: 0) == 1)
        #expect(policy.segmentCount(forSize: 1) == 1)
        #expect(policy.segmentCount(forSize: (16 << 20) - 1) == 1)
        #expect(policy.segmentCount(forSize: 16 << 20) == 4)
        #expect(policy.segmentCount(forSize: 40 << 20) == 10)
        #expect(policy.segmentCount(forSize: 128 << 20) == 32)
        #expect(policy.segmentCount(forSize: 256 << 20) == 64)
        #expect(policy.segmentCount(forSize: 1 << 40) == 64)
        #expect(policy.maxInFlight == 16)
        #expect(SegmentPolicy.off.segmentCount(forSize: 1 << 30) == 1)
    }

    @Test func segmentsTileTheFileAndTheLastIsShorter() {
        let size: Int64 = (16 << 20) + 77  // just above the threshold, odd
        let plan = RangePlan(size: size, count: 4)
        #expect(plan.segments.count == 4)
        let length: Int64 = (4 << 20) + (64 << 10)  // ceil(size / 4) rounded up to 64 KiB
        #expect(plan.segments.map(\.start) == [0, length, 2 * length, 3 * length])
        #expect(plan.segments.dropLast().allSatisfy { $0.length == length })
        #expect(plan.segments.last?.length == size - 3 * length)
        #expect(plan.segments.last?.end == size)
        #expect(plan.nextRange(segment: 3) == (3 * length)...(size - 1))
        #expect(plan.completedBytes == 0)
        #expect(!plan.isComplete)
    }

    @Test func tinyAndEmptyFilesAreOneSegment() {
        let empty = RangePlan(size: 0, count: 8)
        #expect(empty.segments == [RangePlan.Segment(start: 0, end: 0)])
        #expect(empty.isComplete)
        #expect(empty.firstIncomplete == nil)
        let one = RangePlan(size: 1, count: 8)
        #expect(one.segments == [RangePlan.Segment(start: 0, end: 1)])
        #expect(one.nextRange(segment: 0) == 0...0)
        // Alignment may leave fewer segments than asked for.
        #expect(RangePlan(size: 100_000, count: 4).segments.map(\.length) == [65_536, 34_464])
    }

    @Test func aDroppedRangeResumesFromItsOwnLastByte() {
        var plan = RangePlan(size: 300_000, count: 3)  // 131072, 131072, 37856
        plan.record(70_000, segment: 1)
        let resumeAt: Int64 = 131_072 + 70_000
        #expect(plan.nextRange(segment: 1) == resumeAt...262_143)
        #expect(plan.nextRange(segment: 0) == 0...131_071)  // untouched
        #expect(plan.incomplete == [0, 1, 2])
        plan.record(1 << 30, segment: 2)  // never more than the segment
        #expect(plan.segments[2].written == 37_856)
        #expect(plan.incomplete == [0, 1])
        #expect(plan.completedBytes == 107_856)
        #expect(plan.contiguousPrefix == 0)
        plan.record(131_072, segment: 0)
        #expect(plan.contiguousPrefix == 131_072 + 70_000)
        #expect(plan.firstIncomplete == 1)
    }

    @Test func aSingleStreamPrefixIsMergedIntoTheSegments() {
        let plan = RangePlan(size: 300_000, count: 3).merging(prefix: 200_000)
        #expect(plan.segments.map(\.written) == [131_072, 68_928, 0])
        #expect(plan.firstIncomplete == 1)
        #expect(plan.nextRange(segment: 1) == 200_000...262_143)
        #expect(plan.completedBytes == 200_000)
        #expect(RangePlan(size: 300_000, count: 3).merging(prefix: 0).completedBytes == 0)
    }

    @Test func segmentsThatDoNotTileTheFileAreRefused() {
        #expect(RangePlan(size: 10, segments: [.init(start: 0, end: 5), .init(start: 6, end: 10)]) == nil)
        #expect(RangePlan(size: 10, segments: [.init(start: 0, end: 5), .init(start: 5, end: 9)]) == nil)
        #expect(RangePlan(size: 10, segments: [.init(start: 0, end: 5, written: 6), .init(start: 5, end: 10)]) == nil)
        #expect(RangePlan(size: 10, segments: [.init(start: 0, end: 5, written: 5), .init(start: 5, end: 10)])?.completedBytes == 5)
    }

    @Test func theTrailerRoundTripsAndRefusesTornOrForeignRecords() throws {
        var plan = RangePlan(size: 300_000, count: 3)
        plan.record(70_000, segment: 1)
        plan.record(37_856, segment: 2)
        let identity = RangeTrailer.identity(assetId: "a1", versionId: "v1", checksum: "ab")
        let bytes = RangeTrailer.encode(plan, identity: identity)
        #expect(Int64(bytes.count) == RangeTrailer.length(segments: 3))
        #expect(RangeTrailer.decode(bytes, size: 300_000, identity: identity) == plan)
        // Another asset, another size, a torn write, a truncated record: none is trusted.
        #expect(RangeTrailer.decode(bytes, size: 300_000, identity: RangeTrailer.identity(assetId: "a2", versionId: "v1", checksum: "ab")) == nil)
        #expect(RangeTrailer.decode(bytes, size: 300_001, identity: identity) == nil)
        var torn = bytes
        torn[60] ^= 0xFF
        #expect(RangeTrailer.decode(torn, size: 300_000, identity: identity) == nil)
        #expect(RangeTrailer.decode(Array(bytes.dropLast()), size: 300_000, identity: identity) == nil)
        #expect(RangeTrailer.decode(Array(repeating: 0, count: bytes.count), size: 300_000, identity: identity) == nil)
    }

    @Test func aRecordEndingAFileIsFoundWhateverItsAsset() {
        for count in [1, 3, 16] {
            let plan = RangePlan(size: 10_000_000, count: count)
            let record = RangeTrailer.encode(plan, identity: RangeTrailer.identity(assetId: "a\(count)", versionId: "v", checksum: nil))
            let tail = Array(repeating: UInt8(7), count: 500) + record
            #expect(RangeTrailer.recordLength(tail: tail, fileSize: 10_000_000 + Int64(record.count)) == Int64(record.count))
            // Another size than the file's bytes before it: not this file's record.
            #expect(RangeTrailer.recordLength(tail: tail, fileSize: 9_000_000 + Int64(record.count)) == nil)
            var torn = tail
            torn[torn.count - 40] ^= 1
            #expect(RangeTrailer.recordLength(tail: torn, fileSize: 10_000_000 + Int64(record.count)) == nil)
        }
        #expect(RangeTrailer.recordLength(tail: Array(repeating: 0, count: 4_000), fileSize: 4_000) == nil)
        #expect(RangeTrailer.recordLength(tail: [], fileSize: 0) == nil)
    }

    @Test func contentRangeForms() {
        #expect(ContentRange(headerValue: "bytes 0-99/1000") == ContentRange(headerValue: "bytes 0-99/1000"))
        let r = ContentRange(headerValue: "bytes 100-199/1000")
        #expect(r?.first == 100 && r?.last == 199 && r?.total == 1000)
        #expect(ContentRange(headerValue: "bytes 0-0/*")?.total == nil)
        #expect(ContentRange(headerValue: "bytes */1000")?.first == nil)
        #expect(ContentRange(headerValue: "bytes */1000")?.total == 1000)
        for bad in [nil, "", "bytes", "items 0-1/2", "bytes 5-4/10", "bytes 0-10/10", "bytes -1-3/10", "bytes */*", "bytes 0-1"] {
            #expect(ContentRange(headerValue: bad) == nil, "\(String(describing: bad))")
        }
    }

    @Test func theFirstAnswerDecidesWhetherRangesAreUsed() {
        let size: Int64 = 1000
        #expect(RangeSupport.decide(status: 206, headers: [HTTPHeader("Content-Range", "bytes 0-99/1000")], expectedSize: size) == .ranges)
        #expect(RangeSupport.decide(status: 206, headers: [HTTPHeader("content-range", "bytes 0-99/999")], expectedSize: size) == .mismatch)
        #expect(RangeSupport.decide(status: 206, headers: [], expectedSize: size) == .mismatch)
        #expect(RangeSupport.decide(status: 200, headers: [], expectedSize: size) == .wholeBody)
        #expect(RangeSupport.decide(status: 200, headers: [HTTPHeader("Accept-Ranges", "none")], expectedSize: size) == .wholeBody)
        #expect(RangeSupport.decide(status: 200, headers: [HTTPHeader("Accept-Ranges", "bytes")], expectedSize: size) == .ranges)
    }
}
