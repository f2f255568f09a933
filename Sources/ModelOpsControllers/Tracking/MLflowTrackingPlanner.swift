import Foundation
import KubeCore
import ModelOpsAPI

/// What to write to MLflow next for a TrainingJob, from its spec and the status about to be
/// written (pure). The run is created when the training is planned, ended once the status is
/// final, and the model registered once the run has ended Succeeded. Each step is taken once:
/// `status.tracking.mlflow` records how far the writes got.
public enum MLflowTrackingPlanner {
    public static let trackedCondition = "Tracked"

    /// The tags written (`WireContract.MLflowTags`): the restarted operator finds its run by `uid`.
    public typealias Tags = WireContract.MLflowTags

    public enum Step: Sendable, Equatable {
        /// Find or create the experiment and the run; log the hyperparameters.
        case startRun(experiment: String, runName: String, tags: [String: String], params: [String: String])
        /// Log the metrics and the tags known at the end, then end the run FINISHED or FAILED.
        case endRun(status: String, metrics: [String: Double], tags: [String: String], at: Date)
        /// Register `source` as a version of `model`, linked to the run.
        case register(model: String, source: String, tags: [String: String])
    }

    /// The tracking server: the spec's, else the operator's default; nil when neither is set.
    public static func trackingURI(_ spec: TrainingJobSpec, default fallback: String?) -> String? {
        guard let mlflow = spec.tracking?.mlflow else { return nil }
        let uri = mlflow.trackingURI ?? fallback
        return uri?.isEmpty == false ? uri : nil
    }

    /// The next write, or nil when MLflow holds everything it should (or tracking is off).
    /// `status` is the status this reconcile is about to write.
    public static func next(_ job: TrainingJob, status: TrainingJobStatus) -> Step? {
        guard let mlflow = job.spec.tracking?.mlflow else { return nil }
        let record = status.tracking?.mlflow
        let final = status.phase == .succeeded || status.phase == .failed
        guard record?.runID != nil else {
            // Only a training that was planned: an invalid spec, or a workload the API server
            // refused, never trained and gets no run.
            guard status.jobName != nil else { return nil }
            return .startRun(experiment: mlflow.experiment ?? job.spec.model.name, runName: job.metadata.name ?? "",
                             tags: startTags(job), params: job.spec.hyperparameters ?? [:])
        }
        guard final else { return nil }
        let ended = status.phase == .succeeded ? "FINISHED" : "FAILED"
        if record?.runStatus != ended {
            let time = (status.completionTime ?? status.startTime ?? job.metadata.creationTimestamp)?.date ?? Date(timeIntervalSince1970: 0)
            var tags: [String: String] = [:]
            if let digest = status.lineage?.imageDigest { tags[Tags.imageDigest] = digest }
            if let version = status.model?.version { tags[Tags.modelVersion] = version }
            return .endRun(status: ended, metrics: status.metrics ?? [:], tags: tags, at: time)
        }
        if status.phase == .succeeded, mlflow.registerModel != false, record?.registeredVersion == nil,
           let model = status.model, let uri = model.uri {
            return .register(model: model.name, source: uri, tags: [
                Tags.namespace: job.metadata.namespace ?? "", Tags.trainingJob: job.metadata.name ?? "", Tags.modelVersion: model.version,
            ])
        }
        return nil
    }

    static func startTags(_ job: TrainingJob) -> [String: String] {
        var tags = [
            Tags.namespace: job.metadata.namespace ?? "", Tags.trainingJob: job.metadata.name ?? "", Tags.uid: job.metadata.uid ?? "",
            Tags.datasetURI: job.spec.dataset.uri,
        ]
        if let version = job.spec.dataset.version { tags[Tags.datasetVersion] = version }
        if let image = job.spec.template[path: ["spec", "containers"]]?[0]?["image"]?.stringValue { tags[Tags.image] = image }
        let lineage = TrainingJobPlanner.lineage(job, imageDigest: nil)
        if let policy = lineage.policy { tags[Tags.retrainPolicy] = policy }
        if let trigger = lineage.trigger { tags[Tags.trigger] = trigger.rawValue }
        return tags
    }

    /// The Tracked condition for how far the writes got.
    public static func condition(_ record: MLflowRunRecord?, experiment: String) -> (status: Condition.Status, reason: String, message: String) {
        guard let record, let run = record.runID else {
            return (.unknown, "RunPending", "no MLflow run yet")
        }
        var message = "run \(run) in experiment \(GoQuote.quote(experiment)) \(record.runStatus ?? "RUNNING")"
        if let model = record.registeredModel, let version = record.registeredVersion {
            message += "; registered as \(model) version \(version)"
        }
        let ended = record.runStatus == "FINISHED" || record.runStatus == "FAILED"
        return (.true, ended ? "RunEnded" : "RunStarted", message)
    }
}
