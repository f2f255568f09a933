/// How a candidate is judged: each metric is measured every `interval`, `count` times, and compared
/// with its thresholds.
public struct AnalysisSpec: Sendable, Hashable, Codable {
    /// Where measurements come from.
    public var provider: MetricProvider

    /// Time between two measurements of a metric; default "1m".
    public var interval: String?

    /// Measurements of each metric per analysis; default 5.
    public var count: Int?

    /// Failed measurements a metric tolerates; one more fails the analysis. Default 0.
    public var failureLimit: Int?

    /// Inconclusive measurements a metric tolerates; one more pauses for a person. Default 0.
    public var inconclusiveLimit: Int?

    /// Measurements with data a metric needs to be judged Successful; default count.
    public var minSamples: Int?

    /// The metrics, keyed by name.
    public var metrics: [AnalysisMetric]

    public init(
        provider: MetricProvider,
        interval: String? = nil,
        count: Int? = nil,
        failureLimit: Int? = nil,
        inconclusiveLimit: Int? = nil,
        minSamples: Int? = nil,
        metrics: [AnalysisMetric]
    ) {
        self.provider = provider
        self.interval = interval
        self.count = count
        self.failureLimit = failureLimit
        self.inconclusiveLimit = inconclusiveLimit
        self.minSamples = minSamples
        self.metrics = metrics
    }
}
