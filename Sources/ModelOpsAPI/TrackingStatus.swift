/// What the operator recorded outside the cluster for a TrainingJob (`status.tracking`).
public struct TrackingStatus: Sendable, Hashable, Codable {
    /// The MLflow run and registered model version.
    public var mlflow: MLflowRunRecord?

    public init(mlflow: MLflowRunRecord? = nil) {
        self.mlflow = mlflow
    }
}

/// The MLflow run of a TrainingJob, as far as the operator has written it.
public struct MLflowRunRecord: Sendable, Hashable, Codable {
    /// The tracking server written to.
    public var trackingURI: String

    /// The experiment's id.
    public var experimentID: String?

    /// The run's id; set once the run exists.
    public var runID: String?

    /// The run in the MLflow UI.
    public var runURL: String?

    /// The run's status in MLflow as last written: RUNNING, then FINISHED or FAILED once the
    /// metrics are logged.
    public var runStatus: String?

    /// The registered model the trained model was registered in.
    public var registeredModel: String?

    /// The model version the registry gave it.
    public var registeredVersion: String?

    public init(trackingURI: String, experimentID: String? = nil, runID: String? = nil, runURL: String? = nil,
                runStatus: String? = nil, registeredModel: String? = nil, registeredVersion: String? = nil) {
        self.trackingURI = trackingURI
        self.experimentID = experimentID
        self.runID = runID
        self.runURL = runURL
        self.runStatus = runStatus
        self.registeredModel = registeredModel
        self.registeredVersion = registeredVersion
    }
}
