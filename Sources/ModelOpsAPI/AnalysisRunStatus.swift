import KubeCore

/// One analysis of a candidate.
public struct AnalysisRunStatus: Sendable, Hashable, Codable {
    /// The measurements of one metric in a run, with running counts so a verdict never needs the
    /// (trimmed) measurement list.
    public struct MetricResult: Sendable, Hashable, Codable {
        /// The metric.
        public var name: String

        /// Verdict so far.
        public var phase: AnalysisPhase

        /// Measurements taken.
        public var count: Int?

        /// Successful measurements.
        public var successful: Int?

        /// Failed measurements.
        public var failed: Int?

        /// Inconclusive measurements.
        public var inconclusive: Int?

        /// Measurements that could not be taken.
        public var errors: Int?

        /// The latest measurements (at most 10), oldest first.
        public var measurements: [AnalysisMeasurement]?

        public init(
            name: String,
            phase: AnalysisPhase,
            count: Int? = nil,
            successful: Int? = nil,
            failed: Int? = nil,
            inconclusive: Int? = nil,
            errors: Int? = nil,
            measurements: [AnalysisMeasurement]? = nil
        ) {
            self.name = name
            self.phase = phase
            self.count = count
            self.successful = successful
            self.failed = failed
            self.inconclusive = inconclusive
            self.errors = errors
            self.measurements = measurements
        }
    }

    /// What ran it: "step-<index>", "prePromotion" or "shadow".
    public var name: String

    /// The candidate version analysed.
    public var version: String?

    /// Verdict of the run.
    public var phase: AnalysisPhase

    /// When the first measurement was due.
    public var startedAt: KubeTime?

    /// When the verdict was reached.
    public var finishedAt: KubeTime?

    /// Why the run failed or is inconclusive.
    public var message: String?

    /// Per-metric results, keyed by name.
    public var metrics: [MetricResult]?

    public init(
        name: String,
        version: String? = nil,
        phase: AnalysisPhase,
        startedAt: KubeTime? = nil,
        finishedAt: KubeTime? = nil,
        message: String? = nil,
        metrics: [MetricResult]? = nil
    ) {
        self.name = name
        self.version = version
        self.phase = phase
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.message = message
        self.metrics = metrics
    }
}
