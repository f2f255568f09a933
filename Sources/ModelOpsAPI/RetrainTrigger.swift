/// A condition that starts a training run outside the schedule. The block matching `type` must be
/// set.
public struct RetrainTrigger: Sendable, Hashable, Codable {
    /// Kinds of trigger.
    public enum TriggerType: String, Sendable, Hashable, Codable, CaseIterable {
        /// A query crosses a threshold for a while (drift).
        case metric = "Metric"
        /// A ConfigMap key naming the dataset version changes.
        case dataVersion = "DataVersion"
    }

    /// Metric or DataVersion.
    public var type: TriggerType

    /// Settings of a Metric trigger.
    public var metric: MetricTrigger?

    /// Settings of a DataVersion trigger.
    public var dataVersion: DataVersionTrigger?

    public init(type: TriggerType, metric: MetricTrigger? = nil, dataVersion: DataVersionTrigger? = nil) {
        self.type = type
        self.metric = metric
        self.dataVersion = dataVersion
    }
}
