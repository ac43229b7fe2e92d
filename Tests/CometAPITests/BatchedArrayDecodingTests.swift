@testable import CometAPI
import Foundation
import Testing

/// The batch decoder of big arrays (`artifacts/version/files`): the same assets as a whole decode,
/// shared id strings, and a whole decode for every document its scanner does not follow.
@Suite struct BatchedArrayDecodingTests {
    func ranges(_ json: String, _ key: String = "files") -> [String]? {
        let data = Data(json.utf8)
        return data.withUnsafeBytes { raw in
            BatchedArrayDecoding.elementRanges(ofArrayAt: key, in: raw)?.map { String(decoding: raw[$0], as: UTF8.self) }
        }
    }

    @Test func findsTheElementsOfTheTopLevelArrayOnly() {
        let json = #" { "meta": {"files": [9]}, "files" : [ {"a": "x,]}\"y"} , [1, [2]], "s", 12.5e3, null, true ] , "after": [] } "#
        #expect(ranges(json) == [#"{"a": "x,]}\"y"}"#, "[1, [2]]", #""s""#, "12.5e3", "null", "true"])
        #expect(ranges(#"{"files": []}"#) == [])
        #expect(ranges(#"{"other": [1]}"#) == nil)
    }

    @Test(arguments: [
        #"[{"files": []}]"#, #"{"files": [1, 2"#, #"{"files": [1] "#, #"{"files": [1], "files": [2]}"#, #"{"files": {"a": 1}}"#,
        #"{"files": ["unterminated]}"#, "", "{}", #"{"files" [1]}"#, #"{"files": [1,]}"#, #"{"x": "\"#,
    ])
    func aDocumentItDoesNotFollowIsLeftToTheWholeDecode(_ json: String) {
        #expect(ranges(json) == nil)
    }

    static func assetsJSON(count: Int) -> String {
        let files = (0..<count).map { i in
            #"{"artifactId":"a-1","artifactVersionId":"v-1","assetId":"id\#(i)","fileName":"d/f\#(i).bin","fileSize":\#(i),"# +
                #""link":null,"remote":false,"type":"asset","metadata":{"k":[\#(i)]}}"#
        }
        return #"{"files":["# + files.joined(separator: ",") + "]}"
    }

    @Test func batchesDecodeTheSameAssetsAsOneWholeDecode() throws {
        let data = Data(Self.assetsJSON(count: 2 * BatchedArrayDecoding.batchSize + 7).utf8)
        struct Whole: Decodable { var files: [Asset] }
        let whole = try JSONDecoder().decode(Whole.self, from: data).files
        var interner = StringInterner()
        let batched = try #require(try BatchedArrayDecoding.decode(Asset.self, ofArrayAt: "files", in: data) { asset in
            asset.artifactId = interner.intern(asset.artifactId)
        })
        #expect(batched == whole)
        #expect(batched.count == 4_007)
        #expect(batched.last?.logicalPath == "d/f4006.bin")
    }

    @Test func aBadElementThrows() {
        let data = Data(#"{"files":[{"assetId":"x","fileName":"a"}, 7]}"#.utf8)
        #expect(throws: DecodingError.self) { try BatchedArrayDecoding.decode(Asset.self, ofArrayAt: "files", in: data) }
    }

    @Test func internedStringsShareOneBuffer() {
        var interner = StringInterner()
        let first = String(repeating: "a", count: 40)
        let second = String(repeating: "a", count: 40)
        let kept = interner.intern(first)!
        let again = interner.intern(second)!
        func address(_ s: String) -> UnsafeRawPointer? {
            var s = s
            return s.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        #expect(again == second)
        #expect(address(again) == address(kept))
        #expect(address(second) != address(kept))
        #expect(interner.intern(nil) == nil)
    }
}
