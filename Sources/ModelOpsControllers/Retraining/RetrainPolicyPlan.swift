import Foundation
import KubeRuntime
import ModelOpsAPI

/// What `RetrainPolicyPlanner` decided: TrainingJobs to create and delete, the status to write (only
/// when it differs from the observed one), events to record, and when to look again.
public struct RetrainPolicyPlan: Sendable {
    /// An event about the policy.
    public struct Event: Sendable, Equatable {
        public var type: EventType
        public var reason: String
        public var action: String
        public var note: String
    }

    /// New TrainingJobs, each with its deterministic name.
    public var create: [TrainingJob] = []
    /// TrainingJobs to delete (Replace, history limits).
    public var delete: [TrainingJob] = []
    public var status: RetrainPolicyStatus
    public var events: [Event] = []
    /// When something becomes due without any watched object changing (the next schedule slot,
    /// the end of a cooldown a pending trigger waits for); nil when nothing is.
    public var wakeAt: Date?

    public init(status: RetrainPolicyStatus) {
        self.status = status
    }
}
