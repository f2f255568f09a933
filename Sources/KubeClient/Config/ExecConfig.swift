import KubeCore

/// A client-go credential plugin (`users[].user.exec`): a command that prints an
/// `ExecCredential` with a token or a client certificate, as EKS (`aws eks get-token`), GKE
/// (`gke-gcloud-auth-plugin`) and AKS (`kubelogin`) configure.
public struct ExecConfig: Sendable, Equatable {
    /// An absolute path, or a bare name looked up on `PATH` when the plugin runs.
    public var command: String
    public var args: [String]
    /// Added to (and overriding) this process's environment; later entries win.
    public var env: [ExecEnvVar]
    /// `client.authentication.k8s.io/v1` or `…/v1beta1`; the plugin must answer in the same.
    public var apiVersion: String
    /// Shown when the command cannot be found.
    public var installHint: String?
    /// Whether to pass the cluster (`spec.cluster`) in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// `Never`, `IfAvailable` or `Always`. An operator has no terminal, so `Always` fails.
    public var interactiveMode: String
    /// `spec.cluster` for `KUBERNETES_EXEC_INFO` when `provideClusterInfo` is set.
    public var cluster: JSON?
    /// The kubeconfig file and user this came from, for errors.
    public var file: String?
    public var user: String?

    public init(command: String, args: [String] = [], env: [ExecEnvVar] = [],
                apiVersion: String = "client.authentication.k8s.io/v1", installHint: String? = nil,
                provideClusterInfo: Bool = false, interactiveMode: String = "Never", cluster: JSON? = nil,
                file: String? = nil, user: String? = nil) {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
        self.cluster = cluster
        self.file = file
        self.user = user
    }
}

/// One `exec.env` entry.
public struct ExecEnvVar: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
