import ArgumentParser
import KubeCore
import ModelOpsAPI

/// `modelops promote NAME [--full]` for a ModelDeployment's rollout; `promote rtp/NAME
/// [--version V]` or `promote tj/NAME` for a RetrainPolicy with Manual promotion.
public struct PromoteCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "promote",
        abstract: "Move a paused rollout on, or promote a trained model of a RetrainPolicy.",
        discussion: """
            On a ModelDeployment: ends the current pause or stopped analysis and goes to the next \
            step; with --full, skips the remaining steps and makes the candidate stable. On a \
            RetrainPolicy: promotes its newest validated model (or --version V) so that the \
            ModelDeployments following it roll it out; tj/NAME promotes that TrainingJob's model.
            """)

    @Argument(help: "NAME, mdep/NAME, rtp/NAME or tj/NAME.")
    public var name: String

    @Flag(help: "ModelDeployment: skip the remaining steps and make the candidate stable now.")
    public var full = false

    @Option(help: ArgumentHelp("RetrainPolicy: the model version to promote (default: the newest validated).", valueName: "version"))
    public var version: String?

    @OptionGroup public var cluster: ClusterOptions

    public init() {}

    public mutating func run() async throws {
        try await CLISession.with(cluster, object: name, among: TargetKind.allCases, for: "promote") { session, object in
            switch object {
            case let .modelDeployment(deployment):
                guard version == nil else { throw CLIError("--version applies to retrainpolicies; a modeldeployment promotes its candidate") }
                try await promote(deployment, session)
            case let .retrainPolicy(policy):
                guard !full else { throw CLIError("--full applies to modeldeployments, not to retrainpolicies") }
                let job = try await chooseJob(of: policy, session)
                try await promote(job, of: policy, session)
            case let .trainingJob(job):
                guard !full, version == nil else { throw CLIError("--full and --version do not apply to a trainingjob: it names its model") }
                guard let policyName = job.policy else {
                    throw CLIError("trainingjob \"\(job.metadata.name ?? "")\" was not started by a RetrainPolicy: "
                                   + "point a ModelDeployment's spec.model at its model instead")
                }
                guard case let .retrainPolicy(policy)? = try await session.get(.retrainPolicy, policyName) else {
                    throw session.notFound(.retrainPolicy, policyName)
                }
                try await promote(job, of: policy, session)
            }
        }
    }

    func promote(_ deployment: ModelDeployment, _ session: CLISession) async throws(CLIError) {
        let name = deployment.metadata.name ?? ""
        guard let canary = deployment.status?.canary else {
            throw CLIError("modeldeployment \"\(name)\" has no rollout to promote (phase \(deployment.status?.phase?.rawValue ?? "Pending")"
                           + "\(deployment.status?.stable.map { ", \($0.version) serves all traffic" } ?? ""))")
        }
        let kind: ManualAction.Kind = full ? .promoteFull : .promote
        let value = "\(kind.rawValue)/\(ActionRequest.token())"
        try await ActionRequest.annotate(session, .modelDeployment, name, ManualAction.annotation, value)
        let progress = RolloutProgress(spec: deployment.spec, canary: canary)
        let summary = full
            ? "promote-full requested: modeldeployment \(session.namespace)/\(name) makes \(canary.version) stable now, "
                + "skipping the remaining steps (it was at \(canary.weight ?? 0)%, \(progress.description))"
            : "promote requested: modeldeployment \(session.namespace)/\(name) moves \(canary.version) past "
                + "\(progress.description) (at \(canary.weight ?? 0)%)"
        ActionRequest.emit(session, action: kind.rawValue, kind: .modelDeployment, name: name, annotation: ManualAction.annotation,
                           value: value, summary: summary)
    }

    /// The TrainingJob to promote: the one of `--version`, else the newest validated one.
    func chooseJob(of policy: RetrainPolicy, _ session: CLISession) async throws(CLIError) -> TrainingJob {
        let name = policy.metadata.name ?? ""
        let jobs = try await session.trainingJobs(of: name)
        if let version {
            guard let job = jobs.last(where: { $0.status?.model?.version == version }) else {
                throw CLIError("retrainpolicy \"\(name)\" has no trainingjob that produced version \"\(version)\" "
                               + "(versions: \(jobs.compactMap(\.status?.model?.version).joined(separator: ", ").ifEmpty("none")))")
            }
            return job
        }
        if let newest = policy.status?.lastSuccessful?.trainingJob, let job = jobs.first(where: { $0.metadata.name == newest }) {
            return job
        }
        guard let job = jobs.last(where: { $0.status?.phase == .succeeded && $0.validated == true }) else {
            throw CLIError("retrainpolicy \"\(name)\" has no validated model to promote yet (\(jobs.count) trainingjob\(jobs.count == 1 ? "" : "s"))")
        }
        return job
    }

    func promote(_ job: TrainingJob, of policy: RetrainPolicy, _ session: CLISession) async throws(CLIError) {
        let policyName = policy.metadata.name ?? ""
        let jobName = job.metadata.name ?? ""
        guard job.status?.phase == .succeeded, job.validated == true, let model = job.status?.model, model.uri != nil else {
            throw CLIError("trainingjob \"\(jobName)\" cannot be promoted: it is \(job.outcomeText)"
                           + (job.status?.model?.uri == nil && job.status?.phase == .succeeded ? " and reported no model URI" : ""))
        }
        if policy.status?.promoted?.trainingJob == jobName {
            throw CLIError("retrainpolicy \"\(policyName)\" already promoted \(model.version) from trainingjob \"\(jobName)\"")
        }
        if policy.status?.lastPromoteRequest == jobName {
            throw CLIError("trainingjob \"\(jobName)\" was already requested through \(RetrainRunNames.promoteAnnotation) "
                           + "and the policy acted on it; a request is consumed once")
        }
        try await ActionRequest.annotate(session, .retrainPolicy, policyName, RetrainRunNames.promoteAnnotation, jobName)
        let summary = "promote requested: retrainpolicy \(session.namespace)/\(policyName) promotes \(model.name) \(model.version) "
            + "from trainingjob/\(jobName); modeldeployment/\(policy.spec.modelDeploymentRef.name) rolls it out if it follows the policy"
        ActionRequest.emit(session, action: "promote", kind: .retrainPolicy, name: policyName,
                           annotation: RetrainRunNames.promoteAnnotation, value: jobName, summary: summary,
                           follow: (.modelDeployment, policy.spec.modelDeploymentRef.name),
                           extra: ["trainingJob": .string(jobName), "version": .string(model.version)])
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
