/// Where measurements come from.
public struct MetricProvider: Sendable, Hashable, Codable {
    /// A Prometheus server queried through its HTTP API (`/api/v1/query`).
    public struct Prometheus: Sendable, Hashable, Codable {
        /// Base URL, e.g. "http://prometheus.monitoring:9090".
        public var address: String

        public init(address: String) {
            self.address = address
        }
    }

    /// A Prometheus server.
    public var prometheus: Prometheus

    public init(prometheus: Prometheus) {
        self.prometheus = prometheus
    }
}
