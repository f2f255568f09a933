import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging
import ModelOpsAPI

/// The ModelDeployment controller: the I/O around `ModelDeploymentPlanner`. It reads the ModelDeployment,
/// its Deployments and (for `fromPolicy`) the RetrainPolicy from caches, takes the analysis
/// measurements that are due, plans, applies the children by server-side apply (skipping
/// unchanged ones), deletes Deployments of versions no longer live, writes status only when it
/// changed, and records events.
public final class ModelDeploymentController: Sendable {
    public static let name = "modeldeployment"
    static let fromPolicyIndex = "fromPolicy"
    static let childSelector = "\(WireContract.Labels.managedBy)=modelops,\(ServingNames.deploymentLabel)"

    let context: OperatorContext
    let deployments: Informer<ModelDeployment>
    let workloads: Informer<JSON>
    let services: Informer<JSON>
    /// The HTTPRoutes the operator owns, cached whole (their status says whether gateways
    /// accepted them; their spec shows hand edits to revert). Empty where the Gateway API is
    /// not installed.
    let routes: Informer<JSON>
    let policies: Informer<RetrainPolicy>
    /// Reads the MLflow aliases of registry-sourced ModelDeployments (at most once per poll interval).
    let aliasResolver: MLflowAliasResolver
    let runner: AnalysisRunner
    let planner = ModelDeploymentPlanner()

    static let deploymentsInfo = ResourceInfo(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true)
    static let servicesInfo = ResourceInfo(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true)
    static let routesInfo = ResourceInfo(group: "gateway.networking.k8s.io", version: "v1", kind: "HTTPRoute",
                                         plural: "httproutes", namespaced: true)

    /// Services are compared by their spec-hash annotation only: their metadata is all the
    /// cache keeps. Public for the benchmark's cache breakdown.
    public static let serviceCache = ObjectAccess<JSON>.metadataOnly

    init(context: OperatorContext) {
        self.context = context
        let client = context.client
        deployments = context.informers.informer(client.resource(ModelDeployment.self, namespace: context.namespace), options: context.informerOptions)
        var childOptions = context.informerOptions
        childOptions.labelSelector = Self.childSelector
        workloads = Informer(client.dynamic(Self.deploymentsInfo, namespace: context.namespace), options: childOptions)
        services = Informer(client.dynamic(Self.servicesInfo, namespace: context.namespace), options: childOptions,
                            access: Self.serviceCache)
        var routeOptions = childOptions
        routeOptions.absentKindRecheck = .seconds(300)
        routes = Informer(client.dynamic(Self.routesInfo, namespace: context.namespace), options: routeOptions)
        policies = context.informers.informer(client.resource(RetrainPolicy.self, namespace: context.namespace), options: context.informerOptions)
        runner = AnalysisRunner(measurer: context.measurer)
        let aliases = MLflowAliasResolver(defaultTrackingURI: context.mlflowTrackingURI, client: client)
        aliasResolver = aliases
        let statusWriter = self.statusWriter
        let domainMetrics = context.domainMetrics
        deployments.onDelete { deleted in
            statusWriter.forget(deleted)
            domainMetrics.forget(kind: "ModelDeployment", namespace: deleted.metadata.namespace, name: deleted.metadata.name ?? "")
            aliases.forget(ObjectRef(namespace: deleted.metadata.namespace, name: deleted.metadata.name ?? ""))
        }
        deployments.store.addIndex(Self.fromPolicyIndex, Self.fromPolicyKeys)
    }

    /// `fromPolicyIndex`: "namespace/policy" for a ModelDeployment whose model follows a
    /// RetrainPolicy. The cache is shared with the RetrainPolicy controller, which registers the
    /// same index (idempotent) so that it also has it when this controller is not run.
    static func fromPolicyKeys(_ object: ModelDeployment) -> [String] {
        guard let policy = object.spec.model.fromPolicy else { return [] }
        return [fromPolicyKey(namespace: object.metadata.namespace, policy: policy)]
    }

    /// The `fromPolicyIndex` value under which the followers of a policy are found.
    static func fromPolicyKey(namespace: String?, policy: String?) -> String {
        "\(namespace ?? "")/\(policy ?? "")"
    }

    /// The controller, wired to its informers.
    public static func make(_ context: OperatorContext) -> Controller<ModelDeployment> {
        let reconciler = ModelDeploymentController(context: context)
        let controller = Controller(name: name, for: reconciler.deployments, workers: context.workers,
                                    rateLimits: context.rateLimits, time: context.clock.time,
                                    queueObserver: context.metrics.queueObserver(name: name),
                                    observer: context.metrics.controllerObserver(name: name),
                                    logger: context.logger) { ref, ctx in
            try await reconciler.reconcile(ref, ctx)
        }
        controller.owns(reconciler.workloads)
        controller.owns(reconciler.services)
        controller.owns(reconciler.routes)
        let store = reconciler.deployments.store
        controller.watches(reconciler.policies) { policy in
            store.refs(index: fromPolicyIndex, value: fromPolicyKey(namespace: policy.metadata.namespace, policy: policy.metadata.name))
        }
        return controller
    }

    // MARK: Reconcile

    func reconcile(_ ref: ObjectRef, _ ctx: ReconcileContext) async throws -> ReconcileResult {
        guard let object = deployments.store.get(ref), object.metadata.deletionTimestamp == nil else { return .done }
        // The cache still holds the object our last status write started from: it has not seen
        // that write yet, and planning from it would redo the last step and meet a 409. The
        // write's own watch event queues the key again, with everything that came before it.
        if statusWriter.isStale(object) { return .done }
        let now = context.clock.now()
        let status = object.status ?? ModelDeploymentStatus()
        let resource = context.client.resource(ModelDeployment.self, namespace: ref.namespace)

        let problems = SpecValidation.validate(object.spec)
        if !problems.isEmpty {
            var invalid = status
            invalid.observedGeneration = object.metadata.generation
            invalid.conditions = Condition.setting(
                SpecConditions.invalidSpec(problems, generation: object.metadata.generation, now: now), in: status.conditions ?? [])
            invalid.message = SpecValidation.message(problems)
            if invalid != status {
                if try await statusWriter.write(invalid, of: object, at: \.status, to: resource) == .conflict {
                    return .requeue
                }
                context.events.record(object, type: .warning, reason: SpecConditions.invalidSpecReason, action: "Validate",
                                      note: SpecValidation.message(problems))
            }
            // Said once in status and an event; retrying gives the same answer until the spec changes.
            throw TerminalError(SpecValidation.message(problems))
        }

        let desired: ModelVersion?, desiredMessage: String?
        var registry: MLflowAliasResolver.Resolution?
        if let alias = object.spec.model.registry?.mlflow {
            let resolution = await aliasResolver.resolve(alias, ref: ref, last: status.registry?.mlflow,
                                                         rejected: status.rejectedVersions ?? [], now: now)
            (desired, desiredMessage, registry) = (resolution.model, resolution.message, resolution)
        } else {
            (desired, desiredMessage) = resolveModel(object)
        }
        var working = status
        var action: ManualAction?
        if let value = object.metadata.annotations?[ManualAction.annotation], value != status.lastAction {
            action = ManualAction(annotation: value)
            if action == nil {
                working.lastAction = value
                context.events.record(object, type: .warning, reason: "UnknownAction", action: "Act",
                                      note: "\(ManualAction.annotation)=\"\(value)\" is not one of promote, promote-full, abort, retry")
            }
        }

        // Measurements due now, for the candidate's running analyses.
        var nextDue = await measure(&working, object, ref, now: now, skipping: [])

        let children = workloads.store.byIndex(IndexedStore<JSON>.controllerIndex, object.metadata.uid ?? "")
        var observed: [String: ObservedDeployment] = [:]
        var observedJSON: [String: JSON] = [:]
        for child in children {
            guard let deployment = ObservedDeployment(json: child) else { continue }
            observed[deployment.version] = deployment
            observedJSON[deployment.name] = child
        }
        let routeName = object.spec.trafficRouting?.type == .gatewayAPI ? object.spec.trafficRouting?.gatewayAPI?.httpRoute : nil
        let routeJSON = routeName.flatMap { routes.store.get(namespace: ref.namespace, name: $0) }
        var observation = ModelDeploymentObservation(
            name: ref.name, namespace: ref.namespace ?? "", generation: object.metadata.generation ?? 0, spec: object.spec,
            status: working, desired: desired, desiredMessage: desiredMessage, deployments: observed, action: action,
            route: routeJSON.flatMap(ObservedRoute.init(json:)), now: now)
        var plan = planner.plan(observation)
        // An analysis the plan just started is measured in this pass, not in the next one (which
        // would wait for the cache to bring back this pass's status write): measure, then plan
        // once more from the plan's own status. The first plan's events stay; an action it used
        // is in status.lastAction, so the second plan does not use it again.
        let known = Set((working.analysisRuns ?? []).map { "\($0.name)/\($0.version ?? "")" })
        if plan.status.analysisRuns?.contains(where: { $0.phase == .running && !known.contains("\($0.name)/\($0.version ?? "")") }) == true {
            var started = plan.status
            if let due = await measure(&started, object, ref, now: now, skipping: known) {
                nextDue = min(nextDue ?? due, due)
            }
            observation.status = started
            if let action, started.lastAction == action.value { observation.action = nil }
            let events = plan.events
            plan = planner.plan(observation)
            plan.events = events + plan.events
        }

        var planned = plan.status
        if let registry {
            // Which registry version is served, and whether the registry answered; a Warning
            // event when it stops answering (or fails another way).
            planned.registry = registry.record.map { ModelRegistryStatus(mlflow: $0) } ?? status.registry
            let before = status.conditions?[type: MLflowAliasResolver.condition]
            planned.conditions = Condition.setting(
                Condition(type: MLflowAliasResolver.condition, status: registry.reachable, observedGeneration: object.metadata.generation,
                          lastTransitionTime: KubeTime(now), reason: registry.reason, message: registry.detail),
                in: planned.conditions ?? [])
            if registry.reachable == .false, before?.status != .false || before?.reason != registry.reason {
                plan.events.append(.init(warning: true, reason: registry.reason, note: registry.detail))
            }
            plan.events += registry.events.map { .init(warning: $0.reason == "RegistryWriteBackFailed", reason: $0.reason, note: $0.note) }
        } else if planned.registry != nil || planned.conditions?[type: MLflowAliasResolver.condition] != nil {
            // The spec no longer follows a registry alias: what it said about one goes.
            planned.registry = nil
            planned.conditions?.removeAll { $0.type == MLflowAliasResolver.condition }
        }
        let applied: AppliedChildren
        do {
            applied = try await applyChildren(object, plan, observedJSON: observedJSON, observedRoute: routeJSON)
            if let route = applied.route {
                planned.recordAppliedRoute(route, now: now)
            } else if let current = applied.currentRoute, planned.httpRoute?.name != current[path: ["metadata", "name"]]?.stringValue {
                // The route is as we want it, but no status of ours names it (a first pass whose
                // status waited, an operator upgraded from before status.httpRoute): its own
                // generation is the one to be accepted.
                planned.recordAppliedRoute(current, now: now)
            }
        } catch let refusal as ChildRefusal {
            return try await refused(object, refusal, resource, now: now)
        }
        // A first version whose children this pass just wrote has nothing to report yet but
        // "waiting for them": their own watch events bring the next pass within moments (the
        // Deployment controller answers at once), which writes the status it finds — usually
        // already Healthy. One status write per first version instead of two; the events wait
        // with it (the next pass plans them again), so none is recorded twice.
        if object.status?.stable == nil, planned.phase == .pending, applied.sent > 0 {
            return .done
        }
        // The cache was behind the object; the newer version is on its way. Plan again from it
        // (events follow the status that is written, so none are lost or doubled).
        if try await statusWriter.write(planned, of: object, at: \.status, to: resource) == .conflict {
            return .requeue
        }
        context.domainMetrics.recorded(object, before: object.status, after: planned, events: plan.events.map(\.reason))
        for event in plan.events {
            context.events.record(object, type: event.warning ? .warning : .normal, reason: event.reason, action: "Rollout", note: event.note)
        }
        var after = plan.requeueAfter
        if let recheck = registry?.recheck { after = after.map { min($0, recheck) } ?? recheck }
        if let nextDue {
            let seconds = max(0, nextDue.timeIntervalSince(now))
            let due = Duration.milliseconds(Int64((seconds * 1000).rounded(.up)))
            after = after.map { min($0, due) } ?? due
        }
        if let after { return .requeueAfter(max(after, .milliseconds(1))) }
        return .done
    }

    /// Takes the measurements that are due of the candidate's running analyses (all but those
    /// named "name/version" in `skipping`) into `status`; returns when the next one is due.
    func measure(_ status: inout ModelDeploymentStatus, _ object: ModelDeployment, _ ref: ObjectRef, now: Date,
                 skipping: Set<String>) async -> Date? {
        guard let canary = status.canary, let spec = object.spec.analysis, var runs = status.analysisRuns else { return nil }
        let placeholders = QueryPlaceholders(version: canary.version, stableVersion: status.stable?.version ?? "",
                                             model: canary.name ?? status.stable?.name ?? "",
                                             name: ref.name, namespace: ref.namespace ?? "")
        var nextDue: Date?
        for index in runs.indices where runs[index].phase == .running && runs[index].version == canary.version
            && !skipping.contains("\(runs[index].name)/\(runs[index].version ?? "")") {
            let (run, due) = await runner.step(runs[index], spec: spec, placeholders: placeholders, now: now)
            runs[index] = run
            if let due { nextDue = min(nextDue ?? due, due) }
        }
        status.analysisRuns = runs
        return nextDue
    }

    /// The model the spec asks for: pinned, or the RetrainPolicy's promoted model.
    func resolveModel(_ object: ModelDeployment) -> (ModelVersion?, String?) {
        if let pinned = object.spec.model.pinned { return (pinned, nil) }
        guard let policyName = object.spec.model.fromPolicy else { return (nil, "spec.model names no model") }
        guard let policy = policies.store.get(namespace: object.metadata.namespace, name: policyName) else {
            return (nil, "RetrainPolicy \(policyName) not found")
        }
        guard let promoted = policy.status?.promoted else {
            return (nil, "RetrainPolicy \(policyName) has not promoted a model yet")
        }
        let name = promoted.name ?? policy.spec.trainingJobTemplate.spec.model.name
        return (ModelVersion(name: name, version: promoted.version, uri: promoted.uri), nil)
    }

    /// Status writes: only when changed, never from a cache older than the last one, 409 → requeue.
    let statusWriter = StatusWriter<ModelDeployment>()

    /// A child the API server refused: the status says which, with the server's message, in
    /// Degraded (the rollout does not move: the status written is the one it started from), one
    /// Warning event per distinct refusal, and a slow look again (a CRD may be upgraded), never
    /// a quiet retry loop.
    func refused(_ object: ModelDeployment, _ refusal: ChildRefusal, _ resource: ResourceClient<ModelDeployment>,
                 now: Date) async throws -> ReconcileResult {
        let before = object.status ?? ModelDeploymentStatus()
        let status = before.refusing(refusal, generation: object.metadata.generation, now: now)
        if try await statusWriter.write(status, of: object, at: \.status, to: resource) == .conflict {
            return .requeue
        }
        if before.message != status.message {
            context.events.record(object, type: .warning, reason: ChildRefusal.reason, action: "Apply", note: refusal.summary)
        }
        return .requeueAfter(.seconds(300))
    }

    /// What `applyChildren` sent.
    struct AppliedChildren {
        /// Children written (applies and deletions).
        var sent = 0
        /// The HTTPRoute as the server holds it after an apply (nil when none was sent).
        var route: JSON?
        /// The cached HTTPRoute when it already held what the plan wants (nothing sent).
        var currentRoute: JSON?
    }

    /// Applies the plan's children and deletes the Deployments of versions no longer live.
    /// Throws `ChildRefusal` for a child the API server refused.
    func applyChildren(_ object: ModelDeployment, _ plan: ModelDeploymentPlan, observedJSON: [String: JSON],
                       observedRoute: JSON?) async throws -> AppliedChildren {
        let namespace = object.metadata.namespace
        let children = ServingChildren(object)
        let deploymentClient = context.client.dynamic(Self.deploymentsInfo, namespace: namespace)
        let serviceClient = context.client.dynamic(Self.servicesInfo, namespace: namespace)
        var keep: Set<String> = []
        var applies: [(desired: JSON, client: ResourceClient<JSON>, observed: JSON?)] = []
        func refusal(_ error: KubeError, _ child: JSON) -> any Error {
            ChildRefusal(error, kind: child["kind"]?.stringValue ?? "", name: child[path: ["metadata", "name"]]?.stringValue ?? "") ?? error
        }
        for serving in plan.deployments {
            let desired = children.servingDeployment(serving)
            let name = desired[path: ["metadata", "name"]]?.stringValue ?? ""
            keep.insert(name)
            applies.append((desired, deploymentClient, observedJSON[name]))
        }
        let existing = { (name: String) in self.services.store.contains(ObjectRef(namespace: namespace, name: name)) }
        for service in children.services(plan.routing, existing: existing) {
            let name = service[path: ["metadata", "name"]]?.stringValue ?? ""
            applies.append((service, serviceClient, services.store.get(namespace: namespace, name: name)))
        }
        // The children are independent objects, so they are applied at once rather than one
        // round trip after another (a version change touches two Deployments and a Service: the
        // status that follows comes that much sooner). Unchanged ones cost no request at all.
        let applier = context.applier
        let pending = applies.map { (stamped: applier.stamped($0.desired), client: $0.client, observed: $0.observed) }
            .filter { !applier.isCurrent(stamped: $0.stamped, observed: $0.observed) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for child in pending {
                group.addTask {
                    do {
                        _ = try await applier.send(child.stamped, to: child.client)
                    } catch let error as KubeError {
                        throw refusal(error, child.stamped)
                    }
                }
            }
            try await group.waitForAll()
        }
        var applied = AppliedChildren(sent: pending.count)
        if let route = children.httpRoute(plan.routing) {
            let routeClient = context.client.dynamic(Self.routesInfo, namespace: namespace)
            do {
                applied.route = try await applier.applyRestoringDrift(route, to: routeClient, observed: observedRoute)
            } catch {
                throw refusal(error, route)
            }
            if applied.route != nil { applied.sent += 1 } else { applied.currentRoute = observedRoute }
        }
        // Only once the plan's children are in place: remove Deployments of versions no longer live.
        for (name, _) in observedJSON where !keep.contains(name) {
            do {
                try await deploymentClient.delete(name, options: DeleteOptions(propagation: .background))
                applied.sent += 1
            } catch let error {
                if error.code != 404 { throw error }
            }
        }
        return applied
    }
}
