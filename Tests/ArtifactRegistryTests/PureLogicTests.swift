import CometAPI
import Foundation
import Testing

@testable import ArtifactRegistry

func makeVersion(_ v: String, state: VersionState = .closed, aliases: [String] = []) -> VersionRecord {
    VersionRecord(id: "id-\(v)", artifactId: "a", version: v, aliases: aliases, tags: [], metadata: nil, state: state,
                  owner: "arty", addedMillis: 0, experimentKey: nil, sizeInBytes: 0)
}

@Suite struct VersionRulesTests {
    @Test func firstVersionIsOneAndThenNextMajorOfTheHighest() {
        #expect(VersionRules.nextVersion(after: [])?.description == "1.0.0")
        let existing = ["1.0.0", "2.5.14", "2.0.0"].compactMap(SemanticVersion.init)
        #expect(VersionRules.nextVersion(after: existing)?.description == "3.0.0")
        #expect(VersionRules.nextVersion(after: [SemanticVersion(major: Int.max, minor: 0, patch: 0)]) == nil)
    }

    @Test func latestIsTheHighestClosedVersionCaseInsensitively() throws {
        let versions = [makeVersion("1.0.0"), makeVersion("10.0.0"), makeVersion("2.0.0"), makeVersion("11.0.0", state: .open)]
        for name in ["latest", "LATEST", "Latest"] {
            #expect(try VersionRules.resolve(.alias(name), in: versions, artifactName: "x").version == "10.0.0")
        }
    }

    @Test func byNameLookupsOfUnfinishedVersionsAreNotFinalButIdLookupsAnswer() throws {
        let versions = [makeVersion("1.0.0", state: .open, aliases: ["wip"]), makeVersion("2.0.0", state: .error)]
        #expect(throws: RegistryError.notClosed("x:1.0.0")) { try VersionRules.resolve(.version("1.0.0"), in: versions, artifactName: "x") }
        #expect(throws: RegistryError.notClosed("x:1.0.0")) { try VersionRules.resolve(.alias("wip"), in: versions, artifactName: "x") }
        #expect(throws: RegistryError.closedWithError("x:2.0.0")) { try VersionRules.resolve(.versionOrAlias("2.0.0"), in: versions, artifactName: "x") }
        #expect(try VersionRules.resolve(.id("id-2.0.0"), in: versions, artifactName: "x").state == .error)
    }

    @Test func missingVersionsAnswer624523() {
        let error = #expect(throws: RegistryError.self) { try VersionRules.resolve(.alias("prod"), in: [makeVersion("1.0.0")], artifactName: "x") }
        #expect(error?.sdkErrorCode == 624523)
        #expect(error?.status == 400)
    }

    @Test func versionOrAliasTriesTheVersionFirst() throws {
        let versions = [makeVersion("1.0.0"), makeVersion("2.0.0", aliases: ["1.0.0", "prod"])]
        #expect(try VersionRules.resolve(.versionOrAlias("1.0.0"), in: versions, artifactName: "x").version == "1.0.0")
        #expect(try VersionRules.resolve(.versionOrAlias("prod"), in: versions, artifactName: "x").version == "2.0.0")
    }

    @Test func labelsAreTrimmedAndDeduplicatedInOrder() {
        #expect(VersionRules.normalizedLabels([" prod", "staging", "prod", "", "  "]) == ["prod", "staging"])
    }
}

@Suite struct QueryParametersTests {
    @Test func artifactNameIsDecodedTwiceOtherParametersOnce() {
        let q = QueryParameters(query: "workspace=my%20ws&artifactName=my%2520artifact%252Fx&version=1.0.0&alias=a%2Bb")
        #expect(q.artifactName == "my artifact/x")
        #expect(q["workspace"] == "my ws")
        #expect(q["alias"] == "a+b")
        #expect(q["version"] == "1.0.0")
    }

    @Test func formEncodingAndEmptyValues() {
        let q = QueryParameters(query: "a=x+y&experimentKey=&flag")
        #expect(q["a"] == "x y")
        #expect(q["experimentKey"] == nil)
        #expect(q["flag"] == nil)
        #expect(q["missing"] == nil)
    }

    @Test func pythonStyleBooleans() {
        let q = QueryParameters(query: "isRemote=True&overwrite=False&allow301=true&x=1")
        #expect(q.bool("isRemote"))
        #expect(!q.bool("overwrite"))
        #expect(q.bool("allow301"))
        #expect(q.bool("x"))
        #expect(!q.bool("absent"))
        #expect(q.bool("absent", default: true))
    }
}

@Suite struct MultipartTests {
    /// Runs the streaming parser over `body` cut into `chunk`-byte pieces; returns (name, filename, content) per part.
    func parse(_ body: String, boundary: String, chunk: Int) throws -> [(String, String?, String)] {
        var parser = MultipartStream(boundary: boundary)
        var parts: [(String, String?, [UInt8])] = []
        let bytes = Array(body.utf8)
        var offset = 0
        while offset < bytes.count {
            let piece = Array(bytes[offset..<min(offset + chunk, bytes.count)])
            try parser.feed(piece) { event in
                switch event {
                case .begin(let name, let filename): parts.append((name, filename, []))
                case .content(let c): parts[parts.count - 1].2 += c
                case .end: break
                }
            }
            offset += chunk
        }
        try parser.finish()
        return parts.map { ($0.0, $0.1, String(decoding: $0.2, as: UTF8.self)) }
    }

    static let body = "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\nline1\r\n--not-it\r\n--XyZ\r\n"
        + "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"k\":1}\r\n--XyZ\r\n"
        + "Content-Disposition: form-data; name=\"link\"; filename=\"link\"\r\nContent-Type: text/plain\r\n\r\ns3://b/k\r\n--XyZ--\r\nepilogue"

    @Test(arguments: [1, 2, 3, 7, 64, 100_000])
    func parsesFileLinkAndMetadataPartsWhateverTheChunking(chunk: Int) throws {
        let parts = try parse(Self.body, boundary: "XyZ", chunk: chunk)
        #expect(parts.map(\.0) == ["file", "metadata", "link"])
        #expect(parts.map(\.1) == ["file", nil, "link"])
        #expect(parts.map(\.2) == ["line1\r\n--not-it", "{\"k\":1}", "s3://b/k"])
    }

    @Test func emptyPartsAndBoundaryFromContentType() throws {
        #expect(Multipart.boundary(fromContentType: "multipart/form-data; boundary=\"abc\"") == "abc")
        #expect(Multipart.boundary(fromContentType: "application/json") == nil)
        let parts = try parse("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--b\r\n\r\nno headers\r\n--b--", boundary: "b", chunk: 5)
        #expect(parts.map(\.0) == ["file", ""])
        #expect(parts.map(\.2) == ["", "no headers"])
    }

    @Test func truncatedBodyIsABadRequest() throws {
        #expect(throws: RegistryError.self) {
            _ = try parse("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc", boundary: "b", chunk: 4)
        }
    }
}

@Suite struct ByteRangeTests {
    @Test func resolvesSingleRanges() {
        #expect(ByteRange.resolve(header: nil, size: 100) == .whole)
        #expect(ByteRange.resolve(header: "bytes=10-19", size: 100) == .partial(10...19))
        #expect(ByteRange.resolve(header: "bytes=90-", size: 100) == .partial(90...99))
        #expect(ByteRange.resolve(header: "bytes=-5", size: 100) == .partial(95...99))
        #expect(ByteRange.resolve(header: "bytes=50-500", size: 100) == .partial(50...99))
        #expect(ByteRange.resolve(header: "bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.resolve(header: "bytes=0-1,5-6", size: 100) == .whole)
        #expect(ByteRange.resolve(header: "items=0-1", size: 100) == .whole)
    }
}

@Suite struct WireJSONTests {
    @Test func serialisesCompactlyWithOrderedKeysIntegersAndEscapes() {
        let value: WireJSON = .object([("b", .int(1_700_000_000_123)), ("a", .null), ("s", .string("q\"\\\n\u{1}模型")),
                                       ("l", .strings(["x"])), ("t", .bool(true))])
        #expect(value.serialized() == #"{"b":1700000000123,"a":null,"s":"q\"\\\n\u0001模型","l":["x"],"t":true}"#)
    }

    @Test func everyControlCharacterIsEscapedAndEveryStringRoundTrips() throws {
        let controls = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        #expect(WireJSON.string("\t\r\u{1F}\u{7F}").serialized() == "\"\\t\\r\\u001f\u{7F}\"")
        let samples = [controls, "", "plain", "a\"b\\c", "模型/データ.csv", "e\u{301}🧪", "\u{2028}x\u{FEFF}",
                       String(repeating: "long name ", count: 500) + "\n"]
        for sample in samples {
            let text = WireJSON.array([.string(sample), .int(Int64.min), .int(Int64.max), .int(-7), .int(9)]).serialized()
            let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any]
            #expect(decoded?.first as? String == sample)
            #expect((decoded?.dropFirst().compactMap { ($0 as? NSNumber)?.int64Value }) == [Int64.min, Int64.max, -7, 9])
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 })
        }
    }

    @Test func errorBodyHasCometsThreeFields() {
        #expect(RegistryError.versionExists("1.0.0").body.serialized()
            == #"{"msg":"Artifact version 1.0.0 already exists","code":400,"sdk_error_code":90399}"#)
    }
}
