/// Where a model came from, for audits and reproduction.
public struct Lineage: Sendable, Hashable, Codable {
    /// The training data.
    public var dataset: Dataset?

    /// Digest of the trainer image that ran.
    public var imageDigest: String?

    /// SHA-256 (hex) of the sorted name=value lines of the hyperparameters.
    public var hyperparametersHash: String?

    /// The RetrainPolicy that created the job.
    public var policy: String?

    /// What made the policy start it.
    public var trigger: RunTrigger?

    public init(
        dataset: Dataset? = nil,
        imageDigest: String? = nil,
        hyperparametersHash: String? = nil,
        policy: String? = nil,
        trigger: RunTrigger? = nil
    ) {
        self.dataset = dataset
        self.imageDigest = imageDigest
        self.hyperparametersHash = hyperparametersHash
        self.policy = policy
        self.trigger = trigger
    }
}
