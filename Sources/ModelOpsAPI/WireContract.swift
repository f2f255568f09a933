/// Every label, annotation and finalizer ModelOps reads or writes on objects in a cluster, in one
/// place: they are an API like the CRDs (GitOps tools, dashboards, users' scripts and `kubectl
/// annotate` depend on them), so they are named once here and used everywhere else by name.
public enum WireContract {
    /// Labels (selectable: `kubectl get -l`).
    public enum Labels {
        /// On a ModelDeployment's Deployments, Services, HTTPRoute and serving pods: the
        /// ModelDeployment's name (as a label value).
        public static let deployment = "modelops.io/deployment"
        /// On serving Deployments and pods: the model version they serve (as a label value).
        public static let version = "modelops.io/version"
        /// On serving pods: the model name.
        public static let model = "modelops.io/model"
        /// On serving Deployments: stable, candidate or previous.
        public static let role = "modelops.io/role"
        /// On every child the operator owns, with the value `modelops` (Kubernetes' recommended label).
        public static let managedBy = "app.kubernetes.io/managed-by"
        /// On a TrainingJob a RetrainPolicy created: the policy's name.
        public static let retrainPolicy = "modelops.io/retrain-policy"
        /// On a TrainingJob a RetrainPolicy created (also read as an annotation): what started
        /// it, a `RunTrigger` raw value.
        public static let trigger = "modelops.io/trigger"
        /// On a training workload, its pod template and so every trainer pod: the TrainingJob's name.
        public static let trainingJob = "modelops.io/training-job"
        /// On a Secret, set by its owner to `"true"`: ModelOps may send its `token` or
        /// `username`/`password` to the MLflow server a TrainingJob or ModelDeployment names.
        /// Without it the operator refuses the Secret, so naming a Secret in a spec cannot send
        /// just any credentials (a service account's token) to a server of the spec writer's choice.
        public static let mlflowCredentials = "modelops.io/mlflow-credentials"
    }

    /// Annotations (written by the operator, or by users and the CLI to ask for an action).
    public enum Annotations {
        /// On every child the operator applies: the fingerprint of the configuration last
        /// applied, so an unchanged child costs no request.
        public static let appliedHash = "modelops.io/applied-hash"
        /// On a serving Deployment: the model version it serves, whole (label values cannot hold
        /// every version string).
        public static let modelVersion = "modelops.io/model-version"
        /// On a ModelDeployment, set by a user or `modelops promote|abort|retry`: the action
        /// (`promote`, `promote-full`, `abort`, `retry`) with a token, consumed once.
        public static let action = "modelops.io/action"
        /// On a RetrainPolicy, set by a user or `modelops retrain`: any new value starts one run.
        public static let retrain = "modelops.io/retrain"
        /// On a RetrainPolicy, set by a user or `modelops promote rtp/…`: the TrainingJob whose
        /// model to promote.
        public static let promote = "modelops.io/promote"
        /// On a trainer pod template: the hyperparameters as one JSON object (a downward-API
        /// volume turns it into the file `HYPERPARAMETERS_FILE` names).
        public static let hyperparameters = "modelops.io/hyperparameters"
        /// On a TrainingJob a RetrainPolicy created: the human-readable cause of the run.
        public static let triggerReason = "modelops.io/trigger-reason"
        /// On a TrainingJob a RetrainPolicy created: when the policy started it (RFC 3339).
        public static let triggeredAt = "modelops.io/triggered-at"
        /// On a scheduled TrainingJob: the schedule slot it belongs to (RFC 3339).
        public static let scheduledTime = "modelops.io/scheduled-time"
    }

    /// Tags on the MLflow runs and model versions the operator writes (outside the cluster, but
    /// read back by it: a restarted operator finds its run by `uid`).
    public enum MLflowTags {
        /// The TrainingJob's namespace.
        public static let namespace = "modelops.io/namespace"
        /// The TrainingJob's name.
        public static let trainingJob = "modelops.io/training-job"
        /// The TrainingJob's uid: the run's identity for the operator.
        public static let uid = "modelops.io/uid"
        /// The trainer container's image, and the digest the pod ran.
        public static let image = "modelops.io/trainer-image"
        public static let imageDigest = "modelops.io/trainer-image-digest"
        /// The training data.
        public static let datasetURI = "modelops.io/dataset-uri"
        public static let datasetVersion = "modelops.io/dataset-version"
        /// The RetrainPolicy and trigger that started the run.
        public static let retrainPolicy = "modelops.io/retrain-policy"
        public static let trigger = "modelops.io/trigger"
        /// The model version the TrainingJob produced (status.model.version).
        public static let modelVersion = "modelops.io/model-version"
        /// On a model version a RetrainPolicy moved an alias to: the policy (namespace/name), the
        /// alias, and the version the alias pointed at before (where a rollback moves it back).
        public static let promotedBy = "modelops.io/promoted-by"
        public static let promotedAlias = "modelops.io/promoted-alias"
        public static let previousVersion = "modelops.io/previous-version"
        /// On a model version a ModelDeployment rolled back: why, which ModelDeployment, when.
        public static let rejected = "modelops.io/rejected"
    }

    /// Finalizers.
    public enum Finalizers {
        /// On a training workload and every trainer pod until the TrainingJob has recorded how
        /// the run ended (a short ttlSecondsAfterFinished cannot take the results away first).
        public static let trainingResults = "modelops.io/training-results"
    }
}
