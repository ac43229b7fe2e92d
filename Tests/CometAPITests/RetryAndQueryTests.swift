import CometAPI
import Foundation
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test func retriesServerErrorsAndThrottlingOnly() {
        for status in [429, 500, 502, 503, 504] { #expect(RetryPolicy.isRetryable(status: status), "\(status)") }
        for status in [200, 400, 401, 403, 404, 409, 422] { #expect(!RetryPolicy.isRetryable(status: status), "\(status)") }
        #expect(RetryPolicy.isRetryable(curlCode: 7))
        #expect(RetryPolicy.isRetryable(curlCode: 28))
        #expect(!RetryPolicy.isRetryable(curlCode: 60))  // TLS: retrying does not help
    }

    @Test func exponentialBackoffCapped() {
        let policy = RetryPolicy(maxAttempts: 6, baseDelayMilliseconds: 500, maxDelayMilliseconds: 3000)
        let delays = (1...5).map { policy.delayMilliseconds(afterAttempt: $0, retryAfter: nil) }
        #expect(delays == [500, 1000, 2000, 3000, 3000])
    }

    @Test func honoursRetryAfterSecondsAndDates() {
        let policy = RetryPolicy(maxAttempts: 4, baseDelayMilliseconds: 500, maxDelayMilliseconds: 30_000)
        #expect(policy.delayMilliseconds(afterAttempt: 1, retryAfter: "3") == 3000)
        #expect(policy.delayMilliseconds(afterAttempt: 1, retryAfter: "0") == 0)
        #expect(policy.delayMilliseconds(afterAttempt: 1, retryAfter: "3600") == 30_000)
        #expect(policy.delayMilliseconds(afterAttempt: 2, retryAfter: "soon") == 1000)
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:25 GMT", now: now) == 5)
        #expect(RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:00 GMT", now: now) == 0)
    }

    @Test func atLeastOneAttempt() {
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy.none.maxAttempts == 1)
    }
}

@Suite("Query encoding (reference §1.6)")
struct QueryEncodingTests {
    @Test(arguments: [
        ("my artifact", "my%20artifact", "my%2520artifact"),
        ("a/b", "a%2Fb", "a%252Fb"),
        ("plain-name_1.0~x", "plain-name_1.0~x", "plain-name_1.0~x"),
        ("é&=+?", "%C3%A9%26%3D%2B%3F", "%25C3%25A9%2526%253D%252B%253F"),
    ])
    func encodesOnceAndTwice(raw: String, once: String, twice: String) {
        #expect(QueryEncoding.percentEncode(raw) == once)
        #expect(QueryEncoding.doublePercentEncode(raw) == twice)
        #expect(twice.removingPercentEncoding?.removingPercentEncoding == raw)
    }

    @Test func leavesOutNilValues() {
        #expect(QueryEncoding.queryString([("workspace", "ws"), ("type", nil), ("a b", "1")]) == "workspace=ws&a%20b=1")
    }
}
