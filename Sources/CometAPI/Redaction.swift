import Foundation

/// The one place that removes secrets (API keys) from text before it is shown or logged.
///
/// ``CometClient`` registers its API key on creation; every ``CometAPIError`` description,
/// user message and log line, and ``TransportRequest/description``, pass through ``redact(_:)``.
/// A secret is also removed in its percent-encoded and doubly percent-encoded forms (as it would
/// appear inside a URL) and, for an enhanced key (`key*base64`), each part on its own.
public enum Redaction {
    /// What replaces a secret.
    public static let placeholder = "<redacted>"

    private static let registry = Locked<Set<String>>([])

    /// Adds a secret to redact from now on, process-wide. Secrets shorter than 4 characters are
    /// ignored (they would redact ordinary words).
    public static func register(_ secret: String) {
        let s = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard s.count >= 4 else { return }
        registry.withLock { _ = $0.insert(s) }
    }

    /// `text` with every registered secret replaced by ``placeholder``.
    public static func redact(_ text: String) -> String {
        redact(text, secrets: registry.withLock { Array($0) })
    }

    /// `text` with each of `secrets` (and its URL-encoded forms) replaced by ``placeholder``. Pure.
    public static func redact(_ text: String, secrets: [String]) -> String {
        var out = text
        var forms: Set<String> = []
        for secret in secrets where secret.count >= 4 {
            forms.insert(secret)
            let once = QueryEncoding.percentEncode(secret)
            forms.insert(once)
            forms.insert(QueryEncoding.percentEncode(once))
            forms.insert(secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? secret)
            // An enhanced key `key*base64json`: each half is secret too.
            for part in secret.split(separator: "*") where part.count >= 8 { forms.insert(String(part)) }
        }
        // Longest first, so that a form containing another is replaced whole.
        for form in forms.sorted(by: { $0.count > $1.count }) where !form.isEmpty {
            out = out.replacingOccurrences(of: form, with: placeholder)
        }
        return out
    }
}

/// A value guarded by a lock; the building block for the few shared mutable states here.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
