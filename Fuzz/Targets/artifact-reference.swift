// libFuzzer target: `WORKSPACE/ARTIFACT[:VERSION|ALIAS]` references and logical paths (scripts/fuzz.sh).
// Input: any bytes, read as one reference and as one logical path.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArtifactReference(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let reference = try? ArtifactReference.parse(text) {
        // What parses prints back to the same reference.
        guard let again = try? ArtifactReference.parse(reference.description), again == reference else {
            fatalError("reference round trip: \(text.debugDescription) → \(reference.description.debugDescription)")
        }
        guard !reference.workspace.isEmpty, !reference.artifact.isEmpty else { fatalError("empty part: \(text.debugDescription)") }
    }
    if let path = try? LogicalPath(text) {
        // A logical path that is accepted never leaves the download folder, judged on the bytes the
        // file system will see: no `.` or `..` component, no empty one, no control character or backslash.
        let resolved = Array(path.resolved(under: "/dest").utf8)
        guard resolved.starts(with: Array("/dest/".utf8)) else { fatalError("outside: \(text.debugDescription)") }
        let components = resolved.dropFirst("/dest/".utf8.count).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for component in components {
            guard !component.isEmpty, !component.elementsEqual(".".utf8), !component.elementsEqual("..".utf8),
                  !component.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\\") }) else {
                fatalError("component \(String(decoding: component, as: UTF8.self).debugDescription) of \(text.debugDescription)")
            }
        }
        guard components.count == path.segments.count else { fatalError("segments hide a separator: \(text.debugDescription)") }
        guard (try? LogicalPath(path.relativePath))?.segments == path.segments else { fatalError("normal form: \(text.debugDescription)") }
    }
    return 0
}
