import Prometheus

/// The metric names, help texts and buckets, exactly controller-runtime's (and client-go's for
/// the REST client, work queue and leader election), so dashboards and alerts written for Go
/// operators work unchanged.
///
/// Kept in one place because the registry insists that every registration of a name carries
/// the same help text.
enum MetricDefinitions {
    struct Definition: Sendable {
        let name: String
        let help: String

        /// The full name as the descriptor's metric name (no unit part to join on).
        var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
    }

    static let reconcileTotal = Definition(
        name: "controller_runtime_reconcile_total", help: "Total number of reconciliations per controller")
    static let reconcileErrors = Definition(
        name: "controller_runtime_reconcile_errors_total", help: "Total number of reconciliation errors per controller")
    static let terminalReconcileErrors = Definition(
        name: "controller_runtime_terminal_reconcile_errors_total",
        help: "Total number of terminal reconciliation errors per controller")
    static let reconcileTime = Definition(
        name: "controller_runtime_reconcile_time_seconds", help: "Length of time per reconciliation per controller")
    static let activeWorkers = Definition(
        name: "controller_runtime_active_workers", help: "Number of currently used workers per controller")
    static let maxConcurrentReconciles = Definition(
        name: "controller_runtime_max_concurrent_reconciles", help: "Maximum number of concurrent reconciles per controller")

    static let queueDepth = Definition(name: "workqueue_depth", help: "Current depth of workqueue")
    static let queueAdds = Definition(name: "workqueue_adds_total", help: "Total number of adds handled by workqueue")
    static let queueDuration = Definition(
        name: "workqueue_queue_duration_seconds", help: "How long in seconds an item stays in workqueue before being requested")
    static let workDuration = Definition(
        name: "workqueue_work_duration_seconds", help: "How long in seconds processing an item from workqueue takes.")
    static let queueRetries = Definition(name: "workqueue_retries_total", help: "Total number of retries handled by workqueue")

    static let restRequests = Definition(
        name: "rest_client_requests_total", help: "Number of HTTP requests, partitioned by status code, method, and host.")

    static let leaderStatus = Definition(
        name: "leader_election_master_status",
        help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.")

    /// controller-runtime's reconcile_time_seconds buckets.
    static let reconcileBuckets: [Duration] = ([
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
    ] as [Double]).map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }

    /// controller-runtime's work queue buckets: ExponentialBuckets(10e-9, 10, 12), 10 ns … 1000 s.
    static let queueBuckets: [Duration] = (0..<12).map { Duration.nanoseconds(10) * Int(pow10($0)) }

    private static func pow10(_ n: Int) -> Int {
        (0..<n).reduce(1) { value, _ in value * 10 }
    }

    /// The `result` label values of controller_runtime_reconcile_total.
    static let reconcileResults = ["success", "error", "requeue", "requeue_after"]
}
