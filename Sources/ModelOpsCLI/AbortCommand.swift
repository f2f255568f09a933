import ArgumentParser
import ModelOpsAPI

/// `modelops abort NAME`: roll the candidate back; the stable version keeps serving.
public struct AbortCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "abort",
        abstract: "Roll a ModelDeployment's candidate back; the stable version serves all traffic.",
        discussion: "The version is then marked rolled back and not rolled out again until `retry`.")

    @Argument(help: "NAME or mdep/NAME.")
    public var name: String

    @OptionGroup public var cluster: ClusterOptions

    public init() {}

    public mutating func run() async throws {
        try await CLISession.with(cluster, object: name, among: [.modelDeployment], for: "abort") { session, object in
            guard case let .modelDeployment(deployment) = object else { return }
            let name = deployment.metadata.name ?? ""
            guard let canary = deployment.status?.canary else {
                throw CLIError("modeldeployment \"\(name)\" has no rollout to abort (phase \(deployment.status?.phase?.rawValue ?? "Pending"))")
            }
            let value = "\(ManualAction.Kind.abort.rawValue)/\(ActionRequest.token())"
            try await ActionRequest.annotate(session, .modelDeployment, name, ManualAction.annotation, value)
            let stable = deployment.status?.stable?.version
            ActionRequest.emit(session, action: "abort", kind: .modelDeployment, name: name, annotation: ManualAction.annotation, value: value,
                               summary: "abort requested: modeldeployment \(session.namespace)/\(name) rolls \(canary.version) back"
                                   + (stable.map { "; \($0) serves all traffic" } ?? ""))
        }
    }
}
