import Foundation
import KubeCore
import ModelOpsAPI

/// `history`: for a ModelDeployment, every version that became stable (status.history), those
/// rolled back (status.rejectedVersions) and the one rolling out, in time order; for a
/// RetrainPolicy, its TrainingJobs in the order they were created.
struct HistoryReport: Report {
    struct Row: Sendable {
        var revision: Int64?
        var version: String
        var model: String?
        var uri: String?
        /// "promoted", "rolledBack" or "rollingOut".
        var outcome: String
        /// The version serves all traffic now.
        var serving: Bool
        var reason: String?
        var time: KubeTime?

        var outcomeText: String {
            switch outcome {
            case "promoted": return serving ? "stable, serving" : "was stable"
            case "rolledBack": return "rolled back (\(reason ?? "rejected"))"
            default: return "rolling out (\(reason ?? ""))"
            }
        }
    }

    enum Content: Sendable {
        case deployment(ModelDeployment, [Row])
        case policy(RetrainPolicy, [TrainingJob])
    }

    var content: Content

    static func load(_ object: ResolvedObject, session: CLISession) async throws(CLIError) -> HistoryReport {
        switch object {
        case let .modelDeployment(deployment): return HistoryReport(content: .deployment(deployment, rows(deployment)))
        case let .retrainPolicy(policy):
            return HistoryReport(content: .policy(policy, try await session.trainingJobs(of: policy.metadata.name ?? "")))
        case .trainingJob: throw CLIError("history applies to modeldeployments and retrainpolicies, not to trainingjobs")
        }
    }

    static func rows(_ deployment: ModelDeployment) -> [Row] {
        let status = deployment.status ?? ModelDeploymentStatus()
        var rows: [Row] = (status.history ?? []).map { entry in
            Row(revision: entry.revision, version: entry.version, model: entry.name, uri: entry.uri, outcome: "promoted",
                serving: false, time: entry.promotedAt)
        }
        if let last = rows.lastIndex(where: { $0.version == status.stable?.version }) { rows[last].serving = true }
        rows += (status.rejectedVersions ?? []).map { r in
            Row(version: r.version, uri: r.uri, outcome: "rolledBack", serving: false, reason: r.reason, time: r.time)
        }
        if let canary = status.canary {
            rows.append(Row(version: canary.version, model: canary.name, uri: canary.uri, outcome: "rollingOut", serving: false,
                            reason: "\(canary.weight ?? 0)%", time: canary.startedAt))
        }
        // Stable in time order; a promotion before a rollback at the same second.
        return rows.enumerated().sorted { a, b in
            let (ta, tb) = (a.element.time?.secondsSinceEpoch ?? 0, b.element.time?.secondsSinceEpoch ?? 0)
            return ta != tb ? ta < tb : a.offset < b.offset
        }.map(\.element)
    }

    func text(width: Int) -> String {
        switch content {
        case let .deployment(deployment, rows):
            guard !rows.isEmpty else { return "modeldeployment/\(deployment.metadata.name ?? ""): no versions deployed yet" }
            return TextTable(headers: ["REVISION", "VERSION", "OUTCOME", "TIME", "URI"], rows: rows.map { row in
                [row.revision.map(String.init) ?? "-", row.version, row.outcomeText, row.time?.rfc3339 ?? "-", row.uri ?? "-"]
            }).render(width: width)
        case let .policy(policy, jobs):
            guard !jobs.isEmpty else { return "retrainpolicy/\(policy.metadata.name ?? ""): no trainingjobs yet" }
            let promoted = policy.status?.promoted?.trainingJob
            // The model version is the TrainingJob's name unless its spec named one: a column only then.
            let versions = jobs.contains { job in job.status?.model.map { $0.version != job.metadata.name } ?? false }
            let now = Date()
            var headers = ["TRAININGJOB", "TRIGGER", "PHASE", "VALIDATED", "AGE"]
            if versions { headers.insert("VERSION", at: 4) }
            let table = TextTable(headers: headers + ["METRICS"], rows: jobs.map { job in
                var row = [(job.metadata.name ?? "") + (job.metadata.name == promoted ? " *" : ""), job.trigger ?? "-", job.phaseText,
                           job.validated.map { $0 ? "yes" : "no" } ?? "-",
                           job.metadata.creationTimestamp.map { Format.age(now.timeIntervalSince($0.date)) } ?? "-"]
                if versions { row.insert(job.status?.model?.version ?? "-", at: 4) }
                return row + [Format.metrics(job.status?.metrics)]
            })
            return table.render(width: width) + (promoted == nil ? "" : "\n* promoted")
        }
    }

    var json: JSON {
        switch content {
        case let .deployment(deployment, rows):
            return [
                "kind": "ModelDeployment", "name": Format.string(deployment.metadata.name),
                "namespace": Format.string(deployment.metadata.namespace),
                "entries": .array(rows.map { row in
                    ["revision": Format.int64(row.revision), "version": .string(row.version), "model": Format.string(row.model),
                     "uri": Format.string(row.uri), "outcome": .string(row.outcome), "serving": .bool(row.serving),
                     "reason": Format.string(row.outcome == "rolledBack" ? row.reason : nil), "time": Format.time(row.time)]
                }),
            ]
        case let .policy(policy, jobs):
            let promoted = policy.status?.promoted?.trainingJob
            return [
                "kind": "RetrainPolicy", "name": Format.string(policy.metadata.name),
                "namespace": Format.string(policy.metadata.namespace),
                "trainingJobs": .array(jobs.map { job in
                    var json = job.summaryJSON
                    json["promoted"] = .bool(job.metadata.name == promoted)
                    return json
                }),
            ]
        }
    }
}
