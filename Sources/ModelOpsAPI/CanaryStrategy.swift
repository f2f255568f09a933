/// Settings of the Canary strategy. Without steps, a ready candidate takes all traffic at once.
public struct CanaryStrategy: Sendable, Hashable, Codable {
    /// The steps, in order; setWeight values must not decrease.
    public var steps: [CanaryStep]?

    /// How long the candidate must stay healthy at full weight before it becomes stable.
    public var bakeSeconds: Int?

    public init(steps: [CanaryStep]? = nil, bakeSeconds: Int? = nil) {
        self.steps = steps
        self.bakeSeconds = bakeSeconds
    }
}
