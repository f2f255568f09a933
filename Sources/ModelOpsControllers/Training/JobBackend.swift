import KubeClient
import KubeCore
import ModelOpsAPI

/// The default backend: one batch/v1 Job that runs the trainer pod until it succeeds once,
/// retrying up to `backoffLimit` (default 3) and bounded by `activeDeadlineSeconds`; the
/// cluster's TTL controller deletes it `ttlSecondsAfterFinished` after it ends. Needs nothing
/// installed.
public struct JobBackend: TrainingBackend {
    public static let defaultBackoffLimit = 3

    public init() {}

    public var kind: TrainingJobSpec.Backend { .job }

    public var workload: ResourceInfo {
        ResourceInfo(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true)
    }

    public func desiredWorkload(for job: TrainingJob, name: String, owner: OwnerReference) -> JSON {
        var spec: JSON = [
            "backoffLimit": .int(Int64(job.spec.backoffLimit ?? Self.defaultBackoffLimit)),
            "template": TrainerEnvironment.podTemplate(for: job),
        ]
        if let deadline = job.spec.activeDeadlineSeconds { spec["activeDeadlineSeconds"] = .int(deadline) }
        if let ttl = job.spec.ttlSecondsAfterFinished { spec["ttlSecondsAfterFinished"] = .int(Int64(ttl)) }
        return [
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": [
                "name": .string(name), "namespace": .string(job.metadata.namespace ?? ""),
                "labels": [
                    TrainingJobLabels.trainingJob: .string(job.metadata.name ?? ""),
                    "app.kubernetes.io/managed-by": "modelops",
                ],
                "ownerReferences": [owner.json],
            ],
            "spec": spec,
        ]
    }

    /// A Job's pod template is most of its bytes and `observe` reads only its status.
    public func cached(workload: JSON) -> JSON {
        workload.keeping(["apiVersion", "kind", "metadata", "status"])
    }

    /// Success and failure come from the Job's Complete and Failed conditions (set by the job
    /// controller once no pod is left running); before that a running trainer container means
    /// Running, anything else Pending with the scheduler's or kubelet's reason.
    public func observe(workload: JSON, pods: [JSON]) -> TrainingJobObservation {
        let status = workload["status"] ?? [:]
        let conditions = status["conditions"]?.arrayValue ?? []
        func condition(_ type: String) -> JSON? {
            conditions.first { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }
        }
        let sorted = TrainerPod.sorted(pods)
        let succeededPods = sorted.filter { TrainerPod.phase($0) == "Succeeded" }
        let failedPods = sorted.filter { TrainerPod.phase($0) == "Failed" }
        let live = sorted.filter { !TrainerPod.isDeleting($0) && !["Succeeded", "Failed"].contains(TrainerPod.phase($0)) }
        let running = live.last { TrainerPod.phase($0) == "Running" }

        let counted = Int(status["succeeded"]?.intValue ?? 0) + Int(status["failed"]?.intValue ?? 0)
            + Int(status["active"]?.intValue ?? 0)
        let attempts = max(counted, pods.count) + pods.reduce(0) { $0 + TrainerPod.restarts($1) }

        var observation = TrainingJobObservation(state: .pending(waiting: nil), attempts: attempts)
        observation.runningPod = running.map(TrainerPod.name)
        observation.lastFailure = failedPods.last.map(TrainerPod.attempt)
        if observation.lastFailure == nil, let restarted = sorted.last(where: { TrainerPod.restarts($0) > 0 }),
           let last = TrainerPod.trainerStatus(restarted)?[path: ["lastState", "terminated"]] {
            observation.lastFailure = .init(pod: TrainerPod.name(restarted), exitCode: last["exitCode"]?.intValue.map { Int($0) },
                                            terminationMessage: last["message"]?.stringValue)
        }
        let newest = succeededPods.last ?? running ?? sorted.last
        observation.imageDigest = newest.flatMap(TrainerPod.imageDigest)

        if condition("Complete") != nil {
            observation.state = .succeeded
            observation.result = succeededPods.last.map(TrainerPod.attempt)
        } else if let failed = condition("Failed") {
            observation.state = .failed(reason: failed["reason"]?.stringValue ?? "Failed",
                                        message: failed["message"]?.stringValue ?? "")
        } else if running != nil {
            observation.state = .running
        } else {
            observation.state = .pending(waiting: live.lazy.compactMap(TrainerPod.waiting).first)
        }
        return observation
    }
}
