import KubeClient
import ModelOpsAPI

/// The kinds the user actions work on, with the names kubectl knows them by (singular, plural,
/// short name, and the fully qualified `plural.group`).
public enum TargetKind: String, Sendable, CaseIterable {
    case modelDeployment = "modeldeployment"
    case retrainPolicy = "retrainpolicy"
    case trainingJob = "trainingjob"

    /// Lower-case singular, as in messages (`modeldeployment "x" not found`).
    public var singular: String { rawValue }

    /// The API kind, "ModelDeployment".
    public var kindName: String {
        switch self {
        case .modelDeployment: return ModelDeployment.kind
        case .retrainPolicy: return RetrainPolicy.kind
        case .trainingJob: return TrainingJob.kind
        }
    }

    public var plural: String {
        switch self {
        case .modelDeployment: return ModelDeployment.plural
        case .retrainPolicy: return RetrainPolicy.plural
        case .trainingJob: return TrainingJob.plural
        }
    }

    public var shortName: String {
        switch self {
        case .modelDeployment: return "mdep"
        case .retrainPolicy: return "rtp"
        case .trainingJob: return "tj"
        }
    }

    var resource: ResourceInfo {
        switch self {
        case .modelDeployment: return ResourceInfo(ModelDeployment.self)
        case .retrainPolicy: return ResourceInfo(RetrainPolicy.self)
        case .trainingJob: return ResourceInfo(TrainingJob.self)
        }
    }

    /// The kind a `kind/` prefix names, nil when it names none of ours.
    init?(prefix: String) {
        let lower = prefix.lowercased()
        let found = Self.allCases.first { kind in
            [kind.singular, kind.plural, kind.shortName, "\(kind.plural).\(ModelOps.group)", "\(kind.singular).\(ModelOps.group)"]
                .contains(lower)
        }
        guard let found else { return nil }
        self = found
    }

    /// "modeldeployments, retrainpolicies or trainingjobs".
    static func list(_ kinds: [TargetKind], plural: Bool = true) -> String {
        let names = kinds.map { plural ? $0.plural : $0.singular }
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
