import Prometheus

/// One controller's reconcile metrics, registered when the controller is made so that every
/// series exists (at zero) before the first reconcile, as controller-runtime does; a dashboard
/// then shows 0 errors instead of "no data".
public struct ControllerMetrics: Sendable {
    public let controller: String
    private let totals: [ReconcileResultLabel: Counter]
    private let errors: Counter
    private let terminalErrors: Counter
    private let time: DurationHistogram
    private let activeWorkers: Gauge
    private let maxConcurrent: Gauge

    init(controller: String, registry: PrometheusCollectorRegistry) {
        self.controller = controller
        let labels = [("controller", controller)]
        var totals: [ReconcileResultLabel: Counter] = [:]
        for result in ReconcileResultLabel.allCases {
            totals[result] = registry.makeCounter(descriptor: MetricDefinitions.reconcileTotal.descriptor,
                                                  labels: labels + [("result", result.rawValue)])
        }
        self.totals = totals
        errors = registry.makeCounter(descriptor: MetricDefinitions.reconcileErrors.descriptor, labels: labels)
        terminalErrors = registry.makeCounter(descriptor: MetricDefinitions.terminalReconcileErrors.descriptor, labels: labels)
        time = registry.makeDurationHistogram(descriptor: MetricDefinitions.reconcileTime.descriptor, labels: labels,
                                              buckets: MetricDefinitions.reconcileBuckets)
        activeWorkers = registry.makeGauge(descriptor: MetricDefinitions.activeWorkers.descriptor, labels: labels)
        maxConcurrent = registry.makeGauge(descriptor: MetricDefinitions.maxConcurrentReconciles.descriptor, labels: labels)
    }

    /// One reconcile ended with `result` after `duration`.
    public func reconciled(_ result: ReconcileResultLabel, duration: Duration) {
        totals[result]?.increment()
        if result == .error { errors.increment() }
        time.record(duration)
    }

    /// One reconcile ended with a `TerminalError` (not retried).
    public func terminalError() { terminalErrors.increment() }

    /// Workers currently inside a reconcile.
    public func setActiveWorkers(_ count: Int) { activeWorkers.set(Double(count)) }

    public func setMaxConcurrentReconciles(_ count: Int) { maxConcurrent.set(Double(count)) }
}
