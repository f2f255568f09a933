import Foundation
import KubeCore
import ModelOpsAPI

/// `status` of a ModelDeployment: the phase and message, then each version (stable, candidate)
/// with its weight, step and Deployments, the analysis runs with their last measurements, versions
/// rolled back, and the conditions.
struct ModelDeploymentReport: Report {
    var deployment: ModelDeployment
    var children: [ServingDeployment]
    var now: Date

    static func load(_ deployment: ModelDeployment, session: CLISession) async throws(CLIError) -> ModelDeploymentReport {
        ModelDeploymentReport(deployment: deployment, children: try await ServingDeployment.load(for: deployment, session: session),
                              now: Date())
    }

    var status: ModelDeploymentStatus { deployment.status ?? ModelDeploymentStatus() }
    var spec: ModelDeploymentSpec { deployment.spec }
    var strategy: DeploymentStrategy.StrategyType { spec.strategy?.type ?? .canary }

    /// Share of traffic of the stable version: what the candidate does not get (Shadow mirrors,
    /// so stable keeps all of it).
    var stableWeight: Int {
        guard let canary = status.canary else { return 100 }
        return strategy == .shadow ? 100 : 100 - (canary.weight ?? 0)
    }

    func deployments(of version: String?) -> [ServingDeployment] {
        children.filter { $0.observed.version == version }
    }

    var others: [ServingDeployment] {
        children.filter { $0.observed.version != status.stable?.version && $0.observed.version != status.canary?.version }
    }

    /// Analysis runs of the current candidate, or all of them when there is none.
    var analysisRuns: [AnalysisRunStatus] {
        let runs = status.analysisRuns ?? []
        guard let candidate = status.canary?.version else { return runs }
        return runs.filter { $0.version == nil || $0.version == candidate }
    }

    // MARK: Text

    func text(width: Int) -> String {
        let meta = deployment.metadata
        var header = "modeldeployment/\(meta.name ?? "")  namespace \(meta.namespace ?? "")  \(status.phase?.rawValue ?? "Unknown")"
        if let generation = meta.generation, status.observedGeneration != generation {
            header += "  (generation \(generation) not yet observed)"
        }
        var nodes: [TextTree] = []
        if let message = status.message, !message.isEmpty { nodes.append(TextTree(message)) }
        nodes.append(TextTree("strategy \(strategy.rawValue), \(spec.replicas ?? 1) replicas, traffic by "
                              + (spec.trafficRouting?.type == .gatewayAPI ? "Gateway API" : "replicas")
                              + ((spec.paused ?? false) ? ", paused by spec.paused" : "")))
        if let stable = status.stable {
            var line = "stable \(stable.version)  weight \(stableWeight)%"
            if let uri = stable.uri { line += "  \(uri)" }
            line += "  since \(Format.time(stable.since, now: now))"
            nodes.append(TextTree(line, deployments(of: stable.version).map { TextTree($0.text) }))
        } else {
            nodes.append(TextTree("stable: none yet"))
        }
        if let canary = status.canary {
            let progress = RolloutProgress(spec: spec, canary: canary)
            var line = "canary \(canary.version)  \(strategy == .shadow ? "mirror" : "weight") \(canary.weight ?? 0)%  \(progress.description)"
            if let uri = canary.uri { line += "  \(uri)" }
            line += "  started \(Format.time(canary.startedAt, now: now))"
            nodes.append(TextTree(line, deployments(of: canary.version).map { TextTree($0.text) }))
        }
        for other in others { nodes.append(TextTree("\(other.role ?? "other") \(other.observed.version)", [TextTree(other.text)])) }
        for run in analysisRuns { nodes.append(Self.analysisTree(run, now: now)) }
        if let rejected = status.rejectedVersions, !rejected.isEmpty {
            nodes.append(TextTree("rolled back", rejected.map { r in
                TextTree("\(r.version)  \(r.reason ?? "rejected")  \(Format.time(r.time, now: now))")
            }))
        }
        if let action = status.lastAction { nodes.append(TextTree("last action: \(action)")) }
        if let conditions = Format.conditionsTree(status.conditions) { nodes.append(conditions) }
        return TextTree(header, nodes).render(width: width)
    }

    static func analysisTree(_ run: AnalysisRunStatus, now: Date) -> TextTree {
        var line = "analysis \(run.name)\(run.version.map { " of \($0)" } ?? ""): \(run.phase.rawValue)"
        if let finished = run.finishedAt {
            line += ", finished \(Format.time(finished, now: now))"
        } else if let started = run.startedAt {
            line += ", started \(Format.time(started, now: now))"
        }
        if let message = run.message, !message.isEmpty { line += " — \(message)" }
        let metrics = (run.metrics ?? []).map { metric -> TextTree in
            var text = "\(metric.name): \(metric.phase.rawValue), \(metric.count ?? 0) measured"
            let counts = [("successful", metric.successful), ("failed", metric.failed),
                          ("inconclusive", metric.inconclusive), ("errors", metric.errors)]
                .compactMap { name, value in (value ?? 0) > 0 ? "\(value!) \(name)" : nil }
            if !counts.isEmpty { text += " (\(counts.joined(separator: ", ")))" }
            if let last = metric.measurements?.last {
                text += "; last \(last.value.map(Format.number) ?? "no value") \(last.phase.rawValue)"
                if let message = last.message, !message.isEmpty { text += " (\(message))" }
                if let at = last.finishedAt ?? last.startedAt { text += " at \(at.rfc3339)" }
            }
            return TextTree(text)
        }
        return TextTree(line, metrics)
    }

    // MARK: JSON

    var json: JSON {
        let meta = deployment.metadata
        var stable: JSON = .null
        if let s = status.stable {
            stable = ["name": Format.string(s.name), "version": .string(s.version), "uri": Format.string(s.uri),
                      "since": Format.time(s.since), "weight": .int(Int64(stableWeight)),
                      "deployments": .array(deployments(of: s.version).map(\.json))]
        }
        var canary: JSON = .null
        if let c = status.canary {
            let progress = RolloutProgress(spec: spec, canary: c)
            canary = ["name": Format.string(c.name), "version": .string(c.version), "uri": Format.string(c.uri),
                      "weight": .int(Int64(c.weight ?? 0)),
                      // 1-based as the text prints it ("step 3/5"); stepIndex is status.canary.step.
                      "step": .int(Int64(progress.index + 1)), "stepIndex": .int(Int64(progress.index)),
                      "steps": .int(Int64(progress.count)), "stepDescription": .string(progress.description),
                      "startedAt": Format.time(c.startedAt), "stepStartedAt": Format.time(c.stepStartedAt),
                      "deployments": .array(deployments(of: c.version).map(\.json))]
        }
        return [
            "kind": "ModelDeployment", "name": Format.string(meta.name), "namespace": Format.string(meta.namespace),
            "generation": Format.int64(meta.generation), "observedGeneration": Format.int64(status.observedGeneration),
            "phase": Format.string(status.phase?.rawValue), "message": Format.string(status.message),
            "strategy": .string(strategy.rawValue), "replicas": .int(Int64(spec.replicas ?? 1)),
            "paused": .bool(spec.paused ?? false),
            "stable": stable, "canary": canary,
            "otherDeployments": .array(others.map(\.json)),
            "analysisRuns": .array(analysisRuns.map { Format.encoded($0) }),
            "rejectedVersions": .array((status.rejectedVersions ?? []).map { Format.encoded($0) }),
            "lastAction": Format.string(status.lastAction),
            "conditions": Format.conditionsJSON(status.conditions),
        ]
    }
}
