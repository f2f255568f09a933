/// The HTTPRoute of a ModelDeployment as the operator last applied it. Gateways report acceptance
/// per route generation (`status.parents[].conditions[].observedGeneration`); remembering the
/// generation our own write produced means a weight never moves on the strength of an older
/// route's acceptance still in the cache.
public struct HTTPRouteStatus: Sendable, Hashable, Codable {
    /// Name of the HTTPRoute.
    public var name: String

    /// Its metadata.generation right after the operator's last apply.
    public var generation: Int64?

    public init(name: String, generation: Int64? = nil) {
        self.name = name
        self.generation = generation
    }
}
