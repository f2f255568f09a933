import KubeClient
import KubeCore
import KubeRuntime
import Testing
import TestSupport

@Suite("Shared informers")
struct SharedInformersTests {
    @Test("one informer per kind, namespace and selector; two controllers running it make one list and one watch")
    func oneCachePerKind() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let shared = SharedInformers()
        let a = shared.informer(client.resource(WatchedConfigMap.self, namespace: "alpha"))
        let b = shared.informer(client.resource(WatchedConfigMap.self, namespace: "alpha"))
        #expect(a === b)
        #expect(shared.informer(client.resource(WatchedConfigMap.self, namespace: "beta")) !== a)
        #expect(shared.informer(client.resource(WatchedConfigMap.self, namespace: "alpha"),
                                options: InformerOptions(labelSelector: "app=x")) !== a)
        #expect(shared.count == 3)

        // Two users of the same informer (as two controllers would) both run it: one loop.
        let runs = [Task { await a.run() }, Task { await b.run() }]
        await a.waitForSync()
        try await eventually("the watch is open") { (cluster.server.api.counter.snapshot["watch configmaps"] ?? 0) >= 1 }
        #expect(cluster.server.api.counter.snapshot["list configmaps"] == 1)
        #expect(cluster.server.api.counter.snapshot["watch configmaps"] == 1)
        for run in runs { run.cancel(); await run.value }
        await cluster.stop()
    }
}
