import Foundation
import KubeCore
import ModelOpsAPI

/// Runs analyses the way Argo Rollouts' AnalysisRun does, with all state in the
/// `AnalysisRunStatus` the controller stores in the ModelDeployment's status: each metric is
/// measured every `interval`, `count` times, measurement k falling due at `startedAt + k·interval`
/// (so a restarted operator resumes exactly where the status says). The controller calls `step`
/// when a measurement is due and requeues for the returned `nextDue`.
public struct AnalysisRunner: Sendable {
    /// Measurements kept per metric in the status (the counts keep the full tally).
    public static let keptMeasurements = 10

    public let measurer: any MetricMeasurer

    public init(measurer: any MetricMeasurer) {
        self.measurer = measurer
    }

    /// Starts a run named `name` (e.g. "step-2", "prePromotion", "shadow", "bake") for `version`.
    /// `metrics` are names from `spec.metrics`; nil means all of them. Unknown names, or settings
    /// analysis cannot work with, give a run that is already in phase Error with a message naming
    /// them. The first measurement of every metric is due at `now`.
    public static func start(name: String, version: String, metrics: [String]?, spec: AnalysisSpec, now: Date) -> AnalysisRunStatus {
        let start = KubeTime(now)
        var run = AnalysisRunStatus(name: name, version: version, phase: .running, startedAt: start)
        let known = spec.metrics.map(\.name)
        var names: [String] = []
        for requested in metrics ?? known where !names.contains(requested) { names.append(requested) }
        let unknown = names.filter { !known.contains($0) }
        if !unknown.isEmpty {
            return run.ended(.error, at: start,
                             message: "unknown \(unknown.count == 1 ? "metric" : "metrics") \(quotedList(unknown)); spec.analysis.metrics has \(quotedList(known))")
        }
        if names.isEmpty {
            return run.ended(.error, at: start, message: "no metrics to analyse: spec.analysis.metrics is empty")
        }
        if case let .failure(error) = AnalysisSettings.resolve(spec) {
            return run.ended(.error, at: start, message: error.message)
        }
        run.metrics = names.map {
            AnalysisRunStatus.MetricResult(name: $0, phase: .running, count: 0, successful: 0, failed: 0, inconclusive: 0, errors: 0)
        }
        return run
    }

    /// Takes every measurement due at `now`, records it, and decides the verdict. Returns the updated
    /// run and when the next measurement is due (nil once the run's phase is final: Successful,
    /// Failed, Inconclusive, Error).
    ///
    /// Measurements that fell due while the operator was away are all taken now, each queried at its
    /// own due time. A metric stops being measured once its verdict is reached; the run ends as soon
    /// as one metric ends other than Successful, or when all have succeeded.
    public func step(_ run: AnalysisRunStatus, spec: AnalysisSpec, placeholders: QueryPlaceholders, now: Date) async
        -> (run: AnalysisRunStatus, nextDue: Date?) {
        guard run.phase == .running else { return (run, nil) }
        var run = run
        let finished = KubeTime(now)
        let settings: AnalysisSettings
        switch AnalysisSettings.resolve(spec) {
        case let .success(resolved): settings = resolved
        case let .failure(error): return (run.ended(.error, at: finished, message: error.message), nil)
        }
        let results = run.metrics ?? []
        let missing = results.filter { result in !spec.metrics.contains { $0.name == result.name } }.map(\.name)
        guard missing.isEmpty else {
            return (run.ended(.error, at: finished, message: "\(Self.quotedList(missing)) no longer in spec.analysis.metrics"), nil)
        }
        let startedAt = (run.startedAt ?? finished).date
        run.startedAt = run.startedAt ?? finished

        let measurer = self.measurer
        let updated = await withTaskGroup(of: (Int, AnalysisRunStatus.MetricResult).self) { group in
            for (index, result) in results.enumerated() where result.phase == .running {
                guard let metric = spec.metrics.first(where: { $0.name == result.name }) else { continue }
                group.addTask {
                    (index, await Self.measureDue(result, metric: metric, settings: settings, provider: spec.provider,
                                                  placeholders: placeholders, startedAt: startedAt, now: now, measurer: measurer))
                }
            }
            var updated = results
            for await (index, result) in group { updated[index] = result }
            return updated
        }
        run.metrics = updated
        run.phase = Self.runPhase(updated)
        guard run.phase == .running else {
            run.finishedAt = finished
            run.message = Self.runMessage(updated, phase: run.phase, settings)
            return (run, nil)
        }
        run.message = nil
        let nextDue = updated.filter { $0.phase == .running }
            .map { Self.due(measurement: $0.count ?? 0, startedAt: startedAt, settings) }
            .min()
        return (run, nextDue)
    }

    /// When measurement `k` (0-based) of a metric is due.
    static func due(measurement k: Int, startedAt: Date, _ settings: AnalysisSettings) -> Date {
        startedAt.addingTimeInterval(Double(k) * settings.interval.timeInterval)
    }

    /// Takes one metric's due measurements in order, stopping at its verdict.
    ///
    /// A measurement is evaluated at the instant it is taken (`now`), as Argo Rollouts and Flagger
    /// query: due times come from the run's `startedAt`, which status keeps in whole seconds, so
    /// the first measurement's due time can lie up to a second before the run began, before the
    /// canary's first sample. Only measurements missed while the operator was away (their
    /// successor is due as well) are evaluated at their own due times.
    static func measureDue(_ result: AnalysisRunStatus.MetricResult, metric: AnalysisMetric, settings: AnalysisSettings,
                           provider: MetricProvider, placeholders: QueryPlaceholders, startedAt: Date, now: Date,
                           measurer: any MetricMeasurer) async -> AnalysisRunStatus.MetricResult {
        var result = result
        let judge = MeasurementJudge(metric: metric)
        let query = placeholders.render(metric.query)
        while result.phase == .running, (result.count ?? 0) < settings.count {
            let due = due(measurement: result.count ?? 0, startedAt: startedAt, settings)
            guard due <= now else { break }
            let successor = Self.due(measurement: (result.count ?? 0) + 1, startedAt: startedAt, settings)
            let missed = successor <= now && (result.count ?? 0) + 1 < settings.count
            var measurement = judge.judge(await measurer.measure(query: query, provider: provider, at: missed ? due : now))
            measurement.startedAt = KubeTime(due)
            measurement.finishedAt = KubeTime(now)
            result.record(measurement)
            result.phase = MetricVerdict.phase(of: result, settings)
        }
        return result
    }

    /// Failed if any metric failed, else Inconclusive if any is, else Error if any is, else
    /// Successful when all are, else Running.
    static func runPhase(_ metrics: [AnalysisRunStatus.MetricResult]) -> AnalysisPhase {
        let phases = Set(metrics.map(\.phase))
        for phase in [AnalysisPhase.failed, .inconclusive, .error] where phases.contains(phase) { return phase }
        return phases == [.successful] ? .successful : .running
    }

    /// The metrics that decided the run, each with its reason ("; "-separated).
    static func runMessage(_ metrics: [AnalysisRunStatus.MetricResult], phase: AnalysisPhase, _ settings: AnalysisSettings) -> String {
        let deciding = metrics.filter { $0.phase == phase }
        return deciding.map { MetricVerdict.message(for: $0, settings) }.joined(separator: "; ")
    }

    static func quotedList(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

extension AnalysisRunStatus {
    fileprivate func ended(_ phase: AnalysisPhase, at time: KubeTime, message: String) -> AnalysisRunStatus {
        var run = self
        run.phase = phase
        run.finishedAt = time
        run.message = message
        return run
    }
}
