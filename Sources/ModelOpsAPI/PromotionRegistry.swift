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
///
/// MLflow's champion/challenger pattern takes both fields: `alias: challenger` marks the
/// candidate as soon as it is promoted (a ModelDeployment following `challenger` canaries it),
/// `servedAlias: champion` follows once the policy's ModelDeployment serves it to all traffic.
public struct MLflowPromotionAlias: Sendable, Hashable, Codable {
    /// Moved at promotion, e.g. champion, or challenger with `servedAlias`.
    public var alias: String

    /// Moved to the promoted version once `modelDeploymentRef` serves it to all traffic (its
    /// rollout finished), e.g. champion. A version rolled back never gets it.
    public var servedAlias: String?

    public init(alias: String, servedAlias: String? = nil) {
        self.alias = alias
        self.servedAlias = servedAlias
    }
}
