import ArgumentParser
import ModelOpsAPI

/// `modelops retrain NAME`: start one run of a RetrainPolicy now.
public struct RetrainCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Start a training run of a RetrainPolicy now.",
        discussion: "Suspension and cooldown do not apply; concurrencyPolicy does (Forbid refuses while a run is active).")

    @Argument(help: "NAME or rtp/NAME.")
    public var name: String

    @OptionGroup public var cluster: ClusterOptions

    public init() {}

    public mutating func run() async throws {
        try await CLISession.with(cluster, object: name, among: [.retrainPolicy], for: "retrain") { session, object in
            guard case let .retrainPolicy(policy) = object else { return }
            let name = policy.metadata.name ?? ""
            let active = (policy.status?.active ?? []).map(\.name)
            if (policy.spec.concurrencyPolicy ?? .forbid) == .forbid, !active.isEmpty {
                throw CLIError("retrainpolicy \"\(name)\" has a run in progress (\(active.joined(separator: ", "))) and concurrencyPolicy "
                               + "Forbid: wait for it to finish")
            }
            let token = ActionRequest.token()
            try await ActionRequest.annotate(session, .retrainPolicy, name, RetrainRunNames.retrainAnnotation, token)
            let job = RetrainRunNames.manual(policy: name, token: token)
            ActionRequest.emit(session, action: "retrain", kind: .retrainPolicy, name: name, annotation: RetrainRunNames.retrainAnnotation,
                               value: token, summary: "retrain requested: retrainpolicy \(session.namespace)/\(name) starts trainingjob/\(job)",
                               follow: (.trainingJob, job), extra: ["trainingJob": .string(job)])
        }
    }
}
