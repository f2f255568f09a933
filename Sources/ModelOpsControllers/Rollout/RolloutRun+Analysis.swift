import Foundation
import KubeCore
import ModelOpsAPI

/// Analysis runs as steps of a rollout: started on first need, judged from their recorded
/// measurements (the controller takes the measurements; the planner only reads them).
extension RolloutRun {
    enum Verdict {
        case successful
        case pending(String)
        /// Inconclusive or error: a person decides.
        case stopped(String)
        case failed(String)
    }

    /// The verdict of the named run of the current candidate, starting the run when it does not exist.
    mutating func analysisVerdict(name: String, metrics: [String]?) -> Verdict {
        guard let canary = status.canary else { return .pending("no candidate") }
        guard let spec = spec.analysis else {
            return .stopped("no spec.analysis to run (\(name))")
        }
        var runs = status.analysisRuns ?? []
        guard let run = runs.first(where: { $0.name == name && $0.version == canary.version }) else {
            runs.append(AnalysisRunner.start(name: name, version: canary.version, metrics: metrics, spec: spec, now: now))
            status.analysisRuns = runs
            event("AnalysisStarted", "analysis \(name) of \(canary.version) started")
            wait(.zero)
            return .pending("analysis \(name) started")
        }
        switch run.phase {
        case .running: return .pending("analysis \(name) running")
        case .successful: return .successful
        case .failed: return .failed(run.message ?? "analysis \(name) failed")
        case .inconclusive, .error: return .stopped("analysis \(name) \(run.phase.rawValue.lowercased()): \(run.message ?? "")")
        }
    }
}
