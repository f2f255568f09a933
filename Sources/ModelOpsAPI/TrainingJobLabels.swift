/// Labels and annotations that tie a TrainingJob to what created it and to what it runs. A
/// RetrainPolicy sets the first two on the TrainingJobs it creates (besides its controller
/// reference), and the TrainingJob controller records them in `status.lineage`.
public enum TrainingJobLabels {
    /// On a TrainingJob: the RetrainPolicy that created it (`status.lineage.policy`). A
    /// controller reference of kind RetrainPolicy names it too.
    public static let retrainPolicy = WireContract.Labels.retrainPolicy

    /// On a TrainingJob, as a label or an annotation: what made the policy start it, a
    /// `RunTrigger` raw value (`status.lineage.trigger`).
    public static let trigger = WireContract.Labels.trigger

    /// On the training workload and its pod template (so on every pod it runs): the
    /// TrainingJob's name. The controller finds the pods of a run through it, whatever the backend.
    public static let trainingJob = WireContract.Labels.trainingJob

    /// On the trainer pod template: the hyperparameters as one JSON object, which a downward-API
    /// volume turns into the file named by `HYPERPARAMETERS_FILE`.
    public static let hyperparameters = WireContract.Annotations.hyperparameters

    /// A finalizer on the training workload and on every trainer pod, held until the
    /// TrainingJob has recorded how the run ended: a short `ttlSecondsAfterFinished` (the TTL
    /// controller deletes the Job in the foreground, pods first) can no longer take the
    /// termination message away before it is read. Like the Job controller's
    /// `batch.kubernetes.io/job-tracking` on pods. Released as soon as the record is final,
    /// or when the TrainingJob is deleted.
    public static let resultsFinalizer = WireContract.Finalizers.trainingResults
}
