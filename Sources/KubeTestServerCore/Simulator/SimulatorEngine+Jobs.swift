import Foundation
import KubeCore

/// What the simulated job controller remembers about one Job.
struct JobRun {
    var uid: String
    /// activeDeadlineSeconds count from here.
    var startedAt: ContinuousClock.Instant
    /// Pods created so far: the next pod runs attempt `podsCreated + 1`.
    var podsCreated: Int
}

extension SimulatorEngine {
    enum JobOutcome {
        case complete
        case failed(reason: String, message: String)
    }

    /// The job controller: one pod per attempt (up to parallelism), counting succeeded and
    /// failed pods, ending the Job on completions, backoffLimit or activeDeadlineSeconds.
    func reconcileJob(_ key: ObjectKey) async {
        guard let job = stored(WorkloadSimulator.jobsKey, key) else {
            jobRuns[key] = nil
            cancelTimer(.job(key))
            return
        }
        guard job[path: ["metadata", "deletionTimestamp"]] == nil else { return }
        let uid = job[path: ["metadata", "uid"]]?.stringValue ?? ""
        let status = job["status"] ?? [:]
        let conditions = status["conditions"]?.arrayValue ?? []
        let pods = self.pods(ownedBy: uid, namespace: key.namespace)
        let live = pods.filter { $0[path: ["metadata", "deletionTimestamp"]] == nil }
        let active = live.filter { !Self.isTerminal($0) }

        if ConditionEdit.isTrue(conditions, "Complete") || ConditionEdit.isTrue(conditions, "Failed") {
            // Finished: whatever still runs is terminated (also after a retried status write).
            cancelTimer(.job(key))
            jobRuns[key] = nil
            for pod in active { await deletePod(pod) }
            await expireFinishedJob(job, key: key, conditions: conditions)
            return
        }
        if job[path: ["spec", "suspend"]]?.boolValue == true { return }

        var run: JobRun
        if let known = jobRuns[key], known.uid == uid {
            run = known
        } else {
            var startedAt = now
            if let start = status["startTime"]?.stringValue.flatMap(Timestamp.parse) {
                let elapsed = max(0, api.configuration.now().timeIntervalSince(start))
                startedAt = now - .nanoseconds(Int64(min(elapsed, 1e9) * 1e9))
            }
            run = JobRun(uid: uid, startedAt: startedAt, podsCreated: pods.count)
        }
        let counted = Int(status["succeeded"]?.intValue ?? 0) + Int(status["failed"]?.intValue ?? 0)
        run.podsCreated = max(run.podsCreated, pods.count, counted + active.count)

        let spec = job["spec"] ?? [:]
        let completions = Int(max(1, spec["completions"]?.intValue ?? 1))
        let parallelism = Int(max(0, spec["parallelism"]?.intValue ?? 1))
        let backoffLimit = Int(max(0, spec["backoffLimit"]?.intValue ?? 6))
        let restartPolicy = spec[path: ["template", "spec", "restartPolicy"]]?.stringValue ?? "Never"
        let succeeded = max(Int(status["succeeded"]?.intValue ?? 0), pods.filter { Self.phase($0) == "Succeeded" }.count)
        var failed = max(Int(status["failed"]?.intValue ?? 0), pods.filter { Self.phase($0) == "Failed" }.count)
        let deadlineAt = spec["activeDeadlineSeconds"]?.intValue.map { run.startedAt + options.scaled(seconds: Double($0)) }

        var outcome: JobOutcome? = nil
        if succeeded >= completions {
            outcome = .complete
        } else if failed > backoffLimit || Self.pastBackoffLimitOnFailure(active, backoffLimit: backoffLimit, restartPolicy: restartPolicy) {
            outcome = .failed(reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit")
        } else if let deadlineAt, now >= deadlineAt {
            outcome = .failed(reason: "DeadlineExceeded", message: "Job was active longer than specified deadline")
        }

        var activeCount = active.count
        var ready = active.filter { ConditionEdit.isTrue($0[path: ["status", "conditions"]]?.arrayValue ?? [], "Ready") }.count
        if let outcome {
            if case .failed = outcome { failed += active.count }
            activeCount = 0
            ready = 0
            cancelTimer(.job(key))
        } else {
            let wanted = min(parallelism, completions - succeeded) - active.count
            for _ in 0..<max(0, wanted) {
                run.podsCreated += 1
                if await createPod(for: job, attempt: run.podsCreated) { activeCount += 1 }
            }
            if let deadlineAt { wake(.job(key), at: deadlineAt) }
        }
        jobRuns[key] = run

        let newStatus = Self.jobStatus(status, active: activeCount, ready: ready, succeeded: succeeded, failed: failed,
                                       outcome: outcome, now: timestamp)
        if newStatus != status {
            var updated = job
            updated["status"] = newStatus
            let written = await updateStatus(updated, basePath: "/apis/batch/v1/namespaces/\(key.namespace)/jobs", name: key.name,
                                             retry: .job(key))
            guard written else { return }
        }
        if outcome != nil {
            jobRuns[key] = nil
            for pod in active { await deletePod(pod) }
        }
    }

    /// The TTL-after-finished controller: a finished Job with `spec.ttlSecondsAfterFinished`
    /// is deleted (propagation Foreground, precondition on its uid, as the real controller
    /// does) that many seconds after the lastTransitionTime of its Complete or Failed
    /// condition; the seconds are divided by `Options.speed` like every other delay.
    func expireFinishedJob(_ job: JSON, key: ObjectKey, conditions: [JSON]) async {
        guard let ttl = job[path: ["spec", "ttlSecondsAfterFinished"]]?.intValue, ttl >= 0 else { return }
        let finished = conditions.first {
            ["Complete", "Failed"].contains($0["type"]?.stringValue ?? "") && $0["status"]?.stringValue == "True"
        }
        guard let finishedAt = finished?["lastTransitionTime"]?.stringValue.flatMap(Timestamp.parse) else { return }
        let elapsed = api.configuration.now().timeIntervalSince(finishedAt)
        let wait = options.scaled(seconds: Double(ttl)) - .nanoseconds(Int64(max(0, min(elapsed, 1e9)) * 1e9))
        if wait > .zero {
            wake(.job(key), at: now + wait)
            return
        }
        let uid = job[path: ["metadata", "uid"]] ?? ""
        let options: JSON = ["apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Foreground",
                             "preconditions": ["uid": uid]]
        _ = await send("DELETE", "/apis/batch/v1/namespaces/\(key.namespace)/jobs/\(key.name)", body: options)
    }

    static func jobStatus(_ status: JSON, active: Int, ready: Int, succeeded: Int, failed: Int, outcome: JobOutcome?, now: String) -> JSON {
        var result: [String: JSON] = [
            "startTime": status["startTime"] ?? .string(now),
            "ready": .int(Int64(ready)),
            "terminating": 0,
            "uncountedTerminatedPods": [:],
        ]
        if active > 0 { result["active"] = .int(Int64(active)) }
        if succeeded > 0 { result["succeeded"] = .int(Int64(succeeded)) }
        if failed > 0 { result["failed"] = .int(Int64(failed)) }
        var conditions = status["conditions"]?.arrayValue ?? []
        switch outcome {
        case .complete?:
            let message = "Reached expected number of succeeded pods"
            ConditionEdit.setJob(&conditions, type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached", message: message, now: now)
            ConditionEdit.setJob(&conditions, type: "Complete", status: "True", reason: "CompletionsReached", message: message, now: now)
            result["completionTime"] = status["completionTime"] ?? .string(now)
        case let .failed(reason, message)?:
            ConditionEdit.setJob(&conditions, type: "FailureTarget", status: "True", reason: reason, message: message, now: now)
            ConditionEdit.setJob(&conditions, type: "Failed", status: "True", reason: reason, message: message, now: now)
        case nil:
            break
        }
        if !conditions.isEmpty { result["conditions"] = .array(conditions) }
        return .object(result)
    }

    /// The job controller's rule for `restartPolicy: OnFailure`: container restarts of active
    /// pods count against backoffLimit (any restart when the limit is 0).
    static func pastBackoffLimitOnFailure(_ active: [JSON], backoffLimit: Int, restartPolicy: String) -> Bool {
        guard restartPolicy == "OnFailure" else { return false }
        var restarts = 0
        for pod in active {
            for list in ["initContainerStatuses", "containerStatuses"] {
                for container in pod[path: ["status", list]]?.arrayValue ?? [] {
                    restarts += Int(container["restartCount"]?.intValue ?? 0)
                }
            }
        }
        return backoffLimit == 0 ? restarts > 0 : restarts >= backoffLimit
    }

    static func phase(_ pod: JSON) -> String { pod[path: ["status", "phase"]]?.stringValue ?? "" }

    static func isTerminal(_ pod: JSON) -> Bool { ["Succeeded", "Failed"].contains(phase(pod)) }

    /// Creates the pod of one attempt from the Job's template: generateName `<job>-`, the
    /// template's labels, annotations and finalizers, and a controller reference that blocks the Job's
    /// foreground deletion.
    func createPod(for job: JSON, attempt: Int) async -> Bool {
        let name = job[path: ["metadata", "name"]]?.stringValue ?? ""
        let namespace = job[path: ["metadata", "namespace"]]?.stringValue ?? ""
        var metadata: [String: JSON] = [
            "generateName": .string("\(name)-"),
            "ownerReferences": [[
                "apiVersion": "batch/v1", "kind": "Job", "name": .string(name),
                "uid": job[path: ["metadata", "uid"]] ?? "", "controller": true, "blockOwnerDeletion": true,
            ]],
        ]
        if let labels = job[path: ["spec", "template", "metadata", "labels"]] { metadata["labels"] = labels }
        if let annotations = job[path: ["spec", "template", "metadata", "annotations"]] { metadata["annotations"] = annotations }
        // As the real controller's GetPodFromTemplate: the template's finalizers too.
        if let finalizers = job[path: ["spec", "template", "metadata", "finalizers"]] { metadata["finalizers"] = finalizers }
        let pod: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata),
                         "spec": job[path: ["spec", "template", "spec"]] ?? [:]]
        guard case let .written(created) = await send("POST", "/api/v1/namespaces/\(namespace)/pods", body: pod) else { return false }
        if let uid = created[path: ["metadata", "uid"]]?.stringValue { podAttempts[uid] = attempt }
        return true
    }

    func deletePod(_ pod: JSON) async {
        let name = pod[path: ["metadata", "name"]]?.stringValue ?? ""
        let namespace = pod[path: ["metadata", "namespace"]]?.stringValue ?? ""
        _ = await send("DELETE", "/api/v1/namespaces/\(namespace)/pods/\(name)")
    }
}
