import ModelOpsAPI

/// The verdict on one metric from its running counts (never from the trimmed measurement list, so
/// it is the same after a restart), and the sentence that explains it.
///
/// In order: more failed measurements than `failureLimit` → Failed; more without data than
/// `inconclusiveLimit` → Inconclusive; more errors than `failureLimit + 3` → Error; once all
/// `count` measurements are taken, Successful when at least `minSamples` of them had data (a
/// failed measurement within the failure limit has data), else Inconclusive. No data is never a
/// success.
enum MetricVerdict {
    static func phase(of result: AnalysisRunStatus.MetricResult, _ settings: AnalysisSettings) -> AnalysisPhase {
        let c = Counts(result)
        if c.failed > settings.failureLimit { return .failed }
        if c.inconclusive > settings.inconclusiveLimit { return .inconclusive }
        if c.errors > settings.errorLimit { return .error }
        guard c.count >= settings.count else { return .running }
        return c.withData >= settings.minSamples ? .successful : .inconclusive
    }

    /// Why the metric has its phase, naming the metric, the value and the criterion it missed.
    static func message(for result: AnalysisRunStatus.MetricResult, _ settings: AnalysisSettings) -> String {
        let c = Counts(result)
        let latest = { (phase: AnalysisMeasurement.Phase) in
            result.measurements?.last(where: { $0.phase == phase })?.message
        }
        let prefix = "metric \(result.name): "
        switch result.phase {
        case .failed:
            let what = latest(.failed) ?? "measurement failed"
            return prefix + "\(what) (\(c.failed) failed > failureLimit \(settings.failureLimit))"
        case .inconclusive where c.inconclusive > settings.inconclusiveLimit:
            let why = latest(.inconclusive).map { ": \($0)" } ?? ""
            return prefix + "\(c.inconclusive) of \(c.count) measurements had no data (> inconclusiveLimit \(settings.inconclusiveLimit))\(why)"
        case .inconclusive:
            return prefix + "only \(c.withData) of \(c.count) measurements had data, minSamples is \(settings.minSamples)"
                + (c.errors > 0 ? " (\(c.errors) could not be taken)" : "")
        case .error:
            let why = latest(.error).map { ": \($0)" } ?? ""
            return prefix + "\(c.errors) measurements could not be taken (> failureLimit \(settings.failureLimit) + 3)\(why)"
        case .successful:
            return prefix + "\(c.successful) of \(c.count) measurements successful"
        case .running:
            return prefix + "\(c.count) of \(settings.count) measurements taken"
        }
    }

    private struct Counts {
        var count, successful, failed, inconclusive, errors: Int
        var withData: Int { successful + failed }

        init(_ r: AnalysisRunStatus.MetricResult) {
            count = r.count ?? 0
            successful = r.successful ?? 0
            failed = r.failed ?? 0
            inconclusive = r.inconclusive ?? 0
            errors = r.errors ?? 0
        }
    }
}

extension AnalysisRunStatus.MetricResult {
    /// Adds one judged measurement to the counts and the last-10 list.
    mutating func record(_ measurement: AnalysisMeasurement) {
        count = (count ?? 0) + 1
        switch measurement.phase {
        case .successful: successful = (successful ?? 0) + 1
        case .failed: failed = (failed ?? 0) + 1
        case .inconclusive: inconclusive = (inconclusive ?? 0) + 1
        case .error: errors = (errors ?? 0) + 1
        }
        var list = measurements ?? []
        list.append(measurement)
        measurements = Array(list.suffix(AnalysisRunner.keptMeasurements))
    }
}
