import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI
import KubeTestServerCore
import ModelOpsControllers
import Testing
import TestSupport

/// Gateway API weights, shadow mirroring and blue-green switching, end to end.
@Suite("ModelDeployment traffic routing", .serialized)
struct TrafficRoutingTests {
    let helpers = CanaryRolloutTests()

    static let gateway = """
        trafficRouting:
          type: GatewayAPI
          gatewayAPI:
            httpRoute: churn-route
            parentRefs:
            - name: public-gateway
        """

    func backendWeights(_ harness: OperatorHarness, _ route: String) async throws -> [String: Int] {
        let object = try await harness.json("gateway.networking.k8s.io", "v1", "httproutes", route)
        let refs = object?[path: ["spec", "rules"]]?[0]?["backendRefs"]?.arrayValue ?? []
        var weights: [String: Int] = [:]
        for ref in refs { weights[ref["name"]?.stringValue ?? ""] = Int(ref["weight"]?.intValue ?? -1) }
        return weights
    }

    @Test("GatewayAPI routing sets exact weights in the HTTPRoute at each step")
    func exactWeights() async throws {
        try await OperatorHarness.with { harness in
            let strategy = """
                strategy:
                  type: Canary
                  canary:
                    steps:
                    - setWeight: 10
                    - pause: {}
                    - setWeight: 60
                    - pause: {}
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2, strategy: strategy,
                                                                    extra: Self.gateway))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            #expect(try await backendWeights(harness, "churn-route") == ["churn-stable": 100, "churn-canary": 0])
            let route = try #require(try await harness.json("gateway.networking.k8s.io", "v1", "httproutes", "churn-route"))
            #expect(route[path: ["spec", "parentRefs"]]?[0]?["name"]?.stringValue == "public-gateway")
            try await helpers.setVersion(harness, "churn", "v2")
            try await harness.waitFor(ModelDeployment.self, "churn", "10%") { $0.status?.canary?.weight == 10 }
            try await eventually(timeout: .seconds(20), "route at 90/10") {
                try await backendWeights(harness, "churn-route") == ["churn-stable": 90, "churn-canary": 10]
            }
            // Exact weights do not cost stable capacity.
            #expect(try await helpers.replicas(harness, "churn-v1") == 2)
            let canaryService = try #require(try await harness.json("", "v1", "services", "churn-canary"))
            #expect(canaryService[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v2")
            try await helpers.act(harness, "churn", "promote")
            try await harness.waitFor(ModelDeployment.self, "churn", "60%") { $0.status?.canary?.weight == 60 }
            try await eventually(timeout: .seconds(20), "route at 40/60") {
                try await backendWeights(harness, "churn-route") == ["churn-stable": 40, "churn-canary": 60]
            }
            try await helpers.act(harness, "churn", "promote")
            try await harness.waitFor(ModelDeployment.self, "churn", "v2 stable") { $0.status?.stable?.version == "v2" }
            try await eventually(timeout: .seconds(20), "route back to 100/0 on the new stable") {
                let stable = try await harness.json("", "v1", "services", "churn-stable")
                let weights = try await backendWeights(harness, "churn-route")
                return weights == ["churn-stable": 100, "churn-canary": 0]
                    && stable?[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v2"
            }
        }
    }

    @Test("Shadow mirrors a percentage to the candidate through a RequestMirror filter, then switches after its duration")
    func shadowMirror() async throws {
        try await OperatorHarness.with { harness in
            let strategy = """
                strategy:
                  type: Shadow
                  shadow:
                    mirrorPercent: 20
                    duration: 30m
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 4, strategy: strategy,
                                                                    extra: Self.gateway))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "churn", "v2")
            let mirroring = try await harness.waitFor(ModelDeployment.self, "churn", "mirroring") {
                $0.status?.canary?.weight == 20 && $0.status?.canary?.step == 1
            }
            #expect(mirroring.status?.phase == .progressing)
            try await eventually(timeout: .seconds(20), "mirror filter in the route") {
                let route = try await harness.json("gateway.networking.k8s.io", "v1", "httproutes", "churn-route")
                let filter = route?[path: ["spec", "rules"]]?[0]?["filters"]?[0]
                return filter?["type"]?.stringValue == "RequestMirror"
                    && filter?[path: ["requestMirror", "percent"]]?.intValue == 20
                    && filter?[path: ["requestMirror", "backendRef", "name"]]?.stringValue == "churn-canary"
            }
            // The candidate answers no user requests while mirrored to.
            #expect(try await backendWeights(harness, "churn-route") == ["churn-stable": 100, "churn-canary": 0])
            #expect(try await helpers.replicas(harness, "churn-v2") == 1)
            harness.clock.advance(by: .seconds(30 * 60 + 1))
            try await harness.waitFor(ModelDeployment.self, "churn", "v2 stable") {
                $0.status?.stable?.version == "v2" && $0.status?.canary == nil
            }
            try await eventually(timeout: .seconds(20), "mirror removed") {
                let route = try await harness.json("gateway.networking.k8s.io", "v1", "httproutes", "churn-route")
                return route?[path: ["spec", "rules"]]?[0]?["filters"] == nil
            }
            #expect(try await helpers.replicas(harness, "churn-v2") == 4)
        }
    }

    @Test("BlueGreen runs the candidate at full size behind the preview Service and auto-promotes after N seconds")
    func blueGreenAutoPromotion() async throws {
        try await OperatorHarness.with { harness in
            let strategy = """
                strategy:
                  type: BlueGreen
                  blueGreen:
                    autoPromotionSeconds: 120
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 3, strategy: strategy))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "churn", "v2")
            let preview = try await harness.waitFor(ModelDeployment.self, "churn", "preview ready") { $0.status?.canary?.step == 2 }
            #expect(preview.status?.message?.contains("switching in") == true, "\(preview.status?.message ?? "")")
            #expect(try await helpers.replicas(harness, "churn-v2") == 3)
            #expect(try await helpers.replicas(harness, "churn-v1") == 3)
            let previewService = try #require(try await harness.json("", "v1", "services", "churn-preview"))
            #expect(previewService[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v2")
            let active = try #require(try await harness.json("", "v1", "services", "churn"))
            #expect(active[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v1")
            harness.clock.advance(by: .seconds(121))
            try await harness.waitFor(ModelDeployment.self, "churn", "switched") { $0.status?.stable?.version == "v2" }
            try await eventually(timeout: .seconds(20), "active Service on v2") {
                let active = try await harness.json("", "v1", "services", "churn")
                return active?[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v2"
            }
        }
    }

    @Test("the HTTPRoute is watched: a hand-edited weight is reverted and a deleted route is recreated")
    func routeDriftReverted() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2, extra: Self.gateway))
            let healthy = try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy behind an accepted route") {
                $0.status?.phase == .healthy && $0.status?.conditions?.first { $0.type == "RouteAccepted" }?.status == .true
            }
            #expect(healthy.status?.httpRoute?.name == "churn-route")
            let routes = harness.client.dynamic(ResourceInfo(group: "gateway.networking.k8s.io", version: "v1", kind: "HTTPRoute",
                                                             plural: "httproutes", namespaced: true), namespace: harness.namespace)
            // Someone sends half the traffic to the (empty) canary Service by hand.
            let edit: JSON = ["spec": ["rules": [["backendRefs": [["name": "churn-stable", "port": 8080, "weight": 50],
                                                                  ["name": "churn-canary", "port": 8080, "weight": 50]]]]]]
            _ = try await routes.patch("churn-route", .merge(edit.serialized()))
            try await eventually(timeout: .seconds(30), "weights back to 100/0") {
                try await backendWeights(harness, "churn-route") == ["churn-stable": 100, "churn-canary": 0]
            }
            // Deleted: created again, and the status follows the new object's generation.
            try await routes.delete("churn-route")
            try await eventually(timeout: .seconds(30), "route recreated") {
                try await backendWeights(harness, "churn-route") == ["churn-stable": 100, "churn-canary": 0]
            }
            let recreated = try #require(try await harness.json("gateway.networking.k8s.io", "v1", "httproutes", "churn-route"))
            try await harness.waitFor(ModelDeployment.self, "churn", "status names the recreated route's generation") {
                $0.status?.httpRoute?.generation == recreated[path: ["metadata", "generation"]]?.intValue
                    && $0.status?.phase == .healthy
            }
        }
    }

    @Test("behind a route, the previous stable keeps serving for the scale-down delay after a promotion")
    func scaleDownDelayAfterPromotion() async throws {
        try await OperatorHarness.with { harness in
            let strategy = """
                strategy:
                  type: Canary
                  scaleDownDelaySeconds: 45
                  canary:
                    steps:
                    - setWeight: 50
                    - pause: {}
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2, strategy: strategy,
                                                                    extra: Self.gateway))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "churn", "v2")
            try await harness.waitFor(ModelDeployment.self, "churn", "paused at 50%") { $0.status?.phase == .paused }
            try await helpers.act(harness, "churn", "promote")
            try await harness.waitFor(ModelDeployment.self, "churn", "v2 stable") { $0.status?.stable?.version == "v2" }
            try await eventually(timeout: .seconds(30), "route on the new stable") {
                let stable = try await harness.json("", "v1", "services", "churn-stable")
                return try await backendWeights(harness, "churn-route") == ["churn-stable": 100, "churn-canary": 0]
                    && stable?[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v2"
            }
            // Gateways may still send requests to v1's endpoints for a while: it keeps its pods.
            #expect(try await helpers.replicas(harness, "churn-v1") == 2)
            harness.clock.advance(by: .seconds(46))
            try await eventually(timeout: .seconds(30), "v1 removed after the delay") {
                try await harness.json("apps", "v1", "deployments", "churn-v1") == nil
            }
        }
    }

    @Test("Shadow on a cluster whose Gateway API has no requestMirror.percent (v1.2): refused with the version it needs",
          .enabled(if: GatewayAPIFixtures.crds(.v1_2_1) != nil, "needs ../shared/gateway-api"))
    func shadowOnGatewayAPIv1_2() async throws {
        try await OperatorHarness.with(server: { $0.gatewayAPICRDs = GatewayAPIFixtures.crds(.v1_2_1)! }) { harness in
            let strategy = """
                strategy:
                  type: Shadow
                  shadow:
                    mirrorPercent: 20
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2, strategy: strategy,
                                                                    extra: Self.gateway))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "churn", "v2")
            let refused = try await harness.waitFor(ModelDeployment.self, "churn", "refused route") { $0.status?.phase == .degraded }
            let message = refused.status?.message ?? ""
            #expect(message.contains("HTTPRoute churn-route refused by the API server (500"), "\(message)")
            #expect(message.contains(".requestMirror.percent: field not declared in schema"), "\(message)")
            #expect(message.contains("install Gateway API v1.3 or later"), "\(message)")
            #expect(refused.status?.stable?.version == "v1")
            // Nothing mirrors and nothing moved: v1 keeps all traffic behind the route it had.
            #expect(try await backendWeights(harness, "churn-route") == ["churn-stable": 100, "churn-canary": 0])
            let events = try await harness.events(about: "churn", waitingFor: [ChildRefusal.reason])
            #expect(events.filter { $0["reason"]?.stringValue == ChildRefusal.reason }.count == 1)
        }
    }

    /// A Gateway (real v1.6.1 CRD) whose simulated controller treats its routes as `treatment`.
    static func gatewayObject(_ treatment: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: public-gateway
          namespace: \(OperatorHarness.namespace)
          annotations:
            \(SimulationAnnotations.gatewayRoutes): \(treatment)
        spec:
          gatewayClassName: example
          listeners:
          - name: http
            protocol: HTTP
            port: 80
        """
    }

    @Test("a route its Gateway refuses: the first version is Pending with the gateway's reason, never Healthy",
          .enabled(if: GatewayAPIFixtures.crds(.v1_6_1) != nil, "needs the real Gateway CRD from ../shared/gateway-api"))
    func refusedByGateway() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(Self.gatewayObject("refuse"))
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2, extra: Self.gateway))
            let pending = try await harness.waitFor(ModelDeployment.self, "churn", "pending on the refused route") {
                $0.status?.conditions?.first { $0.type == "RouteAccepted" }?.reason == "NotAccepted"
            }
            #expect(pending.status?.phase == .pending)
            #expect(pending.status?.message?.contains("Accepted False (NotAllowedByListeners)") == true, "\(pending.status?.message ?? "")")
            #expect(try await helpers.replicas(harness, "churn-v1") == 2, "the pods run; only the traffic is missing")
        }
    }

    @Test("weights do not move past a split no gateway confirmed; at the progress deadline the candidate is rolled back",
          .enabled(if: GatewayAPIFixtures.crds(.v1_6_1) != nil, "needs the real Gateway CRD from ../shared/gateway-api"))
    func unconfirmedSplitRollsBack() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(Self.gatewayObject("accept"))
            let strategy = """
                progressDeadlineSeconds: 120
                strategy:
                  type: Canary
                  canary:
                    steps:
                    - setWeight: 10
                    - setWeight: 50
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2, strategy: strategy,
                                                                    extra: Self.gateway))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            // From now on no controller answers for this Gateway's routes.
            let gateways = harness.client.dynamic(ResourceInfo(group: "gateway.networking.k8s.io", version: "v1", kind: "Gateway",
                                                               plural: "gateways", namespaced: true), namespace: harness.namespace)
            let ignore: JSON = ["metadata": ["annotations": [.init(stringLiteral: SimulationAnnotations.gatewayRoutes): "ignore"]]]
            _ = try await gateways.patch("public-gateway", .merge(ignore.serialized()))
            try await helpers.setVersion(harness, "churn", "v2")
            let held = try await harness.waitFor(ModelDeployment.self, "churn", "held at 10% awaiting the gateway") {
                $0.status?.canary?.weight == 10 && $0.status?.message?.contains("has not") == true
            }
            #expect(held.status?.phase == .progressing)
            #expect(held.status?.canary?.step == 1, "the 50% step waits for 10% to be confirmed")
            harness.clock.advance(by: .seconds(121))
            let rolledBack = try await harness.waitFor(ModelDeployment.self, "churn", "rolled back") { $0.status?.phase == .rolledBack }
            #expect(rolledBack.status?.rejectedVersions?.last?.reason == "RouteNotAccepted")
            try await eventually(timeout: .seconds(30), "route back to v1") {
                try await backendWeights(harness, "churn-route") == ["churn-stable": 100, "churn-canary": 0]
            }
        }
    }
}
