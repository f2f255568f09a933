/// An analysis run at a point of a rollout (a canary step, before a blue-green promotion, during a
/// shadow).
public struct StepAnalysis: Sendable, Hashable, Codable {
    /// Names of spec.analysis.metrics to run; all of them when nil.
    public var metrics: [String]?

    public init(metrics: [String]? = nil) {
        self.metrics = metrics
    }
}
