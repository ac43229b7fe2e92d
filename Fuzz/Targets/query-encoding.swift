// libFuzzer target: the client's query encoding against the registry's query parsing (scripts/fuzz.sh).
// Input: a workspace and an artifact name separated by a 0xFF byte; the whole input is also parsed as
// a raw query string (never a crash).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQueryEncoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    _ = QueryParameters(query: String(decoding: bytes, as: UTF8.self))
    let parts = bytes.split(separator: 0xFF, maxSplits: 1, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    let workspace = parts[0]
    let name = parts.count > 1 ? parts[1] : "cats"
    // What the client sends (the SDK's encoding: artifactName twice) the registry reads back exactly.
    let query = QueryItem.render([.plain("workspace", workspace), .artifactName(name), .plain("version", "1.0.0")])
    let parsed = QueryParameters(query: query)
    guard parsed["workspace"] == (workspace.isEmpty ? nil : workspace) else {
        fatalError("workspace \(workspace.debugDescription) → \(String(describing: parsed["workspace"]))")
    }
    guard parsed.artifactName == (name.isEmpty ? nil : name) else {
        fatalError("artifactName \(name.debugDescription) → \(String(describing: parsed.artifactName))")
    }
    guard parsed["version"] == "1.0.0", parsed.pairs.count == 3 else { fatalError("pairs \(parsed.pairs) for \(query)") }
    return 0
}
