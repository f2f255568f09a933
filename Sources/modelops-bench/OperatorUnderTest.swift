import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging
import ModelOpsControllers
import Synchronization

/// The real operator, built as `modelops run` builds it (one client with `modelops run`'s rate
/// limit unless `--qps` says otherwise, an event recorder, every controller of
/// `ModelOpsOperator`, watching all namespaces) and run in process against the bench's cluster.
/// Its client counts every request it makes by method, which is also what a real cluster's
/// count would be.
final class OperatorUnderTest: Sendable {
    let op: ModelOpsOperator
    let client: KubeClient
    let events: EventRecorder
    let metrics: RuntimeMetrics
    private let requests: Locked<[String: Int]>
    private let informerErrors: Locked<Int>
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(cluster: BenchCluster, options: OperatorBenchOptions, identity: String = "bench") throws {
        let requests = Locked<[String: Int]>([:])
        var clientOptions = KubeClient.Options()
        clientOptions.userAgent = "modelops/bench"
        clientOptions.qps = options.qps
        clientOptions.burst = options.burst
        clientOptions.requestObserver = { status, method, _ in
            requests.withLock {
                $0[method, default: 0] += 1
                if status == 409 { $0["409", default: 0] += 1 }
            }
        }
        let client = try KubeClient(configuration: cluster.configuration, options: clientOptions)
        var eventOptions = EventRecorderOptions(reportingController: "modelops.io/operator", reportingInstance: identity)
        if let clock = cluster.clock { eventOptions.wallClock = { clock.wallNow() } }
        let events = EventRecorder(client: client, options: eventOptions)
        var logger = Logger(label: "modelops")
        logger.logLevel = .warning
        let metrics = RuntimeMetrics()
        var context = OperatorContext(client: client, clock: cluster.clock?.operatorClock ?? .system, events: events,
                                      namespace: nil, workers: options.workers, metrics: metrics, logger: logger)
        let informerErrors = Locked(0)
        context.informerOptions.onError = { _ in informerErrors.withLock { $0 += 1 } }
        context.informerOptions.streamingList = options.streamingLists
        self.op = ModelOpsOperator(context: context)
        self.client = client
        self.events = events
        self.metrics = metrics
        self.requests = requests
        self.informerErrors = informerErrors
    }

    /// Starts every controller (informers first, workers once the caches synced).
    func start() {
        let op = self.op
        task.withLock { $0 = Task { await op.run(drainTimeout: .seconds(5)) } }
    }

    /// Stops the controllers (in-flight reconciles finish), flushes events, closes the client.
    func stop() async {
        if let running = task.withLock({ task in defer { task = nil }; return task }) {
            running.cancel()
            await running.value
        }
        await events.shutdown()
        client.shutdown()
    }

    /// Whether every informer of every controller has synced.
    var hasSynced: Bool { op.hasSynced }

    /// Requests the operator's client made, by HTTP method.
    var requestsByMethod: [String: Int] { requests.withLock { $0.filter { $0.key != "409" } } }

    /// Answers 409 Conflict (a write from a stale cache, or a race with another writer).
    var conflicts: Int { requests.withLock { $0["409", default: 0] } }

    /// POST, PUT, PATCH and DELETE requests so far.
    var writes: Int {
        requests.withLock { counts in ["POST", "PUT", "PATCH", "DELETE"].reduce(0) { $0 + counts[$1, default: 0] } }
    }

    var informerFailures: Int { informerErrors.withLock { $0 } }

    /// Keys waiting in the controllers' queues (the workqueue_depth gauges).
    var queueDepth: Int { Int(metricSum("workqueue_depth{")) }

    /// Reconciles finished so far, every controller and result.
    var reconciles: Int { Int(metricSum("controller_runtime_reconcile_total{")) }

    private func metricSum(_ prefix: String) -> Double {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        var total = 0.0
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            total += Double(line.split(separator: " ").last ?? "0") ?? 0
        }
        return total
    }
}

extension OperatorUnderTest {
    /// Waits until nothing is queued and no write was made for `period` (the work the last
    /// changes caused is done), so counts taken next are complete.
    func waitQuiet(period: Duration = .milliseconds(500), timeout: Double) async throws {
        var last = -1
        try await waitUntil("the operator to go quiet", timeout: timeout, every: period) {
            let writes = self.writes
            defer { last = writes }
            return writes == last && queueDepth == 0
        }
    }
}
