import Foundation
import KubeCore
import ModelOpsAPI

/// The BlueGreen strategy: the candidate at full size behind the preview Service, an optional
/// pre-promotion analysis, then a switch on promotion (manual or after autoPromotionSeconds).
extension RolloutRun {
    mutating func advanceBlueGreen() {
        let settings = spec.strategy?.blueGreen
        candidateReplicas = total
        for _ in 0..<4 {
            guard var canary = status.canary else { return }
            switch canary.step ?? 0 {
            case 0:
                guard candidateReady(total) else { waitForCandidate(); return }
                event("PreviewReady", "\(canary.version) is available behind the preview Service")
                next(&canary)
            case 1:
                if let analysis = settings?.prePromotionAnalysis {
                    switch analysisVerdict(name: "prePromotion", metrics: analysis.metrics) {
                    case .successful: break
                    case .pending(let message): setPhase(.progressing, "pre-promotion analysis: \(message)"); return
                    case .stopped(let message):
                        if !take(.promote) {
                            setPhase(.paused, "pre-promotion analysis: \(message); promote to continue or abort to roll back")
                            return
                        }
                    case .failed(let message): rollBack(reason: "AnalysisFailed", message: message); return
                    }
                }
                next(&canary)
            default:
                guard trafficInEffect() else { return }
                if take(.promote) || take(.promoteFull) { promote(); return }
                guard let seconds = settings?.autoPromotionSeconds else {
                    setPhase(.paused, "\(canary.version) is ready behind the preview Service; promote to switch")
                    return
                }
                let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(TimeInterval(seconds))
                if now >= end { promote(); return }
                setPhase(.progressing, "\(canary.version) ready behind the preview Service; switching in \(Int(end.timeIntervalSince(now).rounded(.up)))s")
                wait(.seconds(end.timeIntervalSince(now)))
                return
            }
        }
    }
}
