import Foundation
import KubeCore
import ModelOpsAPI

/// `lineage`: a served model version traced back to the TrainingJob that produced it, and from
/// there to its dataset, trainer image digest, hyperparameters, policy and trigger.
struct LineageReport: Report {
    struct Entry: Sendable {
        /// "stable", "canary", "promoted" or "trained".
        var role: String
        var model: String?
        var version: String?
        var uri: String?
        var since: KubeTime?
        var job: TrainingJob?
    }

    var kind: TargetKind
    var name: String
    var namespace: String
    var entries: [Entry]
    var now: Date

    static func load(_ object: ResolvedObject, session: CLISession) async throws(CLIError) -> LineageReport {
        let (kind, name) = (object.kind, object.name)
        switch object {
        case let .trainingJob(job):
            let model = job.status?.model
            return LineageReport(kind: kind, name: name, namespace: session.namespace, entries: [
                Entry(role: "trained", model: model?.name ?? job.spec.model.name, version: model?.version, uri: model?.uri,
                      since: job.status?.completionTime, job: job),
            ], now: Date())
        case let .retrainPolicy(policy):
            guard let promoted = policy.status?.promoted else {
                return LineageReport(kind: kind, name: name, namespace: session.namespace, entries: [], now: Date())
            }
            let job = try await producer(of: promoted.version, model: promoted.name, named: promoted.trainingJob, session: session)
            return LineageReport(kind: kind, name: name, namespace: session.namespace, entries: [
                Entry(role: "promoted", model: promoted.name, version: promoted.version, uri: promoted.uri, since: promoted.time, job: job),
            ], now: Date())
        case let .modelDeployment(deployment):
            var entries: [Entry] = []
            var promoted: RetrainPolicyStatus.PromotedModel?
            if let policyName = deployment.spec.model.fromPolicy,
               case let .retrainPolicy(policy)? = try await session.get(.retrainPolicy, policyName) {
                promoted = policy.status?.promoted
            }
            func entry(_ role: String, name: String?, version: String, uri: String?, since: KubeTime?) async throws(CLIError) -> Entry {
                let known = promoted?.version == version ? promoted?.trainingJob : nil
                let job = try await producer(of: version, model: name, named: known, session: session)
                return Entry(role: role, model: name, version: version, uri: uri, since: since, job: job)
            }
            if let stable = deployment.status?.stable {
                entries.append(try await entry("stable", name: stable.name, version: stable.version, uri: stable.uri, since: stable.since))
            }
            if let canary = deployment.status?.canary {
                entries.append(try await entry("canary", name: canary.name, version: canary.version, uri: canary.uri, since: canary.startedAt))
            }
            return LineageReport(kind: kind, name: name, namespace: session.namespace, entries: entries, now: Date())
        }
    }

    /// The TrainingJob that produced `version`: the one the policy recorded when it promoted it,
    /// else the newest succeeded TrainingJob of the namespace that reported that model version.
    static func producer(of version: String, model: String?, named: String?, session: CLISession) async throws(CLIError) -> TrainingJob? {
        if let named, case let .trainingJob(job)? = try await session.get(.trainingJob, named) { return job }
        let candidates = try await session.allTrainingJobs().filter { job in
            job.status?.model?.version == version && (model == nil || job.status?.model?.name == model)
        }
        return candidates.last { $0.status?.phase == .succeeded } ?? candidates.last
    }

    func text(width: Int) -> String {
        var nodes: [TextTree] = []
        if entries.isEmpty { nodes.append(TextTree("no model served or promoted yet")) }
        for entry in entries {
            var line = "\(entry.role) \(entry.model.map { "\($0) " } ?? "")\(entry.version ?? "(no version yet)")"
            if let uri = entry.uri { line += "  \(uri)" }
            if entry.since != nil { line += "  \(entry.role == "trained" ? "finished" : "since") \(Format.time(entry.since, now: now))" }
            guard let job = entry.job else {
                nodes.append(TextTree(line, [TextTree("trained by: no TrainingJob in namespace \(namespace) reported this version "
                                                      + "(trained outside ModelOps, or its TrainingJob was deleted)")]))
                continue
            }
            var jobNodes = job.lineageTrees
            jobNodes.append(TextTree("metrics: \(Format.metrics(job.status?.metrics))"))
            let jobLine = "trainingjob/\(job.metadata.name ?? "")  \(job.outcomeText)"
            nodes.append(TextTree(line, entry.role == "trained" ? jobNodes : [TextTree(jobLine, jobNodes)]))
        }
        return TextTree("\(kind.singular)/\(name)  namespace \(namespace)", nodes).render(width: width)
    }

    var json: JSON {
        [
            "kind": .string(kind.kindName), "name": .string(name), "namespace": .string(namespace),
            "versions": .array(entries.map { entry in
                ["role": .string(entry.role), "model": Format.string(entry.model), "version": Format.string(entry.version),
                 "uri": Format.string(entry.uri), "since": Format.time(entry.since),
                 "lineage": entry.job?.lineageJSON ?? .null]
            }),
        ]
    }
}
