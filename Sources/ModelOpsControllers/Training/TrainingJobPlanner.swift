import Crypto
import Foundation
import KubeCore
import ModelOpsAPI

/// The TrainingJob state machine, pure: the observed TrainingJob, what its backend reports and
/// the baseline for a comparison in; the workload to apply, the status and the events out.
///
/// Pending → Running → Succeeded | Failed, following the workload truthfully: Pending until a
/// trainer container runs (with the scheduler's reason when a pod is unschedulable), Running
/// while one runs or the next attempt starts, Succeeded or Failed when the workload says so.
/// A finished status is final: it is never rewritten, and the workload is never recreated (the
/// TTL controller may delete it; the record stays).
public enum TrainingJobPlanner {
    public static let completeCondition = "Complete"
    public static let failedCondition = "Failed"
    public static let validatedCondition = "Validated"

    /// `spec.model.version`, or the TrainingJob's name when the spec leaves it out.
    public static func modelVersion(_ job: TrainingJob) -> String {
        job.spec.model.version ?? job.metadata.name ?? ""
    }

    /// The workload's name: the TrainingJob's, cut to 63 characters with a hash suffix when
    /// longer (Job names become label values).
    public static func workloadName(_ job: TrainingJob) -> String {
        let name = job.metadata.name ?? ""
        guard name.count > 63 else { return name }
        var prefix = String(name.prefix(52))
        while let last = prefix.last, last == "-" || last == "." { prefix.removeLast() }
        return prefix + "-" + String(SpecHash.of(.string(name)).prefix(10))
    }

    /// SHA-256 (hex) of the sorted `name=value` lines, each ending in a newline.
    public static func hyperparametersHash(_ hyperparameters: [String: String]?) -> String {
        let params = hyperparameters ?? [:]
        let text = params.keys.sorted().map { "\($0)=\(params[$0] ?? "")\n" }.joined()
        return SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The reference the workload carries to its TrainingJob (so GC deletes it and its pods).
    public static func ownerReference(_ job: TrainingJob) -> OwnerReference {
        .controller(of: job)
    }

    /// Where the model came from: the data, the image that ran, the hyperparameters, and the
    /// RetrainPolicy (controller reference or label) and trigger that started the run.
    public static func lineage(_ job: TrainingJob, imageDigest: String?) -> Lineage {
        let meta = job.metadata
        let policy = meta.ownerReferences?.first { $0.kind == "RetrainPolicy" && $0.apiVersion.hasPrefix(ModelOps.group + "/") }?.name
            ?? meta.labels?[TrainingJobLabels.retrainPolicy]
        let trigger = (meta.labels?[TrainingJobLabels.trigger] ?? meta.annotations?[TrainingJobLabels.trigger]).flatMap(RunTrigger.init(rawValue:))
        return Lineage(dataset: job.spec.dataset, imageDigest: imageDigest,
                       hyperparametersHash: hyperparametersHash(job.spec.hyperparameters), policy: policy, trigger: trigger)
    }

    /// `observation` nil: no workload exists (none created yet, or it was deleted).
    public static func plan(job: TrainingJob, backend: any TrainingBackend, observation: TrainingJobObservation?,
                            baseline: TrainingBaseline?, specProblems: [SpecProblem], now: Date) -> TrainingJobPlan {
        let old = job.status ?? TrainingJobStatus()
        if old.phase == .succeeded || old.phase == .failed {
            return TrainingJobPlan(workload: nil, status: old, events: [])
        }
        var builder = Builder(job: job, old: old, now: now)
        builder.status.model = ModelArtifact(name: job.spec.model.name, version: modelVersion(job), uri: old.model?.uri)
        builder.status.lineage = lineage(job, imageDigest: observation?.imageDigest ?? old.lineage?.imageDigest)

        if !specProblems.isEmpty {
            builder.invalidSpec(specProblems)
            return builder.plan(workload: nil)
        }

        let name = old.jobName ?? workloadName(job)
        let kind = backend.workload.kind
        builder.status.jobName = name
        guard let observation else {
            if old.jobName != nil {
                builder.fail(reason: "\(kind)Deleted", message: "\(kind) \(name) was deleted before the training finished")
                return builder.plan(workload: nil)
            }
            // What the next pass says once the workload is in the cache and no pod has started
            // yet, so that pass writes nothing (the event says the workload was created).
            builder.status.phase = .pending
            builder.status.attempts = 0
            builder.status.message = "waiting for the trainer pod to start"
            builder.events.append(.init(.normal, "Created", "created \(kind) \(name)"))
            return builder.plan(workload: backend.desiredWorkload(for: job, name: name, owner: ownerReference(job)))
        }

        builder.observe(observation, backoffLimit: job.spec.backoffLimit ?? JobBackend.defaultBackoffLimit)
        switch observation.state {
        case .succeeded:
            builder.succeed(observation, baseline: baseline)
        case let .failed(reason, message):
            builder.fail(reason: reason, message: Builder.failureMessage(message, observation.lastFailure))
        case .pending, .running:
            break
        }
        // (An if, not `?:`: JSON is ExpressibleByNilLiteral, so `cond ? nil : json` is JSON.null.)
        if observation.isFinished { return builder.plan(workload: nil) }
        return builder.plan(workload: backend.desiredWorkload(for: job, name: name, owner: ownerReference(job)))
    }

    /// The workload the API server refused (its pod template breaks a rule of the workload's
    /// API, a quota, an admission policy). A TrainingJob runs once and its spec is immutable, so
    /// the same workload would be refused again: the run fails, with the server's message.
    public static func refused(job: TrainingJob, refusal: ChildRefusal, now: Date) -> TrainingJobPlan {
        var builder = Builder(job: job, old: job.status ?? TrainingJobStatus(), now: now)
        builder.status.model = ModelArtifact(name: job.spec.model.name, version: modelVersion(job), uri: builder.old.model?.uri)
        builder.status.lineage = lineage(job, imageDigest: builder.old.lineage?.imageDigest)
        builder.fail(reason: "\(refusal.kind)Refused", message: refusal.summary)
        return builder.plan(workload: nil)
    }

    /// The status being built and the events of its transitions.
    struct Builder {
        let job: TrainingJob
        let old: TrainingJobStatus
        let time: KubeTime
        var status: TrainingJobStatus
        var events: [TrainingJobPlan.Event] = []

        init(job: TrainingJob, old: TrainingJobStatus, now: Date) {
            self.job = job
            self.old = old
            time = KubeTime(now)
            status = old
            status.observedGeneration = job.metadata.generation
        }

        func plan(workload: JSON?) -> TrainingJobPlan {
            TrainingJobPlan(workload: workload, status: status, events: events)
        }

        mutating func set(_ type: String, _ value: Condition.Status, reason: String, message: String) {
            let condition = Condition(type: type, status: value, observedGeneration: job.metadata.generation,
                                      lastTransitionTime: time, reason: reason, message: message)
            status.conditions = Condition.setting(condition, in: status.conditions ?? [])
        }

        mutating func observe(_ observation: TrainingJobObservation, backoffLimit: Int) {
            let attempts = max(old.attempts ?? 0, observation.attempts)
            status.attempts = attempts
            if attempts > (old.attempts ?? 0), (old.attempts ?? 0) >= 1, !observation.isFinished {
                var note = "attempt \(attempts) of \(backoffLimit + 1) started"
                if let failure = observation.lastFailure { note = Self.describe(failure) + "; " + note }
                events.append(.init(.warning, "Retrying", note))
            }
            switch observation.state {
            case let .pending(waiting):
                if let waiting {
                    status.phase = .pending
                    status.message = waiting.message
                    if old.message != waiting.message || old.phase != .pending {
                        events.append(.init(.warning, waiting.reason, waiting.message))
                    }
                } else if old.startTime != nil {
                    status.phase = .running
                    status.message = "attempt \(attempts) starting"
                } else {
                    status.phase = .pending
                    status.message = "waiting for the trainer pod to start"
                }
            case .running:
                status.phase = .running
                status.startTime = old.startTime ?? time
                status.message = "attempt \(attempts) running in pod \(observation.runningPod ?? "")"
                if old.phase != .running {
                    events.append(.init(.normal, "Running", status.message ?? ""))
                }
            case .succeeded, .failed:
                status.startTime = old.startTime ?? time
            }
        }

        mutating func succeed(_ observation: TrainingJobObservation, baseline: TrainingBaseline?) {
            status.phase = .succeeded
            status.completionTime = time
            let attempts = "\(status.attempts ?? 1) attempt\(status.attempts == 1 ? "" : "s")"
            let pod = observation.result.map { " of pod \($0.pod)" } ?? ""
            switch TrainingResult.parse(observation.result?.terminationMessage) {
            case let .success(result):
                status.metrics = result.metrics
                status.model?.uri = result.modelURI ?? job.spec.outputURI
                status.headlineMetric = Self.headline(result.metrics, validation: job.spec.validation)
                let summary = "trained in \(attempts); " + Self.describe(result.metrics) + "; model at \(status.model?.uri ?? "")"
                status.message = summary
                set(TrainingJobPlanner.completeCondition, .true, reason: "Succeeded", message: summary)
                events.append(.init(.normal, "Succeeded", summary))
                let verdict = TrainingGates.verdict(job.spec.validation, metrics: result.metrics, baseline: baseline)
                set(TrainingJobPlanner.validatedCondition, verdict.passed ? .true : .false, reason: verdict.reason, message: verdict.message)
                events.append(.init(verdict.passed ? .normal : .warning, verdict.passed ? "Validated" : "ValidationFailed", verdict.message))
                if !verdict.passed { status.message = summary + "; not validated: " + verdict.message }
            case let .failure(problem):
                let message = "trained in \(attempts), but \(problem)\(pod)"
                status.message = message
                set(TrainingJobPlanner.completeCondition, .true, reason: "NoResults", message: message)
                set(TrainingJobPlanner.validatedCondition, .false, reason: "NoResults", message: "no metrics to validate: \(problem)")
                events.append(.init(.warning, "NoResults", message))
            }
        }

        mutating func fail(reason: String, message: String) {
            status.phase = .failed
            status.completionTime = time
            status.message = message
            set(TrainingJobPlanner.failedCondition, .true, reason: reason, message: message)
            set(TrainingJobPlanner.validatedCondition, .false, reason: "TrainingFailed", message: "the training failed (\(reason)): nothing to validate")
            events.append(.init(.warning, reason == SpecConditions.invalidSpecReason ? reason : "Failed", "\(reason): \(message)"))
        }

        /// A spec the schema accepted but that cannot run. The spec is immutable, so this is the
        /// end of this TrainingJob: Ready=False (InvalidSpec) and Failed.
        mutating func invalidSpec(_ problems: [SpecProblem]) {
            status.conditions = Condition.setting(
                SpecConditions.invalidSpec(problems, generation: job.metadata.generation, now: time.date), in: status.conditions ?? [])
            fail(reason: SpecConditions.invalidSpecReason, message: SpecValidation.message(problems))
        }

        static func failureMessage(_ message: String, _ failure: TrainingJobObservation.Attempt?) -> String {
            guard let failure else { return message }
            return (message.isEmpty ? "" : message + "; last ") + describe(failure)
        }

        static func describe(_ attempt: TrainingJobObservation.Attempt) -> String {
            var text = "attempt in pod \(attempt.pod) exited"
            if let code = attempt.exitCode { text += " with code \(code)" }
            if let message = attempt.terminationMessage?.trimmingCharacters(in: .whitespacesAndNewlines), !message.isEmpty {
                text += ": " + (message.count > 300 ? String(message.prefix(300)) + "…" : message)
            }
            return text
        }

        static func describe(_ metrics: [String: Double]) -> String {
            metrics.isEmpty ? "no metrics" : "metrics " + metrics.keys.sorted().map { "\($0)=\(TrainingGates.format(metrics[$0]!))" }.joined(separator: ", ")
        }

        /// The first gate's metric when reported, else the first reported one: "accuracy=0.93".
        static func headline(_ metrics: [String: Double], validation: TrainingValidation?) -> String? {
            let gated = validation?.gates?.first.map(\.metric) ?? validation?.compareTo?.metric
            guard let name = gated.flatMap({ metrics[$0] != nil ? $0 : nil }) ?? metrics.keys.sorted().first,
                  let value = metrics[name] else { return nil }
            return "\(name)=\(TrainingGates.format(value))"
        }
    }
}
