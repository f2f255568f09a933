import KubeCore

/// Reading a trainer pod the way every backend needs to: its phase, the trainer container's
/// state, the scheduler's verdict. The trainer is the pod's first container.
enum TrainerPod {
    static func name(_ pod: JSON) -> String { pod[path: ["metadata", "name"]]?.stringValue ?? "" }

    static func phase(_ pod: JSON) -> String { pod[path: ["status", "phase"]]?.stringValue ?? "Pending" }

    static func isDeleting(_ pod: JSON) -> Bool { pod[path: ["metadata", "deletionTimestamp"]] != nil }

    /// What the pod cache keeps of a trainer pod: metadata, status and the containers' names
    /// (`trainerStatus` finds the trainer by the first one's), which is all this type reads. A
    /// pod's spec (images, env, volumes, tolerations) is most of its bytes and is never read here.
    static func cached(_ pod: JSON) -> JSON {
        var kept = pod.keeping(["apiVersion", "kind", "metadata", "status"])
        if let containers = pod[path: ["spec", "containers"]]?.arrayValue {
            kept["spec"] = ["containers": .array(containers.map { $0.keeping(["name"]) })]
        }
        return kept
    }

    /// Oldest first (creation time, then name), so "the newest" is the last.
    static func sorted(_ pods: [JSON]) -> [JSON] {
        pods.sorted {
            ($0[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", name($0))
                < ($1[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", name($1))
        }
    }

    /// The status of the trainer container (the first container of the spec).
    static func trainerStatus(_ pod: JSON) -> JSON? {
        let statuses = pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []
        if let trainer = pod[path: ["spec", "containers"]]?[0]?["name"]?.stringValue,
           let status = statuses.first(where: { $0["name"]?.stringValue == trainer }) {
            return status
        }
        return statuses.first
    }

    /// The attempt a finished pod records: exit code and termination message of the trainer.
    static func attempt(_ pod: JSON) -> TrainingJobObservation.Attempt {
        let terminated = trainerStatus(pod)?[path: ["state", "terminated"]]
        return TrainingJobObservation.Attempt(pod: name(pod), exitCode: terminated?["exitCode"]?.intValue.map { Int($0) },
                                           terminationMessage: terminated?["message"]?.stringValue)
    }

    /// The restarts of all containers (each one an attempt under restartPolicy OnFailure).
    static func restarts(_ pod: JSON) -> Int {
        (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).reduce(0) { $0 + Int($1["restartCount"]?.intValue ?? 0) }
    }

    /// `sha256:…` from an imageID such as `docker-pullable://repo@sha256:…`; the imageID as it
    /// is when it names no digest.
    static func imageDigest(_ pod: JSON) -> String? {
        guard let imageID = trainerStatus(pod)?["imageID"]?.stringValue, !imageID.isEmpty else { return nil }
        if let at = imageID.lastIndex(of: "@") { return String(imageID[imageID.index(after: at)...]) }
        return imageID
    }

    /// Why a pending pod does not run: the scheduler's Unschedulable verdict, or the trainer
    /// container waiting on something other than its normal start.
    static func waiting(_ pod: JSON) -> TrainingJobObservation.Waiting? {
        let conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
        if let scheduled = conditions.first(where: { $0["type"]?.stringValue == "PodScheduled" }),
           scheduled["status"]?.stringValue == "False" {
            let reason = scheduled["reason"]?.stringValue ?? "Unschedulable"
            let message = scheduled["message"]?.stringValue ?? ""
            return .init(reason: reason, message: "pod \(name(pod)): \(message.isEmpty ? reason : message)")
        }
        if let waiting = trainerStatus(pod)?[path: ["state", "waiting"]],
           let reason = waiting["reason"]?.stringValue, !["ContainerCreating", "PodInitializing"].contains(reason) {
            let message = waiting["message"]?.stringValue ?? ""
            return .init(reason: reason, message: "pod \(name(pod)): \(reason)\(message.isEmpty ? "" : ": " + message)")
        }
        return nil
    }
}
