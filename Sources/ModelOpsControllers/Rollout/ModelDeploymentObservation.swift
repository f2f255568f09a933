import Foundation
import KubeCore
import ModelOpsAPI

/// What `ModelDeploymentPlanner` looks at: one ModelDeployment as the caches show it (spec,
/// status, child Deployments, owned HTTPRoute), the model its spec resolves to, a pending manual
/// action and the reconcile's one reading of the clock.
public struct ModelDeploymentObservation: Sendable {
    public var name: String
    public var namespace: String
    public var generation: Int64
    public var spec: ModelDeploymentSpec
    public var status: ModelDeploymentStatus
    /// The model the spec asks for (pinned, or resolved from a policy); nil when there is none yet.
    public var desired: ModelVersion?
    /// Why `desired` is nil (e.g. the policy has promoted nothing yet).
    public var desiredMessage: String?
    /// Child Deployments by model version.
    public var deployments: [String: ObservedDeployment]
    /// An action not yet consumed.
    public var action: ManualAction?
    /// The HTTPRoute the operator owns, as cached (Gateway API routing).
    public var route: ObservedRoute?
    public var now: Date

    public init(name: String, namespace: String, generation: Int64, spec: ModelDeploymentSpec,
                status: ModelDeploymentStatus, desired: ModelVersion?, desiredMessage: String? = nil,
                deployments: [String: ObservedDeployment], action: ManualAction? = nil, route: ObservedRoute? = nil,
                now: Date) {
        self.name = name
        self.namespace = namespace
        self.generation = generation
        self.spec = spec
        self.status = status
        self.desired = desired
        self.desiredMessage = desiredMessage
        self.deployments = deployments
        self.action = action
        self.route = route
        self.now = now
    }
}
