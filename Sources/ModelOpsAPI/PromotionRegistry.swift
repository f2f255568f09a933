/// Where a RetrainPolicy records a promotion outside the cluster (`spec.registry`).
public struct PromotionRegistry: Sendable, Hashable, Codable {
    /// An alias in MLflow's model registry.
    public var mlflow: MLflowPromotionAlias?

    public init(mlflow: MLflowPromotionAlias? = nil) {
        self.mlflow = mlflow
    }
}

/// On each promotion, point this alias of the registered model at the version the promoted
/// TrainingJob registered, in the tracking server it was registered in. ModelDeployments that
/// follow the alias (`spec.model.registry.mlflow`) roll it out; a rollback moves it back.
public struct MLflowPromotionAlias: Sendable, Hashable, Codable {
    /// The alias, e.g. champion.
    public var alias: String

    public init(alias: String) {
        self.alias = alias
    }
}
