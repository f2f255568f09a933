import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import Synchronization

/// The RetrainPolicy controller: the I/O around `RetrainPolicyPlanner`. It gathers what the planner
/// needs from the caches (and, for Metric triggers that are due, from Prometheus), then creates
/// and deletes TrainingJobs, writes status when it changed, records events, and asks to be woken
/// when the next thing is due. Its wiring is `make`, below.
public final class RetrainPolicyController: Sendable {
    let context: OperatorContext
    let policies: Informer<RetrainPolicy>
    let jobs: Informer<TrainingJob>
    let configMaps: Informer<ConfigMap>
    let deployments: Informer<ModelDeployment>
    /// Each ModelDeployment's rolled-back versions (`status.rejectedVersions`), kept with the
    /// cache as it is written: every pass reads them for each ModelDeployment the policy feeds,
    /// and decoding those whole for it was 4.5 % of the operator's CPU over 10,000 policies.
    let rejections: InformerProjection<ModelDeployment, Set<String>>
    let memory = Mutex(Memory())

    /// What the reconciler remembers between passes, none of which must survive a restart. Kept
    /// per policy and dropped when the policy is gone.
    struct Memory {
        /// When each Metric trigger (by index) of a policy was last evaluated.
        var evaluated: [ObjectRef: [Int: Date]] = [:]
        /// TrainingJobs created but maybe not yet in the cache (client-go's "expectations"), so the
        /// next pass does not see a free slot for Forbid.
        var created: [ObjectRef: [(job: TrainingJob, at: Date)]] = [:]
        /// TrainingJobs deleted but maybe still in the cache, by "namespace/name".
        var deleted: [String: Date] = [:]
    }

    /// How long a created or deleted TrainingJob is assumed, at most, to take to show in the cache.
    static let expectationTimeout: TimeInterval = 60

    init(context: OperatorContext, policies: Informer<RetrainPolicy>, jobs: Informer<TrainingJob>,
         configMaps: Informer<ConfigMap>, deployments: Informer<ModelDeployment>) {
        self.context = context
        self.policies = policies
        self.jobs = jobs
        self.configMaps = configMaps
        self.deployments = deployments
        deployments.store.addIndex(ModelDeploymentController.fromPolicyIndex, ModelDeploymentController.fromPolicyKeys)
        // Kept with the store, under its lock: a pass never reads rejections older than the
        // ModelDeployments it sees.
        rejections = InformerProjection(deployments) { deployment in
            let versions = deployment.status?.rejectedVersions?.map(\.version) ?? []
            return versions.isEmpty ? nil : Set(versions)
        }
    }

    /// Moves `spec.registry.mlflow.alias` to the promoted model's registered version, once per
    /// promotion (`status.promoted.registryVersion`), with condition RegistryAliasSet. True: retry
    /// with the key's backoff (MLflow failed).
    func moveAlias(_ policy: RetrainPolicy, ref: ObjectRef, status: inout RetrainPolicyStatus, now: Date) async -> Bool {
        guard let alias = policy.spec.registry?.mlflow?.alias, let promoted = status.promoted, promoted.registryVersion == nil,
              let jobName = promoted.trainingJob else { return false }
        let job = jobs.store.get(namespace: policy.metadata.namespace, name: jobName)
        let outcome = await MLflowAliasMover(client: context.client).move(alias: alias, job: job, jobName: jobName, policy: ref)
        let report = outcome.report(alias: alias, model: job?.status?.tracking?.mlflow?.registeredModel ?? "")
        if let version = report.version { status.promoted?.registryVersion = version }
        status.conditions = Condition.setting(
            Condition(type: MLflowAliasMover.condition, status: report.status, observedGeneration: policy.metadata.generation,
                      lastTransitionTime: KubeTime(now), reason: report.reason, message: report.message),
            in: status.conditions ?? [])
        return report.retry
    }

    /// Moves `spec.registry.mlflow.servedAlias` to the promoted version once the policy's
    /// ModelDeployment serves it to all traffic (Healthy, stable on the promoted model's URI, no
    /// rollout under way), with condition RegistryServedAliasSet; until then the condition says
    /// what it waits for. A version rolled back never gets it. True: retry (MLflow failed).
    func moveServedAlias(_ policy: RetrainPolicy, ref: ObjectRef, status: inout RetrainPolicyStatus, rejected: Set<String>,
                         now: Date) async -> Bool {
        guard let served = policy.spec.registry?.mlflow?.servedAlias else {
            status.conditions = status.conditions?.filter { $0.type != MLflowAliasMover.servedCondition }
            if status.conditions?.isEmpty == true { status.conditions = nil }
            status.promoted?.servedAliasVersion = nil
            status.promoted?.servedAlias = nil
            return false
        }
        if status.promoted?.servedAliasVersion != nil, status.promoted?.servedAlias == nil {
            // Written before the alias's name was recorded: it was this one.
            status.promoted?.servedAlias = served
        }
        guard let promoted = status.promoted, promoted.servedAliasVersion == nil || promoted.servedAlias != served,
              let jobName = promoted.trainingJob else { return false }
        let deploymentName = policy.spec.modelDeploymentRef.name
        let deployment = deployments.store.get(namespace: policy.metadata.namespace, name: deploymentName)
        var (value, reason, message, retry): (Condition.Status, String, String, Bool)
        if rejected.contains(promoted.version) {
            (value, reason, message, retry) = (.false, "RolledBack",
                                               "version \(promoted.version) was rolled back: alias \(GoQuote.quote(served)) stays where it is", false)
        } else if let registryVersion = promoted.registryVersion, let stable = deployment?.status?.stable,
                  deployment?.status?.phase == .healthy, deployment?.status?.canary == nil, stable.uri == promoted.uri {
            let job = jobs.store.get(namespace: policy.metadata.namespace, name: jobName)
            let report = await MLflowAliasMover(client: context.client)
                .move(alias: served, job: job, jobName: jobName, policy: ref, tagPromotion: false)
                .report(alias: served, model: job?.status?.tracking?.mlflow?.registeredModel ?? "")
            if let version = report.version {
                status.promoted?.servedAliasVersion = version
                status.promoted?.servedAlias = served
            }
            (value, reason, retry) = (report.status, report.reason, report.retry)
            message = report.version == nil ? report.message : "ModelDeployment \(deploymentName) serves version \(registryVersion): \(report.message)"
        } else if promoted.registryVersion == nil {
            (value, reason, message, retry) = (.false, "WaitingForAlias",
                                               "alias \(GoQuote.quote(policy.spec.registry?.mlflow?.alias ?? "")) has not been moved to the promoted version yet", false)
        } else {
            (value, reason, message, retry) = (.false, "WaitingForRollout",
                                               "waiting for ModelDeployment \(deploymentName) to serve version \(promoted.version) to all traffic", false)
        }
        status.conditions = Condition.setting(
            Condition(type: MLflowAliasMover.servedCondition, status: value, observedGeneration: policy.metadata.generation,
                      lastTransitionTime: KubeTime(now), reason: reason, message: message),
            in: status.conditions ?? [])
        return retry
    }

    func reconcile(_ ref: ObjectRef) async throws -> ReconcileResult {
        guard let policy = policies.store.get(ref), policy.metadata.deletionTimestamp == nil else {
            memory.withLock { memory in
                memory.evaluated[ref] = nil
                memory.created[ref] = nil
            }
            return .done
        }
        // The cache has not seen our last status write yet; its watch event queues the key again.
        if statusWriter.isStale(policy) { return .done }
        let now = context.clock.now()

        let problems = SpecValidation.validate(policy.spec)
        guard problems.isEmpty else {
            var status = policy.status ?? RetrainPolicyStatus()
            let condition = SpecConditions.invalidSpec(problems, generation: policy.metadata.generation, now: now)
            status.conditions = Condition.setting(condition, in: status.conditions ?? [])
            status.observedGeneration = policy.metadata.generation
            status.nextScheduleTime = nil
            if status != policy.status {
                if try await writeStatus(policy, status) == .conflict {
                    return .requeue
                }
                context.events.record(policy, type: .warning, reason: SpecConditions.invalidSpecReason,
                                      action: "Validate", note: condition.message)
            }
            // Said once in status and an event; retrying gives the same answer until the spec changes.
            throw TerminalError(condition.message)
        }

        let uid = policy.metadata.uid ?? ""
        let observation = RetrainPolicyObservation(
            policy: policy, jobs: observedJobs(ref: ref, uid: uid, now: now), now: now, dataVersions: dataVersions(policy),
            metricReadings: await metricReadings(policy, ref: ref, now: now), rejectedVersions: rejectedVersions(policy))
        let plan = RetrainPolicyPlanner.plan(observation)

        let resource = context.client.resource(TrainingJob.self, namespace: policy.metadata.namespace)
        for job in plan.delete {
            try await delete(job, with: resource, now: now)
        }
        var createdUIDs: [String: String] = [:]
        do {
            for job in plan.create {
                if let created = try await create(job, with: resource, policy: ref, now: now),
                   let name = created.metadata.name, let uid = created.metadata.uid {
                    createdUIDs[name] = uid
                }
            }
        } catch let refusal as ChildRefusal {
            return try await refused(policy, refusal, now: now)
        }
        var status = plan.status
        // The plan lists the runs it creates as active without a uid (they had none yet); the
        // server's answer has it. Written now, the status is the one the next pass computes
        // once the run is in the cache, so that pass writes nothing (a second status write per
        // run before).
        status.active = status.active?.map { active in
            var active = active
            if active.uid == nil, let uid = createdUIDs[active.name] { active.uid = uid }
            return active
        }
        var aliasRetry = await moveAlias(policy, ref: ref, status: &status, now: now)
        if await moveServedAlias(policy, ref: ref, status: &status, rejected: observation.rejectedVersions, now: now) { aliasRetry = true }
        if status != policy.status {
            // The cache was behind the policy (a user's annotation, our own last write): plan
            // again from the newer version, quietly. Runs are named for what started them, so
            // creating them again is AlreadyExists; events follow the status that is written.
            if try await writeStatus(policy, status) == .conflict {
                return .requeue
            }
        }
        context.domainMetrics.retrained(policy, triggers: plan.create.compactMap { $0.metadata.labels?[TrainingJobLabels.trigger] },
                                        missed: (status.missedRuns ?? 0) - (policy.status?.missedRuns ?? 0))
        for event in plan.events {
            context.events.record(policy, type: event.type, reason: event.reason, action: event.action, note: event.note)
        }
        for (condition, moved) in [(MLflowAliasMover.condition, "RegistryAliasMoved"), (MLflowAliasMover.servedCondition, "RegistryServedAliasMoved")] {
            let before = policy.status?.conditions?[type: condition]
            guard let after = status.conditions?[type: condition], after != before else { continue }
            if after.status == .true, after.message != before?.message {
                context.events.record(policy, type: .normal, reason: moved, action: "Promote", note: after.message)
            } else if after.status == .false, before?.status != .false || before?.reason != after.reason,
                      !["WaitingForRollout", "WaitingForAlias", "RolledBack"].contains(after.reason) {
                context.events.record(policy, type: .warning, reason: after.reason, action: "Promote", note: after.message)
            }
        }

        var wake = plan.wakeAt.map { $0.timeIntervalSince(now) }
        if let next = nextMetricEvaluation(policy, ref: ref, now: now) {
            wake = min(wake ?? next, next)
        }
        // MLflow failed to take the alias: try again in 30 s, never later than the schedule's
        // next slot or metric evaluation (a key backoff of up to 1000 s would delay those).
        if aliasRetry { wake = min(wake ?? 30, 30) }
        guard let wake else { return .done }
        return .requeueAfter(.milliseconds(Int64(max(0, wake) * 1000) + 1))
    }

    /// Deletes a run; one already gone, or replaced by another object of its name, is not an error.
    func delete(_ job: TrainingJob, with resource: ResourceClient<TrainingJob>, now: Date) async throws {
        guard let name = job.metadata.name else { return }
        do {
            try await resource.delete(name, options: DeleteOptions(propagation: .background, preconditionUID: job.metadata.uid))
        } catch {
            guard error.isNotFound || error.isConflict else { throw error }
        }
        memory.withLock { $0.deleted["\(job.metadata.namespace ?? "")/\(name)"] = now }
    }

    /// Creates a run and answers it as the server stored it. AlreadyExists means the slot (or
    /// request, or data version) already has its run, created before a crash or by another
    /// leader: never a second one, and not an error (answered nil).
    func create(_ job: TrainingJob, with resource: ResourceClient<TrainingJob>, policy: ObjectRef, now: Date) async throws -> TrainingJob? {
        do {
            let created = try await resource.create(job)
            memory.withLock { $0.created[policy, default: []].append((created, now)) }
            return created
        } catch {
            guard error.isAlreadyExists else {
                throw ChildRefusal(error, kind: TrainingJob.kind, name: job.metadata.name ?? "") ?? error
            }
            return nil
        }
    }

    /// A run the API server refused (the policy's trainingJobTemplate breaks a rule of the
    /// TrainingJob API): Ready=False with the server's message and one Warning event; the slot
    /// is tried again slowly (and at once when the policy changes), never in a quiet loop.
    func refused(_ policy: RetrainPolicy, _ refusal: ChildRefusal, now: Date) async throws -> ReconcileResult {
        var status = policy.status ?? RetrainPolicyStatus()
        status.observedGeneration = policy.metadata.generation
        let condition = Condition(type: SpecConditions.ready, status: .false, observedGeneration: policy.metadata.generation,
                                  lastTransitionTime: KubeTime(now), reason: ChildRefusal.reason, message: refusal.summary)
        status.conditions = Condition.setting(condition, in: status.conditions ?? [])
        if status != policy.status {
            if try await writeStatus(policy, status) == .conflict {
                return .requeue
            }
            context.events.record(policy, type: .warning, reason: ChildRefusal.reason, action: "Retrain", note: refusal.summary)
        }
        return .requeueAfter(.seconds(300))
    }

    func writeStatus(_ policy: RetrainPolicy, _ status: RetrainPolicyStatus) async throws -> StatusWriter<RetrainPolicy>.Outcome {
        try await statusWriter.write(status, of: policy, at: \.status,
                                     to: context.client.resource(RetrainPolicy.self, namespace: policy.metadata.namespace))
    }

    /// Status writes: only when changed, never from a cache older than the last one, 409 → requeue.
    let statusWriter = StatusWriter<RetrainPolicy>()

    // MARK: Observation

    /// The policy's TrainingJobs: the cache, plus runs created and not yet seen, minus runs
    /// deleted and not yet gone from it.
    func observedJobs(ref: ObjectRef, uid: String, now: Date) -> [TrainingJob] {
        let cached = jobs.store.byIndex(IndexedStore<TrainingJob>.controllerIndex, uid)
        let names = Set(cached.compactMap(\.metadata.name))
        return memory.withLock { memory in
            memory.created[ref] = memory.created[ref]?.filter { entry in
                !names.contains(entry.job.metadata.name ?? "") && now.timeIntervalSince(entry.at) < Self.expectationTimeout
            }
            memory.deleted = memory.deleted.filter { now.timeIntervalSince($0.value) < Self.expectationTimeout }
            let pending = (memory.created[ref] ?? []).map(\.job).filter { $0.metadata.controllerReference?.uid == uid }
            return (cached + pending).filter { memory.deleted["\($0.metadata.namespace ?? "")/\($0.metadata.name ?? "")"] == nil }
        }
    }

    func dataVersions(_ policy: RetrainPolicy) -> [Int: String] {
        var result: [Int: String] = [:]
        for (index, trigger) in (policy.spec.triggers ?? []).enumerated() {
            guard let ref = trigger.dataVersion?.configMapRef,
                  let value = configMaps.store.get(namespace: policy.metadata.namespace, name: ref.name)?.data?[ref.key]
            else { continue }
            result[index] = value
        }
        return result
    }

    /// ModelDeployments the policy feeds: the one it names and every one following it. Found
    /// through an index: listing the namespace made each reconcile O(ModelDeployments), and a
    /// namespace of 10,000 policies and deployments quadratic.
    func followers(_ policy: RetrainPolicy) -> [ObjectRef] {
        let namespace = policy.metadata.namespace
        var followers = deployments.store.refs(index: ModelDeploymentController.fromPolicyIndex,
                                               value: ModelDeploymentController.fromPolicyKey(namespace: namespace, policy: policy.metadata.name))
        let named = ObjectRef(namespace: namespace, name: policy.spec.modelDeploymentRef.name)
        if !followers.contains(named) { followers.append(named) }
        return followers
    }

    /// Versions a ModelDeployment the policy feeds rolled back: never promoted again.
    func rejectedVersions(_ policy: RetrainPolicy) -> Set<String> {
        followers(policy).reduce(into: Set<String>()) { versions, ref in
            if let rejected = rejections[ref] { versions.formUnion(rejected) }
        }
    }

    // MARK: Metric triggers

    static var interval: TimeInterval {
        Self.metricEvaluationInterval.timeInterval
    }

    /// Evaluates the Metric triggers that are due (never evaluated by this process, or last
    /// evaluated at least one interval ago).
    func metricReadings(_ policy: RetrainPolicy, ref: ObjectRef, now: Date) async -> [Int: MetricReading] {
        var readings: [Int: MetricReading] = [:]
        // Read (unpacked from the cache) only when a trigger is due: most passes evaluate
        // nothing, and a policy without Metric triggers never does.
        lazy var deployment = self.deployments.store.get(namespace: policy.metadata.namespace, name: policy.spec.modelDeploymentRef.name)
        for (index, trigger) in (policy.spec.triggers ?? []).enumerated() {
            guard let metric = trigger.metric else { continue }
            let last = memory.withLock { $0.evaluated[ref]?[index] }
            guard last.map({ now.timeIntervalSince($0) >= Self.interval }) ?? true else { continue }
            memory.withLock { $0.evaluated[ref, default: [:]][index] = now }
            guard let provider = metric.provider ?? deployment?.spec.analysis?.provider else {
                readings[index] = MetricReading(value: nil, message: "no provider: set spec.triggers[\(index)].metric.provider or the ModelDeployment's spec.analysis.provider")
                continue
            }
            let stable = deployment?.status?.stable
            let placeholders = QueryPlaceholders(
                version: stable?.version ?? "", stableVersion: stable?.version ?? "",
                model: stable?.name ?? policy.spec.trainingJobTemplate.spec.model.name,
                name: policy.spec.modelDeploymentRef.name, namespace: policy.metadata.namespace ?? "")
            let measurement = await context.measurer.measure(query: placeholders.render(metric.query), provider: provider, at: now)
            switch measurement.phase {
            case .successful, .failed: readings[index] = MetricReading(value: measurement.value, message: measurement.message)
            case .inconclusive, .error: readings[index] = MetricReading(value: nil, message: measurement.message)
            }
        }
        return readings
    }

    /// Seconds until the next Metric trigger evaluation is due; nil without Metric triggers.
    func nextMetricEvaluation(_ policy: RetrainPolicy, ref: ObjectRef, now: Date) -> TimeInterval? {
        let indexes = (policy.spec.triggers ?? []).indices.filter { policy.spec.triggers![$0].metric != nil }
        guard !indexes.isEmpty else { return nil }
        return memory.withLock { memory in
            indexes.map { index in
                memory.evaluated[ref]?[index].map { $0.addingTimeInterval(Self.interval).timeIntervalSince(now) } ?? 0
            }.min()
        }
    }
}

/// The wiring: the policies, the TrainingJobs they own, the ConfigMaps their DataVersion triggers
/// read and the ModelDeployments whose rejected versions they must not promote, all feeding one
/// work queue.
extension RetrainPolicyController {
    public static let name = "retrainpolicy"

    /// How often a Metric trigger's query is evaluated; its `for` window is measured in
    /// consecutive evaluations this far apart.
    public static let metricEvaluationInterval: Duration = .seconds(30)

    /// Metric triggers are measured with `context.measurer`.
    public static func make(_ context: OperatorContext) -> Controller<RetrainPolicy> {
        let client = context.client
        let namespace = context.namespace
        let policies = context.informers.informer(client.resource(RetrainPolicy.self, namespace: namespace), options: context.informerOptions)
        // The TrainingJob controller's cache, shared: a second informer selecting the policies'
        // runs by label decoded every event of those runs twice. Runs are found by their
        // controller reference (the store's controller index), so other TrainingJobs cost nothing.
        let jobs = context.informers.informer(client.resource(TrainingJob.self, namespace: namespace), options: context.informerOptions)
        let configMaps = context.informers.informer(client.resource(ConfigMap.self, namespace: namespace), options: context.informerOptions)
        let deployments = context.informers.informer(client.resource(ModelDeployment.self, namespace: namespace), options: context.informerOptions)

        policies.store.addIndex(configMapIndex) { policy in
            (policy.spec.triggers ?? []).compactMap { trigger in
                trigger.dataVersion.map { "\(policy.metadata.namespace ?? "")/\($0.configMapRef.name)" }
            }
        }
        policies.store.addIndex(deploymentIndex) { policy in
            ["\(policy.metadata.namespace ?? "")/\(policy.spec.modelDeploymentRef.name)"]
        }

        let reconciler = RetrainPolicyController(context: context, policies: policies, jobs: jobs, configMaps: configMaps,
                                                 deployments: deployments)
        let controller = Controller(name: name, for: policies, workers: context.workers, rateLimits: context.rateLimits,
                                    time: context.clock.time, queueObserver: context.metrics.queueObserver(name: name),
                                    observer: context.metrics.controllerObserver(name: name), logger: context.logger) { ref, _ in
            try await reconciler.reconcile(ref)
        }
        policies.onDelete { reconciler.statusWriter.forget($0) }
        controller.owns(jobs)
        controller.watches(configMaps) { configMap in
            policies.store.refs(index: configMapIndex, value: "\(configMap.metadata.namespace ?? "")/\(configMap.metadata.name ?? "")")
        }
        controller.watches(deployments) { deployment in
            let namespace = deployment.metadata.namespace
            var refs = policies.store.refs(index: deploymentIndex, value: "\(namespace ?? "")/\(deployment.metadata.name ?? "")")
            if let followed = deployment.spec.model.fromPolicy {
                refs.append(ObjectRef(namespace: namespace, name: followed))
            }
            return refs
        }
        return controller
    }

    static let configMapIndex = "dataVersionConfigMap"
    static let deploymentIndex = "modelDeployment"
}
