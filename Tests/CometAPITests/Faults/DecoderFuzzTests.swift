import ArtifactRegistry
import CometAPI
import Foundation
import Testing

/// SplitMix64: a small seeded generator, so every fuzz run is reproducible from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Property-based fuzzing of every decoder and parser (issue 7): seeded mutations of valid inputs
/// (byte flips, truncation, insertions of invalid UTF-8, JSON type swaps, huge numbers, deep
/// nesting). Iterations per target: `ARTY_FUZZ_ITERATIONS` (default 400, bounded for CI; raise it
/// for a longer run). Seed: `ARTY_FUZZ_SEED` (default fixed).
enum Fuzz {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["ARTY_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 400
    }
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["ARTY_FUZZ_SEED"].flatMap(UInt64.init) ?? 0xA27F_2026
    }

    static let interesting: [String] = [
        "null", "true", "false", "0", "-1", "1e308", "-1e308", "1.7976931348623157e308", "123456789012345678901234567890",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "0.000001", "\"\"", "\"x\"",
        "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "[[[[[]]]]]", "{\"a\":{\"b\":{}}}", "\"{\\\"k\\\":1}\"", "\"1.0.0\"",
    ]

    /// One mutation of `input`.
    static func mutate(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        switch Int.random(in: 0..<7, using: &rng) {
        case 0 where !bytes.isEmpty:  // flip bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 1 where !bytes.isEmpty:  // truncate
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        case 2:  // insert invalid UTF-8 or JSON punctuation
            let pieces: [[UInt8]] = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], Array("\",[]{}:".utf8), [0]]
            let at = Int.random(in: 0...bytes.count, using: &rng)
            bytes.insert(contentsOf: pieces.randomElement(using: &rng)!, at: at)
        case 3:  // replace a JSON value with another type
            guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else { fallthrough }
            let swapped = swap(json, &rng, depth: 0)
            bytes = Array(swapped.compactJSON.utf8)
            if Bool.random(using: &rng) {  // and sometimes put a raw interesting literal in
                let literal = interesting.randomElement(using: &rng)!
                if let r = bytes.firstIndex(of: UInt8(ascii: ":")) { bytes.insert(contentsOf: Array(literal.utf8) + [UInt8(ascii: ",")], at: r + 1) }
            }
        case 4:  // duplicate a slice
            guard bytes.count > 1 else { fallthrough }
            let a = Int.random(in: 0..<bytes.count, using: &rng)
            let b = Int.random(in: a..<bytes.count, using: &rng)
            bytes.insert(contentsOf: bytes[a...b], at: Int.random(in: 0...bytes.count, using: &rng))
        case 5:  // wrap in nesting
            let depth = Int.random(in: 1...600, using: &rng)
            let open: UInt8 = Bool.random(using: &rng) ? UInt8(ascii: "[") : UInt8(ascii: "{")
            bytes = Array(repeating: open, count: depth) + bytes + Array(repeating: open == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}"), count: depth)
        default:  // random bytes
            bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        return bytes
    }

    /// `value` with one randomly chosen member replaced by a value of another type.
    static func swap(_ value: JSONValue, _ rng: inout SeededGenerator, depth: Int) -> JSONValue {
        func other() -> JSONValue {
            [JSONValue.null, .bool(true), .number(1e308), .number(-1), .number(0.5), .string(""), .string("\u{1B}[2J"),
             .array([.number(1)]), .object(["k": .null]), .string("{\"x\":[1,2]}"), .string("not json")]
                .randomElement(using: &rng)!
        }
        switch value {
        case .object(var o) where !o.isEmpty && depth < 6:
            let key = o.keys.sorted().randomElement(using: &rng)!
            o[key] = Bool.random(using: &rng) ? other() : swap(o[key]!, &rng, depth: depth + 1)
            return .object(o)
        case .array(var a) where !a.isEmpty && depth < 6:
            let i = Int.random(in: 0..<a.count, using: &rng)
            a[i] = Bool.random(using: &rng) ? other() : swap(a[i], &rng, depth: depth + 1)
            return .array(a)
        default:
            return other()
        }
    }

    /// Runs `property` on the seeds and on `iterations` mutations of them.
    static func run(_ seeds: [String], _ property: ([UInt8]) throws -> Void) rethrows {
        var rng = SeededGenerator(seed: seed)
        let corpus = seeds.map { Array($0.utf8) }
        for input in corpus { try property(input) }
        for _ in 0..<iterations {
            var input = corpus.randomElement(using: &rng)!
            for _ in 0..<Int.random(in: 1...3, using: &rng) { input = mutate(input, &rng) }
            try property(input)
        }
    }

    /// Deep nesting of arrays and objects, and around a valid document.
    static let nestingDepths = [10, 100, 1_000, 10_000, 100_000]
    static func nested(_ depth: Int, object: Bool) -> [UInt8] {
        object ? Array(String(repeating: "{\"a\":", count: depth).utf8) + Array("1".utf8) + Array(repeating: UInt8(ascii: "}"), count: depth)
               : Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
    }
}

/// A transport that answers every request with 200 and the given body.
final class FixedBodyTransport: HTTPTransport, Sendable {
    let body: LockedBox<Data>
    init() { body = LockedBox(Data()) }
    func send(_ request: TransportRequest, sink: ResponseSink, progress: ProgressHandler?) async throws -> TransportResponse {
        TransportResponse(status: 200, headers: [HTTPHeader("Content-Type", "application/json")], body: body.value)
    }
}

@Suite("Decoder fuzzing (seeded property tests)")
struct DecoderFuzzTests {
    static let jsonSeeds = [Fixtures.workspaces, Fixtures.accountDetails, Fixtures.artifactsGetAll, Fixtures.artifactsGet,
                            Fixtures.artifactsVersion, Fixtures.versionFiles, Fixtures.upsertResponse, Fixtures.notFoundError]

    @Test func modelDecodersNeverCrash() throws {
        var decoded = 0
        Fuzz.run(Self.jsonSeeds) { bytes in
            let data = Data(bytes)
            let d = JSONDecoder()
            if (try? d.decode(Artifact.self, from: data)) != nil { decoded += 1 }
            if (try? d.decode(ArtifactVersion.self, from: data)) != nil { decoded += 1 }
            if (try? d.decode(ArtifactDetails.self, from: data)) != nil { decoded += 1 }
            if (try? d.decode(Asset.self, from: data)) != nil { decoded += 1 }
            if (try? d.decode(AccountDetails.self, from: data)) != nil { decoded += 1 }
            if (try? d.decode(ArtifactVersionUpsertResult.self, from: data)) != nil { decoded += 1 }
            if (try? d.decode(SemanticVersion.self, from: data)) != nil { decoded += 1 }
            if let value = try? d.decode(JSONValue.self, from: data) {
                // What decodes re-encodes, and the re-encoding decodes to the same value.
                let again = JSONValue.parse(value.compactJSON)
                if case .number = value {} else if !Self.hasNonFiniteOrHuge(value) { #expect(again == value) }
            }
            _ = CometAPIError.parseErrorBody(data)
        }
        #expect(decoded > 0, "no mutated input decoded at all: the seeds are wrong")
    }

    static func hasNonFiniteOrHuge(_ v: JSONValue) -> Bool {
        switch v {
        case .number(let n): !n.isFinite || abs(n) >= 1e15
        case .array(let a): a.contains(where: hasNonFiniteOrHuge)
        case .object(let o): o.values.contains(where: hasNonFiniteOrHuge)
        default: false
        }
    }

    @Test func clientListDecodersFailOnlyWithADecodingError() async throws {
        let transport = FixedBodyTransport()
        let client = CometClient(configuration: try CometConfiguration(apiKey: "fuzz-key-000", urlOverride: "http://h:1/clientlib/"),
                                 transport: transport, retryPolicy: .none)
        var inputs: [[UInt8]] = []
        Fuzz.run(Self.jsonSeeds) { inputs.append($0) }
        for bytes in inputs.prefix(max(50, Fuzz.iterations / 4)) {
            transport.body.value = Data(bytes)
            let calls: [(String, @Sendable () async throws -> Void)] = [
                ("Listing workspaces", { _ = try await client.workspaces() }),
                ("Listing artifacts", { _ = try await client.artifacts(workspace: "ws", type: nil) }),
                ("Reading artifact", { _ = try await client.artifactDetails(workspace: "ws", name: "cats") }),
                ("Reading version", { _ = try await client.artifactVersion(workspace: "ws", name: "cats", selector: .alias("prod")) }),
                ("Listing assets", { _ = try await client.assets(workspace: "ws", name: "cats", selector: .version("1.0.0")) }),
                ("Reading account details", { _ = try await client.accountDetails() }),
                ("Creating a version", { _ = try await client.upsertArtifactVersion(ArtifactVersionUpsert(artifactName: "cats")) }),
            ]
            for (operation, call) in calls {
                do {
                    try await call()
                } catch let error as CometAPIError {
                    guard case .decoding(let op, _) = error else {
                        Issue.record("\(operation): expected a decoding error, got \(error)")
                        continue
                    }
                    #expect(op.hasPrefix(operation))
                    #expect(error.userMessage.contains("not understood"))
                }
            }
        }
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        for depth in Fuzz.nestingDepths {
            for object in [false, true] {
                let data = Data(Fuzz.nested(depth, object: object))
                _ = try? JSONDecoder().decode(JSONValue.self, from: data)
                _ = try? JSONDecoder().decode(ArtifactDetails.self, from: data)
                _ = CometAPIError.parseErrorBody(data)
                // Inside a metadata string (decoded a second time).
                let wrapped = #"{"assetId":"a","fileName":"f","fileSize":1,"metadata":"# +
                    String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"", with: "\\\"") + #""}"#
                _ = try? JSONDecoder().decode(Asset.self, from: Data(wrapped.utf8))
                _ = JSONValue.parse(String(decoding: data, as: UTF8.self))
            }
        }
    }

    @Test func textParsersKeepTheirPromises() throws {
        let seeds = ["1.2.3", "1.0.0-rc.1+build.5", "ws/my artifact:prod", "ws/a/b:1.0.0", "data/train.csv", "./a//b/./c",
                     "bytes=0-99", "bytes=-5", "assetId=abc&allow301=False&artifactName=my%2520artifact&x=%ZZ&y=+a",
                     "multipart/form-data; boundary=\"abc\"", "120", "Wed, 21 Oct 2026 07:28:00 GMT",
                     "get-all=status:503*2;*=stall:10", "key*eyJiYXNlVXJsIjoiaHR0cHM6Ly9leGFtcGxlLmNvbSJ9"]
        let policy = RetryPolicy(maxAttempts: 3, baseDelayMilliseconds: 5, maxDelayMilliseconds: 50)
        Fuzz.run(seeds) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            if let v = SemanticVersion(text) {
                #expect(SemanticVersion(v.description) == v, "\(text.debugDescription)")
            }
            _ = try? ArtifactReference.parse(text)
            _ = try? Listing.Target.parse(text)
            if let path = try? LogicalPath(text) {
                #expect(!path.segments.contains(".."))
                #expect(!path.segments.contains(""))
                #expect(!path.relativePath.hasPrefix("/"))
                #expect(!path.relativePath.contains("\\"))
                #expect(path.relativePath.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
            }
            _ = QueryParameters(query: text)
            for size in [Int64(0), 1, 100, Int64.max] {
                if case .partial(let r) = ByteRange.resolve(header: text, size: size) {
                    #expect(r.lowerBound >= 0 && r.upperBound < size)
                }
            }
            _ = Multipart.boundary(fromContentType: text)
            let delay = policy.delayMilliseconds(afterAttempt: Int(bytes.first ?? 1), retryAfter: text)
            #expect((0...50).contains(delay), "Retry-After \(text.debugDescription) gave \(delay) ms")
            _ = try? FaultPlan.parse(text)
            _ = CometConfiguration.enhancedKeyBaseURL(text)
            _ = try? CometConfiguration.origin(of: text)
            #expect(TerminalText.isSafe(TerminalText.escape(text)))
        }
    }

    @Test func retryAfterExtremesAreCapped() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelayMilliseconds: 5, maxDelayMilliseconds: 50)
        for value in ["1e300", "99999999999999999999", "1e308", "inf", "nan", "-1", "1.5", "Fri, 31 Dec 9999 23:59:59 GMT"] {
            let delay = policy.delayMilliseconds(afterAttempt: 1, retryAfter: value)
            #expect((0...50).contains(delay), "\(value) → \(delay)")
        }
        #expect(policy.delayMilliseconds(afterAttempt: 1, retryAfter: "0.01") == 10)
        #expect(policy.delayMilliseconds(afterAttempt: Int.max, retryAfter: nil) == 50)
    }

    @Test func multipartStreamSurvivesMutatedBodies() {
        let boundary = "XyZ123"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\nhello\r\n"
            + "--\(boundary)\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"a\":1}\r\n--\(boundary)--\r\n"
        var completed = 0
        Fuzz.run([body]) { bytes in
            var stream = MultipartStream(boundary: boundary)
            var rng = SeededGenerator(seed: UInt64(bytes.count))
            var offset = 0
            do {
                // Fed in random chunk sizes, as the network delivers it.
                while offset < bytes.count {
                    let n = Int.random(in: 1...max(1, bytes.count - offset), using: &rng)
                    try stream.feed(Array(bytes[offset..<offset + n])) { _ in }
                    offset += n
                }
                try stream.finish()
                completed += 1
            } catch {}
        }
        #expect(completed > 0)
    }
}
