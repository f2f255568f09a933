import Foundation
import KubeCore
import ModelOpsAPI
@testable import ModelOpsControllers
import Testing

/// The planner as a pure function for Gateway API routing: a weight moves only once the route's
/// parents accepted the split before it, a route nobody accepts ends in a rollback at the
/// progress deadline, and a version that stops receiving traffic keeps its pods for the
/// scale-down delay.
@Suite("Rollout planner: Gateway API routing")
struct GatewayRoutingPlannerTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static let v1 = ModelVersion(name: "churn", version: "v1", uri: "s3://m/v1")
    static let v2 = ModelVersion(name: "churn", version: "v2", uri: "s3://m/v2")

    static func spec(strategy: DeploymentStrategy, routing: TrafficRouting.RoutingType = .gatewayAPI,
                     progressDeadlineSeconds: Int? = nil) -> ModelDeploymentSpec {
        var spec = ModelDeploymentSpec(model: ModelSource(name: "churn", version: "v2", uri: "s3://m/v2"), template: [:], replicas: 4)
        spec.strategy = strategy
        spec.progressDeadlineSeconds = progressDeadlineSeconds
        spec.trafficRouting = routing == .gatewayAPI
            ? TrafficRouting(type: .gatewayAPI, gatewayAPI: GatewayAPIRouting(httpRoute: "churn-route", parentRefs: [.init(name: "gw")]))
            : TrafficRouting(type: .replicas)
        return spec
    }

    static let canary = DeploymentStrategy(type: .canary, canary: CanaryStrategy(steps: [
        CanaryStep(setWeight: 10), CanaryStep(pause: CanaryStep.Pause()), CanaryStep(setWeight: 50),
    ]))

    /// A route at `generation` whose parent `gw` said `accepted` for `judged` (nil: no answer).
    static func route(generation: Int64, judged: Int64?, accepted: Bool = true, reason: String = "Accepted") -> ObservedRoute {
        var parents: [JSON] = []
        if let judged {
            parents.append([
                "parentRef": ["name": "gw"], "controllerName": "example.com/gateway",
                "conditions": [
                    ["type": "Accepted", "status": .string(accepted ? "True" : "False"), "reason": .string(reason),
                     "message": .string(accepted ? "ok" : "listener does not allow this route"), "observedGeneration": .int(judged)],
                    ["type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "observedGeneration": .int(judged)],
                ],
            ])
        }
        return ObservedRoute(name: "churn-route", namespace: "ml", generation: generation, parentRefs: [["name": "gw"]], parents: parents)
    }

    /// v1 stable and available; `canary` in flight at `weight`/`step`, both Deployments ready.
    static func input(spec: ModelDeploymentSpec, weight: Int? = nil, step: Int = 0, route: ObservedRoute?,
                      appliedGeneration: Int64? = 1, stepStartedAt: Date = start, now: Date = start) -> ModelDeploymentObservation {
        var status = ModelDeploymentStatus(phase: .progressing, stable: StableStatus(name: "churn", version: "v1", uri: "s3://m/v1",
                                                                                     since: KubeTime(start.addingTimeInterval(-3600))))
        status.history = [RevisionHistoryEntry(revision: 1, name: "churn", version: "v1", uri: "s3://m/v1", promotedAt: KubeTime(start.addingTimeInterval(-3600)))]
        if let weight {
            status.canary = CanaryStatus(name: "churn", version: "v2", uri: "s3://m/v2", weight: weight, step: step,
                                         stepStartedAt: KubeTime(stepStartedAt), startedAt: KubeTime(stepStartedAt))
        }
        if let appliedGeneration { status.httpRoute = HTTPRouteStatus(name: "churn-route", generation: appliedGeneration) }
        let deployments = [
            "v1": ObservedDeployment(name: "churn-v1", version: "v1", specReplicas: 4, availableReplicas: 4, readyReplicas: 4, updatedReplicas: 4),
            "v2": ObservedDeployment(name: "churn-v2", version: "v2", specReplicas: 1, availableReplicas: 1, readyReplicas: 1, updatedReplicas: 1),
        ]
        return ModelDeploymentObservation(name: "churn", namespace: "ml", generation: 2, spec: spec, status: status, desired: v2,
                                    deployments: deployments, route: route, now: now)
    }

    struct WeightCase: CustomTestStringConvertible, Sendable {
        var name: String
        var route: ObservedRoute?
        var applied: Int64?
        var expectedWeight: Int
        var messageContains: String
        var testDescription: String { name }
    }

    @Test("the first weight moves only once every parent accepted the route as last applied", arguments: [
        WeightCase(name: "accepted at the applied generation", route: route(generation: 1, judged: 1), applied: 1,
                   expectedWeight: 10, messageContains: "the new split is being applied"),
        WeightCase(name: "no parent answered", route: route(generation: 1, judged: nil), applied: 1,
                   expectedWeight: 0, messageContains: "Gateway gw has not accepted it yet"),
        WeightCase(name: "accepted an older generation", route: route(generation: 2, judged: 1), applied: 2,
                   expectedWeight: 0, messageContains: "has not reported Accepted for generation 2"),
        WeightCase(name: "cache older than our last apply", route: route(generation: 1, judged: 1), applied: 2,
                   expectedWeight: 0, messageContains: "not yet seen at generation 2"),
        WeightCase(name: "refused by its parent", route: route(generation: 1, judged: 1, accepted: false, reason: "NotAllowedByListeners"),
                   applied: 1, expectedWeight: 0, messageContains: "Accepted False (NotAllowedByListeners)"),
        WeightCase(name: "route not created yet", route: nil, applied: nil, expectedWeight: 0, messageContains: "not applied yet"),
    ])
    func firstWeight(_ c: WeightCase) {
        let plan = ModelDeploymentPlanner().plan(Self.input(spec: Self.spec(strategy: Self.canary), weight: 0, route: c.route,
                                                    appliedGeneration: c.applied))
        #expect(plan.status.canary?.weight == c.expectedWeight)
        #expect(plan.routing.canaryWeight == c.expectedWeight)
        #expect(plan.status.phase == .progressing)
        #expect(plan.status.message?.contains(c.messageContains) == true, "\(plan.status.message ?? "")")
        #expect(plan.requeueAfter != nil)
        let routeCondition = plan.status.conditions?.first { $0.type == "RouteAccepted" }
        #expect(routeCondition?.status == (c.route?.acceptance(atLeast: c.applied) == .accepted ? .true : .false))
    }

    @Test("weights never move under Replicas routing because of a route")
    func replicasIgnoresRoutes() {
        let plan = ModelDeploymentPlanner().plan(Self.input(spec: Self.spec(strategy: Self.canary, routing: .replicas), weight: 0,
                                                    route: nil, appliedGeneration: nil))
        #expect(plan.status.canary?.weight == 10)
        #expect(plan.status.canary?.step == 1)  // past the weight, at the pause: paused until promoted
        #expect(plan.status.phase == .paused)
        #expect(plan.status.conditions?.contains { $0.type == "RouteAccepted" } == false)
    }

    @Test("a route no gateway accepts rolls the candidate back at the progress deadline")
    func notAcceptedPastDeadline() {
        let now = Self.start.addingTimeInterval(601)
        let plan = ModelDeploymentPlanner().plan(Self.input(spec: Self.spec(strategy: Self.canary, progressDeadlineSeconds: 600), weight: 0,
                                                    route: Self.route(generation: 1, judged: nil), now: now))
        #expect(plan.status.phase == .rolledBack)
        #expect(plan.status.canary == nil)
        #expect(plan.status.rejectedVersions?.last?.reason == "RouteNotAccepted")
        #expect(plan.events.contains { $0.reason == "RolledBack" && $0.warning && $0.note.contains("has not accepted it yet") })
        #expect(plan.routing.canaryWeight == 0)
    }

    @Test("a paused step's later weight waits for the route to take the current one")
    func laterWeightWaits() {
        var input = Self.input(spec: Self.spec(strategy: Self.canary), weight: 10, step: 1,
                               route: Self.route(generation: 2, judged: 1), appliedGeneration: 2)
        input.action = ManualAction(annotation: "promote/abc")
        // The candidate already runs the pods 50% needs: only the route holds the weight back.
        input.deployments["v2"] = ObservedDeployment(name: "churn-v2", version: "v2", specReplicas: 2, availableReplicas: 2,
                                                     readyReplicas: 2, updatedReplicas: 2)
        let waiting = ModelDeploymentPlanner().plan(input)
        #expect(waiting.status.canary?.weight == 10)
        #expect(waiting.status.canary?.step == 1)
        #expect(waiting.status.lastAction == nil, "the promote waits for the step it can end")
        input.route = Self.route(generation: 2, judged: 2)
        let moved = ModelDeploymentPlanner().plan(input)
        #expect(moved.status.canary?.weight == 50)
        #expect(moved.status.lastAction == "promote/abc")
    }

    @Test("after a promotion behind a route, the previous stable keeps its pods for the scale-down delay",
          arguments: [(nil, 30.0), (0, 0.0), (90, 90.0)] as [(Int?, Double)])
    func previousStableDrains(_ delay: Int?, _ seconds: Double) {
        var strategy = DeploymentStrategy(type: .canary, canary: CanaryStrategy(steps: []))
        strategy.scaleDownDelaySeconds = delay
        var input = Self.input(spec: Self.spec(strategy: strategy), weight: 100, step: 0, route: Self.route(generation: 3, judged: 3),
                               appliedGeneration: 3)
        input.deployments["v2"] = ObservedDeployment(name: "churn-v2", version: "v2", specReplicas: 4, availableReplicas: 4,
                                                     readyReplicas: 4, updatedReplicas: 4)
        let promoted = ModelDeploymentPlanner().plan(input)
        #expect(promoted.status.stable?.version == "v2")
        let previous = promoted.deployments.first { $0.role == .previous }
        if seconds > 0 {
            #expect(previous?.model.version == "v1")
            #expect(previous?.replicas == 4)
            #expect(promoted.requeueAfter == .seconds(seconds))
        } else {
            #expect(previous == nil)
        }
        // Later passes: kept until the delay has passed, then gone.
        var later = input
        later.status = promoted.status
        later.now = Self.start.addingTimeInterval(max(0, seconds - 1))
        #expect(ModelDeploymentPlanner().plan(later).deployments.contains { $0.model.version == "v1" } == (seconds > 0))
        later.now = Self.start.addingTimeInterval(seconds)
        #expect(!ModelDeploymentPlanner().plan(later).deployments.contains { $0.model.version == "v1" })
    }

    @Test("Replicas-routed canaries scale the previous stable down at once; BlueGreen drains it")
    func drainingByStrategy() {
        for (strategy, drains) in [(DeploymentStrategy(type: .canary, canary: CanaryStrategy(steps: [])), false),
                                   (DeploymentStrategy(type: .blueGreen, blueGreen: BlueGreenStrategy(autoPromotionSeconds: 0)), true)] {
            var input = Self.input(spec: Self.spec(strategy: strategy, routing: .replicas), weight: strategy.type == .blueGreen ? 0 : 100,
                                   step: strategy.type == .blueGreen ? 2 : 0, route: nil, appliedGeneration: nil)
            input.deployments["v2"] = ObservedDeployment(name: "churn-v2", version: "v2", specReplicas: 4, availableReplicas: 4,
                                                         readyReplicas: 4, updatedReplicas: 4)
            let plan = ModelDeploymentPlanner().plan(input)
            #expect(plan.status.stable?.version == "v2", "\(strategy.type!)")
            #expect(plan.deployments.contains { $0.model.version == "v1" } == drains, "\(strategy.type!)")
        }
    }

    @Test("a first version behind a route is Pending until its parents accept the route")
    func firstVersionWaitsForRoute() {
        var input = Self.input(spec: Self.spec(strategy: Self.canary), route: Self.route(generation: 1, judged: nil))
        input.status = ModelDeploymentStatus()
        input.deployments = ["v2": ObservedDeployment(name: "churn-v2", version: "v2", specReplicas: 4, availableReplicas: 4,
                                                      readyReplicas: 4, updatedReplicas: 4)]
        let first = ModelDeploymentPlanner().plan(input)
        #expect(first.status.phase == .pending)
        #expect(first.status.message?.contains("HTTPRoute churn-route not applied yet") == true, "\(first.status.message ?? "")")
        input.status = first.status
        input.status.httpRoute = HTTPRouteStatus(name: "churn-route", generation: 1)
        let applied = ModelDeploymentPlanner().plan(input)
        #expect(applied.status.phase == .pending)
        #expect(applied.status.message?.contains("Gateway gw has not accepted it yet") == true, "\(applied.status.message ?? "")")
        input.status = applied.status
        input.route = Self.route(generation: 1, judged: 1)
        let accepted = ModelDeploymentPlanner().plan(input)
        #expect(accepted.status.phase == .healthy)
        #expect(accepted.status.conditions?.first { $0.type == "RouteAccepted" }?.status == .true)
    }
}
