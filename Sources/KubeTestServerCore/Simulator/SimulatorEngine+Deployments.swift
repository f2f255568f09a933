import KubeCore

/// What the simulated deployment controller remembers about one Deployment's current rollout
/// (the real one keeps this in ReplicaSets, which this server does not simulate).
struct DeploymentRollout {
    var uid: String
    var generation: Int64
    var template: JSON
    var revision: Int
    /// When this generation was first seen: readiness delay and progress deadline count from here.
    var startedAt: ContinuousClock.Instant
    /// Available pods of the previous state that keep serving while the rollout is under way.
    var previousAvailable: Int
    /// Whether this rollout replaces the pod template (new ReplicaSet, surge pods) or only scales.
    var templateChanged: Bool
    var completed: Bool
    var deadlineForced = false
}

extension SimulatorEngine {
    static let revisionAnnotation = "deployment.kubernetes.io/revision"

    /// Deployment status as the deployment controller writes it once the ReplicaSet's pods are
    /// (or are not) available: replicas counts, observedGeneration, the revision annotation and
    /// the Available/Progressing conditions.
    func reconcileDeployment(_ key: ObjectKey) async {
        guard let deployment = stored(WorkloadSimulator.deploymentsKey, key) else {
            rollouts[key] = nil
            forcedDeadlines.remove(key)
            cancelTimer(.deployment(key))
            return
        }
        guard deployment[path: ["metadata", "deletionTimestamp"]] == nil else { return }
        let uid = deployment[path: ["metadata", "uid"]]?.stringValue ?? ""
        let generation = deployment[path: ["metadata", "generation"]]?.intValue ?? 1
        let template = deployment[path: ["spec", "template"]] ?? [:]
        let status = deployment["status"] ?? [:]
        let storedRevision = deployment[path: ["metadata", "annotations", Self.revisionAnnotation]]?.stringValue.flatMap { Int($0) } ?? 0
        let specReplicas = Int(max(0, deployment[path: ["spec", "replicas"]]?.intValue ?? 1))
        let available = Int(max(0, status["availableReplicas"]?.intValue ?? 0))

        var rollout: DeploymentRollout
        if var known = rollouts[key], known.uid == uid {
            if known.generation != generation {
                let changed = known.template != template
                if changed {
                    known.revision = max(known.revision, storedRevision) + 1
                    known.template = template
                }
                known.templateChanged = changed
                known.previousAvailable = Self.isRecreate(deployment) && changed ? 0 : available
                known.generation = generation
                known.startedAt = now
                known.completed = false
                known.deadlineForced = false
            }
            rollout = known
        } else {
            // First sight: a new Deployment, or one the simulator finds after a (re)start.
            let done = status["observedGeneration"]?.intValue == generation && available >= specReplicas
                && ConditionEdit.isTrue(status["conditions"]?.arrayValue ?? [], "Available")
            rollout = DeploymentRollout(uid: uid, generation: generation, template: template,
                                        revision: max(storedRevision, 1), startedAt: now,
                                        previousAvailable: done ? available : 0, templateChanged: !done,
                                        completed: done)
        }
        if forcedDeadlines.remove(key) != nil { rollout.deadlineForced = true }

        let behaviour = SimulationAnnotations(metadataOf: template)
        let readyDelay = behaviour.readyAfterSeconds.map { options.scaled(seconds: $0) } ?? options.scaled(options.deploymentReadyDelay)
        let readyAt = rollout.startedAt + readyDelay
        if !rollout.completed, !behaviour.neverReady, specReplicas == 0 || now >= readyAt {
            rollout.completed = true
        }
        let deadlineSeconds = deployment[path: ["spec", "progressDeadlineSeconds"]]?.intValue
        let deadlineAt = deadlineSeconds.flatMap { $0 >= Int64(Int32.max) ? nil : rollout.startedAt + options.scaled(seconds: Double($0)) }
        let deadlinePassed = !rollout.completed && (rollout.deadlineForced || deadlineAt.map { now >= $0 } == true)
        rollouts[key] = rollout

        if rollout.completed {
            cancelTimer(.deployment(key))
        } else {
            let next = [behaviour.neverReady ? nil : readyAt, deadlinePassed ? nil : deadlineAt].compactMap { $0 }.min()
            if let next { wake(.deployment(key), at: next) } else { cancelTimer(.deployment(key)) }
        }

        let newStatus = Self.deploymentStatus(deployment, rollout: rollout, deadlinePassed: deadlinePassed, now: timestamp)
        let revision = String(rollout.revision)
        if newStatus == status, deployment[path: ["metadata", "annotations", Self.revisionAnnotation]]?.stringValue == revision {
            return
        }
        var updated = deployment
        updated["status"] = newStatus
        updated[path: ["metadata", "annotations", Self.revisionAnnotation]] = .string(revision)
        if updated[path: ["metadata", "annotations"]] == nil {
            updated[path: ["metadata", "annotations"]] = [Self.revisionAnnotation: .string(revision)]
        }
        await updateStatus(updated, basePath: "/apis/apps/v1/namespaces/\(key.namespace)/deployments", name: key.name,
                           retry: .deployment(key))
    }

    static func deploymentStatus(_ deployment: JSON, rollout: DeploymentRollout, deadlinePassed: Bool, now: String) -> JSON {
        let status = deployment["status"] ?? [:]
        let name = deployment[path: ["metadata", "name"]]?.stringValue ?? ""
        let spec = Int(max(0, deployment[path: ["spec", "replicas"]]?.intValue ?? 1))
        let replicaSet = "\(name)-\(PodTemplateHash.hash(rollout.template))"
        var replicas = spec, updated = spec, available = spec
        if !rollout.completed {
            let old = min(rollout.previousAvailable, spec)
            available = old
            replicas = rollout.templateChanged ? spec + old : spec
            updated = spec
        }
        let unavailable = max(0, spec - available)
        var result: [String: JSON] = ["observedGeneration": .int(rollout.generation), "terminatingReplicas": 0]
        for (field, value) in [("replicas", replicas), ("updatedReplicas", updated), ("readyReplicas", available),
                               ("availableReplicas", available), ("unavailableReplicas", unavailable)] where value != 0 {
            result[field] = .int(Int64(value))
        }
        var conditions = status["conditions"]?.arrayValue ?? []
        if available >= spec - maxUnavailable(deployment) {
            ConditionEdit.setDeployment(&conditions, type: "Available", status: "True", reason: "MinimumReplicasAvailable",
                                        message: "Deployment has minimum availability.", now: now)
        } else {
            ConditionEdit.setDeployment(&conditions, type: "Available", status: "False", reason: "MinimumReplicasUnavailable",
                                        message: "Deployment does not have minimum availability.", now: now)
        }
        if rollout.completed {
            ConditionEdit.setDeployment(&conditions, type: "Progressing", status: "True", reason: "NewReplicaSetAvailable",
                                        message: "ReplicaSet \"\(replicaSet)\" has successfully progressed.", now: now)
        } else if deadlinePassed {
            ConditionEdit.setDeployment(&conditions, type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded",
                                        message: "ReplicaSet \"\(replicaSet)\" has timed out progressing.", now: now)
        } else {
            ConditionEdit.setDeployment(&conditions, type: "Progressing", status: "True", reason: "ReplicaSetUpdated",
                                        message: "ReplicaSet \"\(replicaSet)\" is progressing.", now: now)
        }
        result["conditions"] = .array(conditions)
        // Fields other writers put into status stay (collisionCount and the like).
        for (field, value) in status.objectValue ?? [:] where result[field] == nil && !Self.deploymentCountFields.contains(field) {
            result[field] = value
        }
        return .object(result)
    }

    static let deploymentCountFields: Set<String> = ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"]

    static func isRecreate(_ deployment: JSON) -> Bool {
        deployment[path: ["spec", "strategy", "type"]]?.stringValue == "Recreate"
    }

    /// `deploymentutil.MaxUnavailable`: rolling updates only; percentages of replicas round
    /// down (surge rounds up), and when both resolve to 0 one pod may be unavailable.
    static func maxUnavailable(_ deployment: JSON) -> Int {
        let spec = Int(max(0, deployment[path: ["spec", "replicas"]]?.intValue ?? 1))
        guard !isRecreate(deployment), spec > 0 else { return 0 }
        let rolling = deployment[path: ["spec", "strategy", "rollingUpdate"]]
        func resolve(_ value: JSON?, default fallback: String, roundUp: Bool) -> Int {
            let v = value ?? .string(fallback)
            if let i = v.intValue { return Int(max(0, i)) }
            if let s = v.stringValue, s.hasSuffix("%"), let p = Double(s.dropLast()) {
                let exact = p * Double(spec) / 100
                return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
            }
            return 0
        }
        let surge = resolve(rolling?["maxSurge"], default: "25%", roundUp: true)
        var unavailable = resolve(rolling?["maxUnavailable"], default: "25%", roundUp: false)
        if surge == 0, unavailable == 0 { unavailable = 1 }
        return min(unavailable, spec)
    }
}
