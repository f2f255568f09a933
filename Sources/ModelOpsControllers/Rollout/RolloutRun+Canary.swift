import Foundation
import KubeCore
import ModelOpsAPI

/// The Canary strategy: `setWeight`, `pause` and `analysis` steps in order, then full weight, the
/// bake window and promotion. A weight moves only once the candidate runs the pods it needs.
extension RolloutRun {
    mutating func advanceCanary() {
        if take(.promoteFull), var canary = status.canary {
            // Past every step and past the bake window: straight to full weight and promotion.
            canary.step = steps.count + 1
            canary.stepStartedAt = kubeNow
            status.canary = canary
            event("PromotedFull", "\(canary.version) promoted to full weight by request, skipping remaining steps")
        }
        for _ in 0...(steps.count + 2) {
            guard var canary = status.canary else { return }
            // Each step starts from a split that is in effect (a gateway accepted the route).
            guard trafficInEffect() else { return }
            let index = canary.step ?? 0
            if index < steps.count {
                let step = steps[index]
                if let weight = step.setWeight {
                    candidateReplicas = candidateCount(weight: weight)
                    guard candidateReady(candidateReplicas) else { waitForCandidate(); return }
                    if canary.weight != weight {
                        event("WeightChanged", "\(canary.version) receives \(weight)% of traffic")
                        trafficChanged = true
                    }
                    canary.weight = weight
                    next(&canary)
                    continue
                }
                candidateReplicas = candidateCount(weight: canary.weight ?? 0)
                if let pause = step.pause {
                    if let text = pause.duration, let duration = try? GoDuration.parse(text) {
                        let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(duration.timeInterval)
                        if now >= end || take(.promote) { next(&canary); continue }
                        setPhase(.progressing, "step \(index + 1)/\(steps.count): pausing for \(text) at \(canary.weight ?? 0)%")
                        wait(.seconds(end.timeIntervalSince(now)))
                        return
                    }
                    if take(.promote) { next(&canary); continue }
                    setPhase(.paused, "step \(index + 1)/\(steps.count): paused at \(canary.weight ?? 0)% until promoted")
                    return
                }
                if let analysis = step.analysis {
                    switch analysisVerdict(name: "step-\(index)", metrics: analysis.metrics) {
                    case .successful: next(&canary); continue
                    case .pending(let message):
                        if take(.promote) { next(&canary); continue }
                        setPhase(.progressing, "step \(index + 1)/\(steps.count): \(message)")
                        return
                    case .stopped(let message):
                        if take(.promote) { next(&canary); continue }
                        setPhase(.paused, "step \(index + 1)/\(steps.count): \(message); promote to continue or abort to roll back")
                        return
                    case .failed(let message):
                        rollBack(reason: "AnalysisFailed", message: message)
                        return
                    }
                }
                next(&canary)
                continue
            }
            // All steps done: full weight, then the bake window, then promotion.
            candidateReplicas = total
            guard candidateReady(total) else { waitForCandidate(); return }
            if canary.weight != 100 {
                canary.weight = 100
                canary.stepStartedAt = kubeNow
                status.canary = canary
                event("WeightChanged", "\(canary.version) receives 100% of traffic")
                trafficChanged = true
            }
            guard trafficInEffect() else { return }
            let bake = spec.strategy?.canary?.bakeSeconds ?? 0
            if index == steps.count, bake > 0 {
                if spec.analysis != nil {
                    switch analysisVerdict(name: "bake", metrics: nil) {
                    case .failed(let message):
                        rollBack(reason: "BakeFailed", message: "bake window: \(message)")
                        return
                    case .pending, .successful, .stopped: break
                    }
                }
                let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(TimeInterval(bake))
                if now < end && !take(.promote) {
                    setPhase(.progressing, "baking \(canary.version) at 100% for \(bake)s; \(status.stable?.version ?? "") kept warm")
                    wait(.seconds(end.timeIntervalSince(now)))
                    return
                }
            }
            promote()
            return
        }
    }
}
