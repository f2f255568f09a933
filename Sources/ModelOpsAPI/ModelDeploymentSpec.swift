import KubeCore

/// The desired state of a ModelDeployment: which model, served how, rolled out how. Optional fields
/// the schema defaults are nil only in objects that did not come from the server.
public struct ModelDeploymentSpec: Sendable, Hashable, Codable {
    /// The model to serve: pinned, or followed from a RetrainPolicy.
    public var model: ModelSource

    /// The serving pod template (core/v1 PodTemplateSpec), kept as JSON so fields this operator
    /// does not know survive untouched. MODEL_NAME, MODEL_VERSION and MODEL_URI are injected into
    /// every container.
    public var template: JSON

    /// Serving pods of the stable version; default 1.
    public var replicas: Int?

    /// Container port that serves the model; default 8080.
    public var port: Int?

    /// How a new version replaces the stable one; default Canary.
    public var strategy: DeploymentStrategy?

    /// How traffic is split; default Replicas.
    public var trafficRouting: TrafficRouting?

    /// How a candidate is judged; needed by analysis steps.
    public var analysis: AnalysisSpec?

    /// A candidate not ready within this time is rolled back; default 600.
    public var progressDeadlineSeconds: Int?

    /// Stops the rollout where it is until set back to false.
    public var paused: Bool?

    /// How many stable versions status.history keeps; default 10.
    public var revisionHistoryLimit: Int?

    public init(
        model: ModelSource,
        template: JSON,
        replicas: Int? = nil,
        port: Int? = nil,
        strategy: DeploymentStrategy? = nil,
        trafficRouting: TrafficRouting? = nil,
        analysis: AnalysisSpec? = nil,
        progressDeadlineSeconds: Int? = nil,
        paused: Bool? = nil,
        revisionHistoryLimit: Int? = nil
    ) {
        self.model = model
        self.template = template
        self.replicas = replicas
        self.port = port
        self.strategy = strategy
        self.trafficRouting = trafficRouting
        self.analysis = analysis
        self.progressDeadlineSeconds = progressDeadlineSeconds
        self.paused = paused
        self.revisionHistoryLimit = revisionHistoryLimit
    }
}
