import Foundation
import KubeCore
import ModelOpsAPI

/// The Shadow strategy: a share of live requests mirrored to the candidate (its answers are
/// discarded), an optional analysis and duration, then promotion at full size.
extension RolloutRun {
    mutating func advanceShadow() {
        let settings = spec.strategy?.shadow
        let mirror = settings?.mirrorPercent ?? 0
        for _ in 0..<4 {
            guard var canary = status.canary else { return }
            switch canary.step ?? 0 {
            case 0:
                candidateReplicas = max(1, candidateCount(weight: mirror))
                guard candidateReady(candidateReplicas) else { waitForCandidate(); return }
                canary.weight = mirror
                trafficChanged = true
                event("MirroringStarted", "\(mirror)% of requests mirrored to \(canary.version)")
                next(&canary)
            case 1:
                candidateReplicas = max(1, candidateCount(weight: mirror))
                // Mirroring is judged only once the gateway mirrors.
                guard trafficInEffect() else { return }
                if take(.promoteFull) { next(&canary); continue }
                var analysed = true
                if let analysis = settings?.analysis {
                    switch analysisVerdict(name: "shadow", metrics: analysis.metrics) {
                    case .successful: break
                    case .pending(let message):
                        analysed = false
                        setPhase(.progressing, "mirroring \(mirror)% to \(canary.version): \(message)")
                    case .stopped(let message):
                        if !take(.promote) {
                            setPhase(.paused, "shadow analysis: \(message); promote to continue or abort to roll back")
                            return
                        }
                    case .failed(let message): rollBack(reason: "AnalysisFailed", message: message); return
                    }
                }
                if let text = settings?.duration, let duration = try? GoDuration.parse(text) {
                    let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(duration.timeInterval)
                    if now < end && !take(.promote) {
                        if analysed { setPhase(.progressing, "mirroring \(mirror)% to \(canary.version) for \(text)") }
                        wait(.seconds(end.timeIntervalSince(now)))
                        return
                    }
                    if !analysed { return }
                } else if !take(.promote) {
                    if analysed { setPhase(.paused, "mirroring \(mirror)% to \(canary.version); promote to switch") }
                    return
                }
                next(&canary)
            default:
                candidateReplicas = total
                guard candidateReady(total) else { waitForCandidate(); return }
                guard trafficInEffect() else { return }
                canary.weight = 100
                status.canary = canary
                promote()
                return
            }
        }
    }
}
