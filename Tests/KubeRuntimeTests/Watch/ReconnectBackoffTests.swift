import KubeClient
import KubeCore
@testable import KubeRuntime
import Testing
import TestSupport

@Suite("Informer: reconnect backoff")
struct ReconnectBackoffTests {
    @Test("800 ms doubling to a 30 s cap; jitter adds up to 100%; reset after 2 minutes of health",
          arguments: [
              // (random, failures with no healthy time between: expected delays in ms)
              (0.0, [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]),
              (0.5, [1200, 2400, 4800, 9600, 19200, 38400, 45000, 45000]),
              (0.99, [1592, 3184, 6368, 12736, 25472, 50944, 59700, 59700]),
          ])
    func growth(random: Double, expected: [Int]) {
        var tracker = ReconnectBackoff.Tracker(ReconnectBackoff())
        var now = Duration.zero
        var delays: [Int] = []
        for _ in expected {
            let delay = tracker.next(now: now, random: random)
            delays.append(Int((delay / .milliseconds(1)).rounded()))
            now += delay
            tracker.retrying(now: now)
        }
        #expect(delays == expected)
        // Healthy for just under 2 minutes: still at the cap.
        now += .seconds(119)
        #expect(tracker.next(now: now, random: 0) == .seconds(30))
        tracker.retrying(now: now)
        // Healthy for 2 minutes: back to the start.
        now += .seconds(120)
        #expect(tracker.next(now: now, random: 0) == .milliseconds(800))
    }

    @Test("the informer's waits grow while the list keeps failing and reset once the watch has been healthy 2 minutes")
    func informerBackoffGrowsAndResets() async throws {
        let run = try await RunningInformer.start(objects: 5) { fixture in
            fixture.server.api.faults.failNext(4, verb: "list", resource: "configmaps", status: 500)
        }
        #expect(run.time.delays == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400)])
        try await run.watching()

        // A refused watch right after recovering: still backing off.
        run.server.api.faults.failNext(1, verb: "watch", resource: "configmaps", status: 500)
        run.server.api.store.dropAllWatches()
        try await eventually("fifth wait") { run.time.delays.count == 5 }
        #expect(run.time.delays.last == .milliseconds(12800))
        try await run.watching()

        // Two healthy minutes later a failure starts from 800 ms again.
        run.time.advance(by: .seconds(121))
        run.server.api.faults.failNext(1, verb: "watch", resource: "configmaps", status: 500)
        run.server.api.store.dropAllWatches()
        try await eventually("sixth wait") { run.time.delays.count == 6 }
        #expect(run.time.delays.last == .milliseconds(800))
        try await run.fixture.update("alpha", "cm-0", value: "after")
        try await expectConverged(run.informer, run.recorder, run.fixture)
        await run.stop()
    }
}
