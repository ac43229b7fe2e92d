import Foundation

// libFuzzer target: arty's `--json` text (JSONText.pretty / tidy) (scripts/fuzz.sh).
// Input: strings separated by 0xFF bytes (never valid UTF-8, so a free separator); invalid UTF-8 inside
// a string arrives as U+FFFD, as it does from a server.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let strings = bytes.split(separator: 0xFF, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    let keyed = Dictionary(strings.enumerated().map { ("k\($0.offset) : [ ]", $0.element) }, uniquingKeysWith: { a, _ in a })
    for text in [JSONText.pretty(strings), JSONText.pretty(keyed), JSONText.pretty([keyed])] {
        // Same value back, nothing a terminal would act on (the layout's own newlines aside).
        guard TerminalText.isSafe(text.replacingOccurrences(of: "\n", with: "")) else { fatalError("unsafe: \(text.debugDescription)") }
        guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else {
            fatalError("invalid JSON: \(text.debugDescription)")
        }
        switch value {
        case let list as [String]: guard list == strings else { fatalError("changed: \(strings) → \(list)") }
        case let object as [String: String]: guard object == keyed else { fatalError("changed: \(keyed) → \(object)") }
        case let list as [[String: String]]: guard list == [keyed] else { fatalError("changed: \([keyed]) → \(list)") }
        default: fatalError("shape: \(text.debugDescription)")
        }
    }
    return 0
}
