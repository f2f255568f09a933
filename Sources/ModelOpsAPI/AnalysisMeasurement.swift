import KubeCore

/// One query result and its verdict.
public struct AnalysisMeasurement: Sendable, Hashable, Codable {
    /// Verdict of one measurement.
    public enum Phase: String, Sendable, Hashable, Codable, CaseIterable {
        case successful = "Successful"
        case failed = "Failed"
        /// No data (e.g. an empty query result).
        case inconclusive = "Inconclusive"
        /// The query failed.
        case error = "Error"
    }

    /// Verdict of this measurement.
    public var phase: Phase

    /// The value returned; nil for empty results and errors.
    public var value: Double?

    /// Why it is inconclusive or an error.
    public var message: String?

    /// When the query was sent.
    public var startedAt: KubeTime?

    /// When the answer arrived.
    public var finishedAt: KubeTime?

    public init(
        phase: Phase,
        value: Double? = nil,
        message: String? = nil,
        startedAt: KubeTime? = nil,
        finishedAt: KubeTime? = nil
    ) {
        self.phase = phase
        self.value = value
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
