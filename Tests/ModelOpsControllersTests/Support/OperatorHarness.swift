import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestServer
import KubeTestServerCore
import ModelOpsAPI
import ModelOpsControllers
import ModelOpsCRDs
import Synchronization
import TestSupport

/// The API test server with the ModelOps CRDs installed (simulator on unless switched off), a
/// client for it, a `TestClock`, and the operator running against it. `restartOperator()` drops
/// every cache and starts over, as a crashed pod would.
final class OperatorHarness: Sendable {
    static let namespace = "ml"

    let cluster: TestCluster
    let client: KubeClient
    let clock: TestClock
    let events: EventRecorder
    /// The operator's metrics (kept across restarts), for counting reconciles.
    let metrics = RuntimeMetrics()
    private let configure: @Sendable (inout OperatorContext) -> Void
    private let running = Mutex<(task: Task<Void, Never>, op: ModelOpsOperator)?>(nil)

    var server: TestAPIServer { cluster.server }
    var api: APIServer { cluster.api }
    var namespace: String { Self.namespace }

    static func start(simulator: WorkloadSimulator.Options? = WorkloadSimulator.Options(), rbac: Bool = false,
                      startOperator: Bool = true,
                      configure: @escaping @Sendable (inout OperatorContext) -> Void = { _ in },
                      server: (inout APIServer.Configuration) -> Void = { _ in }) async throws -> OperatorHarness {
        // The server stamps creationTimestamps (and event times) from the same clock the operator
        // reads, so a schedule counted from an object's creation sees the test's time, not real time.
        let clock = TestClock()
        let cluster = try await TestCluster.start(rbac: rbac, simulator: simulator) { configuration in
            configuration.now = { clock.wallNow() }
            server(&configuration)
        }
        try await cluster.server.apply(yaml: CRDManifests.combinedYAML)
        try await cluster.server.apply(yaml: """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(namespace)
            """)
        var options = KubeClient.Options()
        options.retry.initialBackoff = .milliseconds(10)
        let client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: cluster.kubeconfig, environment: [:]), options: options)
        let harness = OperatorHarness(cluster: cluster, client: client, clock: clock, configure: configure)
        if startOperator { harness.startOperator() }
        return harness
    }

    /// Runs `body` with a started harness and stops it afterwards, whether `body` throws or not.
    static func with(simulator: WorkloadSimulator.Options? = WorkloadSimulator.Options(),
                     server: (inout APIServer.Configuration) -> Void = { _ in },
                     configure: @escaping @Sendable (inout OperatorContext) -> Void = { _ in },
                     _ body: (OperatorHarness) async throws -> Void) async throws {
        let harness = try await start(simulator: simulator, configure: configure, server: server)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    private init(cluster: TestCluster, client: KubeClient, clock: TestClock,
                 configure: @escaping @Sendable (inout OperatorContext) -> Void) {
        self.cluster = cluster
        self.client = client
        self.clock = clock
        var eventOptions = EventRecorderOptions(reportingController: "modelops.io/operator", reportingInstance: "modelops-test")
        eventOptions.flushInterval = .milliseconds(100)
        eventOptions.wallClock = { clock.wallNow() }
        events = EventRecorder(client: client, options: eventOptions)
        self.configure = configure
    }

    /// The context the operator runs with: the test clock, fast retries, fast reconnects.
    func makeContext() -> OperatorContext {
        var backoff = ReconnectBackoff()
        backoff.initial = .milliseconds(20)
        backoff.maximum = .milliseconds(300)
        var informerOptions = InformerOptions()
        informerOptions.backoff = backoff
        var context = OperatorContext(
            client: client, clock: clock.operatorClock, events: events, namespace: nil, workers: 4,
            rateLimits: QueueRateLimits(baseDelay: .milliseconds(5), maxDelay: .seconds(2), qps: 0, burst: 1),
            informerOptions: informerOptions, metrics: metrics)
        configure(&context)
        return context
    }

    /// Starts the operator with fresh caches.
    func startOperator() {
        let op = ModelOpsOperator(context: makeContext())
        let task = Task { await op.run(drainTimeout: .seconds(2)) }
        running.withLock { $0 = (task, op) }
    }

    /// The running operator (its controllers and shared caches), if started.
    var runningOperator: ModelOpsOperator? { running.withLock { $0?.op } }

    /// Stops the operator (its in-flight reconciles finish first).
    func stopOperator() async {
        guard let (task, _) = running.withLock({ state in defer { state = nil }; return state }) else { return }
        task.cancel()
        await task.value
    }

    /// A crash and a fresh start: every cache and queue is rebuilt from the API.
    func restartOperator() async {
        await stopOperator()
        startOperator()
    }

    func stop() async {
        await stopOperator()
        await events.shutdown()
        client.shutdown()
        await cluster.stop()
    }

    // MARK: Objects

    /// Creates the objects of a YAML stream as the admin (an existing object is left alone).
    func create(_ yaml: String) async throws {
        try await server.apply(yaml: yaml)
    }

    func resource<K: KubeResource & Codable>(_ type: K.Type) -> ResourceClient<K> {
        client.resource(K.self, namespace: namespace)
    }

    func get<K: KubeResource & Codable>(_ type: K.Type, _ name: String) async throws -> K {
        try await resource(K.self).get(name)
    }

    /// Any kind as JSON: `json("apps", "v1", "deployments", name)`.
    func json(_ group: String, _ version: String, _ plural: String, _ name: String) async throws -> JSON? {
        let info = ResourceInfo(group: group, version: version, kind: "", plural: plural, namespaced: true)
        do {
            return try await client.dynamic(info, namespace: namespace).get(name)
        } catch let error {
            if error.status?.code == 404 { return nil }
            throw error
        }
    }

    /// Objects of a kind in the test namespace, as JSON.
    func list(_ group: String, _ version: String, _ plural: String, labelSelector: String? = nil) async throws -> [JSON] {
        let info = ResourceInfo(group: group, version: version, kind: "", plural: plural, namespaced: true)
        return try await client.dynamic(info, namespace: namespace).list(ListOptions(labelSelector: labelSelector)).items
    }

    /// Waits (on real time, with a deadline) until the object satisfies `predicate`; returns it.
    @discardableResult
    func waitFor<K: KubeResource & Codable & Sendable>(_ type: K.Type, _ name: String, timeout: Duration = .seconds(60),
                                                       _ what: String = "condition",
                                                       _ predicate: @escaping @Sendable (K) -> Bool) async throws -> K {
        let found = Mutex<K?>(nil)
        do {
            try await eventually(timeout: timeout, "\(K.kind) \(name): \(what)") {
                guard let object = try? await get(K.self, name) else { return false }
                found.withLock { $0 = object }
                return predicate(object)
            }
        } catch let timedOut as TimedOut {
            // Say where the object stood: a failure should be readable from the log alone.
            let last = found.withLock { $0 }.flatMap { try? JSON(encoding: $0)["status"] }
            throw TimedOut(what: "\(timedOut.what); its status was \(last.map { $0.serializedString() } ?? "unreadable")")
        }
        return found.withLock { $0! }
    }

    /// Events recorded about an object (events.k8s.io), oldest first, once every reason in
    /// `reasons` is among them. A reconcile records its events after it writes status, so a test
    /// that has just seen the status must wait for them (with a deadline) rather than read once.
    func events(about name: String, waitingFor reasons: Set<String> = []) async throws -> [JSON] {
        let found = Mutex<[JSON]>([])
        try await eventually(timeout: .seconds(20), "events \(reasons.sorted()) about \(name)") {
            await events.flush()
            let all = try await list("events.k8s.io", "v1", "events")
                .filter { $0[path: ["regarding", "name"]]?.stringValue == name }
            found.withLock { $0 = all }
            let seen = Set(all.compactMap { $0["reason"]?.stringValue })
            return reasons.isSubset(of: seen)
        }
        return found.withLock { $0 }
    }

    /// Reconciles the named controller finished so far (any result).
    func reconciles(_ controller: String) -> Int {
        metric("controller_runtime_reconcile_total", label: "controller", controller)
    }

    /// The sum of a metric's series whose `label` is `value`.
    func metric(_ name: String, label: String, _ value: String) -> Int {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        var total = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") && line.contains("\(label)=\"\(value)\"") {
            total += Double(line.split(separator: " ").last ?? "0") ?? 0
        }
        return Int(total)
    }

    /// Waits until the controller has finished `count` more reconciles than `baseline`.
    func waitForReconciles(_ controller: String, after baseline: Int, count: Int = 1) async throws {
        try await eventually(timeout: .seconds(20), "\(count) reconciles of \(controller)") {
            reconciles(controller) >= baseline + count
        }
    }

    /// API writes so far (create, update, patch, delete), counted by the server.
    /// Writes by clients (the operator, the test), the simulated built-in controllers' left out.
    var writes: Int { api.counter.clientWrites }
}
