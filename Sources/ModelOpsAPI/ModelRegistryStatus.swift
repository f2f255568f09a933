/// What the registry last said about the model a ModelDeployment follows (`status.registry`).
public struct ModelRegistryStatus: Sendable, Hashable, Codable {
    public var mlflow: MLflowAliasRecord?

    public init(mlflow: MLflowAliasRecord? = nil) {
        self.mlflow = mlflow
    }
}

/// The model version an MLflow alias pointed at when last read.
public struct MLflowAliasRecord: Sendable, Hashable, Codable {
    /// The tracking server read.
    public var trackingURI: String

    /// The registered model.
    public var name: String

    /// The alias.
    public var alias: String

    /// The version it points at.
    public var version: String

    /// That version's source (the model URI served).
    public var source: String

    public init(trackingURI: String, name: String, alias: String, version: String, source: String) {
        self.trackingURI = trackingURI
        self.name = name
        self.alias = alias
        self.version = version
        self.source = source
    }
}
