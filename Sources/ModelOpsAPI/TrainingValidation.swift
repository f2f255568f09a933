/// Checks a trained model must pass to be Validated, and so to be promotable.
public struct TrainingValidation: Sendable, Hashable, Codable {
    /// A bound on one reported metric, e.g. accuracy >= 0.9.
    public struct Gate: Sendable, Hashable, Codable {
        /// A metric the trainer reports.
        public var metric: String

        /// The metric must be at least this.
        public var min: Double?

        /// The metric must be at most this.
        public var max: Double?

        public init(metric: String, min: Double? = nil, max: Double? = nil) {
            self.metric = metric
            self.min = min
            self.max = max
        }
    }

    /// Compare with the metrics recorded for the model a ModelDeployment serves.
    public struct Comparison: Sendable, Hashable, Codable {
        /// The ModelDeployment whose stable model is the baseline.
        public var modelDeployment: String

        /// The metric compared.
        public var metric: String

        /// How much higher the new value must be (negative: how much lower at worst); default 0.
        public var minImprovement: Double?

        public init(modelDeployment: String, metric: String, minImprovement: Double? = nil) {
            self.modelDeployment = modelDeployment
            self.metric = metric
            self.minImprovement = minImprovement
        }
    }

    /// Bounds on reported metrics, keyed by metric.
    public var gates: [Gate]?

    /// Comparison with the production model's metrics.
    public var compareTo: Comparison?

    public init(gates: [Gate]? = nil, compareTo: Comparison? = nil) {
        self.gates = gates
        self.compareTo = compareTo
    }
}
