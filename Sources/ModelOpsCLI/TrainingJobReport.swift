import Foundation
import KubeCore
import ModelOpsAPI

/// `status` of a TrainingJob: phase, the model it produced, metrics, validation, lineage.
struct TrainingJobReport: Report {
    var job: TrainingJob
    var now: Date

    func text(width: Int) -> String {
        let meta = job.metadata
        let status = job.status
        var nodes: [TextTree] = []
        if let message = status?.message, !message.isEmpty { nodes.append(TextTree(message)) }
        let model = status?.model
        nodes.append(TextTree("model: \(model?.name ?? job.spec.model.name) \(model?.version ?? job.spec.model.version ?? "(version not assigned yet)")"
                              + "  → \(model?.uri ?? job.spec.outputURI)"))
        var run = "started \(Format.time(status?.startTime, now: now))"
        if let done = status?.completionTime {
            run += ", finished \(Format.time(done, now: now)) after \(Format.duration(from: status?.startTime, to: done))"
        }
        if let attempts = status?.attempts { run += ", \(attempts) attempt\(attempts == 1 ? "" : "s")" }
        if let jobName = status?.jobName { run += ", job/\(jobName)" }
        nodes.append(TextTree(run))
        nodes.append(TextTree("metrics: \(Format.metrics(status?.metrics))"))
        if let validation = job.validation {
            nodes.append(TextTree("validation: \(validation.status == .true ? "Validated" : "not validated") (\(validation.reason))"
                                  + (validation.message.isEmpty ? "" : ": \(validation.message)")))
        } else {
            nodes.append(TextTree("validation: not decided yet"))
        }
        nodes.append(TextTree("lineage", job.lineageTrees))
        if let conditions = Format.conditionsTree(status?.conditions) { nodes.append(conditions) }
        let header = "trainingjob/\(meta.name ?? "")  namespace \(meta.namespace ?? "")  \(job.outcomeText)"
        return TextTree(header, nodes).render(width: width)
    }

    var json: JSON {
        var json = job.summaryJSON
        json["kind"] = "TrainingJob"
        json["namespace"] = Format.string(job.metadata.namespace)
        json["message"] = Format.string(job.status?.message)
        json["attempts"] = Format.int(job.status?.attempts)
        json["jobName"] = Format.string(job.status?.jobName)
        json["validation"] = job.validation.map { ["status": .string($0.status.rawValue), "reason": .string($0.reason),
                                                   "message": .string($0.message)] } ?? .null
        json["lineage"] = job.lineageJSON
        json["conditions"] = Format.conditionsJSON(job.status?.conditions)
        return json
    }
}
