import Foundation
import KubeClient
import KubeCore
import Logging
import ModelOpsAPI

/// The I/O of MLflow tracking around `MLflowTrackingPlanner`: takes its steps in order until none
/// is left or one fails, recording each in `status.tracking.mlflow` and the Tracked condition.
/// A failure never touches the training: the status keeps the metrics, the condition says what
/// failed, and the controller retries with the key's backoff until MLflow has caught up.
struct MLflowTracker: Sendable {
    /// The operator's `--mlflow-tracking-uri`.
    var defaultTrackingURI: String?
    var client: KubeClient
    var timeout: Duration = .seconds(5)

    struct Outcome: Sendable {
        /// A write failed: try again later.
        var retry = false
        var events: [TrainingJobPlan.Event] = []
    }

    /// Brings MLflow up to `status` (the status about to be written) and records how far it got.
    func sync(_ job: TrainingJob, status: inout TrainingJobStatus, now: Date) async -> Outcome {
        guard let spec = job.spec.tracking?.mlflow else { return Outcome() }
        var outcome = Outcome()
        let experiment = spec.experiment ?? job.spec.model.name
        guard MLflowTrackingPlanner.next(job, status: status) != nil else {
            if status.tracking?.mlflow != nil { setCondition(&status, job, MLflowTrackingPlanner.condition(status.tracking?.mlflow, experiment: experiment), now: now, &outcome) }
            return outcome
        }
        guard let uri = status.tracking?.mlflow?.trackingURI ?? MLflowTrackingPlanner.trackingURI(job.spec, default: defaultTrackingURI) else {
            setCondition(&status, job, (.false, "NoTrackingServer",
                                        "spec.tracking.mlflow.trackingURI is not set and the operator has no --mlflow-tracking-uri"),
                         now: now, &outcome)
            return outcome
        }
        let credentials: MLflowClient.Credentials?
        do {
            credentials = try await MLflowCredentials.read(spec.credentialsSecret, namespace: job.metadata.namespace ?? "",
                                                           field: "spec.tracking.mlflow.credentialsSecret", client: client)
        } catch {
            setCondition(&status, job, (.false, "CredentialsUnavailable", error.message), now: now, &outcome)
            outcome.retry = true
            return outcome
        }
        let mlflow = MLflowClient(trackingURI: uri, credentials: credentials, timeout: timeout)
        var record = status.tracking?.mlflow ?? MLflowRunRecord(trackingURI: uri)
        while let step = MLflowTrackingPlanner.next(job, status: status) {
            do {
                try await take(step, mlflow: mlflow, job: job, record: &record, outcome: &outcome)
            } catch {
                status.tracking = TrackingStatus(mlflow: record.runID == nil && status.tracking == nil ? nil : record)
                let reason = error.isUnavailable ? "MLflowUnavailable" : "MLflowError"
                setCondition(&status, job, (.false, reason, "\(Self.describe(step)): \(error)"), now: now, &outcome)
                // MLflow refusing the call (bad input, 401/403) answers the same until someone
                // changes something; the condition says what, and the next change of the
                // TrainingJob (or an operator restart) tries again.
                outcome.retry = error.isRetryable
                return outcome
            }
            status.tracking = TrackingStatus(mlflow: record)
        }
        setCondition(&status, job, MLflowTrackingPlanner.condition(record, experiment: experiment), now: now, &outcome)
        return outcome
    }

    /// Delays between the attempts to end a deleted TrainingJob's run (about two minutes in all):
    /// MLflow restarting, or answering 5xx for a while, must not leave the run RUNNING.
    static let killRetryDelays: [Duration] = [1, 2, 4, 8, 16, 32, 64].map { .seconds($0) }

    /// Ends the MLflow run of a TrainingJob deleted while it trained, KILLED. There is no object
    /// left to carry a condition or to retry from, so this retries on its own (`killRetryDelays`,
    /// while MLflow is unavailable or failing) and logs what it could not do. Returns whether the
    /// run was ended.
    @discardableResult
    func endDeletedRun(_ job: TrainingJob, time: TimeSource, now: @Sendable () -> Date, logger: Logger) async -> Bool {
        guard let record = job.status?.tracking?.mlflow, record.runStatus == "RUNNING", let runID = record.runID else { return false }
        var log = logger
        log[metadataKey: "namespace"] = .string(job.metadata.namespace ?? "")
        log[metadataKey: "name"] = .string(job.metadata.name ?? "")
        log[metadataKey: "run"] = .string(runID)
        var delays = Self.killRetryDelays[...]
        while true {
            // The Secret is read again each time: a failed read may be the API server's hiccup.
            let failure: (message: String, retryable: Bool)
            do {
                let credentials = try await MLflowCredentials.read(job.spec.tracking?.mlflow?.credentialsSecret, namespace: job.metadata.namespace ?? "",
                                                                   field: "spec.tracking.mlflow.credentialsSecret", client: client)
                try await MLflowClient(trackingURI: record.trackingURI, credentials: credentials, timeout: timeout)
                    .endRun(runID, status: "KILLED", endTime: now())
                return true
            } catch let error as MLflowCredentials.Problem {
                failure = (error.message, true)
            } catch let error as MLflowError {
                failure = (error.description, error.isRetryable)
            } catch {
                failure = ("\(error)", false)
            }
            guard failure.retryable, let delay = delays.popFirst() else {
                log.warning("the TrainingJob was deleted while its MLflow run was open; ending the run KILLED failed, it stays RUNNING",
                            metadata: ["error": "\(failure.message)"])
                return false
            }
            log.info("ending the deleted TrainingJob's MLflow run KILLED failed; trying again", metadata: ["error": "\(failure.message)", "in": "\(delay)"])
            do { try await time.sleep(delay) } catch { return false }
        }
    }

    func take(_ step: MLflowTrackingPlanner.Step, mlflow: MLflowClient, job: TrainingJob, record: inout MLflowRunRecord,
              outcome: inout Outcome) async throws(MLflowError) {
        switch step {
        case let .startRun(experiment, runName, tags, params):
            let experimentID = try await mlflow.experimentID(named: experiment)
            // A restarted operator (or a status write that did not land) finds its run by uid.
            let run: MLflowRun
            if let found = try await mlflow.findRun(experimentID: experimentID, tag: MLflowTrackingPlanner.Tags.uid,
                                                    value: job.metadata.uid ?? "") {
                run = found
            } else {
                run = try await mlflow.createRun(experimentID: experimentID, name: runName,
                                                 startTime: job.metadata.creationTimestamp?.date ?? Date(), tags: tags)
            }
            if !params.isEmpty { try await mlflow.logBatch(runID: run.runID, params: params) }
            record.experimentID = experimentID
            record.runID = run.runID
            record.runURL = mlflow.runURL(experimentID: experimentID, runID: run.runID)
            record.runStatus = run.status.isEmpty ? "RUNNING" : run.status
            outcome.events.append(.init(.normal, "TrackingRunStarted", "MLflow run \(run.runID) in experiment \(GoQuote.quote(experiment))"))
        case let .endRun(status, metrics, tags, time):
            let runID = record.runID ?? ""
            if !metrics.isEmpty || !tags.isEmpty { try await mlflow.logBatch(runID: runID, metrics: metrics, at: time, tags: tags) }
            try await mlflow.endRun(runID, status: status, endTime: time)
            record.runStatus = status
        case let .register(model, source, tags):
            let runID = record.runID ?? ""
            try await mlflow.ensureRegisteredModel(model)
            let version: String
            if let existing = try await mlflow.findModelVersion(model: model, runID: runID) {
                version = existing
            } else {
                version = try await mlflow.createModelVersion(model: model, source: source, runID: runID, tags: tags)
            }
            record.registeredModel = model
            record.registeredVersion = version
            outcome.events.append(.init(.normal, "ModelRegistered", "registered \(source) as \(model) version \(version) in MLflow"))
        }
    }

    static func describe(_ step: MLflowTrackingPlanner.Step) -> String {
        switch step {
        case .startRun: return "starting the MLflow run"
        case let .endRun(status, _, _, _): return "logging the results and ending the MLflow run \(status)"
        case let .register(model, _, _): return "registering the model in \(model)"
        }
    }

    /// Sets Tracked; an event only when it turns False (or its reason changes while False).
    func setCondition(_ status: inout TrainingJobStatus, _ job: TrainingJob,
                      _ value: (status: Condition.Status, reason: String, message: String), now: Date, _ outcome: inout Outcome) {
        let old = status.conditions?[type: MLflowTrackingPlanner.trackedCondition]
        let condition = Condition(type: MLflowTrackingPlanner.trackedCondition, status: value.status,
                                  observedGeneration: job.metadata.generation, lastTransitionTime: KubeTime(now),
                                  reason: value.reason, message: value.message)
        status.conditions = Condition.setting(condition, in: status.conditions ?? [])
        if value.status == .false, old?.status != .false || old?.reason != value.reason {
            outcome.events.append(.init(.warning, "TrackingFailed", value.message))
        }
    }
}
