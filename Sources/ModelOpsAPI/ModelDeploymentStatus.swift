import KubeCore

/// What the operator observed and did for a ModelDeployment.
public struct ModelDeploymentStatus: Sendable, Hashable, Codable {
    /// Where a ModelDeployment stands.
    public enum Phase: String, Sendable, Hashable, Codable, CaseIterable {
        /// Nothing served yet.
        case pending = "Pending"
        /// A rollout is under way.
        case progressing = "Progressing"
        /// Waiting for a pause to end, a promotion, or spec.paused.
        case paused = "Paused"
        /// One version serves all traffic.
        case healthy = "Healthy"
        /// The stable version is not available.
        case degraded = "Degraded"
        /// The last candidate failed and was removed.
        case rolledBack = "RolledBack"
    }

    /// The metadata.generation this status describes.
    public var observedGeneration: Int64?

    /// Where the deployment stands.
    public var phase: Phase?

    /// Human-readable summary of the phase.
    public var message: String?

    /// The `modelops.io/action` annotation value last acted on, so each request is consumed once.
    public var lastAction: String?

    /// The version serving traffic outside rollouts.
    public var stable: StableStatus?

    /// The candidate being rolled out.
    public var canary: CanaryStatus?

    /// Analyses of the current (or last) candidate, keyed by name.
    public var analysisRuns: [AnalysisRunStatus]?

    /// The HTTPRoute as last applied (Gateway API routing).
    public var httpRoute: HTTPRouteStatus?

    /// Versions rolled back; a policy-promoted version listed here is not rolled out again.
    public var rejectedVersions: [RejectedVersion]?

    /// Versions that became stable, newest last.
    public var history: [RevisionHistoryEntry]?

    /// The registry alias the model follows, as last read.
    public var registry: ModelRegistryStatus?

    /// Available, Progressing, Degraded, Ready (and RegistryReachable for a registry alias).
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil,
        phase: Phase? = nil,
        message: String? = nil,
        lastAction: String? = nil,
        stable: StableStatus? = nil,
        canary: CanaryStatus? = nil,
        analysisRuns: [AnalysisRunStatus]? = nil,
        httpRoute: HTTPRouteStatus? = nil,
        rejectedVersions: [RejectedVersion]? = nil,
        history: [RevisionHistoryEntry]? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.message = message
        self.lastAction = lastAction
        self.stable = stable
        self.canary = canary
        self.analysisRuns = analysisRuns
        self.httpRoute = httpRoute
        self.rejectedVersions = rejectedVersions
        self.history = history
        self.conditions = conditions
    }
}
