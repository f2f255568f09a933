import Testing
@testable import KubeRuntime

/// The delay arithmetic of client-go's `DefaultControllerRateLimiter`.
@Suite struct QueueRateLimiterTests {
    @Test(arguments: [
        (0, Duration.milliseconds(5)), (1, .milliseconds(10)), (2, .milliseconds(20)), (3, .milliseconds(40)),
        (10, .milliseconds(5120)), (17, .milliseconds(655_360)),
        (18, .seconds(1000)),  // 1310.72 s, capped
        (62, .seconds(1000)), (100, .seconds(1000)), (5000, .seconds(1000)),
    ])
    func exponentialBackoffDoublesUpToTheCap(failures: Int, delay: Duration) {
        #expect(QueueRateLimiter<String>.backoff(exponent: failures, limits: .default) == delay)
    }

    @Test func failuresCountPerKeyAndForgetResetsThem() {
        var limiter = QueueRateLimiter<String>(QueueRateLimits(qps: 0))
        #expect((0..<4).map { _ in limiter.when("a", now: .zero) } ==
                [.milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(40)])
        #expect(limiter.when("b", now: .zero) == .milliseconds(5))
        #expect(limiter.numRequeues("a") == 4)
        limiter.forget("a")
        #expect(limiter.numRequeues("a") == 0)
        #expect(limiter.when("a", now: .zero) == .milliseconds(5))
        #expect(limiter.numRequeues("b") == 1)
    }

    @Test func theBucketAllowsTheBurstThenOneTokenPerTick() {
        var limiter = QueueRateLimiter<Int>(.default)  // 10 qps, burst 100
        let burst = (0..<100).map { limiter.when($0, now: .zero) }
        #expect(burst.allSatisfy { $0 == .milliseconds(5) })
        #expect(limiter.when(100, now: .zero) == .milliseconds(100))
        #expect(limiter.when(101, now: .zero) == .milliseconds(200))
        // One second later ten tokens came back, two of which pay the debt.
        let refilled = (200..<208).map { limiter.when($0, now: .seconds(1)) }
        #expect(refilled.allSatisfy { $0 == .milliseconds(5) })
        #expect(limiter.when(208, now: .seconds(1)) == .milliseconds(100))
    }

    @Test func theLongerOfBackoffAndBucketWins() {
        var limiter = QueueRateLimiter<String>(QueueRateLimits(baseDelay: .seconds(1), qps: 1, burst: 1))
        #expect(limiter.when("a", now: .zero) == .seconds(1))  // token free, backoff 1 s
        #expect(limiter.when("b", now: .zero) == .seconds(1))  // bucket 1 s, backoff 1 s
        #expect(limiter.when("c", now: .zero) == .seconds(2))  // bucket 2 s beats backoff 1 s
        #expect(limiter.when("a", now: .zero) == .seconds(3))  // bucket 3 s beats backoff 2 s
    }
}
