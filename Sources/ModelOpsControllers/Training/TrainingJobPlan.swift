import KubeCore
import KubeRuntime
import ModelOpsAPI

/// What one reconcile of a TrainingJob should do: apply the workload (when it must exist),
/// write the status (when it differs from the observed one) and record the events of the
/// transitions it makes.
public struct TrainingJobPlan: Sendable, Equatable {
    public struct Event: Sendable, Equatable {
        public var type: EventType
        public var reason: String
        public var note: String

        public init(_ type: EventType, _ reason: String, _ note: String) {
            self.type = type
            self.reason = reason
            self.note = note
        }
    }

    /// The workload to apply; nil once the run has ended (never recreated, e.g. after the TTL
    /// deleted it).
    public var workload: JSON?
    public var status: TrainingJobStatus
    public var events: [Event]
}
