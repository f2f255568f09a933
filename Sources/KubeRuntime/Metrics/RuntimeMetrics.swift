import Metrics
import Prometheus
import Synchronization

/// The manager's metrics, exposed on /metrics in Prometheus text format under
/// controller-runtime's names.
///
/// Our own metrics are registered on a `PrometheusCollectorRegistry` directly rather than
/// through swift-metrics, because only the registry carries HELP text and `promtool check
/// metrics` rejects a family without it. Libraries that speak swift-metrics share the same
/// registry through `metricsFactory` (bootstrap it once per process with
/// `bootstrapMetricsSystem()`); tests make a `RuntimeMetrics()` of their own and never touch the
/// global `MetricsSystem`, which can be bootstrapped only once.
public final class RuntimeMetrics: Sendable {
    /// The process-wide instance the manager and `ProbeServer` use by default.
    public static let shared = RuntimeMetrics()

    public let registry: PrometheusCollectorRegistry
    private let controllers = Mutex<[String: ControllerMetrics]>([:])
    private let families = Mutex<[String: SeriesFamily]>([:])
    private static let bootstrapped = Mutex(false)

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A swift-metrics factory writing into this registry.
    public var metricsFactory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// Points the global `MetricsSystem` at this registry, once per process: later calls (from
    /// any instance) do nothing and return false, instead of trapping as a second
    /// `MetricsSystem.bootstrap` would.
    @discardableResult
    public func bootstrapMetricsSystem() -> Bool {
        let first = Self.bootstrapped.withLock { done -> Bool in
            if done { return false }
            done = true
            return true
        }
        if first { MetricsSystem.bootstrap(metricsFactory) }
        return first
    }

    // MARK: Controllers

    /// The metrics of the controller named `name`, registered on first use.
    public func controller(_ name: String) -> ControllerMetrics {
        controllers.withLock { controllers in
            if let existing = controllers[name] { return existing }
            let metrics = ControllerMetrics(controller: name, registry: registry)
            controllers[name] = metrics
            return metrics
        }
    }

    /// One reconcile of `controller` ended (convenience for `controller(name).reconciled`).
    public func reconciled(controller: String, result: ReconcileResultLabel, duration: Duration) {
        self.controller(controller).reconciled(result, duration: duration)
    }

    // MARK: Work queues

    /// An observer for the work queue named `name` (controller-runtime names a controller's
    /// queue after the controller), feeding the workqueue_* metrics.
    public func queueObserver(name: String) -> WorkQueueObserver {
        let labels = [("name", name)]
        let depth = registry.makeGauge(descriptor: MetricDefinitions.queueDepth.descriptor, labels: labels)
        let adds = registry.makeCounter(descriptor: MetricDefinitions.queueAdds.descriptor, labels: labels)
        let queueDuration = registry.makeDurationHistogram(descriptor: MetricDefinitions.queueDuration.descriptor, labels: labels,
                                                           buckets: MetricDefinitions.queueBuckets)
        let workDuration = registry.makeDurationHistogram(descriptor: MetricDefinitions.workDuration.descriptor, labels: labels,
                                                          buckets: MetricDefinitions.queueBuckets)
        let retries = registry.makeCounter(descriptor: MetricDefinitions.queueRetries.descriptor, labels: labels)
        return WorkQueueObserver(
            added: { adds.increment() },
            depthChanged: { depth.set(Double($0)) },
            queueDuration: { queueDuration.record($0) },
            workDuration: { workDuration.record($0) },
            retried: { retries.increment() })
    }

    // MARK: REST client

    /// One answered (or failed: code "<error>", as client-go writes it) API request.
    public func restClientRequest(code: String, method: String, host: String) {
        registry.makeCounter(descriptor: MetricDefinitions.restRequests.descriptor,
                             labels: [("code", code), ("method", method), ("host", host)]).increment()
    }

    /// `restClientRequest` with an HTTP status, or nil when no answer came.
    public func restClientRequest(status: Int?, method: String, host: String) {
        restClientRequest(code: status.map(String.init) ?? "<error>", method: method, host: host)
    }

    // MARK: Leader election

    /// 1 while this process leads the lease `name`, 0 otherwise.
    public func setLeader(name: String, leading: Bool) {
        registry.makeGauge(descriptor: MetricDefinitions.leaderStatus.descriptor, labels: [("name", name)]).set(leading ? 1.0 : 0.0)
    }

    // MARK: Series families

    /// The family `name` (made on first use): for series per object, which the registry adds
    /// and removes in time proportional to the family's size (`SeriesFamily`).
    public func family(_ name: String, help: String, kind: SeriesFamily.Kind) -> SeriesFamily {
        families.withLock { families in
            if let existing = families[name] { return existing }
            let made = SeriesFamily(name: name, help: help, kind: kind)
            families[name] = made
            return made
        }
    }

    // MARK: Exposition

    /// The Prometheus text exposition (format 0.0.4) of everything registered.
    public func exposition() -> [UInt8] {
        var out = registry.emitToBuffer()
        let families = families.withLock { $0.values.sorted { $0.name < $1.name } }
        for family in families { family.write(into: &out) }
        return out
    }

    /// The content type of `exposition()`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
