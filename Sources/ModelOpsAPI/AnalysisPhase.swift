/// Verdict of an analysis run or of one metric in it.
public enum AnalysisPhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// Measurements are still due.
    case running = "Running"
    /// Every metric passed.
    case successful = "Successful"
    /// A metric exceeded its failure limit; the candidate is rolled back.
    case failed = "Failed"
    /// Not enough data to judge; the rollout pauses for a person.
    case inconclusive = "Inconclusive"
    /// Measurements could not be taken.
    case error = "Error"
}
