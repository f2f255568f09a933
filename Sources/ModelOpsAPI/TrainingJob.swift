import KubeCore

/// Trains one version of a model on a dataset, records its metrics and lineage, and validates the
/// result. Short name `tj`. The spec is immutable: train again with a new TrainingJob.
public struct TrainingJob: KubeResource, Hashable {
    public static let group = ModelOps.group
    public static let version = ModelOps.version
    public static let kind = "TrainingJob"
    public static let plural = "trainingjobs"

    /// Always "modelops.io/v1alpha1"; kept so a decoded object re-encodes as it came.
    public var apiVersion: String

    /// Always "TrainingJob".
    public var kind: String

    /// Name, namespace, labels, and the server-managed fields.
    public var metadata: ObjectMeta

    /// The desired state.
    public var spec: TrainingJobSpec

    /// What the operator observed; written only through the status subresource.
    public var status: TrainingJobStatus?

    public init(
        apiVersion: String = TrainingJob.apiVersion,
        kind: String = TrainingJob.kind,
        metadata: ObjectMeta,
        spec: TrainingJobSpec,
        status: TrainingJobStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
