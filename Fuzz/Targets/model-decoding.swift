import Foundation

// libFuzzer target: the client's tolerant decoders of server replies (scripts/fuzz.sh).
// Input: any bytes as a response body. A decoder may refuse it with an error, never crash.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelDecoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    let decoder = JSONDecoder()
    _ = try? decoder.decode([Asset].self, from: body)
    _ = try? decoder.decode([ArtifactVersion].self, from: body)
    _ = try? decoder.decode(Artifact.self, from: body)
    _ = try? decoder.decode(ArtifactDetails.self, from: body)
    _ = try? decoder.decode(AccountDetails.self, from: body)
    if let value = try? decoder.decode(JSONValue.self, from: body) {
        // What decodes as a JSON value encodes and decodes to the same value.
        guard let again = try? decoder.decode(JSONValue.self, from: JSONEncoder().encode(value)), again == value else {
            fatalError("JSONValue round trip: \(value)")
        }
    }
    return 0
}
