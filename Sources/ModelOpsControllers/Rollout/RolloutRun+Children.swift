import Foundation
import KubeCore
import ModelOpsAPI

/// The end of a pass: the Deployments to keep, how traffic is routed, and the status with its
/// conditions.
extension RolloutRun {
    func finish() -> RolloutPlan {
        var status = self.status
        // An action is consumed when it acted, or when there is no rollout for it to act on; a
        // promote that arrives while the candidate is still scaling waits for the step it can end.
        if let action = input.action, actionUsed || status.canary == nil { status.lastAction = action.value }
        var deployments: [RolloutPlan.ServingDeployment] = []
        let stable = status.stable
        let canary = status.canary
        var routing = RolloutPlan.Routing(mainVersion: stable?.version, stableVersion: stable?.version,
                                          canaryVersion: canary?.version ?? stable?.version,
                                          stableWeight: 100, canaryWeight: 0, mirrorPercent: nil)
        if let stable {
            let model = ModelVersion(name: stable.name ?? "", version: stable.version, uri: stable.uri ?? "")
            var replicas = total
            // During a rollout the stable pods keep the template they run (a new template ships with the candidate).
            let template = canary == nil ? nil : input.deployments[stable.version]?.template
            if let canary, strategy == .canary {
                replicas = router.split(canaryWeight: canary.weight ?? 0, total: total, candidateVersion: canary.version, routing: &routing)
            }
            if let canary, strategy == .shadow, (canary.weight ?? 0) > 0, (canary.step ?? 0) >= 1 {
                routing.mirrorPercent = spec.strategy?.shadow?.mirrorPercent
            }
            deployments.append(.init(model: model, replicas: replicas, role: .stable, template: template))
        }
        if let canary {
            let model = ModelVersion(name: canary.name ?? stable?.name ?? "", version: canary.version, uri: canary.uri ?? "")
            deployments.append(.init(model: model, replicas: candidateReplicas, role: .candidate, template: nil))
        }
        // A rolled-back candidate keeps its pods (at weight 0) for the scale-down delay where the
        // router's change reaches the data plane only after a while.
        if router.drainsBeforeScaleDown, let last = status.rejectedVersions?.last, last.version != stable?.version,
           last.version != canary?.version, let observed = input.deployments[last.version], let time = last.time,
           now.timeIntervalSince(time.date) < TimeInterval(scaleDownDelaySeconds) {
            let model = ModelVersion(name: stable?.name ?? "", version: last.version, uri: last.uri ?? "")
            deployments.append(.init(model: model, replicas: observed.specReplicas, role: .previous, template: observed.template))
        }
        status.conditions = conditions(status)
        return RolloutPlan(status: status, deployments: deployments, routing: routing, events: events, requeueAfter: requeue)
    }
}
