/// A model registry whose alias names the version to serve (`spec.model.registry`).
public struct ModelRegistrySource: Sendable, Hashable, Codable {
    /// An alias of a registered model in MLflow's model registry.
    public var mlflow: MLflowModelAlias?

    public init(mlflow: MLflowModelAlias? = nil) {
        self.mlflow = mlflow
    }
}

/// Serve the version an MLflow alias (e.g. `champion`) points at, and roll out the new one when the
/// alias moves. The registry has no watch: the alias is read again every `pollInterval`.
public struct MLflowModelAlias: Sendable, Hashable, Codable {
    /// The registered model; also the served model's name (MODEL_NAME).
    public var name: String

    /// The alias to follow.
    public var alias: String

    /// The tracking server's URL; default the operator's `--mlflow-tracking-uri`.
    public var trackingURI: String?

    /// A Secret in this namespace with `token`, or `username` and `password`.
    public var credentialsSecret: LocalObjectReference?

    /// How often the alias is read, a Go duration; default 30s.
    public var pollInterval: String?

    public init(name: String, alias: String, trackingURI: String? = nil, credentialsSecret: LocalObjectReference? = nil,
                pollInterval: String? = nil) {
        self.name = name
        self.alias = alias
        self.trackingURI = trackingURI
        self.credentialsSecret = credentialsSecret
        self.pollInterval = pollInterval
    }
}
