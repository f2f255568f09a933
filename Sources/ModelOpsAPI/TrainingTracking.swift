/// Where a TrainingJob's run is recorded outside the cluster (`spec.tracking`).
public struct TrainingTracking: Sendable, Hashable, Codable {
    /// An MLflow tracking server (and its model registry).
    public var mlflow: MLflowTracking?

    public init(mlflow: MLflowTracking? = nil) {
        self.mlflow = mlflow
    }
}

/// An MLflow tracking server: the operator creates the run when training starts, logs the
/// hyperparameters, the trainer's metrics and the lineage as tags, ends the run FINISHED or
/// FAILED and registers the trained model as a version of the registered model
/// `spec.model.name`.
public struct MLflowTracking: Sendable, Hashable, Codable {
    /// The tracking server's URL (`http://mlflow.mlops:5000`); default the operator's
    /// `--mlflow-tracking-uri`.
    public var trackingURI: String?

    /// The experiment the run is logged in, created when missing; default `spec.model.name`.
    public var experiment: String?

    /// A Secret in the TrainingJob's namespace holding `token` (sent as a bearer token, like
    /// MLFLOW_TRACKING_TOKEN) or `username` and `password` (basic auth, like
    /// MLFLOW_TRACKING_USERNAME/_PASSWORD).
    public var credentialsSecret: LocalObjectReference?

    /// Register the trained model in the registry when the training succeeds; default true.
    public var registerModel: Bool?

    public init(trackingURI: String? = nil, experiment: String? = nil, credentialsSecret: LocalObjectReference? = nil,
                registerModel: Bool? = nil) {
        self.trackingURI = trackingURI
        self.experiment = experiment
        self.credentialsSecret = credentialsSecret
        self.registerModel = registerModel
    }
}
