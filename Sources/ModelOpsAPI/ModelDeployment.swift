import KubeCore

/// Serves a machine-learning model and rolls out new versions of it progressively (canary, blue-
/// green or shadow), judged by metrics. Short name `mdep`.
public struct ModelDeployment: KubeResource, Hashable {
    public static let group = ModelOps.group
    public static let version = ModelOps.version
    public static let kind = "ModelDeployment"
    public static let plural = "modeldeployments"

    /// Always "modelops.io/v1alpha1"; kept so a decoded object re-encodes as it came.
    public var apiVersion: String

    /// Always "ModelDeployment".
    public var kind: String

    /// Name, namespace, labels, and the server-managed fields.
    public var metadata: ObjectMeta

    /// The desired state.
    public var spec: ModelDeploymentSpec

    /// What the operator observed; written only through the status subresource.
    public var status: ModelDeploymentStatus?

    public init(
        apiVersion: String = ModelDeployment.apiVersion,
        kind: String = ModelDeployment.kind,
        metadata: ObjectMeta,
        spec: ModelDeploymentSpec,
        status: ModelDeploymentStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}
