import KubeCore
import ModelOpsAPI

/// An object the user named, as the API server returned it.
public enum ResolvedObject: Sendable {
    case modelDeployment(ModelDeployment)
    case retrainPolicy(RetrainPolicy)
    case trainingJob(TrainingJob)

    public var kind: TargetKind {
        switch self {
        case .modelDeployment: return .modelDeployment
        case .retrainPolicy: return .retrainPolicy
        case .trainingJob: return .trainingJob
        }
    }

    public var metadata: ObjectMeta {
        switch self {
        case let .modelDeployment(o): return o.metadata
        case let .retrainPolicy(o): return o.metadata
        case let .trainingJob(o): return o.metadata
        }
    }

    public var name: String { metadata.name ?? "" }

    /// Decodes a stored object of `kind` (a watch event's object).
    init(kind: TargetKind, json: JSON) throws {
        switch kind {
        case .modelDeployment: self = .modelDeployment(try json.decode(as: ModelDeployment.self))
        case .retrainPolicy: self = .retrainPolicy(try json.decode(as: RetrainPolicy.self))
        case .trainingJob: self = .trainingJob(try json.decode(as: TrainingJob.self))
        }
    }
}
