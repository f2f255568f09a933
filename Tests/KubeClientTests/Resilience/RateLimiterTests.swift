import Synchronization
import Testing
@testable import KubeClient

@Suite("Client-side rate limiter and retry policy")
struct RateLimiterTests {
    final class FakeTime: Sendable {
        let now = Mutex<Duration>(.zero)
        var source: TimeSource { TimeSource(now: { [self] in now.withLock { $0 } }, sleep: { _ in }) }
    }

    @Test("burst passes at once, then requests wait 1/qps each; tokens refill with time")
    func tokenBucket() {
        let time = FakeTime()
        let limiter = RateLimiter(qps: 10, burst: 2, time: time.source)
        #expect(limiter.reserve() == .zero)
        #expect(limiter.reserve() == .zero)
        #expect(limiter.reserve() == .milliseconds(100))
        #expect(limiter.reserve() == .milliseconds(200))
        time.now.withLock { $0 = .seconds(1) }
        #expect(limiter.reserve() == .zero, "a second refills the bucket (capped at burst)")
        #expect(RateLimiter(qps: 0, burst: 1, time: time.source).reserve() == .zero, "qps 0 disables limiting")
    }

    @Test("retries: idempotent verbs on 5xx and connection errors with capped full-jitter backoff; POST/PATCH never; 429 always")
    func retryPolicy() {
        let policy = RetryPolicy()
        #expect(policy.delay(method: "GET", attempt: 1, statusCode: 500, retryAfter: nil, transportRetryable: false, random: 1) == .milliseconds(100))
        #expect(policy.delay(method: "GET", attempt: 3, statusCode: 503, retryAfter: nil, transportRetryable: false, random: 0.5) == .milliseconds(200))
        #expect(policy.delay(method: "PUT", attempt: 1, statusCode: nil, retryAfter: nil, transportRetryable: true, random: 1) == .milliseconds(100))
        #expect(policy.delay(method: "POST", attempt: 1, statusCode: 500, retryAfter: nil, transportRetryable: false, random: 1) == nil)
        #expect(policy.delay(method: "PATCH", attempt: 1, statusCode: nil, retryAfter: nil, transportRetryable: true, random: 1) == nil)
        #expect(policy.delay(method: "POST", attempt: 1, statusCode: 429, retryAfter: 7, transportRetryable: false, random: 1) == .seconds(7))
        #expect(policy.delay(method: "GET", attempt: 1, statusCode: 404, retryAfter: nil, transportRetryable: false, random: 1) == nil)
        #expect(policy.delay(method: "GET", attempt: 5, statusCode: 500, retryAfter: nil, transportRetryable: false, random: 1) == nil, "attempts are bounded")
        #expect(policy.backoff(attempt: 30, random: 1) == .seconds(10), "capped")
        #expect(policy.delay(method: "GET", attempt: 1, statusCode: 429, retryAfter: 100_000, transportRetryable: false, random: 1) == .seconds(60))
    }
}
