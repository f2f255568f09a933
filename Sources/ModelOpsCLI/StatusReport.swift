import Foundation

extension CLISession {
    /// The `status` report of any of the three kinds, with what it needs fetched alongside.
    func statusReport(for object: ResolvedObject) async throws(CLIError) -> any Report {
        switch object {
        case let .modelDeployment(deployment): return try await ModelDeploymentReport.load(deployment, session: self)
        case let .retrainPolicy(policy): return try await RetrainPolicyReport.load(policy, session: self)
        case let .trainingJob(job): return TrainingJobReport(job: job, now: Date())
        }
    }
}
