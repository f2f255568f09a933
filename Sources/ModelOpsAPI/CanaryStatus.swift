import KubeCore

/// The candidate being rolled out (also the preview of BlueGreen and the mirror target of Shadow).
public struct CanaryStatus: Sendable, Hashable, Codable {
    /// Model name.
    public var name: String?

    /// Model version.
    public var version: String

    /// Artefact URI.
    public var uri: String?

    /// Percentage of traffic it receives now (mirrored, for Shadow).
    public var weight: Int?

    /// Index of the current canary step; equals the step count when all are done.
    public var step: Int?

    /// When the current step began; timed pauses count from here.
    public var stepStartedAt: KubeTime?

    /// When the rollout of this candidate began.
    public var startedAt: KubeTime?

    public init(
        name: String? = nil,
        version: String,
        uri: String? = nil,
        weight: Int? = nil,
        step: Int? = nil,
        stepStartedAt: KubeTime? = nil,
        startedAt: KubeTime? = nil
    ) {
        self.name = name
        self.version = version
        self.uri = uri
        self.weight = weight
        self.step = step
        self.stepStartedAt = stepStartedAt
        self.startedAt = startedAt
    }
}
