import Foundation
import ModelOpsAPI

/// Takes one measurement of a metric. Two implementations: `PrometheusMeasurer` for the real thing,
/// and scripted measurers in unit tests, so the runner's verdict logic is tested without a server.
public protocol MetricMeasurer: Sendable {
    /// One measurement of `query` (already rendered) at `time`. Never throws: failures are `.error`
    /// measurements whose message says what went wrong, an empty result is `.inconclusive`, and a
    /// value is returned as `.successful` for the runner to judge (it applies the metric's
    /// condition and thresholds; the measurer does not know them).
    func measure(query: String, provider: MetricProvider, at time: Date) async -> AnalysisMeasurement
}
