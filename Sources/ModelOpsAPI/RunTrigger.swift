/// What started a training run.
public enum RunTrigger: String, Sendable, Hashable, Codable, CaseIterable {
    /// The policy's cron schedule.
    case schedule = "Schedule"
    /// A metric crossed its threshold long enough (drift).
    case metric = "Metric"
    /// The dataset version in a ConfigMap changed.
    case dataVersion = "DataVersion"
    /// Someone asked (kubectl modelops retrain).
    case manual = "Manual"
}
