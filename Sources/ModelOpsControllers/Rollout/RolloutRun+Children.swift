import Foundation
import KubeCore
import ModelOpsAPI

/// The end of a pass: the Deployments to keep, how traffic is routed, and the status with its
/// conditions.
extension RolloutRun {
    func finish() -> ModelDeploymentPlan {
        var status = self.status
        // An action is consumed when it acted, or when there is no rollout for it to act on; a
        // promote that arrives while the candidate is still scaling waits for the step it can end.
        if let action = input.action, actionUsed || status.canary == nil { status.lastAction = action.value }
        var deployments: [ModelDeploymentPlan.ServingDeployment] = []
        let stable = status.stable
        let canary = status.canary
        var routing = ModelDeploymentPlan.Routing(mainVersion: stable?.version, stableVersion: stable?.version,
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
        deployments += draining(stable: stable, canary: canary)
        status.conditions = conditions(status)
        return ModelDeploymentPlan(status: status, deployments: deployments, routing: routing, events: events, requeueAfter: requeue)
    }

    /// Versions that stopped receiving traffic less than `scaleDownDelaySeconds` ago keep the
    /// pods they run (a gateway or the endpoints may still send them requests): the previous
    /// stable version after a promotion, the candidate after a rollback.
    func draining(stable: StableStatus?, canary: CanaryStatus?) -> [ModelDeploymentPlan.ServingDeployment] {
        guard drainsBeforeScaleDown else { return [] }
        var stopped: [(version: String, uri: String?, since: KubeTime?)] = []
        if let stable, let history = status.history, history.count >= 2 {
            let previous = history[history.count - 2]
            stopped.append((previous.version, previous.uri, stable.since))
        }
        if let last = status.rejectedVersions?.last { stopped.append((last.version, last.uri, last.time)) }
        var kept: [ModelDeploymentPlan.ServingDeployment] = []
        for entry in stopped where entry.version != stable?.version && entry.version != canary?.version
            && !kept.contains(where: { $0.model.version == entry.version }) {
            guard let observed = input.deployments[entry.version], let since = entry.since,
                  now.timeIntervalSince(since.date) < TimeInterval(scaleDownDelaySeconds) else { continue }
            let model = ModelVersion(name: stable?.name ?? "", version: entry.version, uri: entry.uri ?? "")
            kept.append(.init(model: model, replicas: observed.specReplicas, role: .previous, template: observed.template))
        }
        return kept
    }
}
