import ArgumentParser
import ModelOpsAPI

/// `modelops retry NAME`: roll a rolled-back version out again.
public struct RetryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Roll out again the version a ModelDeployment rolled back.",
        discussion: "The version the spec (or the followed RetrainPolicy) asks for starts a new rollout from the first step.")

    @Argument(help: "NAME or mdep/NAME.")
    public var name: String

    @OptionGroup public var cluster: ClusterOptions

    public init() {}

    public mutating func run() async throws {
        try await CLISession.with(cluster, object: name, among: [.modelDeployment], for: "retry") { session, object in
            guard case let .modelDeployment(deployment) = object else { return }
            let name = deployment.metadata.name ?? ""
            let rejected = deployment.status?.rejectedVersions ?? []
            var desired = deployment.spec.model.version
            if let policy = deployment.spec.model.fromPolicy, case let .retrainPolicy(found)? = try await session.get(.retrainPolicy, policy) {
                desired = found.status?.promoted?.version
            }
            guard let version = desired, let entry = rejected.last(where: { $0.version == version }) else {
                throw CLIError("modeldeployment \"\(name)\" has nothing to retry: "
                               + (desired.map { "version \($0) was not rolled back" } ?? "it has no model version to roll out")
                               + " (phase \(deployment.status?.phase?.rawValue ?? "Pending"))")
            }
            let value = "\(ManualAction.Kind.retry.rawValue)/\(ActionRequest.token())"
            try await ActionRequest.annotate(session, .modelDeployment, name, ManualAction.annotation, value)
            ActionRequest.emit(session, action: "retry", kind: .modelDeployment, name: name, annotation: ManualAction.annotation, value: value,
                               summary: "retry requested: modeldeployment \(session.namespace)/\(name) rolls \(version) out again "
                                   + "(rolled back: \(entry.reason ?? "rejected"))")
        }
    }
}
