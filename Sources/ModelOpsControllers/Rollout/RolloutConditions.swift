import Foundation
import KubeCore
import ModelOpsAPI

/// The standard conditions of a ModelDeployment (Available, Progressing, Degraded, Ready), from
/// the status a pass ends with and the observed stable Deployment.
extension RolloutRun {
    func conditions(_ status: ModelDeploymentStatus) -> [Condition] {
        var conditions = status.conditions ?? []
        let generation = input.generation
        func set(_ type: String, _ value: Bool, _ reason: String, _ message: String) {
            conditions = Condition.setting(Condition(type: type, status: value ? .true : .false, observedGeneration: generation,
                                                     lastTransitionTime: kubeNow, reason: reason, message: message),
                                           in: conditions)
        }
        let stableObserved = status.stable.flatMap { input.deployments[$0.version] }
        let available = (stableObserved?.availableReplicas ?? 0) > 0
        let stableReady = stableObserved?.readyReplicas ?? 0
        let stableWanted = status.stable == nil ? 0 : (status.canary == nil ? total : (stableObserved?.specReplicas ?? total))
        if let stable = status.stable {
            set("Available", available, available ? "MinimumReplicasAvailable" : "NoReplicasAvailable",
                "\(stableObserved?.availableReplicas ?? 0) of \(stableWanted) pods of \(stable.version) available")
        } else {
            set("Available", false, "NothingDeployed", input.desiredMessage ?? "no model version deployed")
        }
        switch status.phase {
        case .progressing: set("Progressing", true, "RolloutInProgress", status.message ?? "")
        case .paused: set("Progressing", true, "RolloutPaused", status.message ?? "")
        case .rolledBack: set("Progressing", false, "RolledBack", status.message ?? "")
        case .pending: set("Progressing", true, "Deploying", status.message ?? "")
        default: set("Progressing", false, "RolloutComplete", status.message ?? "")
        }
        let degraded = status.stable != nil && !available && status.phase != .pending
        set("Degraded", degraded, degraded ? "StableUnavailable" : "AsExpected",
            degraded ? "stable version \(status.stable?.version ?? "") has no available pods" : "")
        let allReady = status.stable != nil && stableReady >= stableWanted && available && status.phase != .rolledBack
        let readyMessage: String
        if status.stable == nil {
            readyMessage = status.message ?? "nothing deployed"
        } else {
            readyMessage = "\(stableReady)/\(stableWanted) pods of \(status.stable?.version ?? "") ready"
        }
        set("Ready", allReady, allReady ? "AllReplicasReady" : (status.phase == .rolledBack ? "RolledBack" : "ReplicasNotReady"),
            readyMessage)
        if router.confirmsTraffic {
            switch routeState {
            case .inEffect: set("RouteAccepted", true, "Accepted", "every parent accepted HTTPRoute \(status.httpRoute?.name ?? "")")
            case let .pending(why): set("RouteAccepted", false, "Pending", why)
            case let .refused(why): set("RouteAccepted", false, "NotAccepted", why)
            }
        } else {
            conditions.removeAll { $0.type == "RouteAccepted" }
        }
        return conditions
    }
}
