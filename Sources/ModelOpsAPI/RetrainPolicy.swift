import KubeCore

/// Retrains a model on a schedule and when drift or new data calls for it, and promotes validated
/// results to the ModelDeployments that follow it (`model.fromPolicy`). Short name `rtp`.
public struct RetrainPolicy: KubeResource, Hashable {
    public static let group = ModelOps.group
    public static let version = ModelOps.version
    public static let kind = "RetrainPolicy"
    public static let plural = "retrainpolicies"

    /// Always "modelops.io/v1alpha1"; kept so a decoded object re-encodes as it came.
    public var apiVersion: String

    /// Always "RetrainPolicy".
    public var kind: String

    /// Name, namespace, labels, and the server-managed fields.
    public var metadata: ObjectMeta

    /// The desired state.
    public var spec: RetrainPolicySpec

    /// What the operator observed; written only through the status subresource.
    public var status: RetrainPolicyStatus?

    public init(
        apiVersion: String = RetrainPolicy.apiVersion,
        kind: String = RetrainPolicy.kind,
        metadata: ObjectMeta,
        spec: RetrainPolicySpec,
        status: RetrainPolicyStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
