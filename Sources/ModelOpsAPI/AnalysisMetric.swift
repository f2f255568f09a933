/// A metric measured by a PromQL query, and how to judge one measurement.
public struct AnalysisMetric: Sendable, Hashable, Codable {
    /// Bounds of a successful measurement; either may be omitted.
    public struct ThresholdRange: Sendable, Hashable, Codable {
        /// Lowest successful value.
        public var min: Double?

        /// Highest successful value.
        public var max: Double?

        public init(min: Double? = nil, max: Double? = nil) {
            self.min = min
            self.max = max
        }
    }

    /// Unique name; steps refer to it.
    public var name: String

    /// PromQL with placeholders {{version}}, {{stableVersion}}, {{model}}, {{name}}, {{namespace}}.
    public var query: String

    /// An expression over `result`, e.g. "result >= 0.95".
    public var successCondition: String?

    /// Success when min <= result <= max.
    public var thresholdRange: ThresholdRange?

    public init(
        name: String,
        query: String,
        successCondition: String? = nil,
        thresholdRange: ThresholdRange? = nil
    ) {
        self.name = name
        self.query = query
        self.successCondition = successCondition
        self.thresholdRange = thresholdRange
    }
}
