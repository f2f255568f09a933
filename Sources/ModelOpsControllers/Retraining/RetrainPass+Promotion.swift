import Foundation
import KubeCore
import KubeRuntime
import ModelOpsAPI

extension RetrainPass {
    static let promotedCondition = "Promoted"

    /// When a finished job finished (its creation when it never said).
    static func finished(_ job: TrainingJob) -> Date {
        (job.status?.completionTime ?? job.metadata.creationTimestamp)?.date ?? .distantPast
    }

    /// Newest first: by when they finished, then by when they were created, then the run this
    /// policy triggered last (`lastTrigger`), then by name, so the order never depends on the
    /// cache. Times have whole seconds, and on a fast trainer (or the simulator) two runs can be
    /// created and finish within one second: without these the name's hash decided, and a newer
    /// run could lose to the one it followed.
    static func newestFirst(_ a: TrainingJob, _ b: TrainingJob, lastTriggered: String?) -> Bool {
        let (ta, tb) = (finished(a), finished(b))
        if ta != tb { return ta > tb }
        let (ca, cb) = (a.metadata.creationTimestamp?.date ?? .distantPast, b.metadata.creationTimestamp?.date ?? .distantPast)
        if ca != cb { return ca > cb }
        let (la, lb) = (a.metadata.name == lastTriggered, b.metadata.name == lastTriggered)
        if la != lb { return la }
        return (a.metadata.name ?? "") > (b.metadata.name ?? "")
    }

    /// `newestFirst` with this pass's last trigger.
    func newestFirst(_ a: TrainingJob, _ b: TrainingJob) -> Bool {
        Self.newestFirst(a, b, lastTriggered: plan.status.lastTrigger?.trainingJob)
    }

    /// Why `job` cannot be promoted, or nil when it can.
    func unpromotable(_ job: TrainingJob) -> String? {
        guard job.metadata.deletionTimestamp == nil else { return "it is being deleted" }
        guard job.status?.phase == .succeeded else { return "it has not succeeded (phase \(job.status?.phase?.rawValue ?? "Pending"))" }
        guard job.status?.conditions?.isTrue("Validated") == true else { return "its model is not Validated" }
        guard let model = job.status?.model, model.uri != nil else { return "it reported no model URI" }
        if observation.rejectedVersions.contains(model.version) {
            return "version \(model.version) was rolled back by a ModelDeployment"
        }
        return nil
    }

    mutating func promote(_ job: TrainingJob, how: String) {
        guard let model = job.status?.model, let uri = model.uri else { return }
        let name = job.metadata.name ?? ""
        plan.status.promoted = RetrainPolicyStatus.PromotedModel(name: model.name, version: model.version, uri: uri,
                                                                 trainingJob: name, time: KubeTime(now))
        event(.normal, "Promoted", "Promote", "promoted \(model.name) version \(model.version) (\(uri)) from TrainingJob \(name) (\(how))")
    }

    mutating func promotion() {
        let validated = observation.jobs
            .filter { $0.metadata.deletionTimestamp == nil && $0.status?.phase == .succeeded
                && $0.status?.conditions?.isTrue("Validated") == true && $0.status?.model?.uri != nil }
            .sorted { newestFirst($0, $1) }
        if let newest = validated.first, let model = newest.status?.model {
            plan.status.lastSuccessful = RetrainPolicyStatus.SuccessfulRun(
                trainingJob: newest.metadata.name ?? "", version: model.version, uri: model.uri,
                completionTime: newest.status?.completionTime)
        }

        if let token = policy.metadata.annotations?[RetrainRunNames.promoteAnnotation], !token.isEmpty,
           token != plan.status.lastPromoteRequest {
            plan.status.lastPromoteRequest = token
            if let job = observation.jobs.first(where: { $0.metadata.name == token }) {
                if let why = unpromotable(job) {
                    event(.warning, "PromoteRefused", "Promote", "cannot promote TrainingJob \(token): \(why)")
                } else if plan.status.promoted?.trainingJob != token {
                    promote(job, how: "\(RetrainRunNames.promoteAnnotation) request")
                }
            } else {
                event(.warning, "PromoteRefused", "Promote", "cannot promote TrainingJob \(token): no such TrainingJob of this policy")
            }
        }

        if (spec.promotion ?? .automatic) == .automatic {
            // Only a run newer than the promoted one, in the order above (its time when that run is gone).
            let promoted = plan.status.promoted
            let baseline = promoted.flatMap { p in observation.jobs.first { $0.metadata.name == p.trainingJob } }
            let since = promoted?.time?.date ?? .distantPast
            if let job = validated.first(where: { job in
                unpromotable(job) == nil && job.metadata.name != promoted?.trainingJob
                    && (baseline.map { newestFirst(job, $0) } ?? (Self.finished(job) > since))
            }) {
                promote(job, how: "promotion Automatic")
            }
        }

        if let promoted = plan.status.promoted {
            let rejected = observation.rejectedVersions.contains(promoted.version)
            let condition = Condition(
                type: Self.promotedCondition, status: rejected ? .false : .true, observedGeneration: policy.metadata.generation,
                lastTransitionTime: KubeTime(now), reason: rejected ? "RolledBack" : "Promoted",
                message: rejected ? "version \(promoted.version) was rolled back by a ModelDeployment; waiting for a newer validated model"
                    : "version \(promoted.version) from TrainingJob \(promoted.trainingJob ?? "")")
            plan.status.conditions = Condition.setting(condition, in: plan.status.conditions ?? [])
        } else if validated.contains(where: { unpromotable($0) == nil }) {
            let condition = Condition(type: Self.promotedCondition, status: .false, observedGeneration: policy.metadata.generation,
                                      lastTransitionTime: KubeTime(now), reason: "WaitingForPromote",
                                      message: "a validated model waits for \(RetrainRunNames.promoteAnnotation) (promotion Manual)")
            plan.status.conditions = Condition.setting(condition, in: plan.status.conditions ?? [])
        }
    }

    // MARK: History

    mutating func history() {
        let kept = plan.status.promoted?.trainingJob
        let finished = observation.jobs.filter { $0.metadata.deletionTimestamp == nil && !Self.isActive($0) }
        let limits: [(TrainingJobStatus.Phase, Int, String)] = [
            (.succeeded, spec.successfulHistoryLimit ?? RetrainPolicyPlanner.defaultSuccessfulHistoryLimit, "successfulHistoryLimit"),
            (.failed, spec.failedHistoryLimit ?? RetrainPolicyPlanner.defaultFailedHistoryLimit, "failedHistoryLimit"),
        ]
        for (phase, limit, field) in limits {
            let jobs = finished.filter { $0.status?.phase == phase }.sorted { newestFirst($0, $1) }
            guard jobs.count > limit else { continue }
            // Oldest first, so a deletion that fails half-way has removed the right ones.
            for job in jobs.dropFirst(max(0, limit)).reversed() where job.metadata.name != kept
                && !plan.delete.contains(where: { $0.metadata.name == job.metadata.name }) {
                plan.delete.append(job)
                event(.normal, "TrainingJobPruned", "Delete",
                      "deleted \(phase.rawValue) TrainingJob \(job.metadata.name ?? "") (\(field) \(limit))")
            }
        }
    }

    // MARK: Status

    mutating func finish() {
        let deleted = Set(plan.delete.compactMap(\.metadata.name))
        let running = active.filter { !deleted.contains($0.metadata.name ?? "") }
            .sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        plan.status.active = running.isEmpty ? nil
            : running.map { RetrainPolicyStatus.ActiveTrainingJob(name: $0.metadata.name ?? "", uid: $0.metadata.uid) }
        plan.status.activeCount = running.count
        plan.status.nextScheduleTime = suspended ? nil : schedule?.next(after: now).map(KubeTime.init)
        plan.status.observedGeneration = policy.metadata.generation
        let ready = Condition(
            type: SpecConditions.ready, status: .true, observedGeneration: policy.metadata.generation,
            lastTransitionTime: KubeTime(now), reason: suspended ? "Suspended" : "Scheduling",
            message: suspended ? "suspended: no scheduled or triggered runs start"
                : "runs on schedule \(spec.schedule) (\(spec.timeZone ?? "UTC"))\((spec.triggers ?? []).isEmpty ? "" : " and on \(spec.triggers!.count) trigger(s)")")
        plan.status.conditions = Condition.setting(ready, in: plan.status.conditions ?? [])
    }
}
