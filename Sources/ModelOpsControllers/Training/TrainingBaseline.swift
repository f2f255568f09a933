/// The serving model a `compareTo` check is measured against, as the controller found it: the
/// ModelDeployment's `status.stable.version` and the metrics recorded by the TrainingJob (same
/// namespace) that produced that version.
public enum TrainingBaseline: Sendable, Equatable {
    /// No ModelDeployment of that name in the namespace.
    case deploymentNotFound(deployment: String)
    /// The ModelDeployment serves no stable version yet: there is nothing to beat.
    case noStableVersion(deployment: String)
    /// It serves `version`; `metrics` are those its TrainingJob recorded (nil: none found).
    case serving(deployment: String, version: String, trainingJob: String?, metrics: [String: Double]?)
}
