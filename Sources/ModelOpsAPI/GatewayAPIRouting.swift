/// The HTTPRoute the operator creates and owns for a ModelDeployment.
public struct GatewayAPIRouting: Sendable, Hashable, Codable {
    /// A parent (usually a Gateway) of the HTTPRoute.
    public struct ParentReference: Sendable, Hashable, Codable {
        /// Name of the parent.
        public var name: String

        /// Its namespace; default the route's.
        public var namespace: String?

        /// A listener of the parent, by name.
        public var sectionName: String?

        public init(name: String, namespace: String? = nil, sectionName: String? = nil) {
            self.name = name
            self.namespace = namespace
            self.sectionName = sectionName
        }
    }

    /// Name of the HTTPRoute, in the ModelDeployment's namespace.
    public var httpRoute: String

    /// Gateways the route attaches to.
    public var parentRefs: [ParentReference]?

    /// Hostnames the route matches.
    public var hostnames: [String]?

    public init(httpRoute: String, parentRefs: [ParentReference]? = nil, hostnames: [String]? = nil) {
        self.httpRoute = httpRoute
        self.parentRefs = parentRefs
        self.hostnames = hostnames
    }
}
