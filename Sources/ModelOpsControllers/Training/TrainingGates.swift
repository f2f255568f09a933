import Foundation
import ModelOpsAPI

/// The validation verdict of a finished training: every metric gate and the comparison with
/// the serving model, checked against the reported metrics. Pure; the message shows every
/// number compared, so `kubectl describe` answers "why was this model refused?".
public enum TrainingGates {
    public struct Verdict: Sendable, Equatable {
        public var passed: Bool
        /// `Passed`, or the first failed check's: `GateFailed`, `MetricMissing`, `NotImproved`,
        /// `BaselineUnavailable`.
        public var reason: String
        public var message: String

        public init(passed: Bool, reason: String, message: String) {
            self.passed = passed
            self.reason = reason
            self.message = message
        }
    }

    /// Improvement comparisons forgive this much floating-point noise (0.93 - 0.91 is
    /// 0.020000000000000018, 0.3 - 0.1 is 0.19999999999999998).
    static let tolerance = 1e-9

    struct Check {
        var passed: Bool
        var reason: String
        var text: String
    }

    public static func verdict(_ validation: TrainingValidation?, metrics: [String: Double], baseline: TrainingBaseline?) -> Verdict {
        var checks: [Check] = []
        for gate in validation?.gates ?? [] {
            checks += gateChecks(gate, metrics: metrics)
        }
        if let comparison = validation?.compareTo {
            checks.append(compare(comparison, metrics: metrics, baseline: baseline))
        }
        guard !checks.isEmpty else {
            return Verdict(passed: true, reason: "Passed", message: "no validation checks configured")
        }
        let failed = checks.filter { !$0.passed }
        let passed = checks.filter(\.passed)
        guard let first = failed.first else {
            return Verdict(passed: true, reason: "Passed", message: "passed: " + passed.map(\.text).joined(separator: "; "))
        }
        var message = "failed: " + failed.map(\.text).joined(separator: "; ")
        if !passed.isEmpty { message += "; passed: " + passed.map(\.text).joined(separator: "; ") }
        return Verdict(passed: false, reason: first.reason, message: message)
    }

    static func gateChecks(_ gate: TrainingValidation.Gate, metrics: [String: Double]) -> [Check] {
        guard let value = metrics[gate.metric] else {
            var bounds: [String] = []
            if let min = gate.min { bounds.append("min \(format(min))") }
            if let max = gate.max { bounds.append("max \(format(max))") }
            return [Check(passed: false, reason: "MetricMissing",
                          text: "\(gate.metric) not reported (gate \(bounds.joined(separator: ", ")))")]
        }
        var checks: [Check] = []
        if let min = gate.min {
            let ok = value >= min
            checks.append(Check(passed: ok, reason: "GateFailed",
                                text: "\(gate.metric) \(format(value)) \(ok ? ">=" : "<") min \(format(min))"))
        }
        if let max = gate.max {
            let ok = value <= max
            checks.append(Check(passed: ok, reason: "GateFailed",
                                text: "\(gate.metric) \(format(value)) \(ok ? "<=" : ">") max \(format(max))"))
        }
        return checks
    }

    static func compare(_ comparison: TrainingValidation.Comparison, metrics: [String: Double], baseline: TrainingBaseline?) -> Check {
        let deployment = comparison.modelDeployment
        let metric = comparison.metric
        switch baseline {
        case nil, .deploymentNotFound?:
            return Check(passed: false, reason: "BaselineUnavailable",
                         text: "ModelDeployment \(deployment) not found, so \(metric) cannot be compared with its serving model")
        case .noStableVersion?:
            return Check(passed: true, reason: "Passed",
                         text: "ModelDeployment \(deployment) serves no model yet: no \(metric) to beat")
        case let .serving(_, version, trainingJob, baselineMetrics)?:
            guard let baselineMetrics else {
                return Check(passed: false, reason: "BaselineUnavailable",
                             text: "ModelDeployment \(deployment) serves version \(version), but no TrainingJob recorded metrics for it")
            }
            let source = trainingJob.map { " (TrainingJob \($0))" } ?? ""
            guard let old = baselineMetrics[metric] else {
                return Check(passed: false, reason: "BaselineUnavailable",
                             text: "version \(version) serving in ModelDeployment \(deployment) has no \(metric) recorded\(source)")
            }
            guard let new = metrics[metric] else {
                return Check(passed: false, reason: "MetricMissing",
                             text: "\(metric) not reported, so it cannot be compared with \(format(old)) of version \(version) serving in \(deployment)")
            }
            let needed = comparison.minImprovement ?? 0
            let delta = new - old
            let ok = delta >= needed - tolerance
            return Check(passed: ok, reason: "NotImproved",
                         text: "\(metric) \(format(new)) vs \(format(old)) of version \(version) serving in \(deployment)\(source): "
                             + "\(signed(delta)), \(ok ? "at least" : "less than") the required \(signed(needed))")
        }
    }

    /// A metric as people write it: 6 significant digits, no trailing zeros (0.93, 1e-05, 1234.5).
    public static func format(_ value: Double) -> String {
        String(format: "%g", value)
    }

    static func signed(_ value: Double) -> String {
        String(format: "%+g", abs(value) < tolerance ? 0 : value)
    }
}
