import Foundation
import KubeRuntime
import ModelOpsAPI
import Prometheus
import Synchronization

/// The operator's domain metrics (`modelops_*`), beside controller-runtime's on /metrics: what a
/// platform team alerts and draws dashboards on (manifests/monitoring/).
///
/// Labels are bounded: `namespace` and the object's name (objects are what users create; a
/// deleted object's gauges are removed, its counters stay until the process restarts, as
/// Prometheus client counters do), enum values (phase, outcome, result, trigger) and the metric
/// names a spec declares. No counter has a model-version label: versions grow without end.
/// The one version label, on `modelops_training_headline_metric`, holds a single series per
/// model and metric (the previous version's series is removed when a newer run succeeds).
///
/// Counters count what a status write recorded, after the write succeeded, so a conflict that
/// makes a reconcile plan again counts nothing twice.
public final class ModelOpsMetrics: Sendable {
    struct Definition {
        let name: String
        let help: String
        var descriptor: MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
    }

    static let rollouts = Definition(name: "modelops_rollouts_total",
                                     help: "Rollouts of a ModelDeployment that ended, by outcome (promoted, rolled_back)")
    static let canaryWeight = Definition(name: "modelops_rollout_canary_weight",
                                         help: "Percent of traffic the candidate version of a ModelDeployment receives, while a rollout runs")
    static let step = Definition(name: "modelops_rollout_step",
                                 help: "The canary step index a ModelDeployment's rollout is at, while a rollout runs")
    static let phase = Definition(name: "modelops_modeldeployment_phase",
                                  help: "1, labelled with the phase a ModelDeployment is in (one series per ModelDeployment)")
    static let phaseSince = Definition(name: "modelops_modeldeployment_phase_transition_timestamp_seconds",
                                       help: "While a ModelDeployment is Progressing: when its Progressing condition last changed (Unix seconds)")
    static let measurements = Definition(name: "modelops_analysis_measurements_total",
                                         help: "Analysis measurements taken for a ModelDeployment's candidates, by metric and result")
    static let analysisValue = Definition(name: "modelops_analysis_value",
                                          help: "The last value an analysis metric of a ModelDeployment's candidate measured")
    static let analysisThreshold = Definition(name: "modelops_analysis_threshold",
                                              help: "The thresholdRange bounds (min, max) of a ModelDeployment's analysis metric")
    static let registryReachable = Definition(name: "modelops_registry_reachable",
                                              help: "1 when the model registry alias a ModelDeployment follows was read at the last try, else 0")
    static let trainingRuns = Definition(name: "modelops_training_runs_total", help: "TrainingJobs that ended, by result (succeeded, failed)")
    static let trainingDuration = Definition(name: "modelops_training_duration_seconds",
                                             help: "Time from a TrainingJob's start to its end, by result")
    static let headline = Definition(name: "modelops_training_headline_metric",
                                     help: "The headline metric of the newest succeeded TrainingJob of a model, by model version")
    static let retrainRuns = Definition(name: "modelops_retrain_runs_total",
                                        help: "TrainingJobs a RetrainPolicy started, by trigger (Schedule, Metric, DataVersion, Manual)")
    static let missedSchedules = Definition(name: "modelops_retrain_missed_schedules_total",
                                            help: "Scheduled runs a RetrainPolicy skipped (concurrency, starting deadline, suspended)")

    static let durationBuckets: [Double] = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400]

    let metrics: RuntimeMetrics
    var registry: PrometheusCollectorRegistry { metrics.registry }
    /// Each object's series ("Kind/namespace/name" → family name → label sets), so that `forget`
    /// removes them with the object.
    private let owned = Mutex<[String: [String: Set<[String]>]]>([:])
    /// The headline series of each model and metric ("namespace/model/metric" → its labels).
    private let headlines = Mutex<[String: [(String, String)]]>([:])

    public init(metrics: RuntimeMetrics) {
        self.metrics = metrics
    }

    private static let instances = Mutex<[ObjectIdentifier: ModelOpsMetrics]>([:])

    /// The one instance per registry (the operator's controllers share it, so a deleted object's
    /// gauges are found wherever they were made).
    public static func of(_ metrics: RuntimeMetrics) -> ModelOpsMetrics {
        instances.withLock { instances in
            let key = ObjectIdentifier(metrics.registry)
            if let existing = instances[key] { return existing }
            let made = ModelOpsMetrics(metrics: metrics)
            instances[key] = made
            return made
        }
    }

    private func family(_ definition: Definition, _ kind: SeriesFamily.Kind) -> SeriesFamily {
        metrics.family(definition.name, help: definition.help, kind: kind)
    }

    /// Counts `amount` more on a counter series (per object series live in `SeriesFamily`,
    /// which adds one in constant time).
    private func count(_ definition: Definition, _ labels: [(String, String)], by amount: Int64 = 1) {
        family(definition, .counter).add(labels, Double(amount))
    }

    /// Sets a gauge series of one object, remembered so that `forget` removes it with the object.
    private func set(_ definition: Definition, object: String, _ labels: [(String, String)], to value: Double) {
        let family = family(definition, .gauge)
        let flat = labels.flatMap { [$0.0, $0.1] }
        // Under the lock `forget` takes, so a series is never written after its object was forgotten.
        owned.withLock { owned in
            owned[object, default: [:]][definition.name, default: []].insert(flat)
            family.set(labels, to: value)
        }
    }

    private func drop(_ definition: Definition, object: String, _ labels: [(String, String)]) {
        let flat = labels.flatMap { [$0.0, $0.1] }
        let family = family(definition, .gauge)
        owned.withLock { owned in
            guard owned[object]?[definition.name]?.remove(flat) != nil else { return }
            if owned[object]?[definition.name]?.isEmpty == true { owned[object]?[definition.name] = nil }
            if owned[object]?.isEmpty == true { owned[object] = nil }
            family.remove(labels)
        }
    }

    /// Removes the gauges of a deleted object.
    public func forget(kind: String, namespace: String?, name: String) {
        let object = "\(kind)/\(namespace ?? "")/\(name)"
        owned.withLock { owned in
            guard let series = owned.removeValue(forKey: object) else { return }
            for (familyName, labelSets) in series {
                let family = metrics.family(familyName, help: "", kind: .gauge)
                for flat in labelSets {
                    family.remove(stride(from: 0, to: flat.count, by: 2).map { (flat[$0], flat[$0 + 1]) })
                }
            }
        }
    }

    // MARK: ModelDeployment

    /// After a status write of a ModelDeployment: `before` is the status it replaced.
    func recorded(_ deployment: ModelDeployment, before: ModelDeploymentStatus?, after: ModelDeploymentStatus, events: [String]) {
        let namespace = deployment.metadata.namespace ?? "", name = deployment.metadata.name ?? ""
        let object = "ModelDeployment/\(namespace)/\(name)"
        let labels = [("namespace", namespace), ("modeldeployment", name)]
        for reason in events {
            switch reason {
            case "Promoted": count(Self.rollouts, labels + [("outcome", "promoted")])
            case "RolledBack": count(Self.rollouts, labels + [("outcome", "rolled_back")])
            default: break
            }
        }
        // Few series at rest (measured: nine per ModelDeployment cost 1.5 CPU s and 9 MB over a
        // thousand first versions): the weight and step only during a rollout, one phase series,
        // the transition time only while progressing.
        if let canary = after.canary {
            set(Self.canaryWeight, object: object, labels, to: Double(canary.weight ?? 0))
            set(Self.step, object: object, labels, to: Double(canary.step ?? 0))
        } else {
            drop(Self.canaryWeight, object: object, labels)
            drop(Self.step, object: object, labels)
        }
        for phase in ModelDeploymentStatus.Phase.allCases where phase != after.phase {
            drop(Self.phase, object: object, labels + [("phase", phase.rawValue)])
        }
        if let phase = after.phase {
            set(Self.phase, object: object, labels + [("phase", phase.rawValue)], to: 1.0)
        }
        if after.phase == .progressing, let time = after.conditions?[type: "Progressing"]?.lastTransitionTime {
            set(Self.phaseSince, object: object, labels, to: time.date.timeIntervalSince1970)
        } else {
            drop(Self.phaseSince, object: object, labels)
        }
        if let registry = after.conditions?[type: MLflowAliasResolver.condition] {
            set(Self.registryReachable, object: object, labels, to: Double(registry.status == .true ? 1 : 0))
        } else {
            drop(Self.registryReachable, object: object, labels)  // no longer follows an alias: no series to alert on
        }
        for metric in deployment.spec.analysis?.metrics ?? [] {
            for (bound, value) in [("min", metric.thresholdRange?.min), ("max", metric.thresholdRange?.max)] {
                guard let value else { continue }
                set(Self.analysisThreshold, object: object, labels + [("metric", metric.name), ("bound", bound)], to: value)
            }
        }
        for run in after.analysisRuns ?? [] {
            for metric in run.metrics ?? [] {
                guard let value = metric.measurements?.last(where: { $0.value != nil })?.value else { continue }
                set(Self.analysisValue, object: object, labels + [("metric", metric.name)], to: value)
            }
        }
        // New measurements: the counts of each run's metrics, against the status replaced.
        func counts(_ status: ModelDeploymentStatus?) -> [String: [String: Int]] {
            var result: [String: [String: Int]] = [:]
            for run in status?.analysisRuns ?? [] {
                for metric in run.metrics ?? [] {
                    let key = "\(run.name)/\(run.version ?? "")/\(metric.name)"
                    result[key] = ["successful": metric.successful ?? 0, "failed": metric.failed ?? 0,
                                   "inconclusive": metric.inconclusive ?? 0, "error": metric.errors ?? 0]
                }
            }
            return result
        }
        let old = counts(before)
        for (key, now) in counts(after) {
            let metric = String(key.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
            for (result, value) in now where value > (old[key]?[result] ?? 0) {
                count(Self.measurements, labels + [("metric", metric), ("result", result)], by: Int64(value - (old[key]?[result] ?? 0)))
            }
        }
    }

    // MARK: TrainingJob

    /// After a status write of a TrainingJob that ended (its phase became Succeeded or Failed).
    func ended(_ job: TrainingJob, status: TrainingJobStatus) {
        guard let phase = status.phase, phase == .succeeded || phase == .failed else { return }
        let namespace = job.metadata.namespace ?? ""
        let result = phase == .succeeded ? "succeeded" : "failed"
        count(Self.trainingRuns, [("namespace", namespace), ("result", result)])
        if let start = status.startTime?.date, let end = status.completionTime?.date {
            registry.makeValueHistogram(descriptor: Self.trainingDuration.descriptor, labels: [("namespace", namespace), ("result", result)],
                                        buckets: Self.durationBuckets)
                .record(max(0, end.timeIntervalSince(start)))
        }
        guard phase == .succeeded, let headline = status.headlineMetric, let equals = headline.firstIndex(of: "="),
              let value = Double(headline[headline.index(after: equals)...]) else { return }
        let metric = String(headline[..<equals])
        let model = status.model?.name ?? job.spec.model.name
        let version = status.model?.version ?? ""
        let series = "\(namespace)/\(model)/\(metric)"
        let labels = [("namespace", namespace), ("model", model), ("metric", metric), ("version", version)]
        let family = family(Self.headline, .gauge)
        // Swapped and written under one lock: two runs of a model ending at once must leave
        // exactly the series the map names, never the loser's as well.
        headlines.withLock { headlines in
            if let replaced = headlines[series], replaced.map({ [$0.0, $0.1] }) != labels.map({ [$0.0, $0.1] }) {
                family.remove(replaced)
            }
            headlines[series] = labels
            family.set(labels, to: value)
        }
    }

    // MARK: RetrainPolicy

    /// After a RetrainPolicy pass: the runs it created (their triggers) and the schedules it missed.
    func retrained(_ policy: RetrainPolicy, triggers: [String], missed: Int64) {
        let labels = [("namespace", policy.metadata.namespace ?? ""), ("retrainpolicy", policy.metadata.name ?? "")]
        for trigger in triggers {
            count(Self.retrainRuns, labels + [("trigger", trigger)])
        }
        if missed > 0 { count(Self.missedSchedules, labels, by: missed) }
    }
}
