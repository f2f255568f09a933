import Foundation
import KubeCore
import KubeRuntime
import ModelOpsAPI

extension RetrainPass {
    // MARK: Manual retrain

    mutating func manualRetrain() {
        guard let token = policy.metadata.annotations?[RetrainRunNames.retrainAnnotation], !token.isEmpty,
              token != plan.status.lastRetrainRequest else { return }
        plan.status.lastRetrainRequest = token
        let name = RetrainRunNames.manual(policy: policyName, token: token)
        guard !exists(name) else { return }  // acted on before a crash lost the status write
        guard mayStart else {
            let running = active.compactMap(\.metadata.name).joined(separator: ", ")
            event(.warning, "RetrainRefused", "Retrain",
                  "retrain request \"\(token)\" refused: \(running) still running and concurrencyPolicy is Forbid")
            return
        }
        start(.manual, name: name, reason: "\(RetrainRunNames.retrainAnnotation)=\(token)")
    }

    // MARK: Schedule

    mutating func scheduledRuns() {
        guard let schedule else { return }
        let accounted = [plan.status.lastScheduleTime, plan.status.lastMissedScheduleTime].compactMap { $0 }.max()
        // Counted from creation (never from after now: the API server's clock may run ahead).
        let cursor = accounted?.date ?? min(policy.metadata.creationTimestamp?.date ?? now, now)
        let due = schedule.slots(after: cursor, upTo: now, limit: RetrainPolicyPlanner.missedCountLimit)
        if let next = schedule.next(after: now) { wake(at: next) }
        guard let slot = due.mostRecent else { return }
        let older = due.count - 1
        let name = RetrainRunNames.scheduled(policy: policyName, slot: slot)
        var skipped: String?
        if exists(name) {
            // Created before a crash or by the previous leader: that slot ran.
        } else if suspended {
            skipped = "the policy is suspended"
        } else if let deadline = spec.startingDeadlineSeconds, now.timeIntervalSince(slot) > Double(deadline) {
            skipped = "it is more than startingDeadlineSeconds (\(deadline)) past"
        } else if !mayStart {
            skipped = "\(active.compactMap(\.metadata.name).joined(separator: ", ")) is still running (concurrencyPolicy Forbid)"
        }
        let missed = older + (skipped == nil ? 0 : 1)
        if missed > 0 {
            plan.status.missedRuns = (plan.status.missedRuns ?? 0) + Int64(missed)
            let count = "\(missed)\(due.isCapped ? "+" : "") scheduled run\(missed == 1 ? "" : "s")"
            let why = skipped.map { "the run due at \(KubeTime(slot).rfc3339) was skipped because \($0)" }
                ?? "only the latest, due at \(KubeTime(slot).rfc3339), runs"
            event(.warning, "MissedSchedule", "Schedule", "missed \(count); \(why)")
        }
        if skipped == nil {
            plan.status.lastScheduleTime = KubeTime(slot)
            if !exists(name) {
                start(.schedule, name: name, reason: "schedule \(schedule) at \(KubeTime(slot).rfc3339)", slot: slot)
            }
        } else {
            plan.status.lastMissedScheduleTime = KubeTime(slot)
        }
    }
}
