import Foundation
import ModelOpsAPI

/// Spec checks the CRD schema and its CEL rules cannot express: cron syntax, time-zone names,
/// Go durations, non-empty Prometheus queries, provider URLs. A reconciler that finds problems
/// reports them as `Ready=False, reason=InvalidSpec` with `message` naming the field, emits a
/// Warning event, and retries with backoff rather than hot.
public struct SpecProblem: Sendable, Equatable, CustomStringConvertible {
    /// The field path as the API writes it: `spec.strategy.canary.steps[1].pause.duration`.
    public var field: String
    public var message: String
    public var description: String { "\(field): \(message)" }

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

public enum SpecValidation {
    /// The condition message for a list of problems: every field named, one sentence.
    public static func message(_ problems: [SpecProblem]) -> String {
        "invalid spec: " + problems.map(\.description).joined(separator: "; ")
    }

    public static func validate(_ spec: ModelDeploymentSpec) -> [SpecProblem] {
        var problems: [SpecProblem] = []
        if let poll = spec.model.registry?.mlflow?.pollInterval {
            problems += checkDuration(poll, field: "spec.model.registry.mlflow.pollInterval", positive: true)
        }
        for (i, step) in (spec.strategy?.canary?.steps ?? []).enumerated() {
            if let duration = step.pause?.duration {
                problems += checkDuration(duration, field: "spec.strategy.canary.steps[\(i)].pause.duration", positive: true)
            }
        }
        if let analysis = spec.analysis {
            problems += checkProvider(analysis.provider, field: "spec.analysis.provider")
            if let interval = analysis.interval {
                problems += checkDuration(interval, field: "spec.analysis.interval", positive: true)
            }
            for (i, metric) in analysis.metrics.enumerated() {
                problems += checkQuery(metric.query, field: "spec.analysis.metrics[\(i)].query")
                if let condition = metric.successCondition, condition.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append(SpecProblem(field: "spec.analysis.metrics[\(i)].successCondition", message: "must not be empty"))
                }
            }
        }
        return problems
    }

    public static func validate(_ spec: RetrainPolicySpec) -> [SpecProblem] {
        var problems: [SpecProblem] = []
        let zone = spec.timeZone ?? "UTC"
        if TimeZone(identifier: zone) == nil || zone.hasPrefix("GMT+") || zone.hasPrefix("GMT-") || zone == "Local" {
            problems.append(SpecProblem(field: "spec.timeZone", message: "unknown time zone \"\(zone)\""))
        } else {
            do {
                _ = try CronSchedule.parsed(spec.schedule, timeZone: zone)
            } catch {
                problems.append(SpecProblem(field: "spec.schedule", message: error.message))
            }
        }
        if let cooldown = spec.cooldown {
            problems += checkDuration(cooldown, field: "spec.cooldown", positive: false)
        }
        for (i, trigger) in (spec.triggers ?? []).enumerated() {
            guard let metric = trigger.metric else { continue }
            problems += checkQuery(metric.query, field: "spec.triggers[\(i)].metric.query")
            if let window = metric.for {
                problems += checkDuration(window, field: "spec.triggers[\(i)].metric.for", positive: false)
            }
            if let provider = metric.provider {
                problems += checkProvider(provider, field: "spec.triggers[\(i)].metric.provider")
            }
        }
        return problems
    }

    static func checkDuration(_ text: String, field: String, positive: Bool) -> [SpecProblem] {
        do {
            let duration = try GoDuration.parse(text)
            if duration < .zero || (positive && duration == .zero) {
                return [SpecProblem(field: field, message: "duration \"\(text)\" must be \(positive ? "greater than zero" : "zero or more")")]
            }
            return []
        } catch {
            return [SpecProblem(field: field, message: error.message)]
        }
    }

    static func checkQuery(_ query: String, field: String) -> [SpecProblem] {
        query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            ? [SpecProblem(field: field, message: "Prometheus query must not be empty")] : []
    }

    static func checkProvider(_ provider: MetricProvider, field: String) -> [SpecProblem] {
        let address = provider.prometheus.address
        guard let url = URL(string: address), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            return [SpecProblem(field: "\(field).prometheus.address", message: "\"\(address)\" is not an http(s) URL")]
        }
        return []
    }
}
