import ModelOpsAPI

/// Weights approximated by replica counts behind one Service: works on any cluster. Mid-canary the
/// main Service selects every serving pod, so each version's share of the traffic is its share of
/// the pods; at full weight it selects the candidate's alone.
struct ReplicasRouter: TrafficRouter {
    func candidateReplicas(weight: Int, total: Int) -> Int {
        weight <= 0 ? 0 : TrafficRouters.share(weight: weight, total: total)
    }

    func split(canaryWeight weight: Int, total: Int, candidateVersion: String, routing: inout ModelDeploymentPlan.Routing) -> Int {
        if weight > 0 && weight < 100 {
            routing.mainVersion = nil
            return max(1, total - candidateReplicas(weight: weight, total: total))
        }
        if weight >= 100 { routing.mainVersion = candidateVersion }
        return total
    }

    var drainsBeforeScaleDown: Bool { false }

    var confirmsTraffic: Bool { false }

    /// Pod counts are the split: a weight is in effect once the candidate's pods are available,
    /// which the planner checks before it moves one.
    func state(route: ObservedRoute?, applied: HTTPRouteStatus?) -> TrafficState { .inEffect }
}
