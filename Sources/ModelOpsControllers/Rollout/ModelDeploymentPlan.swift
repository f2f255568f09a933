import KubeCore
import ModelOpsAPI

/// What one reconcile of a ModelDeployment decided: the children it wants, the status to write,
/// the events to record and when to look again. Produced by `ModelDeploymentPlanner` without I/O.
public struct ModelDeploymentPlan: Sendable, Equatable {
    /// One Deployment the plan keeps.
    public struct ServingDeployment: Sendable, Equatable {
        public enum Role: String, Sendable { case stable, candidate, previous }
        public var model: ModelVersion
        public var replicas: Int
        public var role: Role
        /// The pod template; nil means the spec's.
        public var template: JSON?
    }

    /// Where traffic goes.
    public struct Routing: Sendable, Equatable {
        /// Version the main Service selects; nil selects every serving pod (Replicas routing mid-canary).
        public var mainVersion: String?
        /// Version behind `-stable`.
        public var stableVersion: String?
        /// Version behind `-canary` (and `-preview`); the stable one when no candidate runs.
        public var canaryVersion: String?
        /// Gateway API weights (stable, canary) and mirrored percentage.
        public var stableWeight: Int
        public var canaryWeight: Int
        public var mirrorPercent: Int?
    }

    public struct PlannedEvent: Sendable, Equatable {
        public var warning: Bool
        public var reason: String
        public var note: String
    }

    public var status: ModelDeploymentStatus
    public var deployments: [ServingDeployment]
    public var routing: Routing
    public var events: [PlannedEvent]
    /// Look again after this long even if nothing changes (pauses, deadlines, scale-down delays).
    public var requeueAfter: Duration?
}
