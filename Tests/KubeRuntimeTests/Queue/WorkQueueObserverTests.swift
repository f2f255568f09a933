import Testing
@testable import KubeRuntime

/// What the metrics wiring receives.
@Suite struct WorkQueueObserverTests {
    @Test func observerSeesAddsDepthDurationsAndRetries() async throws {
        let time = ManualTime()
        let events = Shared<[String]>([])
        let observer = WorkQueueObserver(
            added: { events.update { $0.append("added") } },
            depthChanged: { depth in events.update { $0.append("depth \(depth)") } },
            queueDuration: { duration in events.update { $0.append("queued \(duration)") } },
            workDuration: { duration in events.update { $0.append("worked \(duration)") } },
            retried: { events.update { $0.append("retry") } })
        let queue = WorkQueue<String>(name: "test", time: time.source, observer: observer)

        queue.add("a")
        queue.add("a")  // merged: no add, no depth change
        queue.add("b")
        time.advance(by: .seconds(2))
        #expect(await queue.get() == "a")
        time.advance(by: .seconds(3))
        queue.done("a")
        #expect(events.value == [
            "added", "depth 1", "added", "depth 2",
            "depth 1", "queued 2.0 seconds",
            "worked 3.0 seconds",
        ])

        events.update { $0.removeAll() }
        queue.addAfter("c", .seconds(1))
        queue.addRateLimited("d")
        queue.addAfter("e", .zero)
        #expect(events.value == ["retry", "retry", "retry", "added", "depth 2"])

        events.update { $0.removeAll() }
        queue.shutDown()
        #expect(events.value == ["depth 0"])
    }
}
