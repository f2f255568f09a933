import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI

/// Moves a RetrainPolicy's alias (`spec.registry.mlflow.alias`) to the model version its promoted
/// TrainingJob registered, in the tracking server that TrainingJob wrote to. The version is
/// tagged first with the policy, the alias and the version the alias pointed at before, which is
/// where a ModelDeployment's rollback moves the alias back (`MLflowAliasResolver`). Safe to
/// repeat: an alias already there is left alone.
struct MLflowAliasMover: Sendable {
    static let condition = "RegistryAliasSet"
    /// The condition of `spec.registry.mlflow.servedAlias`.
    static let servedCondition = "RegistryServedAliasSet"

    var client: KubeClient

    enum Outcome: Sendable, Equatable {
        case moved(version: String, previous: String?)
        case unchanged(version: String)
        /// The promoted TrainingJob registered no version (it has no spec.tracking.mlflow, or has
        /// not registered yet): nothing to retry until it does.
        case notRegistered(String)
        /// `retryable`: MLflow unreachable or overloaded; else it refused (a reserved alias such
        /// as `latest` or `v3`, no permission) and says so until someone changes something.
        case failed(reason: String, message: String, retryable: Bool)
    }

    /// `tagPromotion`: tag the version with the policy, the alias and the version the alias left
    /// (what a rollback moves the alias back by); false for `servedAlias`, which only follows a
    /// rollout that finished and is never moved back.
    func move(alias: String, job: TrainingJob?, jobName: String, policy: ObjectRef, tagPromotion: Bool = true) async -> Outcome {
        guard let job, let record = job.status?.tracking?.mlflow, let model = record.registeredModel,
              let version = record.registeredVersion else {
            return .notRegistered("TrainingJob \(jobName) has no registered MLflow model version "
                                  + "(trainingJobTemplate.spec.tracking.mlflow registers one when the training succeeds)")
        }
        do {
            let credentials = try await MLflowCredentials.read(job.spec.tracking?.mlflow?.credentialsSecret, namespace: job.metadata.namespace ?? "",
                                                               field: "spec.trainingJobTemplate.spec.tracking.mlflow.credentialsSecret",
                                                               client: client)
            let mlflow = MLflowClient(trackingURI: record.trackingURI, credentials: credentials)
            let previous = try await mlflow.aliasVersion(model: model, alias: alias)
            if previous == version { return .unchanged(version: version) }
            let tags = WireContract.MLflowTags.self
            if tagPromotion {
                try await mlflow.setModelVersionTag(model: model, version: version, key: tags.promotedBy,
                                                    value: "\(policy.namespace ?? "")/\(policy.name)")
                try await mlflow.setModelVersionTag(model: model, version: version, key: tags.promotedAlias, value: alias)
                if let previous {
                    try await mlflow.setModelVersionTag(model: model, version: version, key: tags.previousVersion, value: previous)
                }
            }
            try await mlflow.setAlias(model: model, alias: alias, version: version)
            return .moved(version: version, previous: previous)
        } catch let problem as MLflowCredentials.Problem {
            return .failed(reason: "CredentialsUnavailable", message: problem.message, retryable: true)
        } catch let error as MLflowError {
            return .failed(reason: error.isUnavailable ? "MLflowUnavailable" : "MLflowError",
                           message: "moving alias \(GoQuote.quote(alias)) of \(model) to version \(version): \(error)",
                           retryable: error.isRetryable)
        } catch {
            return .failed(reason: "MLflowError", message: "\(error)", retryable: true)
        }
    }
}

extension MLflowAliasMover.Outcome {
    /// What a move says in its RetrainPolicy condition: the version the alias points at (nil
    /// when it was not moved), the condition's status, reason and message, and whether to retry.
    func report(alias: String, model: String) -> (version: String?, status: Condition.Status, reason: String, message: String, retry: Bool) {
        switch self {
        case let .moved(version, previous):
            return (version, .true, "AliasMoved", "alias \(GoQuote.quote(alias)) of \(model) points at version \(version)"
                    + (previous.map { " (was \($0))" } ?? ""), false)
        case let .unchanged(version):
            return (version, .true, "AliasMoved", "alias \(GoQuote.quote(alias)) of \(model) points at version \(version)", false)
        case let .notRegistered(detail):
            return (nil, .false, "NotRegistered", detail, false)
        case let .failed(reason, detail, retryable):
            return (nil, .false, reason, detail, retryable)
        }
    }
}
