import KubeCore
import ModelOpsAPI

/// What every report says about a TrainingJob, computed one way: validated or not, the trainer
/// image, what started it, and its JSON summary.
extension TrainingJob {
    static let validatedCondition = "Validated"

    var validation: Condition? { status?.conditions?.first { $0.type == Self.validatedCondition } }

    /// True or false once decided, nil before.
    var validated: Bool? {
        guard let validation, validation.status != .unknown else { return nil }
        return validation.status == .true
    }

    var phaseText: String { status?.phase?.rawValue ?? "Pending" }

    /// "Succeeded, Validated" / "Succeeded, not validated (GateFailed)" / "Running".
    var outcomeText: String {
        switch validated {
        case true?: return "\(phaseText), Validated"
        case false?: return "\(phaseText), not validated (\(validation?.reason ?? ""))"
        case nil: return phaseText
        }
    }

    /// The trainer's image (the first container of the template).
    var trainerImage: String? {
        spec.template[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue
    }

    /// What started it: the lineage once recorded, else the policy's label.
    var trigger: String? {
        status?.lineage?.trigger?.rawValue ?? metadata.labels?[TrainingJobLabels.trigger]
            ?? metadata.annotations?[TrainingJobLabels.trigger]
    }

    var policy: String? {
        status?.lineage?.policy ?? metadata.labels?[TrainingJobLabels.retrainPolicy]
            ?? metadata.ownerReferences?.first { $0.kind == RetrainPolicy.kind && $0.controller == true }?.name
    }

    /// The compact JSON of a run, as `history` and `status` of a policy list them.
    var summaryJSON: JSON {
        [
            "name": Format.string(metadata.name), "phase": .string(phaseText),
            "validated": validated.map { .bool($0) } ?? .null, "trigger": Format.string(trigger),
            "model": Format.encoded(status?.model), "metrics": Format.metricsJSON(status?.metrics),
            "createdAt": Format.time(metadata.creationTimestamp), "startTime": Format.time(status?.startTime),
            "completionTime": Format.time(status?.completionTime),
        ]
    }

    /// The lineage facts as `lineage` and `status` print them.
    var lineageTrees: [TextTree] {
        let lineage = status?.lineage
        let dataset = lineage?.dataset ?? spec.dataset
        var nodes = [TextTree("dataset: \(dataset.uri)\(dataset.version.map { " version \($0)" } ?? "")")]
        // One fact a line: a digest or hash is one long word, and must not wrap into its neighbour.
        nodes.append(TextTree("trainer image: \(trainerImage ?? "-")"))
        nodes.append(TextTree("image digest: \(lineage?.imageDigest ?? "not recorded yet")"))
        nodes.append(TextTree("hyperparameters: \(Format.pairs(spec.hyperparameters))"))
        if let hash = lineage?.hyperparametersHash { nodes.append(TextTree("hyperparameters sha256: \(hash)")) }
        if let policy { nodes.append(TextTree("policy: retrainpolicy/\(policy), trigger \(trigger ?? "-")")) }
        return nodes
    }

    var lineageJSON: JSON {
        let lineage = status?.lineage
        let dataset = lineage?.dataset ?? spec.dataset
        return [
            "trainingJob": Format.string(metadata.name), "phase": .string(phaseText),
            "validated": validated.map { .bool($0) } ?? .null,
            "model": Format.encoded(status?.model),
            "dataset": ["uri": .string(dataset.uri), "version": Format.string(dataset.version)],
            "image": Format.string(trainerImage), "imageDigest": Format.string(lineage?.imageDigest),
            "hyperparameters": .object((spec.hyperparameters ?? [:]).mapValues { .string($0) }),
            "hyperparametersHash": Format.string(lineage?.hyperparametersHash),
            "policy": Format.string(policy), "trigger": Format.string(trigger),
            "metrics": Format.metricsJSON(status?.metrics), "completionTime": Format.time(status?.completionTime),
        ]
    }
}
