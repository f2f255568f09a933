import KubeClient
import Testing
@testable import KubeRuntime

/// Delayed and rate-limited adds on a manual clock: `delaying_queue.go` and `rate_limiting_queue.go`.
@Suite struct WorkQueueDelayTests {
    @Test func delayedKeysArriveInDeadlineOrderWithOneTimer() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.addAfter("c", .seconds(3))
        queue.addAfter("a", .seconds(1))
        queue.addAfter("b", .seconds(2))
        // One sleeper for the earliest deadline; the one armed for "c" was replaced.
        try await waitUntil("one timer for 1 s") { time.pendingDeadlines == [.seconds(1)] }
        #expect(queue.depth == 0)
        #expect(queue.delayedCount == 3)

        time.advance(by: .milliseconds(999))
        #expect(time.pendingDeadlines == [.seconds(1)])
        time.advance(by: .milliseconds(1))
        #expect(await queue.get() == "a")
        try await waitUntil("timer re-armed for 2 s") { time.pendingDeadlines == [.seconds(2)] }
        #expect(queue.delayedCount == 2)
        time.advance(by: .seconds(5))
        #expect(await queue.get() == "b")
        #expect(await queue.get() == "c")
        try await waitUntil("no timer left") { time.pendingDeadlines.isEmpty }
    }

    @Test func theEarliestDeadlineWins() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.addAfter("a", .seconds(5))
        queue.addAfter("a", .seconds(1))
        queue.addAfter("a", .seconds(10))
        #expect(queue.deadline(of: "a") == .seconds(1))
        #expect(queue.delayedCount == 1)
        time.advance(by: .seconds(1))
        #expect(await queue.get() == "a")
        queue.done("a")
        // The superseded deadlines are gone: nothing fires at 5 s or 10 s.
        try await waitUntil("no timer left") { time.pendingDeadlines.isEmpty }
        time.advance(by: .seconds(10))
        #expect(queue.depth == 0)
        #expect(queue.delayedCount == 0)
    }

    @Test func aZeroOrNegativeDelayAddsAtOnce() async {
        let queue = WorkQueue<String>(name: "test", time: ManualTime().source)
        queue.addAfter("now", .zero)
        queue.addAfter("past", .seconds(-1))
        #expect(queue.depth == 2)
        #expect(queue.delayedCount == 0)
    }

    @Test func aDelayedKeyThatIsAlreadyQueuedIsNotQueuedTwice() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.add("a")
        queue.addAfter("a", .seconds(1))
        try await waitUntil("timer armed") { time.pendingDeadlines == [.seconds(1)] }
        time.advance(by: .seconds(1))
        try await waitUntil("delayed add fired") { queue.delayedCount == 0 && time.pendingDeadlines.isEmpty }
        #expect(queue.depth == 1)
    }

    @Test func aTimeSourceWhoseSleepReturnsAtOnceDoesNotSpin() async {
        // A clock that never moves and a sleep that returns at once: the fired deadline must count
        // as reached, or the timer would re-arm for it forever.
        let queue = WorkQueue<String>(name: "test", time: TimeSource(now: { .zero }, sleep: { _ in }))
        queue.addAfter("a", .seconds(3600))
        #expect(await queue.get() == "a")
    }

    @Test func rateLimitedAddsBackOffPerKeyAndForgetResets() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        for (failure, delay) in [(1, 5), (2, 10), (3, 20), (4, 40)] {
            let start = time.now
            queue.addRateLimited("a")
            #expect(queue.numRequeues("a") == failure)
            #expect(queue.deadline(of: "a") == start + .milliseconds(delay))
            time.advance(by: .milliseconds(delay))
            #expect(await queue.get() == "a")
            queue.done("a")
        }
        #expect(queue.numRequeues("b") == 0)
        queue.forget("a")
        #expect(queue.numRequeues("a") == 0)
        let start = time.now
        queue.addRateLimited("a")
        #expect(queue.deadline(of: "a") == start + .milliseconds(5))
    }

    @Test func rateLimitedAddsOfOtherKeysDoNotShareBackoff() {
        let queue = WorkQueue<String>(name: "test", time: ManualTime().source)
        queue.addRateLimited("a")
        queue.addRateLimited("a")
        queue.addRateLimited("b")
        #expect(queue.numRequeues("a") == 2)
        #expect(queue.numRequeues("b") == 1)
        #expect(queue.deadline(of: "b") == .milliseconds(5))
    }

    @Test func theSharedBucketSpreadsABurstOfRetries() async throws {
        let time = ManualTime()
        let queue = WorkQueue<Int>(name: "test", rateLimits: QueueRateLimits(qps: 10, burst: 3), time: time.source)
        for key in 0..<5 { queue.addRateLimited(key) }
        // Three tokens, then one every 100 ms; the per-key backoff (5 ms) is the floor.
        #expect((0..<5).map { queue.deadline(of: $0) } ==
                [.milliseconds(5), .milliseconds(5), .milliseconds(5), .milliseconds(100), .milliseconds(200)])
        time.advance(by: .milliseconds(5))
        #expect(Set([await queue.get(), await queue.get(), await queue.get()]) == [0, 1, 2])
        #expect(queue.delayedCount == 2)
        time.advance(by: .milliseconds(195))
        #expect(await queue.get() == 3)
        #expect(await queue.get() == 4)
    }

    @Test func shutDownDropsDelayedKeysAndStopsTheTimer() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.addAfter("a", .seconds(1))
        try await waitUntil("timer armed") { time.pendingDeadlines == [.seconds(1)] }
        queue.shutDown()
        try await waitUntil("timer cancelled") { time.pendingDeadlines.isEmpty }
        #expect(queue.delayedCount == 0)
        time.advance(by: .seconds(1))
        #expect(await queue.get() == nil)
    }
}
