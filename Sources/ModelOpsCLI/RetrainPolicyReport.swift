import Foundation
import KubeCore
import ModelOpsAPI

/// `status` of a RetrainPolicy: its schedule and next run, what last triggered a run, the promoted
/// model, and its TrainingJobs (active ones, then the past ones newest first) with their results.
struct RetrainPolicyReport: Report {
    var policy: RetrainPolicy
    /// The policy's TrainingJobs, oldest first.
    var jobs: [TrainingJob]
    var now: Date

    static func load(_ policy: RetrainPolicy, session: CLISession) async throws(CLIError) -> RetrainPolicyReport {
        RetrainPolicyReport(policy: policy, jobs: try await session.trainingJobs(of: policy.metadata.name ?? ""), now: Date())
    }

    var status: RetrainPolicyStatus { policy.status ?? RetrainPolicyStatus() }
    var spec: RetrainPolicySpec { policy.spec }

    var activeNames: Set<String> { Set((status.active ?? []).map(\.name)) }
    var active: [TrainingJob] {
        jobs.filter { activeNames.contains($0.metadata.name ?? "")
            || ($0.status?.phase != .succeeded && $0.status?.phase != .failed) }
    }
    var past: [TrainingJob] {
        let running = Set(active.compactMap(\.metadata.name))
        return jobs.filter { !running.contains($0.metadata.name ?? "") }.reversed()
    }

    /// A run as a node: name, outcome and trigger, then its model, metrics and times.
    func jobTree(_ job: TrainingJob) -> TextTree {
        var line = "trainingjob/\(job.metadata.name ?? "")  \(job.outcomeText)"
        if let trigger = job.trigger { line += "  trigger \(trigger)" }
        if status.promoted?.trainingJob == job.metadata.name { line += "  [promoted]" }
        var children: [TextTree] = []
        if let model = job.status?.model {
            children.append(TextTree("model \(model.version)\(model.uri.map { " → \($0)" } ?? "")"))
        }
        if job.status?.metrics != nil { children.append(TextTree("metrics: \(Format.metrics(job.status?.metrics))")) }
        if let done = job.status?.completionTime {
            children.append(TextTree("finished \(Format.time(done, now: now)) after \(Format.duration(from: job.status?.startTime, to: done))"))
        } else {
            children.append(TextTree("started \(Format.time(job.status?.startTime ?? job.metadata.creationTimestamp, now: now))"))
        }
        return TextTree(line, children)
    }

    func text(width: Int) -> String {
        let meta = policy.metadata
        var nodes: [TextTree] = []
        nodes.append(TextTree("model deployment: modeldeployment/\(spec.modelDeploymentRef.name)"))
        var schedule = "schedule \"\(spec.schedule)\" (\(spec.timeZone ?? "UTC"))"
        if spec.suspend ?? false {
            schedule += "  suspended: no scheduled or triggered runs start"
        } else {
            schedule += "  next run \(Format.time(status.nextScheduleTime, now: now))"
        }
        if let last = status.lastScheduleTime { schedule += "  last scheduled \(Format.time(last, now: now))" }
        nodes.append(TextTree(schedule))
        var settings = "suspend \(spec.suspend ?? false), promotion \((spec.promotion ?? .automatic).rawValue), "
            + "concurrency \((spec.concurrencyPolicy ?? .forbid).rawValue)"
        if let cooldown = spec.cooldown { settings += ", cooldown \(cooldown)" }
        if let missed = status.missedRuns, missed > 0 { settings += ", \(missed) missed run\(missed == 1 ? "" : "s")" }
        nodes.append(TextTree(settings))
        if let trigger = status.lastTrigger {
            var line = "last trigger: \(trigger.type.rawValue)"
            if let job = trigger.trainingJob { line += " → trainingjob/\(job)" }
            nodes.append(TextTree(line, [TextTree("\(Format.time(trigger.time, now: now))\(trigger.reason.map { ": \($0)" } ?? "")")]))
        } else {
            nodes.append(TextTree("last trigger: none yet"))
        }
        if let promoted = status.promoted {
            nodes.append(TextTree("promoted: \(promoted.name.map { "\($0) " } ?? "")\(promoted.version)  \(promoted.uri)"
                                  + (promoted.trainingJob.map { "  from trainingjob/\($0)" } ?? "")
                                  + "  \(Format.time(promoted.time, now: now))"))
        } else {
            nodes.append(TextTree("promoted: nothing yet"))
        }
        let activeJobs = active
        nodes.append(TextTree("active trainingjobs\(activeJobs.isEmpty ? ": none" : "")", activeJobs.map(jobTree)))
        let pastJobs = past
        nodes.append(TextTree("past trainingjobs\(pastJobs.isEmpty ? ": none" : " (newest first)")", pastJobs.map(jobTree)))
        if let conditions = Format.conditionsTree(status.conditions) { nodes.append(conditions) }
        let ready = status.conditions?.first { $0.type == "Ready" }
        let header = "retrainpolicy/\(meta.name ?? "")  namespace \(meta.namespace ?? "")  "
            + (ready.map { $0.status == .true ? $0.reason : "NotReady (\($0.reason))" } ?? "Unknown")
        return TextTree(header, nodes).render(width: width)
    }

    var json: JSON {
        let meta = policy.metadata
        var trigger: JSON = .null
        if let t = status.lastTrigger {
            trigger = ["type": .string(t.type.rawValue), "reason": Format.string(t.reason), "time": .string(t.time.rfc3339),
                       "trainingJob": Format.string(t.trainingJob)]
        }
        return [
            "kind": "RetrainPolicy", "name": Format.string(meta.name), "namespace": Format.string(meta.namespace),
            "modelDeployment": .string(spec.modelDeploymentRef.name),
            "schedule": .string(spec.schedule), "timeZone": .string(spec.timeZone ?? "UTC"),
            "nextScheduleTime": Format.time(status.nextScheduleTime), "lastScheduleTime": Format.time(status.lastScheduleTime),
            "suspend": .bool(spec.suspend ?? false), "promotion": .string((spec.promotion ?? .automatic).rawValue),
            "concurrencyPolicy": .string((spec.concurrencyPolicy ?? .forbid).rawValue),
            "missedRuns": Format.int64(status.missedRuns), "lastTrigger": trigger,
            "promoted": Format.encoded(status.promoted), "lastSuccessful": Format.encoded(status.lastSuccessful),
            "active": .array(active.map { $0.summaryJSON }),
            "past": .array(past.map { $0.summaryJSON }),
            "conditions": Format.conditionsJSON(status.conditions),
        ]
    }
}
