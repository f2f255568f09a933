import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI

/// The TrainingJob controller: the I/O around `TrainingJobPlanner`. One reconcile reads the caches
/// (and the API where a cache may lag behind a fact that matters), plans, applies the workload,
/// writes the status if it changed and records the events. Its wiring is `make`, below.
public struct TrainingJobController: Sendable {
    let context: OperatorContext
    let jobs: Informer<TrainingJob>
    let workloads: [TrainingJobSpec.Backend: Workload]
    let pods: Informer<JSON>
    let deployments: Informer<ModelDeployment>
    /// Status writes: only when changed, never from a cache older than the last one, 409 → requeue.
    let statusWriter = StatusWriter<TrainingJob>()
    /// Writes each run to MLflow when the spec asks for it.
    var tracker: MLflowTracker { MLflowTracker(defaultTrackingURI: context.mlflowTrackingURI, client: context.client) }

    func reconcile(_ ref: ObjectRef) async throws -> ReconcileResult {
        guard let job = jobs.store.get(ref), job.metadata.deletionTimestamp == nil else {
            return try await releaseResults(ref)
        }
        let final: Set<TrainingJobStatus.Phase> = [.succeeded, .failed]
        if let status = job.status, let phase = status.phase, final.contains(phase) {
            if MLflowTrackingPlanner.next(job, status: status) != nil {
                // The record is final, but MLflow has not caught up with it yet.
                if statusWriter.isStale(job) { return .done }
                var updated = status
                let outcome = await tracker.sync(job, status: &updated, now: context.clock.now())
                if try await statusWriter.write(updated, of: job, at: \.status, absent: TrainingJobStatus(),
                                                to: context.client.resource(TrainingJob.self, namespace: job.metadata.namespace)) == .conflict {
                    return .requeue
                }
                for event in outcome.events {
                    context.events.record(job, type: event.type, reason: event.reason, action: "Track", note: event.note)
                }
                let released = try await releaseResults(ref)
                return outcome.retry ? .requeue : released
            }
            statusWriter.forget(job)
            return try await releaseResults(ref)
        }
        if statusWriter.isStale(job) { return .done }
        let namespace = job.metadata.namespace ?? ""
        let kind = job.spec.backend ?? .job

        var problems = SpecValidation.validate(job.spec)
        let entry = workloads[kind]
        if entry == nil {
            problems.append(SpecProblem(field: "spec.backend", message: "no backend \(kind.rawValue) is registered in this operator"))
        }
        var observed: JSON? = nil
        var observation: TrainingJobObservation? = nil
        if problems.isEmpty, let entry {
            let name = job.status?.jobName ?? TrainingJobPlanner.workloadName(job)
            let resource = context.client.dynamic(entry.backend.workload, namespace: namespace)
            observed = entry.informer.store.get(namespace: namespace, name: name)
            if observed == nil, job.status?.jobName != nil {
                // Created by an earlier reconcile but not (yet) in the cache: ask the API
                // before concluding it was deleted.
                observed = try await Self.get(resource, name)
            }
            if let workload = observed {
                guard workload[path: ["metadata", "ownerReferences"]]?.arrayValue?
                    .contains(where: { $0["controller"]?.boolValue == true && $0["uid"]?.stringValue == job.metadata.uid }) == true else {
                    throw KubeError.decoding("\(entry.backend.workload.kind) \(namespace)/\(name) exists and is not controlled by TrainingJob \(job.metadata.name ?? "")")
                }
                let uid = workload[path: ["metadata", "uid"]]?.stringValue
                func owned(_ pods: [JSON]) -> [JSON] {
                    pods.filter { pod in
                        pod[path: ["metadata", "ownerReferences"]]?.arrayValue?.contains { $0["uid"]?.stringValue == uid } == true
                    }
                }
                let key = TrainingJobController.podKey(namespace: namespace, name: job.metadata.name ?? "")
                var current = entry.backend.observe(workload: workload, pods: owned(pods.store.byIndex(TrainingJobController.podIndex, key)))
                if current.isFinished {
                    // The end is recorded once and for good: read the pods from the API, not a
                    // cache that may not have seen the last attempt's termination message yet.
                    let selector = "\(TrainingJobLabels.trainingJob)=\(job.metadata.name ?? "")"
                    let live = try await context.client.dynamic(TrainingJobController.pods, namespace: namespace)
                        .list(ListOptions(labelSelector: selector)).items
                    current = entry.backend.observe(workload: workload, pods: owned(live))
                }
                // A workload being deleted before it ended is as good as gone.
                if workload[path: ["metadata", "deletionTimestamp"]] == nil || current.isFinished {
                    observation = current
                }
            }
        }

        // The workload is gone (or going) before the training ended. That may be the garbage
        // collector following the TrainingJob's own deletion, which this cache has not seen yet:
        // ask the API before recording a failure (and ending an MLflow run FAILED that the
        // delete handler ends KILLED).
        if observation == nil, job.status?.jobName != nil, problems.isEmpty, try await !stillExists(job) {
            return .done
        }

        var baseline: TrainingBaseline? = nil
        if observation?.state == .succeeded, let comparison = job.spec.validation?.compareTo {
            baseline = self.baseline(comparison, namespace: namespace, excluding: job.metadata.uid)
        }
        var plan = TrainingJobPlanner.plan(job: job, backend: entry?.backend ?? JobBackend(), observation: observation,
                                              baseline: baseline, specProblems: problems, now: context.clock.now())

        if let desired = plan.workload.map(ResultsFinalizer.adding), let entry {
            do {
                try await context.applier.apply(desired, to: context.client.dynamic(entry.backend.workload, namespace: namespace),
                                                observed: observed)
            } catch {
                let name = desired[path: ["metadata", "name"]]?.stringValue ?? ""
                guard let refusal = ChildRefusal(error, kind: entry.backend.workload.kind, name: name) else { throw error }
                plan = TrainingJobPlanner.refused(job: job, refusal: refusal, now: context.clock.now())
            }
        }
        let tracking = await tracker.sync(job, status: &plan.status, now: context.clock.now())
        plan.events += tracking.events
        // A conflict: the cache had not seen our previous write yet; look again once it has (its
        // watch event queues the key too). No events: the transition is not recorded.
        if try await statusWriter.write(plan.status, of: job, at: \.status, absent: TrainingJobStatus(),
                                        to: context.client.resource(TrainingJob.self, namespace: namespace)) == .conflict {
            return .requeue
        }
        context.domainMetrics.ended(job, status: plan.status)
        for event in plan.events {
            context.events.record(job, type: event.type, reason: event.reason, action: "Train", note: event.note)
        }
        return tracking.retry ? .requeue : .done
    }

    /// Lets go of `modelops.io/training-results` on the workloads and pods of a TrainingJob
    /// whose record is final or that is gone. Found through the caches: each release is an
    /// update event that brings the key back, so nothing is missed and a settled TrainingJob
    /// costs two index lookups. A 409 (the object changed since the cache saw it) looks again.
    func releaseResults(_ ref: ObjectRef) async throws -> ReconcileResult {
        let namespace = ref.namespace ?? ""
        let key = TrainingJobController.podKey(namespace: namespace, name: ref.name)
        var held: [(object: JSON, client: ResourceClient<JSON>)] = []
        for workload in workloads.values {
            let client = context.client.dynamic(workload.backend.workload, namespace: namespace)
            held += workload.informer.store.byIndex(TrainingJobController.heldResultsIndex, key).map { ($0, client) }
        }
        let podClient = context.client.dynamic(TrainingJobController.pods, namespace: namespace)
        held += pods.store.byIndex(TrainingJobController.heldResultsIndex, key).map { ($0, podClient) }
        var conflict = false
        for (object, client) in held {
            do {
                _ = try await client.patch(object[path: ["metadata", "name"]]?.stringValue ?? "",
                                           .merge(ResultsFinalizer.releasePatch(object).serialized()))
            } catch {
                switch error.status?.code {
                case 404?: continue
                case 409?: conflict = true
                default: throw error
                }
            }
        }
        return conflict ? .requeue : .done
    }

    /// Whether the TrainingJob is still there and not being deleted, asked of the API.
    func stillExists(_ job: TrainingJob) async throws -> Bool {
        let resource = context.client.resource(TrainingJob.self, namespace: job.metadata.namespace)
        guard let live = try await Self.get(resource, job.metadata.name ?? "") else { return false }
        return live.metadata.uid == job.metadata.uid && live.metadata.deletionTimestamp == nil
    }

    /// The object, or nil when the API says it is not there.
    static func get<Object>(_ resource: ResourceClient<Object>, _ name: String) async throws -> Object? {
        do {
            return try await resource.get(name)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// The serving model of `comparison.modelDeployment` and the metrics its TrainingJob
    /// recorded (the newest finished one producing that model name and version).
    func baseline(_ comparison: TrainingValidation.Comparison, namespace: String, excluding uid: String?) -> TrainingBaseline {
        let name = comparison.modelDeployment
        guard let deployment = deployments.store.get(namespace: namespace, name: name) else {
            return .deploymentNotFound(deployment: name)
        }
        guard let stable = deployment.status?.stable else { return .noStableVersion(deployment: name) }
        let producers = jobs.store.byIndex(Self.producedVersionIndex, "\(namespace)/\(stable.version)").filter { job in
            guard job.metadata.uid != uid, let model = job.status?.model, model.version == stable.version,
                  job.status?.metrics != nil else { return false }
            return stable.name == nil || stable.name == model.name
        }
        let newest = producers.max {
            ($0.status?.completionTime?.secondsSinceEpoch ?? 0, $0.metadata.name ?? "")
                < ($1.status?.completionTime?.secondsSinceEpoch ?? 0, $1.metadata.name ?? "")
        }
        return .serving(deployment: name, version: stable.version, trainingJob: newest?.metadata.name, metrics: newest?.status?.metrics)
    }
}

/// The wiring: informers for TrainingJobs, each backend's workload kind (owned), the trainer pods
/// (found by the `modelops.io/training-job` label) and ModelDeployments (the baselines of
/// `compareTo`), all feeding one work queue.
extension TrainingJobController {
    public static let name = "trainingjob"
    /// Pods and workloads by "namespace/trainingJob", from the `modelops.io/training-job` label.
    static let podIndex = "trainingJob"
    /// The pods and workloads of `podIndex` that still hold `modelops.io/training-results`: a
    /// settled TrainingJob's pass looks for them, and reading its Job and pod whole from the
    /// cache to find none was 2 % of the operator's CPU over 10,000 settled TrainingJobs.
    static let heldResultsIndex = "heldTrainingResults"
    /// TrainingJobs with metrics by "namespace/version" of the model they produced: a
    /// comparison's baseline is found without reading every TrainingJob of the namespace.
    static let producedVersionIndex = "producedVersion"
    static let pods = ResourceInfo(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true)

    public static func make(_ context: OperatorContext, backends: [any TrainingBackend] = TrainingBackends.standard) -> Controller<TrainingJob> {
        let client = context.client
        let jobs = context.informers.informer(client.resource(TrainingJob.self, namespace: context.namespace), options: context.informerOptions)
        jobs.store.addIndex(producedVersionIndex) { job in
            guard let version = job.status?.model?.version, job.status?.metrics != nil else { return [] }
            return ["\(job.metadata.namespace ?? "")/\(version)"]
        }
        // A TrainingJob deleted while its MLflow run is open (a Replace policy, a user): the run
        // is ended KILLED rather than left RUNNING for good (retried while MLflow is unavailable).
        let clock = context.clock
        let tracker = MLflowTracker(defaultTrackingURI: context.mlflowTrackingURI, client: client)
        let logger = context.logger
        _ = jobs.onDelete { job in
            guard job.status?.tracking?.mlflow?.runStatus == "RUNNING" else { return }
            Task { await tracker.endDeletedRun(job, time: clock.time, now: clock.now, logger: logger) }
        }
        var labelled = context.informerOptions
        labelled.labelSelector = TrainingJobLabels.trainingJob
        var workloads: [TrainingJobSpec.Backend: Workload] = [:]
        let byTrainingJob: @Sendable (JSON) -> [String] = { object in
            guard let job = object[path: ["metadata", "labels", TrainingJobLabels.trainingJob]]?.stringValue else { return [] }
            return [podKey(namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "", name: job)]
        }
        let holdingResults: @Sendable (JSON) -> [String] = { object in
            ResultsFinalizer.holds(object) ? byTrainingJob(object) : []
        }
        for backend in backends {
            let informer = Informer<JSON>(client.dynamic(backend.workload, namespace: context.namespace), options: labelled,
                                         access: workloadCache(backend))
            informer.store.addIndex(podIndex, byTrainingJob)
            informer.store.addIndex(heldResultsIndex, holdingResults)
            workloads[backend.kind] = Workload(backend: backend, informer: informer)
        }
        let podInformer = Informer<JSON>(client.dynamic(pods, namespace: context.namespace), options: labelled,
                                          access: podCache)
        podInformer.store.addIndex(podIndex, byTrainingJob)
        podInformer.store.addIndex(heldResultsIndex, holdingResults)
        let deployments = context.informers.informer(client.resource(ModelDeployment.self, namespace: context.namespace), options: context.informerOptions)

        let reconciler = TrainingJobController(context: context, jobs: jobs, workloads: workloads, pods: podInformer, deployments: deployments)
        let controller = Controller(name: name, for: jobs, workers: context.workers, rateLimits: context.rateLimits,
                                    time: context.clock.time, queueObserver: context.metrics.queueObserver(name: name),
                                    observer: context.metrics.controllerObserver(name: name), logger: context.logger) { ref, _ in
            try await reconciler.reconcile(ref)
        }
        jobs.onDelete { reconciler.statusWriter.forget($0) }
        for kind in workloads.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            controller.owns(workloads[kind]!.informer)
        }
        controller.watches(podInformer) { pod in
            guard let job = pod[path: ["metadata", "labels", TrainingJobLabels.trainingJob]]?.stringValue else { return [] }
            return [ObjectRef(namespace: pod[path: ["metadata", "namespace"]]?.stringValue, name: job)]
        }
        // Read when a training ends (the comparison's baseline); a verdict once given is kept,
        // so changes of a ModelDeployment wake nothing.
        controller.watches(deployments) { _ in [] }
        return controller
    }

    /// How the trainer-pod cache stores a pod (`TrainerPod.cached`); public for the benchmark's
    /// cache breakdown.
    public static let podCache = ObjectAccess<JSON>.json(keeping: TrainerPod.cached)

    /// How a backend's workload cache stores a workload (`TrainingBackend.cached`).
    public static func workloadCache(_ backend: any TrainingBackend) -> ObjectAccess<JSON> {
        .json(keeping: { backend.cached(workload: $0) })
    }

    static func podKey(namespace: String, name: String) -> String { namespace + "/" + name }

    struct Workload: Sendable {
        var backend: any TrainingBackend
        var informer: Informer<JSON>
    }
}
