import Testing
@testable import KubeRuntime

/// Dedupe, one worker per key, waiting workers and shutdown: the parts of client-go's `queue.go`.
@Suite struct WorkQueueTests {
    @Test func aKeyAddedWhileWaitingIsQueuedOnce() async {
        let queue = WorkQueue<String>(name: "test")
        for key in ["a", "b", "a", "a", "c", "b"] { queue.add(key) }
        #expect(queue.depth == 3)
        #expect(await queue.get() == "a")
        #expect(await queue.get() == "b")
        #expect(await queue.get() == "c")
        #expect(queue.depth == 0)
        #expect(queue.inFlight == 3)
    }

    @Test func aKeyAddedWhileProcessingComesBackOnceAfterDone() async throws {
        let queue = WorkQueue<String>(name: "test")
        queue.add("a")
        #expect(await queue.get() == "a")
        queue.add("a")
        queue.add("a")
        #expect(queue.depth == 1)  // waiting for its `done`, not for a worker

        // A second worker must not get "a" while the first still holds it.
        let second = Task { await queue.get() }
        try await waitUntil("second worker parked") { queue.waitingWorkers == 1 }
        queue.add("b")
        #expect(await second.value == "b")
        let third = Task { await queue.get() }
        try await waitUntil("third worker parked") { queue.waitingWorkers == 1 }

        queue.done("a")
        #expect(await third.value == "a")  // exactly once more, now that nobody holds it
        queue.done("a")
        queue.done("b")
        #expect(queue.depth == 0)
        #expect(queue.inFlight == 0)
    }

    @Test func doneForAKeyNotBeingProcessedIsIgnored() async {
        let queue = WorkQueue<String>(name: "test")
        queue.add("a")
        queue.done("a")  // queued, not taken: must stay queued
        queue.done("x")
        #expect(queue.depth == 1)
        #expect(await queue.get() == "a")
    }

    @Test func getSuspendsUntilAKeyIsAdded() async throws {
        let queue = WorkQueue<Int>(name: "test")
        let worker = Task { await queue.get() }
        try await waitUntil("worker parked in get") { queue.waitingWorkers == 1 }
        queue.add(7)
        #expect(await worker.value == 7)
        #expect(queue.waitingWorkers == 0)
        #expect(queue.inFlight == 1)
    }

    @Test func waitingWorkersAreServedInArrivalOrder() async throws {
        let queue = WorkQueue<Int>(name: "test")
        let first = Task { await queue.get() }
        try await waitUntil("first parked") { queue.waitingWorkers == 1 }
        let second = Task { await queue.get() }
        try await waitUntil("second parked") { queue.waitingWorkers == 2 }
        queue.add(1)
        queue.add(2)
        #expect(await first.value == 1)
        #expect(await second.value == 2)
    }

    @Test func aCancelledWorkerStopsWaitingAndTakesNothing() async throws {
        let queue = WorkQueue<Int>(name: "test")
        let worker = Task { await queue.get() }
        try await waitUntil("worker parked") { queue.waitingWorkers == 1 }
        worker.cancel()
        #expect(await worker.value == nil)
        #expect(queue.waitingWorkers == 0)
        queue.add(1)
        #expect(queue.depth == 1)  // still there for a live worker
        #expect(await queue.get() == 1)
    }

    @Test func shutDownReleasesWaitingWorkersAndRefusesNewKeys() async throws {
        let queue = WorkQueue<Int>(name: "test")
        let workers = (0..<3).map { _ in Task { await queue.get() } }
        try await waitUntil("three workers parked") { queue.waitingWorkers == 3 }
        queue.shutDown()
        for worker in workers { #expect(await worker.value == nil) }
        #expect(queue.isShuttingDown)
        queue.add(1)
        queue.addAfter(2, .zero)
        queue.addRateLimited(3)
        #expect(queue.depth == 0)
        #expect(await queue.get() == nil)
    }

    @Test func shutDownStopsHandingOutKeysThatWereStillWaiting() async {
        let queue = WorkQueue<Int>(name: "test")
        queue.add(1)
        queue.add(2)
        queue.shutDown()
        #expect(queue.depth == 0)
        #expect(await queue.get() == nil)
    }

    @Test func drainWaitsForWorkInFlight() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.add("a")
        queue.add("b")
        #expect(await queue.get() == "a")
        let finished = Shared(false)
        let drain = Task {
            let drained = await queue.shutDownWithDrain(timeout: .seconds(30))
            finished.update { $0 = true }
            return drained
        }
        try await waitUntil("drain armed its deadline") { time.pendingDeadlines == [.seconds(30)] }
        #expect(queue.isShuttingDown)
        #expect(await queue.get() == nil)  // "b" is not started any more
        #expect(!finished.value)
        time.advance(by: .seconds(29))
        #expect(!finished.value)
        queue.done("a")
        #expect(await drain.value == true)
        #expect(queue.inFlight == 0)
    }

    @Test func drainGivesUpAtItsDeadline() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.add("stuck")
        #expect(await queue.get() == "stuck")
        let drain = Task { await queue.shutDownWithDrain(timeout: .seconds(30)) }
        try await waitUntil("drain armed its deadline") { time.pendingDeadlines == [.seconds(30)] }
        time.advance(by: .seconds(30))
        #expect(await drain.value == false)
        #expect(queue.inFlight == 1)
    }

    @Test func drainWithNothingInFlightReturnsAtOnce() async {
        let queue = WorkQueue<String>(name: "test", time: ManualTime().source)
        queue.add("never started")
        #expect(await queue.shutDownWithDrain(timeout: .seconds(30)) == true)
    }

    @Test func shutDownDuringDrainEndsTheWait() async throws {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.add("a")
        #expect(await queue.get() == "a")
        let drain = Task { await queue.shutDownWithDrain(timeout: .seconds(30)) }
        try await waitUntil("drain armed its deadline") { time.pendingDeadlines == [.seconds(30)] }
        queue.shutDown()
        #expect(await drain.value == false)
    }

    @Test func unfinishedWorkMeasuresKeysInFlight() async {
        let time = ManualTime()
        let queue = WorkQueue<String>(name: "test", time: time.source)
        queue.add("a")
        queue.add("b")
        #expect(await queue.get() == "a")
        time.advance(by: .seconds(2))
        #expect(await queue.get() == "b")
        time.advance(by: .seconds(1))
        let work = queue.unfinishedWork()
        #expect(work.total == .seconds(4))
        #expect(work.longest == .seconds(3))
    }
}
