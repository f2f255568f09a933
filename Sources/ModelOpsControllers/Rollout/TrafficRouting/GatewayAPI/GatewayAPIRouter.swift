import ModelOpsAPI

/// Exact weights on a Gateway API HTTPRoute over the `-stable` and `-canary` Services (and, for
/// Shadow, a RequestMirror filter). The stable version keeps its full size: the route, not the
/// pod count, decides who gets traffic; the candidate keeps one pod at weight 0 so the route's
/// backend always resolves.
struct GatewayAPIRouter: TrafficRouter {
    func candidateReplicas(weight: Int, total: Int) -> Int {
        weight <= 0 ? min(1, total) : TrafficRouters.share(weight: weight, total: total)
    }

    func split(canaryWeight weight: Int, total: Int, candidateVersion: String, routing: inout ModelDeploymentPlan.Routing) -> Int {
        routing.stableWeight = 100 - weight
        routing.canaryWeight = weight
        if weight >= 100 { routing.mainVersion = candidateVersion }
        return total
    }

    var drainsBeforeScaleDown: Bool { true }

    var confirmsTraffic: Bool { true }

    /// In effect once every parent Gateway accepted the route as last applied (a Gateway API
    /// implementation reports per route generation): a route no gateway accepted carries no
    /// traffic, so moving its weights would judge a candidate on nothing.
    func state(route: ObservedRoute?, applied: HTTPRouteStatus?) -> TrafficState {
        guard let route, let applied, applied.name == route.name else {
            return .pending("HTTPRoute \(applied?.name ?? route?.name ?? "") not applied yet")
        }
        switch route.acceptance(atLeast: applied.generation) {
        case .accepted: return .inEffect
        case let .pending(message): return .pending(message)
        case let .refused(message): return .refused("HTTPRoute \(route.name) not accepted: \(message)")
        }
    }
}
