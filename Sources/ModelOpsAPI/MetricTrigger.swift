/// Fires when a Prometheus query stays past a threshold for a while (drift, accuracy decay).
public struct MetricTrigger: Sendable, Hashable, Codable {
    /// How the result is compared with the threshold.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        case greaterThan = "GreaterThan"
        case lessThan = "LessThan"
    }

    /// PromQL; placeholders as in ModelDeployment analysis ({{version}} is the stable version).
    public var query: String

    /// The value the result is compared with.
    public var threshold: Double

    /// GreaterThan (default) or LessThan.
    public var `operator`: Operator?

    /// How long the condition must hold (a Go duration); default "0s".
    public var `for`: String?

    /// Where to query; default the ModelDeployment's analysis provider.
    public var provider: MetricProvider?

    public init(
        query: String,
        threshold: Double,
        `operator`: Operator? = nil,
        `for`: String? = nil,
        provider: MetricProvider? = nil
    ) {
        self.query = query
        self.threshold = threshold
        self.`operator` = `operator`
        self.`for` = `for`
        self.provider = provider
    }
}
