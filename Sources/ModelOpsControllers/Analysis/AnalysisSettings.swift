import ModelOpsAPI

/// An `AnalysisSpec`'s numbers with their defaults applied (Argo Rollouts' and the API's): measure
/// every 1m, 5 times; tolerate no failed and no inconclusive measurement; need every measurement
/// to have data.
struct AnalysisSettings: Sendable, Hashable {
    var interval: Duration
    var count: Int
    var failureLimit: Int
    var inconclusiveLimit: Int
    var minSamples: Int

    /// Errors (no answer from Prometheus) a metric tolerates: a few more than failures, since a
    /// Prometheus restart or a slow query says nothing about the candidate; past this the metric
    /// ends in Error.
    var errorLimit: Int { failureLimit + 3 }

    /// The settings, or a message naming the field that makes analysis impossible. Validation
    /// reports these too; the runner checks again so that it never loops on a zero interval.
    static func resolve(_ spec: AnalysisSpec) -> Result<AnalysisSettings, AnalysisConfigError> {
        let interval: Duration
        do {
            interval = try GoDuration.parse(spec.interval ?? "1m")
        } catch {
            return .failure(AnalysisConfigError(message: "spec.analysis.interval: \(error.message)"))
        }
        guard interval > .zero else {
            return .failure(AnalysisConfigError(message: "spec.analysis.interval: must be positive, got \"\(spec.interval ?? "")\""))
        }
        let count = spec.count ?? 5
        guard count >= 1 else { return .failure(AnalysisConfigError(message: "spec.analysis.count: must be at least 1, got \(count)")) }
        let failureLimit = spec.failureLimit ?? 0, inconclusiveLimit = spec.inconclusiveLimit ?? 0
        guard failureLimit >= 0 else {
            return .failure(AnalysisConfigError(message: "spec.analysis.failureLimit: must not be negative, got \(failureLimit)"))
        }
        guard inconclusiveLimit >= 0 else {
            return .failure(AnalysisConfigError(message: "spec.analysis.inconclusiveLimit: must not be negative, got \(inconclusiveLimit)"))
        }
        let minSamples = spec.minSamples ?? count
        guard (0...count).contains(minSamples) else {
            return .failure(AnalysisConfigError(message: "spec.analysis.minSamples: must be between 0 and count (\(count)), got \(minSamples)"))
        }
        return .success(AnalysisSettings(interval: interval, count: count, failureLimit: failureLimit,
                                         inconclusiveLimit: inconclusiveLimit, minSamples: minSamples))
    }
}

struct AnalysisConfigError: Error, Sendable, Hashable {
    var message: String
}
