import Foundation
import KubeCore
import ModelOpsAPI

/// How a rollout ends: the candidate promoted to stable, or rolled back and remembered as rejected.
extension RolloutRun {
    mutating func promote() {
        guard let canary = status.canary else { return }
        let model = ModelVersion(name: canary.name ?? status.stable?.name ?? "", version: canary.version, uri: canary.uri ?? "")
        let previous = status.stable?.version ?? ""
        status.stable = StableStatus(name: model.name, version: model.version, uri: model.uri, since: kubeNow)
        status.canary = nil
        appendHistory(model)
        event("Promoted", "\(model.version) is stable (was \(previous))")
        setPhase(.healthy, "\(model.version) serves all traffic")
        candidateReplicas = 0
        if drainsBeforeScaleDown && scaleDownDelaySeconds > 0 { wait(.seconds(scaleDownDelaySeconds)) }
    }

    mutating func rollBack(reason: String, message: String) {
        guard let canary = status.canary else { return }
        var rejected = status.rejectedVersions ?? []
        rejected.removeAll { $0.version == canary.version }
        rejected.append(RejectedVersion(version: canary.version, uri: canary.uri, reason: reason, time: kubeNow))
        status.rejectedVersions = Array(rejected.suffix(20))
        status.canary = nil
        candidateReplicas = 0
        event("RolledBack", "\(canary.version) rolled back (\(reason)): \(message)", warning: true)
        setPhase(.rolledBack, "\(canary.version) rolled back (\(reason)): \(message); \(status.stable?.version ?? "") serves all traffic")
        if drainsBeforeScaleDown { wait(.seconds(scaleDownDelaySeconds)) }
    }

    mutating func appendHistory(_ model: ModelVersion) {
        var history = status.history ?? []
        let revision = (history.last?.revision ?? 0) + 1
        history.append(RevisionHistoryEntry(revision: revision, name: model.name, version: model.version, uri: model.uri,
                                            promotedAt: kubeNow))
        let limit = max(1, spec.revisionHistoryLimit ?? 10)
        status.history = Array(history.suffix(limit))
    }
}
