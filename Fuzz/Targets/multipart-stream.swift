// libFuzzer target: the registry's streaming multipart parser and Range resolution (scripts/fuzz.sh).
// Input: byte 0 picks the chunk sizes, the rest is a multipart body with boundary "XyZ"; the same
// bytes also serve as a `Range` header against a size taken from them.

/// Events with content pieces merged: what the parser means, whatever the chunking.
private func parse(_ body: [UInt8], chunk: Int) -> (events: [String], failed: Bool) {
    var stream = MultipartStream(boundary: "XyZ")
    var events: [String] = []
    var content: [UInt8] = []
    func flush() {
        if !content.isEmpty { events.append("content \(content)"); content = [] }
    }
    do {
        var i = 0
        while i < body.count {
            let n = min(chunk, body.count - i)
            try stream.feed(Array(body[i..<(i + n)])) { event in
                switch event {
                case .content(let bytes): content += bytes
                case .begin(let name, let filename): flush(); events.append("begin \(name) \(filename ?? "-")")
                case .end: flush(); events.append("end")
                }
            }
            i += n
        }
        flush()
        try stream.finish()
        return (events, false)
    } catch {
        flush()
        return (events, true)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMultipartStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let chunk = Int(data[0] % 64) + 1
    // Chunk boundaries must not change what the parser reports, nor whether it fails.
    let whole = parse(body, chunk: max(1, body.count))
    let pieces = parse(body, chunk: chunk)
    guard whole.failed == pieces.failed else { fatalError("chunk \(chunk) changes failure: \(body)") }
    if !whole.failed { guard whole.events == pieces.events else { fatalError("chunk \(chunk) changes events: \(body)") } }

    let header = String(decoding: body, as: UTF8.self)
    let length = Int64(body.count) * 37 % 5000
    switch ByteRange.resolve(header: header, size: length) {
    case .partial(let range):
        guard range.lowerBound >= 0, range.upperBound < length, range.lowerBound <= range.upperBound else {
            fatalError("range \(range) of \(length) for \(header.debugDescription)")
        }
    case .whole, .unsatisfiable: break
    }
    return 0
}
