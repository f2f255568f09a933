import Foundation
import KubeCore
import KubeRuntime
import ModelOpsAPI

/// One planning pass: the plan being built and the running picture of active runs.
struct RetrainPass {
    let observation: RetrainPolicyObservation
    let policy: RetrainPolicy
    let spec: RetrainPolicySpec
    let now: Date
    let schedule: CronSchedule?
    var plan: RetrainPolicyPlan
    /// Runs counted as active: observed running ones, plus created, minus deleted in this pass.
    var active: [TrainingJob]

    init(_ observation: RetrainPolicyObservation) {
        self.observation = observation
        policy = observation.policy
        spec = policy.spec
        now = observation.now
        schedule = try? CronSchedule.parsed(spec.schedule, timeZone: spec.timeZone ?? "UTC")
        plan = RetrainPolicyPlan(status: policy.status ?? RetrainPolicyStatus())
        active = observation.jobs.filter(Self.isActive).sorted { $0.metadata.name ?? "" < $1.metadata.name ?? "" }
    }

    var policyName: String { policy.metadata.name ?? "" }
    var suspended: Bool { spec.suspend ?? false }
    var concurrency: RetrainPolicySpec.ConcurrencyPolicy { spec.concurrencyPolicy ?? .forbid }

    static func isActive(_ job: TrainingJob) -> Bool {
        guard job.metadata.deletionTimestamp == nil else { return false }
        switch job.status?.phase {
        case .succeeded?, .failed?: return false
        default: return true
        }
    }

    func exists(_ name: String) -> Bool {
        observation.jobs.contains { $0.metadata.name == name } || plan.create.contains { $0.metadata.name == name }
    }

    mutating func event(_ type: EventType, _ reason: String, _ action: String, _ note: String) {
        plan.events.append(RetrainPolicyPlan.Event(type: type, reason: reason, action: action, note: note))
    }

    mutating func wake(at date: Date) {
        if plan.wakeAt.map({ date < $0 }) ?? true { plan.wakeAt = date }
    }

    // MARK: Starting runs

    /// Whether concurrencyPolicy lets a run start now (Forbid with an active run does not).
    var mayStart: Bool { concurrency != .forbid || active.isEmpty }

    /// Creates the TrainingJob of a run, replacing active runs under Replace.
    mutating func start(_ trigger: RunTrigger, name: String, reason: String, slot: Date? = nil,
                        datasetVersion: String? = nil) {
        if concurrency == .replace {
            for job in active {
                plan.delete.append(job)
                event(.normal, "TrainingJobReplaced", "Delete",
                      "deleted active TrainingJob \(job.metadata.name ?? "") (concurrencyPolicy Replace) to start \(name)")
            }
            active.removeAll()
        }
        let job = makeJob(trigger, name: name, reason: reason, slot: slot, datasetVersion: datasetVersion)
        plan.create.append(job)
        active.append(job)
        plan.status.lastTrigger = RetrainPolicyStatus.LastTrigger(type: trigger, reason: reason, time: KubeTime(now),
                                                                  trainingJob: name)
        event(.normal, "TrainingJobCreated", "Create", "created TrainingJob \(name): \(reason)")
    }

    func makeJob(_ trigger: RunTrigger, name: String, reason: String, slot: Date?, datasetVersion: String?) -> TrainingJob {
        let template = spec.trainingJobTemplate
        var labels = template.metadata?.labels ?? [:]
        labels[RetrainRunNames.policyLabel] = RetrainRunNames.policyLabelValue(policyName)
        labels[RetrainRunNames.triggerLabel] = trigger.rawValue
        var annotations = template.metadata?.annotations ?? [:]
        annotations[RetrainRunNames.reasonAnnotation] = reason
        annotations[RetrainRunNames.triggeredAtAnnotation] = KubeTime(now).rfc3339
        if let slot { annotations[RetrainRunNames.scheduledTimeAnnotation] = KubeTime(slot).rfc3339 }
        let owner = OwnerReference.controller(of: policy)
        var jobSpec = template.spec
        if let datasetVersion { jobSpec.dataset.version = datasetVersion }
        return TrainingJob(metadata: ObjectMeta(name: name, namespace: policy.metadata.namespace, labels: labels,
                                                annotations: annotations, ownerReferences: [owner]),
                           spec: jobSpec)
    }
}
