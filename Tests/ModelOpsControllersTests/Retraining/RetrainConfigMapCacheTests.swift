import KubeClient
import KubeCore
import ModelOpsControllers
import Testing
import TestSupport

/// What a real v1.36 cluster showed: the RetrainPolicy controller never started, its ConfigMap
/// informer logging forever `list failed: decoding error: ConfigMap: … keyNotFound … apiVersion
/// … Path: items[0]`, because items of a built-in kind's list carry no apiVersion/kind. The
/// test server now lists them that way; the controller must sync anyway.
@Suite struct RetrainConfigMapCacheTests {
    @Test func retrainPolicyControllerSyncsItsConfigMapCache() async throws {
        let harness = try await OperatorHarness.start(simulator: nil, startOperator: false) { context in
            context.controllers = [RetrainPolicyController.name]
        }
        let configMaps = harness.client.resource(ConfigMap.self, namespace: harness.namespace)
        _ = try await configMaps.create(ConfigMap(name: "transactions-dataset", namespace: harness.namespace,
                                                  data: ["version": "2026-12-01"]))
        harness.startOperator()
        guard let running = harness.runningOperator else {
            Issue.record("the operator did not start")
            await harness.stop()
            return
        }
        try await eventually(timeout: .seconds(30), "the RetrainPolicy controller's caches synced") { running.hasSynced }
        // The controller's own ConfigMap informer (the shared one for this kind and scope).
        let cache = running.context.informers.informer(harness.client.resource(ConfigMap.self, namespace: running.context.namespace),
                                                       options: running.context.informerOptions)
        #expect(cache.hasSynced)
        let cached = cache.store.get(namespace: harness.namespace, name: "transactions-dataset")
        #expect(cached?.data == ["version": "2026-12-01"])
        #expect(cached?.apiVersion == "v1" && cached?.kind == "ConfigMap")
        #expect(cache.stats.relists == 0 && cache.stats.failures == 0)
        await harness.stop()
    }
}
