/// The RBAC the operator needs, one rule per need, with who needs it. manifests/rbac/ grants
/// exactly these (a test compares the rendered ClusterRole and Role with this list), and
/// `modelops run` checks them at start-up (`PermissionCheck`), so a missing rule shows as one
/// clear log line instead of a controller that silently never syncs.
public struct RBACRule: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var resources: [String]
    public var verbs: [String]
    /// Which controller needs it and why (the comment on the rule in manifests/).
    public var neededBy: String

    public init(group: String, resources: [String], verbs: [String], neededBy: String) {
        self.group = group
        self.resources = resources
        self.verbs = verbs
        self.neededBy = neededBy
    }

    public var description: String {
        "\(verbs.joined(separator: ",")) \(resources.map { RBACRule.qualified($0, group) }.joined(separator: ","))"
    }

    /// `trainingjobs.modelops.io`, `deployments.apps`, `pods` (core), `trainingjobs.modelops.io/status`.
    static func qualified(_ resource: String, _ group: String) -> String {
        guard !group.isEmpty else { return resource }
        let parts = resource.split(separator: "/", maxSplits: 1)
        return parts.count == 2 ? "\(parts[0]).\(group)/\(parts[1])" : "\(resource).\(group)"
    }
}

public enum OperatorPermissions {
    static let readOnly = ["get", "list", "watch"]
    static let manage = ["get", "list", "watch", "create", "update", "patch", "delete"]

    /// Granted cluster-wide by the ClusterRole `modelops-manager` (or, for a `--namespace`
    /// shard, needed in that namespace only).
    public static let cluster: [RBACRule] = [
        RBACRule(group: "modelops.io", resources: ["modeldeployments", "trainingjobs", "retrainpolicies"], verbs: readOnly,
                 neededBy: "every controller watches its primary kind; retraining also watches TrainingJobs and ModelDeployments"),
        RBACRule(group: "modelops.io", resources: ["trainingjobs"], verbs: ["create", "delete"],
                 neededBy: "retraining creates TrainingJob runs and deletes those beyond the history limits"),
        RBACRule(group: "modelops.io", resources: ["modeldeployments/status", "trainingjobs/status", "retrainpolicies/status"],
                 verbs: ["get", "update", "patch"],
                 neededBy: "every controller writes its primary's status (never its spec)"),
        RBACRule(group: "modelops.io", resources: ["modeldeployments/finalizers", "trainingjobs/finalizers", "retrainpolicies/finalizers"],
                 verbs: ["update"],
                 neededBy: "children carry blocking ownerReferences, which OwnerReferencesPermissionEnforcement checks"),
        RBACRule(group: "apps", resources: ["deployments"], verbs: manage,
                 neededBy: "rollout manages the stable, canary and preview Deployments"),
        RBACRule(group: "", resources: ["services"], verbs: manage,
                 neededBy: "rollout manages the stable, canary and preview Services"),
        RBACRule(group: "batch", resources: ["jobs"], verbs: manage,
                 neededBy: "training runs each TrainingJob as a batch/v1 Job"),
        RBACRule(group: "", resources: ["pods"], verbs: readOnly + ["patch"],
                 neededBy: "training reads the termination message of the training pod, then lets go of its results finalizer"),
        RBACRule(group: "", resources: ["configmaps"], verbs: readOnly,
                 neededBy: "retraining watches data-version ConfigMap keys (triggers)"),
        RBACRule(group: "", resources: ["secrets"], verbs: ["get"],
                 neededBy: "training reads the MLflow credentials Secret a TrainingJob names (spec.tracking.mlflow.credentialsSecret)"),
        RBACRule(group: "gateway.networking.k8s.io", resources: ["httproutes"], verbs: ["get", "list", "watch", "create", "update", "patch"],
                 neededBy: "rollout sets HTTPRoute backend weights (trafficRouting GatewayAPI)"),
        RBACRule(group: "events.k8s.io", resources: ["events"], verbs: ["create", "patch"],
                 neededBy: "every controller records Events (events.k8s.io/v1)"),
        RBACRule(group: "", resources: ["events"], verbs: ["create", "patch"],
                 neededBy: "Events for clusters and tools that read core/v1 Events"),
    ]

    /// Granted by the ClusterRole `modelops-metrics-auth` (kubebuilder's metrics-auth-role):
    /// what `--metrics-secure` needs to review each scraper's token.
    public static let metricsAuthorization: [RBACRule] = [
        RBACRule(group: "authentication.k8s.io", resources: ["tokenreviews"], verbs: ["create"],
                 neededBy: "the secure metrics endpoint authenticates each scraper's bearer token"),
        RBACRule(group: "authorization.k8s.io", resources: ["subjectaccessreviews"], verbs: ["create"],
                 neededBy: "the secure metrics endpoint asks whether the scraper may get /metrics"),
    ]

    /// Granted in the operator's own namespace by the Role `modelops-leader-election`.
    public static let leaderElection: [RBACRule] = [
        RBACRule(group: "coordination.k8s.io", resources: ["leases"], verbs: ["get", "create", "update"],
                 neededBy: "leader election holds a Lease in the operator's namespace"),
    ]
}
