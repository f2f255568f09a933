import ModelOpsAPI

/// How a ModelDeployment's traffic is split between the stable and candidate versions while a
/// rollout runs. One implementation per `spec.trafficRouting.type`, each in its own file, so a
/// third router (Istio, SMI) is a new file and a case in `TrafficRouters.router(for:)`.
protocol TrafficRouter: Sendable {
    /// Candidate pods that `weight` percent of the traffic needs out of `total` replicas.
    func candidateReplicas(weight: Int, total: Int) -> Int

    /// Splits traffic for a canary at `weight` percent: sets the Services' versions and the
    /// route's weights in `routing`, and returns the stable Deployment's replicas.
    func split(canaryWeight weight: Int, total: Int, candidateVersion: String, routing: inout ModelDeploymentPlan.Routing) -> Int

    /// Whether versions that stop receiving traffic keep their pods for the scale-down delay:
    /// a router whose traffic changes reach the data plane only after a while (a gateway
    /// reprogramming its endpoints) must not remove the pods it still sends requests to.
    var drainsBeforeScaleDown: Bool { get }

    /// Whether another party (a gateway) must confirm a traffic change before the next one.
    var confirmsTraffic: Bool { get }

    /// Whether the split last written is in effect (a traffic change waits for this): for a
    /// router whose changes something else must confirm, `route` is what the cluster shows and
    /// `applied` what the operator wrote last.
    func state(route: ObservedRoute?, applied: HTTPRouteStatus?) -> TrafficState
}

/// Whether the traffic split the operator last wrote is in effect.
enum TrafficState: Sendable, Equatable {
    case inEffect
    /// Not confirmed yet (why).
    case pending(String)
    /// Refused by whoever must confirm it (why).
    case refused(String)
}

/// The router for a ModelDeployment's `spec.trafficRouting`.
enum TrafficRouters {
    static func router(for routing: TrafficRouting?) -> any TrafficRouter {
        switch routing?.type ?? .replicas {
        case .replicas: return ReplicasRouter()
        case .gatewayAPI: return GatewayAPIRouter()
        }
    }

    /// `weight` percent of `total`, rounded up, at least one pod and at most all of them.
    static func share(weight: Int, total: Int) -> Int {
        if weight >= 100 { return total }
        let share = Int((Double(total) * Double(weight) / 100).rounded(.up))
        return min(max(1, share), total)
    }
}
