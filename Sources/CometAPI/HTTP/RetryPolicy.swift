import Foundation

/// When and how long to wait before trying a request again (reference §1.5): 5xx and 429 are
/// retried with exponential backoff, honouring `Retry-After` (and Comet's `Retry-After-Custom`);
/// 4xx never are. Connection failures (could not connect, timeout, connection reset) are retried
/// for idempotent requests only. Pure.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts, the first included (1 = no retry).
    public var maxAttempts: Int
    /// The wait before the first retry, in milliseconds; doubled each time.
    public var baseDelayMilliseconds: Int
    /// The longest wait between attempts, in milliseconds (also caps `Retry-After`).
    public var maxDelayMilliseconds: Int

    public init(maxAttempts: Int = 4, baseDelayMilliseconds: Int = 500, maxDelayMilliseconds: Int = 30_000) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMilliseconds = max(0, baseDelayMilliseconds)
        self.maxDelayMilliseconds = max(0, maxDelayMilliseconds)
    }

    /// 4 attempts, waits of 0.5 s, 1 s, 2 s (or what `Retry-After` says, up to 30 s).
    public static let `default` = RetryPolicy()
    /// A single attempt.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// 500, 502, 503, 504 (and any other 5xx) and 429.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || (500..<600).contains(status)
    }

    /// Could not resolve proxy/host (5, 6), could not connect (7), timeout (28), empty reply (52),
    /// send/receive failure (55, 56), partial file (18).
    public static func isRetryable(curlCode: Int32) -> Bool {
        [5, 6, 7, 18, 28, 52, 55, 56].contains(curlCode)
    }

    /// The wait in milliseconds before attempt number `attempt + 1`, after `attempt` failed
    /// attempts (1-based), given the failed response's headers (nil for a transport failure).
    public func delayMilliseconds(afterAttempt attempt: Int, retryAfter: String?, now: Date = Date()) -> Int {
        if let retryAfter, let seconds = Self.parseRetryAfter(retryAfter, now: now) {
            // Capped as a Double first: `Retry-After: 1e300` must not trap converting to Int.
            let milliseconds = min(Double(maxDelayMilliseconds), (seconds * 1000).rounded(.up))
            return max(0, Int(milliseconds))
        }
        let exponent = min(max(0, attempt - 1), 20)
        return min(maxDelayMilliseconds, baseDelayMilliseconds * (1 << exponent))
    }

    /// `Retry-After` as delta-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`), in
    /// seconds from `now`; nil when unreadable.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds >= 0, seconds.isFinite { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
