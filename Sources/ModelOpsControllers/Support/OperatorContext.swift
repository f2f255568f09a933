import Foundation
import KubeClient
import KubeRuntime
import Logging

/// What every ModelOps controller shares: the client, the clock, the event recorder, the field
/// manager, the namespace it watches, how many workers and how fast retries back off.
public struct OperatorContext: Sendable {
    public var client: KubeClient
    public var clock: OperatorClock
    public var events: EventRecorder
    public var applier: ChildApplier
    /// Watch one namespace; nil watches all.
    public var namespace: String?
    /// Reconciles of one kind that may run at once (`--max-concurrent-reconciles`).
    public var workers: Int
    public var rateLimits: QueueRateLimits
    /// Options of every informer (reconnect backoff, watch timeouts).
    public var informerOptions: InformerOptions
    public var metrics: RuntimeMetrics
    public var logger: Logger
    /// Takes analysis measurements; tests swap in a scripted one or a Prometheus measurer that
    /// evaluates at Prometheus's own time.
    public var measurer: any MetricMeasurer
    /// The controllers to run, by name (nil: all of them), like kube-controller-manager's
    /// `--controllers`: a test of one controller can play the others by writing their status.
    public var controllers: Set<String>? = nil
    /// The informers the controllers share (one cache and one watch per kind): each
    /// `ModelOpsOperator` gets a fresh set, so an operator built again after a restart starts
    /// from empty caches as a new process would.
    public var informers = SharedInformers()
    /// The MLflow tracking server of TrainingJobs whose `spec.tracking.mlflow` names none
    /// (`--mlflow-tracking-uri`).
    public var mlflowTrackingURI: String? = nil

    /// The `modelops_*` metrics, on the same registry as `metrics`.
    public var domainMetrics: ModelOpsMetrics { ModelOpsMetrics.of(metrics) }

    public init(client: KubeClient, clock: OperatorClock = .system, events: EventRecorder,
                applier: ChildApplier = ChildApplier(), namespace: String? = nil, workers: Int = 4,
                rateLimits: QueueRateLimits = .default, informerOptions: InformerOptions = InformerOptions(),
                metrics: RuntimeMetrics = .shared, logger: Logger = Logger(label: "modelops"),
                measurer: any MetricMeasurer = PrometheusMeasurer()) {
        self.client = client
        self.clock = clock
        self.events = events
        self.applier = applier
        self.namespace = namespace
        self.workers = workers
        self.rateLimits = rateLimits
        self.informerOptions = informerOptions
        self.metrics = metrics
        self.logger = logger
        self.measurer = measurer
    }
}
