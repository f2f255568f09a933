import Testing
@testable import KubeRuntime

/// Many workers and producers at once: no key handled by two workers together, no add lost.
@Suite struct WorkQueueConcurrencyTests {
    private struct Ledger: Sendable {
        /// Bumped by producers *before* each add: the newest change a worker must eventually see.
        var version: [Int: Int] = [:]
        /// The version a worker read when it took the key, recorded before `done`.
        var seen: [Int: Int] = [:]
        var inFlight: Set<Int> = []
        var overlaps = 0
        var handled = 0
    }

    @Test func workersNeverShareAKeyAndEveryAddIsHandled() async throws {
        let queue = WorkQueue<Int>(name: "test")
        let ledger = Shared(Ledger())
        let keys = 40, workers = 8, producers = 4, addsPerProducer = 1500

        let workerTasks = (0..<workers).map { _ in
            Task {
                while let key = await queue.get() {
                    let version = ledger.update { ledger in
                        if !ledger.inFlight.insert(key).inserted { ledger.overlaps += 1 }
                        return ledger.version[key, default: 0]
                    }
                    await Task.yield()  // let other workers and producers run mid-"reconcile"
                    ledger.update { ledger in
                        ledger.inFlight.remove(key)
                        ledger.seen[key] = version
                        ledger.handled += 1
                    }
                    queue.done(key)
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<producers {
                group.addTask {
                    var generator = SplitMix(seed: UInt64(producer + 1))
                    for _ in 0..<addsPerProducer {
                        let key = Int(generator.next() % UInt64(keys))
                        ledger.update { $0.version[key, default: 0] += 1 }
                        queue.add(key)
                        if generator.next() % 8 == 0 { await Task.yield() }
                    }
                }
            }
        }
        try await waitUntil("queue idle") { queue.depth == 0 && queue.inFlight == 0 }
        queue.shutDown()
        for task in workerTasks { await task.value }

        let final = ledger.value
        #expect(final.overlaps == 0)
        #expect(final.seen == final.version)
        #expect(final.handled <= producers * addsPerProducer)  // dedupe merged what it could
        #expect(final.handled >= final.version.count)
    }
}

/// A tiny deterministic generator, so the producers' key sequence is the same on every run.
struct SplitMix {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
