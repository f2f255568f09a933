/// How a new model version replaces the stable one. Only the block matching `type` may be set.
public struct DeploymentStrategy: Sendable, Hashable, Codable {
    /// The rollout strategies.
    public enum StrategyType: String, Sendable, Hashable, Codable, CaseIterable {
        /// Shift traffic step by step, with pauses and analyses.
        case canary = "Canary"
        /// Run the candidate beside stable behind a preview Service, then switch at once.
        case blueGreen = "BlueGreen"
        /// Mirror live traffic to the candidate (answers discarded), then switch.
        case shadow = "Shadow"
    }

    /// Canary (default), BlueGreen or Shadow.
    public var type: StrategyType?

    /// How long a version that stops receiving traffic keeps its pods where the switch reaches the
    /// data plane only after a while (Gateway API routing, BlueGreen): the previous stable version
    /// after a promotion, the candidate after a rollback. Default 30 s.
    public var scaleDownDelaySeconds: Int?

    /// Settings of the Canary strategy.
    public var canary: CanaryStrategy?

    /// Settings of the BlueGreen strategy.
    public var blueGreen: BlueGreenStrategy?

    /// Settings of the Shadow strategy; required with it.
    public var shadow: ShadowStrategy?

    public init(
        type: StrategyType? = nil,
        scaleDownDelaySeconds: Int? = nil,
        canary: CanaryStrategy? = nil,
        blueGreen: BlueGreenStrategy? = nil,
        shadow: ShadowStrategy? = nil
    ) {
        self.type = type
        self.scaleDownDelaySeconds = scaleDownDelaySeconds
        self.canary = canary
        self.blueGreen = blueGreen
        self.shadow = shadow
    }
}
