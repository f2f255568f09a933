import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestServer
import Synchronization
import Testing
import TestSupport

/// A toy controller: for every ConfigMap labelled `role=parent` it keeps a child ConfigMap
/// `<name>-child` (controller-owned) whose data mirrors the parent's; status-like bookkeeping is
/// the child's `observed` key. Small enough to reason about, real enough to exercise the contract.
@Suite("Controller against the API test server")
struct ControllerTests {
    final class Harness: Sendable {
        let server: TestAPIServer
        let client: KubeClient
        let controller: Controller<ConfigMap>
        let running = Mutex<Set<ObjectRef>>([])
        let overlaps = Mutex(0)
        let reconciles = Mutex<[ObjectRef: Int]>([:])
        let failNext = Mutex<Set<String>>([])
        /// Parents whose reconcile ends with a terminal error (an invalid spec) while listed.
        let terminal = Mutex<Set<String>>([])
        let task = Mutex<Task<Void, Never>?>(nil)
        let metrics = RuntimeMetrics()
        let logs = LogCapture()

        init(workers: Int = 4, faults: ((TestAPIServer) -> Void)? = nil) async throws {
            var options = TestAPIServer.Options()
            options.simulator = nil
            server = try await TestAPIServer.start(options)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID().uuidString)").path
            try server.writeKubeconfig(to: path)
            var clientOptions = KubeClient.Options()
            clientOptions.retry.initialBackoff = .milliseconds(10)
            clientOptions.requestObserver = metrics.requestObserver
            client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: path, environment: [:]), options: clientOptions)
            // client-go's reconnect backoff, scaled down so fault storms pass in seconds.
            var backoff = ReconnectBackoff()
            backoff.initial = .milliseconds(20)
            backoff.maximum = .milliseconds(300)
            var parentOptions = InformerOptions()
            parentOptions.labelSelector = "role=parent"
            parentOptions.backoff = backoff
            var childOptions = InformerOptions()
            childOptions.labelSelector = "role=child"
            childOptions.backoff = backoff
            let parents = Informer(client.resource(ConfigMap.self, namespace: "default"), options: parentOptions)
            let children = Informer(client.resource(ConfigMap.self, namespace: "default"), options: childOptions)
            let cms = client.resource(ConfigMap.self, namespace: "default")
            let box = Mutex<Harness?>(nil)
            controller = Controller(name: "mirror", for: parents, workers: workers,
                                    rateLimits: QueueRateLimits(baseDelay: .milliseconds(5), maxDelay: .seconds(1), qps: 0, burst: 1),
                                    queueObserver: metrics.queueObserver(name: "mirror"),
                                    observer: metrics.controllerObserver(name: "mirror"), logger: logs.logger()) { key, _ in
                guard let harness = box.withLock({ $0 }) else { return .done }
                return try await harness.reconcile(key, parents: parents, children: children, configMaps: cms)
            }
            controller.owns(children)
            box.withLock { $0 = self }
        }

        func reconcile(_ key: ObjectRef, parents: Informer<ConfigMap>, children: Informer<ConfigMap>,
                       configMaps: ResourceClient<ConfigMap>) async throws -> ReconcileResult {
            let inserted = running.withLock { $0.insert(key).inserted }
            if !inserted { overlaps.withLock { $0 += 1 } }
            defer { running.withLock { _ = $0.remove(key) } }
            reconciles.withLock { $0[key, default: 0] += 1 }
            if failNext.withLock({ $0.remove(key.name) }) != nil { throw KubeError.decoding("injected reconcile failure") }
            if terminal.withLock({ $0.contains(key.name) }) { throw TerminalError("\(key.name) is invalid") }
            guard let parent = parents.store.get(key) else { return .done }
            let childName = "\(key.name)-child"
            var desired = ConfigMap(name: childName, data: parent.data ?? [:], labels: ["role": "child"])
            desired.metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: key.name,
                                                               uid: parent.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)]
            if let existing = children.store.get(namespace: "default", name: childName) {
                guard existing.data != desired.data else { return .done }
            }
            _ = try await configMaps.apply(desired, name: childName, fieldManager: "mirror", force: true)
            return .done
        }

        func start() { task.withLock { $0 = Task { await controller.run(drainTimeout: .seconds(5)) } } }

        func stop() async {
            let t = task.withLock { $0 }
            t?.cancel()
            await t?.value
            client.shutdown()
            await server.stop()
        }

        /// Every parent has a child with its data, and nothing else.
        func converged(parents: Int) async throws -> Bool {
            // During fault storms the check's own list may fail; that is "not yet", not a failure.
            guard let all = try? await client.resource(ConfigMap.self, namespace: "default").list() else { return false }
            let byName = Dictionary(all.items.map { ($0.metadata.name ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            for i in 0..<parents {
                guard let parent = byName["p\(i)"], let child = byName["p\(i)-child"], child.data == parent.data else { return false }
            }
            return true
        }

        func applyParent(_ cms: ResourceClient<ConfigMap>, _ i: Int, _ version: String) async -> KubeError? {
            do {
                _ = try await cms.apply(ConfigMap(name: "p\(i)", data: ["v": version], labels: ["role": "parent"]),
                                        name: "p\(i)", fieldManager: "test", force: true)
                return nil
            } catch {
                return error
            }
        }

        func createParents(_ n: Int, version: String = "1") async throws {
            let cms = client.resource(ConfigMap.self, namespace: "default")
            for i in 0..<n {
                // The test's own writes may meet the injected 409s too; a user would retry.
                for attempt in 1...50 {
                    guard let error = await applyParent(cms, i, version) else { break }
                    if error.code == 409 && attempt < 50 { continue }
                    throw error
                }
            }
        }
    }

    @Test("converges; a changed child is put back (owns); no key reconciled by two workers at once")
    func converges() async throws {
        let h = try await Harness()
        h.start()
        try await h.createParents(50)
        try await eventually(timeout: .seconds(20), "children created") { try await h.converged(parents: 50) }
        _ = try await h.client.resource(ConfigMap.self, namespace: "default").patch("p3-child", .merge(Array(#"{"data":{"v":"tampered"}}"#.utf8)))
        try await eventually(timeout: .seconds(10), "child repaired") { try await h.converged(parents: 50) }
        try await h.createParents(50, version: "2")
        try await eventually(timeout: .seconds(20), "children follow") { try await h.converged(parents: 50) }
        #expect(h.overlaps.withLock { $0 } == 0)
        await h.stop()
    }

    @Test("a child whose controller reference moves to another owner queues both owners, the one it left too")
    func movedChildQueuesBothOwners() async throws {
        let h = try await Harness()
        h.start()
        try await h.createParents(2)
        try await eventually(timeout: .seconds(20), "children created") { try await h.converged(parents: 2) }
        let cms = h.client.resource(ConfigMap.self, namespace: "default")
        let p1 = try await cms.get("p1")
        // Settled: nothing queues p0 or p1 until the child moves.
        try await eventually(timeout: .seconds(10), "queue idle") { h.controller.queue.depth == 0 && h.controller.queue.inFlight == 0 }
        let before = h.reconciles.withLock { $0 }
        let moved = #"{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"p1","uid":"\#(p1.metadata.uid ?? "")","controller":true}]}}"#
        _ = try await cms.patch("p0-child", .merge(Array(moved.utf8)))
        let p0 = ObjectRef(namespace: "default", name: "p0")
        let p1Ref = ObjectRef(namespace: "default", name: "p1")
        try await eventually(timeout: .seconds(10), "the owner the child left reconciled") {
            h.reconciles.withLock { $0[p0, default: 0] } > before[p0, default: 0]
        }
        try await eventually(timeout: .seconds(10), "the owner the child joined reconciled") {
            h.reconciles.withLock { $0[p1Ref, default: 0] } > before[p1Ref, default: 0]
        }
        await h.stop()
    }

    @Test("a failing reconcile is retried with backoff and succeeds; success resets the backoff")
    func retries() async throws {
        let h = try await Harness(workers: 1)
        h.failNext.withLock { $0 = ["p0"] }
        h.start()
        try await h.createParents(1)
        try await eventually(timeout: .seconds(10), "converged after a failure") { try await h.converged(parents: 1) }
        #expect((h.reconciles.withLock { $0[ObjectRef(namespace: "default", name: "p0")] } ?? 0) >= 2)
        let exposition = String(decoding: h.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"controller_runtime_reconcile_errors_total{controller="mirror"} 1"#))
        #expect(exposition.contains(#"controller_runtime_reconcile_total{controller="mirror",result="success"}"#))
        #expect(exposition.contains(#"workqueue_retries_total{name="mirror"}"#))
        #expect(exposition.contains(#"rest_client_requests_total{code="200",method="GET""#))
        #expect(h.controller.queue.numRequeues(ObjectRef(namespace: "default", name: "p0")) == 0)
        await h.stop()
    }

    @Test("a terminal error is not retried; the object's next change brings the key back")
    func terminalError() async throws {
        let h = try await Harness(workers: 1)
        h.terminal.withLock { $0 = ["p0"] }
        h.start()
        try await h.createParents(1)
        let key = ObjectRef(namespace: "default", name: "p0")
        try await eventually(timeout: .seconds(10), "a terminal error counted") {
            String(decoding: h.metrics.exposition(), as: UTF8.self)
                .contains(#"controller_runtime_terminal_reconcile_errors_total{controller="mirror"} 1"#)
        }
        #expect(h.controller.queue.numRequeues(key) == 0, "not requeued with backoff")
        #expect(h.reconciles.withLock { $0[key] } == 1)
        // Said once, with the key and the reconcile's id in its metadata.
        let said = h.logs.all.filter { $0.message.contains("terminal error") }
        #expect(said.count == 1)
        let metadata = said.first?.metadata ?? [:]
        #expect(["controller", "namespace", "name"].map { metadata[$0]?.description } == ["mirror", "default", "p0"])
        #expect(said.first?.metadata["reconcileID"]?.description.count == 36)
        // The spec is fixed: the update's event brings one more pass, which converges.
        h.terminal.withLock { $0 = [] }
        try await h.createParents(1, version: "2")
        try await eventually(timeout: .seconds(10), "converged after the change") { try await h.converged(parents: 1) }
        let exposition = String(decoding: h.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"controller_runtime_reconcile_errors_total{controller="mirror"} 1"#))
        #expect(exposition.contains(#"workqueue_retries_total{name="mirror"} 0"#))
        await h.stop()
    }

    @Test("converges through faults: dropped watches, restart (410), compaction, 409s, 429/500 bursts, latency")
    func faults() async throws {
        let h = try await Harness()
        h.start()
        try await h.createParents(30)
        try await eventually(timeout: .seconds(20), "initial convergence") { try await h.converged(parents: 30) }
        let faults = h.server.api.faults
        faults.failNext(20, verb: "patch", resource: "configmaps", status: 409, every: 2)
        faults.failNext(10, verb: "list", resource: "configmaps", status: 429, retryAfterSeconds: 0)
        faults.failNext(10, verb: "watch", resource: "configmaps", status: 500)
        faults.latency = .milliseconds(30)
        h.server.api.store.dropAllWatches()
        try await h.createParents(30, version: "2")
        h.server.restart()
        h.server.api.store.compact()
        h.server.api.store.dropAllWatches()
        try await h.createParents(30, version: "3")
        try await eventually(timeout: .seconds(60), "convergence after faults") { try await h.converged(parents: 30) }
        faults.latency = nil
        #expect(h.overlaps.withLock { $0 } == 0)
        await h.stop()
    }

    @Test("a settled controller makes zero writes")
    func steadyState() async throws {
        let h = try await Harness()
        h.start()
        try await h.createParents(20)
        try await eventually(timeout: .seconds(20), "converged") { try await h.converged(parents: 20) }
        try await eventually(timeout: .seconds(10), "queue idle") { h.controller.queue.depth == 0 && h.controller.queue.inFlight == 0 }
        h.server.api.counter.reset()
        h.server.api.store.dropAllWatches()  // a re-watch replays nothing new: still no writes
        try await eventually(timeout: .seconds(10), "re-watched") { h.server.api.store.openWatchCount >= 2 }
        try await eventually(timeout: .seconds(10), "queue idle again") { h.controller.queue.depth == 0 && h.controller.queue.inFlight == 0 }
        #expect(h.server.api.counter.writes == 0)
        await h.stop()
    }
}

