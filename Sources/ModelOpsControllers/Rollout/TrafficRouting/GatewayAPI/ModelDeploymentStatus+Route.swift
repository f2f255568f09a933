import Foundation
import KubeCore
import ModelOpsAPI

extension ModelDeploymentStatus {
    /// Records the HTTPRoute as the server holds it right after an apply. A new generation is
    /// not accepted by anyone yet, whatever the cache said a moment ago: RouteAccepted turns
    /// Pending until the gateways report on it (their status update brings the next reconcile).
    mutating func recordAppliedRoute(_ route: JSON, now: Date) {
        guard let name = route[path: ["metadata", "name"]]?.stringValue else { return }
        let generation = route[path: ["metadata", "generation"]]?.intValue
        let previous = httpRoute
        httpRoute = HTTPRouteStatus(name: name, generation: generation)
        guard previous != httpRoute, let generation else { return }
        conditions = Condition.setting(
            Condition(type: "RouteAccepted", status: .false, observedGeneration: observedGeneration,
                      lastTransitionTime: KubeTime(now),
                      reason: "Pending", message: "HTTPRoute \(name) generation \(generation) applied; waiting for its parents to accept it"),
            in: conditions ?? [])
    }
}
