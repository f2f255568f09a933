import KubeClient
import KubeCore
@testable import KubeRuntime
import Testing
import TestSupport

/// Streaming lists (`InformerOptions.streamingList`) against the test server, whose watch-list
/// framing is golden 128's: ADDED for every object, then the bookmark annotated
/// `k8s.io/initial-events-end`, then live events.
@Suite("Informer: streaming lists")
struct InformerStreamingListTests {
    @Test("the initial list comes as one streaming watch: every object, no list request, synced at the end bookmark; then changes in order")
    func streamedSync() async throws {
        let run = try await RunningInformer.start(objects: 250, pageSize: 100, streamingList: true)
        #expect(run.recorder.count == 250, "handlers saw the whole list before sync")
        let stats = run.informer.stats
        #expect(stats.streamedLists == 1 && stats.lists == 1 && stats.listPages == 0, "\(stats)")
        #expect(stats.streamingFallbacks == 0 && run.failures.all.isEmpty)
        // The cache's resourceVersion is the end bookmark's, which is at least every object's.
        let newest = run.informer.store.list().compactMap { Int($0.metadata.resourceVersion ?? "") }.max() ?? 0
        #expect((Int(stats.resourceVersion) ?? 0) >= newest)

        for i in stride(from: 0, to: 40, by: 2) { try await run.fixture.update("alpha", "cm-\(i)", value: "one") }
        for i in stride(from: 1, to: 21, by: 2) { try await run.fixture.delete("beta", "cm-\(i)") }
        for i in 0..<5 { try await run.fixture.create("beta", "new-\(i)") }
        try await expectConverged(run.informer, run.recorder, run.fixture)
        #expect(run.recorder.count == 250 + 20 + 10 + 5)
        #expect(run.informer.stats.relists == 0)
        await run.stop()
    }

    @Test("a server that refuses streaming lists (422) gets paged lists from then on, at once and without a backoff")
    func refusedFallsBack() async throws {
        let run = try await RunningInformer.start(objects: 120, pageSize: 50, synced: false, streamingList: true) { fixture in
            fixture.server.api.faults.failNext(1, verb: "watch", resource: "configmaps", status: 422)
        }
        await run.informer.waitForSync()
        let stats = run.informer.stats
        #expect(stats.streamingFallbacks == 1 && stats.streamedLists == 0, "\(stats)")
        #expect(stats.lists == 1 && stats.listPages == 3, "paged instead: \(stats)")
        #expect(run.failures.recoveries == [.pagedLists])
        #expect(run.time.delays.isEmpty, "no backoff: nothing is wrong with the server")
        #expect(run.recorder.count == 120)

        // Relists stay paged: a 410 on the watch lists in pages again.
        try await run.watching()
        run.server.api.faults.failNext(1, verb: "watch", resource: "configmaps", status: 410)
        run.server.api.store.dropAllWatches()
        try await eventually("relisted") { run.informer.stats.lists == 2 }
        #expect(run.informer.stats.streamedLists == 0 && run.informer.stats.listPages == 6)
        try await run.fixture.create("alpha", "after")
        try await expectConverged(run.informer, run.recorder, run.fixture)
        await run.stop()
    }

    @Test("a streaming list refused with 500 is retried as a streaming list after the backoff")
    func serverErrorRetries() async throws {
        let run = try await RunningInformer.start(objects: 30, synced: false, streamingList: true) { fixture in
            fixture.server.api.faults.failNext(1, verb: "watch", resource: "configmaps", status: 500)
        }
        await run.informer.waitForSync()
        let stats = run.informer.stats
        #expect(stats.streamedLists == 1 && stats.streamingFallbacks == 0 && stats.listPages == 0, "\(stats)")
        #expect(run.failures.all.map(\.phase) == [.list] && run.time.delays == [.milliseconds(800)])
        #expect(run.recorder.count == 30)
        await run.stop()
    }
}
