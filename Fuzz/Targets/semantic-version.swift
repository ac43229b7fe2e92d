// libFuzzer target: SemanticVersion parsing, printing, bumps and precedence (scripts/fuzz.sh).
// Input: two candidate version strings separated by the first newline.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSemanticVersion(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let halves = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let versions = halves.compactMap(SemanticVersion.init)
    for v in versions {
        // What parses prints back to itself.
        guard SemanticVersion(v.description) == v else { fatalError("round trip: \(v.description.debugDescription)") }
        guard !(v < v) else { fatalError("irreflexive: \(v)") }
        for kind in SemanticVersion.Bump.allCases {
            // A bump is either refused (a number at Int.max) or strictly higher, and itself a valid version.
            guard let next = v.bumped(kind) else { continue }
            guard v < next, SemanticVersion(next.description) == next else { fatalError("bump \(kind) of \(v) → \(next)") }
        }
    }
    if versions.count == 2 {
        let (a, b) = (versions[0], versions[1])
        guard !(a < b && b < a) else { fatalError("asymmetry: \(a) \(b)") }
        guard (a < b || b < a) != a.hasSamePrecedence(as: b) else { fatalError("trichotomy: \(a) \(b)") }
    }
    return 0
}
