import ArgumentParser
import Foundation

/// `modelops run`: the operator. Flags follow controller-runtime's; each has a `MODELOPS_*`
/// environment variable (the flag wins).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the ModelOps operator against a Kubernetes cluster.",
        discussion: """
            Every option can also be set by an environment variable named after it: --log-format is \
            MODELOPS_LOG_FORMAT, --leader-elect is MODELOPS_LEADER_ELECT=true. A flag wins over its variable. \
            With neither --kubeconfig nor MODELOPS_KUBECONFIG, the configuration is $KUBECONFIG, else the \
            in-cluster service account, else ~/.kube/config.
            """)

    @Option(help: "Path to a kubeconfig (default: $KUBECONFIG, in-cluster, ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use.")
    var context: String?

    @Option(help: "Watch only this namespace (default: all namespaces).")
    var namespace: String?

    @Flag(inversion: .prefixedNo, help: "Elect a leader through a Lease, so that only one replica reconciles (default: off).")
    var leaderElect: Bool?

    @Flag(inversion: .prefixedNo, help: "Fill the caches with streaming lists (watches with sendInitialEvents, as client-go does by default since v0.35) instead of paged lists; a server without them gets paged lists (default: off).")
    var streamingLists: Bool?

    @Option(help: "Namespace of the leader-election Lease (default: $POD_NAMESPACE, else modelops-system).")
    var leaderElectionNamespace: String?

    @Option(help: "How long a standby waits before taking over an unrenewed Lease (default: 15s).")
    var leaderElectionLeaseDuration: String?

    @Option(help: "How long the leader retries renewing before it gives up (default: 10s).")
    var leaderElectionRenewDeadline: String?

    @Option(help: "Pause between leader-election attempts (default: 2s).")
    var leaderElectionRetryPeriod: String?

    @Option(help: "Address /metrics is served on; \"0\" turns metrics off (default: :8080).")
    var metricsBindAddress: String?

    @Flag(inversion: .prefixedNo, help: "Serve /metrics over HTTPS to those whose token a TokenReview accepts and a SubjectAccessReview allows get on /metrics (default: off; on in manifests/, where the address defaults to :8443).")
    var metricsSecure: Bool?

    @Option(help: "Directory with tls.crt and tls.key for --metrics-secure (default: a self-signed certificate made at start).")
    var metricsCertPath: String?

    @Option(help: "Address /healthz and /readyz are served on (default: :8081).")
    var healthProbeBindAddress: String?

    @Option(help: "Reconciles of one kind that may run at once (default: 4).")
    var maxConcurrentReconciles: String?

    @Option(name: .customLong("kube-api-qps"),
            help: "Client-side limit on API requests per second; -1 turns it off and leaves fairness to the API server (default: -1).")
    var kubeAPIQPS: String?

    @Option(name: .customLong("kube-api-burst"), help: "Requests allowed at once above --kube-api-qps (default: twice the limit).")
    var kubeAPIBurst: String?

    @Option(name: .customLong("mlflow-tracking-uri"),
            help: "MLflow tracking server of TrainingJobs whose spec.tracking.mlflow names none, e.g. http://mlflow.mlops:5000 (default: none).")
    var mlflowTrackingURI: String?

    @Option(help: "Log format: json (one object per line) or text (default: text).")
    var logFormat: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: info).")
    var logLevel: String?

    /// `MODELOPS_LOG_FORMAT` → `log-format`: the variable of each flag is named after it.
    static func flagName(for variable: String) -> String {
        variable.dropFirst("MODELOPS_".count).lowercased().replacingOccurrences(of: "_", with: "-")
    }

    func run() async throws {
        let settings: RunSettings
        do {
            settings = try RunSettings.resolve(self, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.description)
        }
        try await OperatorCommand(settings: settings).run()
    }
}
