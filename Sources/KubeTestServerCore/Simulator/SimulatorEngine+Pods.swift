import KubeCore

/// What the simulated kubelet remembers about one pod it runs.
struct PodRun {
    var uid: String
    var firstSeen: ContinuousClock.Instant
    /// When the current attempt's containers started (nil while still Pending).
    var attemptStartedAt: ContinuousClock.Instant?
    var attemptStartedWall: String = ""
    var podStartedWall: String = ""
    /// 1-based: decides how the attempt ends (`fail-attempts`).
    var attempt: Int
    var restarts: Int = 0
    /// The previous attempt's end, shown as `lastState.terminated` after a restart.
    var lastTermination: JSON? = nil
}

extension SimulatorEngine {
    /// Scheduler and kubelet: Pending (unschedulable when asked) → Running (Ready when the
    /// annotations allow) → for run-to-completion pods Succeeded or Failed with the exit code
    /// and termination message asked for; `OnFailure` pods restart in place instead of failing.
    func reconcilePod(_ key: ObjectKey) async {
        guard let pod = stored(WorkloadSimulator.podsKey, key) else {
            podRuns[key] = nil
            cancelTimer(.pod(key))
            return
        }
        let uid = pod[path: ["metadata", "uid"]]?.stringValue ?? ""
        guard pod[path: ["metadata", "deletionTimestamp"]] == nil else { return }
        let status = pod["status"] ?? [:]
        if Self.isTerminal(pod) {
            podRuns[key] = nil
            podAttempts[uid] = nil
            cancelTimer(.pod(key))
            return
        }
        let behaviour = SimulationAnnotations(metadataOf: pod)
        let path = "/api/v1/namespaces/\(key.namespace)/pods"
        if let unschedulable = behaviour.unschedulable {
            let desired = Self.unschedulableStatus(pod, value: unschedulable, now: timestamp)
            if desired != status {
                var updated = pod
                updated["status"] = desired
                await updateStatus(updated, basePath: path, name: key.name, retry: .pod(key), agent: "kube-scheduler")
            }
            return
        }

        var run: PodRun
        if let known = podRuns[key], known.uid == uid {
            run = known
        } else {
            run = PodRun(uid: uid, firstSeen: now, attempt: podAttempts[uid] ?? 1)
            if Self.phase(pod) == "Running" {
                // Found running (simulator restart): carry on from what the status says.
                let first = status["containerStatuses"]?[0]
                run.restarts = Int(first?["restartCount"]?.intValue ?? 0)
                run.attempt += run.restarts
                run.attemptStartedAt = now
                run.attemptStartedWall = first?[path: ["state", "running", "startedAt"]]?.stringValue ?? timestamp
                run.podStartedWall = status["startTime"]?.stringValue ?? timestamp
                run.lastTermination = first?[path: ["lastState", "terminated"]]
            }
        }
        if run.attemptStartedAt == nil {
            let startAt = run.firstSeen + options.scaled(options.podStartDelay)
            if now < startAt {
                podRuns[key] = run
                wake(.pod(key), at: startAt)
                return
            }
            run.attemptStartedAt = now
            run.attemptStartedWall = timestamp
            run.podStartedWall = status["startTime"]?.stringValue ?? timestamp
        }
        let started = run.attemptStartedAt ?? now
        let restartPolicy = pod[path: ["spec", "restartPolicy"]]?.stringValue ?? "Always"
        let runsToCompletion = restartPolicy != "Always"
        let runFor = behaviour.runSeconds.map { options.scaled(seconds: $0) } ?? options.scaled(options.podRunDuration)
        let readyAfter = behaviour.readyAfterSeconds.map { options.scaled(seconds: $0) } ?? .zero

        var desired: JSON
        if runsToCompletion, now >= started + runFor {
            var outcome = behaviour.outcome(attempt: run.attempt)
            if outcome.exitCode == 0, outcome.message == nil, let write = options.terminationMessage {
                outcome.message = write(pod, api)
            }
            let terminated = Self.terminatedState(exitCode: outcome.exitCode, message: outcome.message, behaviour: behaviour,
                                                  startedAt: run.attemptStartedWall, finishedAt: timestamp)
            if outcome.exitCode != 0, restartPolicy == "OnFailure" {
                run.restarts += 1
                run.attempt += 1
                run.lastTermination = terminated
                run.attemptStartedAt = now
                run.attemptStartedWall = timestamp
                let readyNow = !behaviour.neverReady && readyAfter == .zero
                desired = runningStatus(pod, run: run, ready: readyNow)
                wake(.pod(key), at: readyNow || behaviour.neverReady ? now + runFor : min(now + runFor, now + readyAfter))
            } else {
                desired = finishedStatus(pod, run: run, terminated: terminated, succeeded: outcome.exitCode == 0)
                cancelTimer(.pod(key))
            }
        } else {
            let ready = !behaviour.neverReady && now >= started + readyAfter
            desired = runningStatus(pod, run: run, ready: ready)
            var next: [ContinuousClock.Instant] = []
            if runsToCompletion { next.append(started + runFor) }
            if !ready, !behaviour.neverReady { next.append(started + readyAfter) }
            if let first = next.min() { wake(.pod(key), at: first) } else { cancelTimer(.pod(key)) }
        }
        podRuns[key] = run
        if desired != status {
            var updated = pod
            updated["status"] = desired
            await updateStatus(updated, basePath: path, name: key.name, retry: .pod(key), agent: "kubelet")
        }
    }

    static func terminatedState(exitCode: Int, message: String?, behaviour: SimulationAnnotations, startedAt: String, finishedAt: String) -> JSON {
        var terminated: JSON = ["exitCode": .int(Int64(exitCode)), "reason": .string(behaviour.reason(exitCode: exitCode)),
                                "startedAt": .string(startedAt), "finishedAt": .string(finishedAt)]
        if let message, !message.isEmpty { terminated["message"] = .string(SimulationAnnotations.truncatedMessage(message)) }
        return terminated
    }

    func runningStatus(_ pod: JSON, run: PodRun, ready: Bool) -> JSON {
        let containers = pod[path: ["spec", "containers"]]?.arrayValue ?? []
        let statuses: [JSON] = containers.enumerated().map { index, container in
            var s = containerStatus(pod, container, ready: ready, started: true,
                                    state: ["running": ["startedAt": .string(run.attemptStartedWall)]])
            if index == 0 {
                s["restartCount"] = .int(Int64(run.restarts))
                if let last = run.lastTermination { s["lastState"] = ["terminated": last] }
            }
            return s
        }
        return podStatus(pod, run: run, phase: "Running", conditions: [
            .init(type: "PodScheduled", status: true), .init(type: "Initialized", status: true),
            .init(type: "ContainersReady", status: ready), .init(type: "Ready", status: ready),
        ], containerStatuses: statuses)
    }

    func finishedStatus(_ pod: JSON, run: PodRun, terminated: JSON, succeeded: Bool) -> JSON {
        let containers = pod[path: ["spec", "containers"]]?.arrayValue ?? []
        let statuses: [JSON] = containers.enumerated().map { index, container in
            var state = terminated
            if index > 0 {
                // Other containers end cleanly with the pod.
                state = ["exitCode": 0, "reason": "Completed", "startedAt": terminated["startedAt"] ?? "", "finishedAt": terminated["finishedAt"] ?? ""]
            }
            var s = containerStatus(pod, container, ready: false, started: false, state: ["terminated": state])
            if index == 0 {
                s["restartCount"] = .int(Int64(run.restarts))
                if let last = run.lastTermination { s["lastState"] = ["terminated": last] }
            }
            return s
        }
        let reason = succeeded ? "PodCompleted" : "PodFailed"
        return podStatus(pod, run: run, phase: succeeded ? "Succeeded" : "Failed", conditions: [
            .init(type: "PodScheduled", status: true), .init(type: "Initialized", status: true, reason: reason),
            .init(type: "ContainersReady", status: false, reason: reason), .init(type: "Ready", status: false, reason: reason),
        ], containerStatuses: statuses)
    }

    func podStatus(_ pod: JSON, run: PodRun, phase: String, conditions: [ConditionEdit.PodCondition], containerStatuses: [JSON]) -> JSON {
        let status = pod["status"] ?? [:]
        let ip = PodTemplateHash.podIP(uid: run.uid)
        var result: JSON = [
            "phase": .string(phase),
            "conditions": .array(ConditionEdit.pod(conditions, existing: status["conditions"]?.arrayValue ?? [], now: timestamp)),
            "hostIP": "10.1.0.1", "hostIPs": [["ip": "10.1.0.1"]],
            "podIP": .string(ip), "podIPs": [["ip": .string(ip)]],
            "startTime": .string(run.podStartedWall),
            "containerStatuses": .array(containerStatuses),
        ]
        result["qosClass"] = status["qosClass"] ?? "BestEffort"
        return result
    }

    func containerStatus(_ pod: JSON, _ container: JSON, ready: Bool, started: Bool, state: JSON) -> JSON {
        let image = container["image"]?.stringValue ?? ""
        let behaviour = SimulationAnnotations(metadataOf: pod)
        return [
            "name": container["name"] ?? "", "state": state, "lastState": [:], "ready": .bool(ready), "restartCount": 0,
            "image": .string(image), "imageID": .string(Self.imageID(image: image, digest: behaviour.imageDigest)),
            "started": .bool(started),
        ]
    }

    /// `docker-pullable://<repository>@sha256:<hex>`: the digest asked for, the image's own
    /// digest when it is pinned, else one derived from the image name.
    static func imageID(image: String, digest: String?) -> String {
        var repository = image
        var pinned: String? = nil
        if let at = image.firstIndex(of: "@") {
            repository = String(image[..<at])
            pinned = String(image[image.index(after: at)...])
        } else {
            let nameStart = image.lastIndex(of: "/").map { image.index(after: $0) } ?? image.startIndex
            if let colon = image[nameStart...].firstIndex(of: ":") { repository = String(image[..<colon]) }
        }
        var chosen = digest ?? pinned ?? "sha256:" + PodTemplateHash.pseudoDigest(image)
        if !chosen.contains(":") { chosen = "sha256:" + chosen }
        return "docker-pullable://\(repository)@\(chosen)"
    }

    /// The scheduler's verdict on a pod that fits no node.
    static func unschedulableStatus(_ pod: JSON, value: String, now: String) -> JSON {
        let status = pod["status"] ?? [:]
        var message = value
        if value.lowercased() == "true" {
            var resource = "cpu"
            outer: for container in pod[path: ["spec", "containers"]]?.arrayValue ?? [] {
                for section in ["requests", "limits"] {
                    if let name = container[path: ["resources", section]]?.objectValue?.keys.sorted().first(where: { $0.contains("/") }) {
                        resource = name
                        break outer
                    }
                }
            }
            message = "0/1 nodes are available: 1 Insufficient \(resource)."
        }
        var result: JSON = [
            "phase": "Pending",
            "conditions": .array(ConditionEdit.pod([.init(type: "PodScheduled", status: false, reason: "Unschedulable", message: message)],
                                                   existing: status["conditions"]?.arrayValue ?? [], now: now)),
        ]
        result["qosClass"] = status["qosClass"] ?? "BestEffort"
        return result
    }
}
