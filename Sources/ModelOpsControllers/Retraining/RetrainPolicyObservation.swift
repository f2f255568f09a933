import Foundation
import ModelOpsAPI

/// What `RetrainPolicyPlanner` looks at: the policy as cached, the TrainingJobs it controls, the time,
/// and what its triggers observed in this pass. Everything the I/O side gathered, nothing it did.
public struct RetrainPolicyObservation: Sendable {
    /// The policy, with its status as last written.
    public var policy: RetrainPolicy
    /// TrainingJobs whose controller owner is the policy (including ones just created and not yet
    /// in the cache).
    public var jobs: [TrainingJob]
    /// The operator clock's wall time.
    public var now: Date
    /// DataVersion triggers: trigger index → the ConfigMap key's current value. Missing when the
    /// ConfigMap or key does not exist.
    public var dataVersions: [Int: String]
    /// Metric triggers evaluated in this pass: trigger index → the measurement. Triggers not
    /// evaluated in this pass are absent (a metric trigger fires only on a fresh evaluation).
    public var metricReadings: [Int: MetricReading]
    /// Model versions a following ModelDeployment rolled back; never promoted again.
    public var rejectedVersions: Set<String>

    public init(policy: RetrainPolicy, jobs: [TrainingJob], now: Date, dataVersions: [Int: String] = [:],
                metricReadings: [Int: MetricReading] = [:], rejectedVersions: Set<String> = []) {
        self.policy = policy
        self.jobs = jobs
        self.now = now
        self.dataVersions = dataVersions
        self.metricReadings = metricReadings
        self.rejectedVersions = rejectedVersions
    }
}
