/// Settings of the Shadow strategy, which needs Gateway API routing to mirror requests.
public struct ShadowStrategy: Sendable, Hashable, Codable {
    /// Percentage of live requests (0-100) mirrored to the candidate.
    public var mirrorPercent: Int

    /// How long to mirror before promoting; nil waits for a manual promotion.
    public var duration: String?

    /// Analysis of the candidate while it is mirrored to.
    public var analysis: StepAnalysis?

    public init(mirrorPercent: Int, duration: String? = nil, analysis: StepAnalysis? = nil) {
        self.mirrorPercent = mirrorPercent
        self.duration = duration
        self.analysis = analysis
    }
}
