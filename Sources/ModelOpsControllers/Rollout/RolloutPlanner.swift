import Foundation
import KubeCore
import ModelOpsAPI

/// The rollout state machine of a ModelDeployment, without I/O: observed spec, status, child
/// Deployments, the resolved model and the time in; children, status and events out.
///
/// One pass is a `RolloutRun`; each strategy is an extension of it in its own file
/// (`RolloutRun+Canary`, `+BlueGreen`, `+Shadow`), analysis steps in `+Analysis`, promotion and
/// rollback in `+Endings`, the children and routing in `+Children`, conditions in
/// `RolloutConditions`. How traffic is split is a `TrafficRouter` (TrafficRouting/).
///
/// All progress lives in `status` (`canary.step`, `canary.weight`, `stepStartedAt`, analysis runs),
/// so a restarted operator resumes at the same step without repeating it. A step completes only on
/// evidence: a weight moves when the candidate Deployment is available at the replica count it
/// needs; an analysis step when its run is Successful. Inconclusive is never success: it pauses.
public struct RolloutPlanner: Sendable {
    /// What the planner looks at.
    public struct Input: Sendable {
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

    public init() {}

    public func plan(_ input: Input) -> RolloutPlan {
        var run = RolloutRun(input: input)
        run.decide()
        return run.finish()
    }
}
