import Foundation

// libFuzzer target: S3's XML answers as arty reads them (S3Response: ListObjectsV2 pages, error
// bodies) (scripts/fuzz.sh). Two checks per input:
// 1. the raw bytes as a document: parsing never crashes or hangs, and what it returns is sane
//    (no negative size, a token only with text);
// 2. keys made from the input (0xFF-separated), escaped into a ListBucketResult as S3 writes one,
//    come back exactly, sizes and ETags too.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzS3XML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    if let page = S3Response.listPage(bytes) {
        guard page.objects.allSatisfy({ $0.size >= 0 }) else { fatalError("negative size from \(bytes as NSData)") }
        if let token = page.nextContinuationToken, token.isEmpty { fatalError("empty token kept") }
    }
    _ = S3Response.error(bytes)
    _ = S3Response.md5(fromETag: String(decoding: bytes, as: UTF8.self))

    // XML 1.0 cannot carry most C0 controls, and parsers normalise CR: S3 itself would list such keys
    // only with encoding-type=url, which arty does not ask for.
    let keys = bytes.split(separator: 0xFF, omittingEmptySubsequences: true).prefix(20).map { piece in
        String(String.UnicodeScalarView(String(decoding: piece, as: UTF8.self).unicodeScalars.filter {
            $0.value >= 0x20 && $0.value != 0xFFFE && $0.value != 0xFFFF
        }))
    }.filter { !$0.isEmpty }
    // By scalar: `<` followed by a combining mark is one Character, which a String replacement would miss.
    func escape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><IsTruncated>false</IsTruncated>"
    for (i, key) in keys.enumerated() {
        xml += "<Contents><Key>\(escape(key))</Key><Size>\(i)</Size><ETag>&quot;\(i)&quot;</ETag></Contents>"
    }
    xml += "</ListBucketResult>"
    guard let page = S3Response.listPage(Data(xml.utf8)) else { fatalError("valid listing refused: \(xml.debugDescription)") }
    guard page.objects.map(\.key) == keys, page.objects.map(\.size) == keys.indices.map(Int64.init),
          page.objects.map(\.eTag) == keys.indices.map({ String($0) }) else {
        fatalError("changed: \(keys.debugDescription) → \(page.objects.map(\.key).debugDescription)")
    }
    return 0
}
