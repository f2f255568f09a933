import KubeCore

/// What a TrainingJob did.
public struct TrainingJobStatus: Sendable, Hashable, Codable {
    /// Where a TrainingJob stands.
    public enum Phase: String, Sendable, Hashable, Codable, CaseIterable {
        case pending = "Pending"
        case running = "Running"
        case succeeded = "Succeeded"
        case failed = "Failed"
    }

    /// The metadata.generation this status describes.
    public var observedGeneration: Int64?

    /// Pending, Running, Succeeded or Failed.
    public var phase: Phase?

    /// Human-readable summary.
    public var message: String?

    /// The batch/v1 Job running the training.
    public var jobName: String?

    /// When the training started.
    public var startTime: KubeTime?

    /// When it finished.
    public var completionTime: KubeTime?

    /// Pods started so far (1 + retries).
    public var attempts: Int?

    /// Metrics the trainer reported.
    public var metrics: [String: Double]?

    /// "name=value" of the first gate's (or first reported) metric, for kubectl get.
    public var headlineMetric: String?

    /// The trained model.
    public var model: ModelArtifact?

    /// Where the model came from.
    public var lineage: Lineage?

    /// The run as recorded in the tracking server.
    public var tracking: TrackingStatus?

    /// Complete, Failed, Validated, Tracked.
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil,
        phase: Phase? = nil,
        message: String? = nil,
        jobName: String? = nil,
        startTime: KubeTime? = nil,
        completionTime: KubeTime? = nil,
        attempts: Int? = nil,
        metrics: [String: Double]? = nil,
        headlineMetric: String? = nil,
        model: ModelArtifact? = nil,
        lineage: Lineage? = nil,
        tracking: TrackingStatus? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.message = message
        self.jobName = jobName
        self.startTime = startTime
        self.completionTime = completionTime
        self.attempts = attempts
        self.metrics = metrics
        self.headlineMetric = headlineMetric
        self.model = model
        self.lineage = lineage
        self.tracking = tracking
        self.conditions = conditions
    }
}
