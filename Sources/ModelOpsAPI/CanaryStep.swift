/// One canary step: exactly one of `setWeight`, `pause`, `analysis` is set (the schema enforces
/// it).
public struct CanaryStep: Sendable, Hashable, Codable {
    /// Holds the rollout: for `duration` when set, otherwise until someone promotes.
    public struct Pause: Sendable, Hashable, Codable {
        /// A Go duration ("30s", "5m", "1h30m"); nil waits for a manual promotion.
        public var duration: String?

        public init(duration: String? = nil) {
            self.duration = duration
        }
    }

    /// Percentage of traffic (0-100) the candidate receives from this step on.
    public var setWeight: Int?

    /// Hold here, for a duration or until promoted.
    public var pause: Pause?

    /// Run the analysis and continue only if it succeeds.
    public var analysis: StepAnalysis?

    public init(setWeight: Int? = nil, pause: Pause? = nil, analysis: StepAnalysis? = nil) {
        self.setWeight = setWeight
        self.pause = pause
        self.analysis = analysis
    }

    public static func setWeight(_ weight: Int) -> CanaryStep { CanaryStep(setWeight: weight) }

    public static func pause(_ duration: String? = nil) -> CanaryStep { CanaryStep(pause: Pause(duration: duration)) }

    public static func analysis(_ metrics: [String]? = nil) -> CanaryStep {
        CanaryStep(analysis: StepAnalysis(metrics: metrics))
    }
}
