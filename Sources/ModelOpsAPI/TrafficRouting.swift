/// How traffic is split between the stable and candidate versions.
public struct TrafficRouting: Sendable, Hashable, Codable {
    /// The traffic routers.
    public enum RoutingType: String, Sendable, Hashable, Codable, CaseIterable {
        /// Weights approximated by replica counts behind one Service; works on any cluster.
        case replicas = "Replicas"
        /// Exact weights (and mirroring) through HTTPRoute backendRefs.
        case gatewayAPI = "GatewayAPI"
    }

    /// Replicas (default) or GatewayAPI.
    public var type: RoutingType?

    /// The HTTPRoute to manage; required with GatewayAPI.
    public var gatewayAPI: GatewayAPIRouting?

    public init(type: RoutingType? = nil, gatewayAPI: GatewayAPIRouting? = nil) {
        self.type = type
        self.gatewayAPI = gatewayAPI
    }
}
