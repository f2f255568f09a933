import KubeCore

/// What to train, on what data, and how to judge the result. Also the spec of RetrainPolicy's
/// trainingJobTemplate.
public struct TrainingJobSpec: Sendable, Hashable, Codable {
    /// The model a TrainingJob trains.
    public struct TrainedModel: Sendable, Hashable, Codable {
        /// Model name.
        public var name: String

        /// Version to give it; default derived from the job, recorded in status.model.
        public var version: String?

        public init(name: String, version: String? = nil) {
            self.name = name
            self.version = version
        }
    }

    /// What runs the training. Distributed engines (Kubeflow PyTorchJob, JobSet) can be added as
    /// `TrainingBackend`s (see ModelOpsControllers/Training).
    public enum Backend: String, Sendable, Hashable, Codable, CaseIterable {
        /// A batch/v1 Job; needs nothing installed.
        case job = "Job"
    }

    /// The model trained.
    public var model: TrainedModel

    /// Where the trainer writes the model; passed as OUTPUT_URI.
    public var outputURI: String

    /// The training data; recorded in lineage.
    public var dataset: Dataset

    /// Passed as HP_<NAME> environment variables and as a JSON file named by HYPERPARAMETERS_FILE.
    public var hyperparameters: [String: String]?

    /// The trainer pod template (core/v1 PodTemplateSpec), kept as JSON so unknown fields survive.
    public var template: JSON

    /// What runs the training; default Job.
    public var backend: Backend?

    /// Retries before the training fails; default 3.
    public var backoffLimit: Int?

    /// Fail the training when it runs longer than this.
    public var activeDeadlineSeconds: Int64?

    /// Delete the finished Job and its pods this long after it finished; the TrainingJob stays.
    public var ttlSecondsAfterFinished: Int?

    /// Checks the model must pass to be Validated.
    public var validation: TrainingValidation?

    /// Where the run is recorded outside the cluster (an MLflow tracking server).
    public var tracking: TrainingTracking?

    public init(
        model: TrainedModel,
        outputURI: String,
        dataset: Dataset,
        hyperparameters: [String: String]? = nil,
        template: JSON,
        backend: Backend? = nil,
        backoffLimit: Int? = nil,
        activeDeadlineSeconds: Int64? = nil,
        ttlSecondsAfterFinished: Int? = nil,
        validation: TrainingValidation? = nil,
        tracking: TrainingTracking? = nil
    ) {
        self.model = model
        self.outputURI = outputURI
        self.dataset = dataset
        self.hyperparameters = hyperparameters
        self.template = template
        self.backend = backend
        self.backoffLimit = backoffLimit
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.ttlSecondsAfterFinished = ttlSecondsAfterFinished
        self.validation = validation
        self.tracking = tracking
    }
}
