import KubeClient
import KubeCore
@testable import KubeRuntime
import KubeTestServer
import Synchronization
import Testing
import TestSupport

/// The failures an informer reported, in order.
final class FailureLog: Sendable {
    private let failures = Mutex<[InformerFailure]>([])
    func append(_ failure: InformerFailure) { failures.withLock { $0.append(failure) } }
    var all: [InformerFailure] { failures.withLock { $0 } }
    var recoveries: [InformerFailure.Recovery] { all.map(\.recovery) }
}

/// A started informer over all namespaces, with its recorder, failure log and backoff time.
struct RunningInformer {
    let fixture: InformerFixture
    let client: KubeClient
    let informer: Informer<WatchedConfigMap>
    let recorder: InformerEventLog
    let failures: FailureLog
    let time: GatedTime
    let task: Task<Void, Never>

    static func start(objects: Int, pageSize: Int = 500, synced: Bool = true, streamingList: Bool = false,
                      beforeRun: (InformerFixture) async throws -> Void = { _ in },
                      client configure: (inout KubeClient.Options) -> Void = { _ in }) async throws -> RunningInformer {
        let fixture = try await InformerFixture.start()
        for i in 0..<objects { try await fixture.create(i % 2 == 0 ? "alpha" : "beta", "cm-\(i)") }
        let client = try fixture.client(configure: configure)
        let failures = FailureLog()
        let time = GatedTime()
        var options = InformerOptions()
        options.time = time.time
        options.random = { 0 }
        options.pageSize = pageSize
        options.streamingList = streamingList
        options.onError = { failures.append($0) }
        let informer = Informer(client.resource(WatchedConfigMap.self), options: options)
        let recorder = InformerEventLog()
        informer.addHandler(recorder.handler(informer.store.access))
        try await beforeRun(fixture)
        let task = Task { await informer.run() }
        if synced { await informer.waitForSync() }
        return RunningInformer(fixture: fixture, client: client, informer: informer, recorder: recorder,
                               failures: failures, time: time, task: task)
    }

    var server: TestAPIServer { fixture.server }

    /// Waits until the informer has a watch open on the server.
    func watching() async throws {
        try await eventually("informer watching") { server.api.store.openWatchCount > 0 }
    }

    func stop() async {
        task.cancel()
        await task.value
        client.shutdown()
        await fixture.stop()
    }
}

/// Each test breaks the connection between informer and server in one way and checks that the
/// cache converges to exactly the server's objects with every change handled once, in order.
@Suite("Informer: recovery")
struct InformerRecoveryTests {
    @Test("dropped watches resume from the last resourceVersion: no relist, no event lost")
    func droppedWatch() async throws {
        let run = try await RunningInformer.start(objects: 100)
        for round in 0..<5 {
            try await run.watching()
            for i in stride(from: round, to: 100, by: 10) {
                try await run.fixture.update(i % 2 == 0 ? "alpha" : "beta", "cm-\(i)", value: "r\(round)")
            }
            run.server.api.store.dropAllWatches()
            try await run.fixture.create("alpha", "new-\(round)")
        }
        try await expectConverged(run.informer, run.recorder, run.fixture)
        #expect(run.informer.stats.lists == 1)
        #expect(run.informer.stats.relists == 0)
        #expect(run.informer.stats.watches >= 6)
        #expect(run.recorder.count == 100 + 50 + 5)
        await run.stop()
    }

    @Test("server restart while the informer is away: 410, relist, and only the real differences (deletions as onDelete)")
    func restartWhileDisconnected() async throws {
        let run = try await RunningInformer.start(objects: 60)
        try await run.watching()
        // Park the informer in its backoff: the next watch is refused, the gate holds the retry.
        run.time.close()
        run.server.api.faults.failNext(1, verb: "watch", resource: "configmaps", status: 500)
        run.server.api.store.dropAllWatches()
        try await eventually("informer parked in backoff") { run.time.parkedCount == 1 }
        let before = run.recorder.count

        for i in 0..<10 { try await run.fixture.delete(i % 2 == 0 ? "alpha" : "beta", "cm-\(i)") }
        for i in 10..<15 { try await run.fixture.update(i % 2 == 0 ? "alpha" : "beta", "cm-\(i)", value: "while-away") }
        for i in 0..<3 { try await run.fixture.create("beta", "late-\(i)") }
        run.server.restart()
        run.time.open()

        try await expectConverged(run.informer, run.recorder, run.fixture)
        let changes = run.recorder.entries(since: before)
        #expect(changes.filter { $0.type == "delete" }.count == 10)
        #expect(changes.filter { $0.type == "update" }.count == 5)
        #expect(changes.filter { $0.type == "add" }.count == 3)
        #expect(changes.count == 18, "unchanged objects cause no events: \(changes)")
        #expect(run.informer.stats.relists == 1)
        #expect(run.failures.recoveries == [.rewatch(after: .milliseconds(800)), .relist])
        await run.stop()
    }

    @Test("server restart with the informer caught up: it resumes or relists, and converges")
    func restartCaughtUp() async throws {
        let run = try await RunningInformer.start(objects: 30)
        try await run.watching()
        run.server.restart()
        for i in 0..<10 { try await run.fixture.update("alpha", "cm-\(i * 2)", value: "after") }
        try await expectConverged(run.informer, run.recorder, run.fixture)
        #expect(run.recorder.count == 40)
        await run.stop()
    }

    @Test("storage compacted during a paged list: 410 on the continue token restarts the list; every object added once")
    func compactionDuringList() async throws {
        let run = try await RunningInformer.start(objects: 300, pageSize: 50, synced: false) { fixture in
            fixture.server.api.faults.latency = .milliseconds(150)
        }
        try await eventually("second page requested") {
            (run.server.api.counter.snapshot["list configmaps"] ?? 0) >= 2
        }
        // A write moves the store past the list's snapshot (as writes always do on a live
        // cluster); compaction then makes that snapshot unreadable.
        await run.fixture.call("POST", "/api/v1/namespaces", #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"gamma"}}"#)
        run.server.api.store.compact()
        run.server.api.faults.latency = nil
        await run.informer.waitForSync()
        #expect(run.informer.stats.listRestarts == 1)
        #expect(run.failures.recoveries == [.restartList])
        #expect(run.recorder.count == 300)
        try await run.fixture.update("alpha", "cm-0", value: "x")
        try await expectConverged(run.informer, run.recorder, run.fixture)
        await run.stop()
    }

    @Test("429 and 500 bursts on list and watch: backoff (a longer Retry-After wins), then recovery")
    func errorBursts() async throws {
        let run = try await RunningInformer.start(objects: 50) { fixture in
            fixture.server.api.faults.failNext(3, verb: "list", resource: "configmaps", status: 500)
            fixture.server.api.faults.failNext(2, verb: "list", resource: "configmaps", status: 429, retryAfterSeconds: 1)
        }
        #expect(run.failures.recoveries.count == 5)
        #expect(run.time.delays == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400), .milliseconds(12800)])
        try await run.watching()

        run.server.api.faults.failNext(2, verb: "watch", resource: "configmaps", status: 500)
        run.server.api.faults.failNext(1, verb: "watch", resource: "configmaps", status: 429, retryAfterSeconds: 40)
        run.server.api.store.dropAllWatches()
        for i in 0..<10 { try await run.fixture.update("beta", "cm-\(i * 2 + 1)", value: "burst") }
        try await expectConverged(run.informer, run.recorder, run.fixture)
        #expect(run.informer.stats.relists == 0, "a refused watch resumes; nothing was missed")
        #expect(Array(run.time.delays.suffix(3)) == [.milliseconds(25600), .seconds(30), .seconds(40)])
        #expect(run.recorder.count == 60)
        await run.stop()
    }

    @Test("a slow server (latency on every request) still converges")
    func latency() async throws {
        let run = try await RunningInformer.start(objects: 40) { fixture in
            fixture.server.api.faults.latency = .milliseconds(40)
        }
        try await run.watching()
        for i in 0..<10 { try await run.fixture.update("alpha", "cm-\(i * 2)", value: "slow") }
        for i in 0..<5 { try await run.fixture.delete("beta", "cm-\(i * 2 + 1)") }
        try await expectConverged(run.informer, run.recorder, run.fixture)
        run.server.api.faults.latency = nil
        await run.stop()
    }

    @Test("a silent stream (client idle timeout) is a broken stream: backoff, relist, no spurious events")
    func brokenStream() async throws {
        let run = try await RunningInformer.start(objects: 20, client: { options in
            options.watchIdleTimeout = .milliseconds(300)
        })
        // Bookmarks come every 5 s, so the client gives up on each watch after 300 ms.
        try await eventually("two relists") { run.informer.stats.relists >= 2 }
        try await run.fixture.update("alpha", "cm-0", value: "between")
        try await expectConverged(run.informer, run.recorder, run.fixture)
        #expect(run.recorder.count == 21)
        #expect(run.failures.all.allSatisfy { $0.phase == .watch })
        await run.stop()
    }
}
