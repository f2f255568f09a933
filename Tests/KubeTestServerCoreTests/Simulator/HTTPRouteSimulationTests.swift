import KubeCore
import KubeTestServerCore
import Testing

@Suite struct HTTPRouteSimulationTests {
    /// A stand-in for the Gateway API CRD: the simulator only needs the resource and its status subresource.
    static let crd: JSON = [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "httproutes.gateway.networking.k8s.io"],
        "spec": [
            "group": "gateway.networking.k8s.io", "scope": "Namespaced",
            "names": ["plural": "httproutes", "singular": "httproute", "kind": "HTTPRoute", "listKind": "HTTPRouteList"],
            "versions": [["name": "v1", "served": true, "storage": true, "subresources": ["status": [:]],
                          "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]],
        ],
    ]

    @Test func routeParentsAreAcceptedAndResolved() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Self.crd)
        let routes = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes"
        await h.create(routes, [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "canary"],
            "spec": ["parentRefs": [["name": "gw"]],
                     "rules": [["backendRefs": [["name": "stable", "port": 80, "weight": 90], ["name": "canary", "port": 80, "weight": 10]]]]],
        ])
        let route = try #require(await h.waitFor("\(routes)/canary") { $0[path: ["status", "parents"]] != nil })
        let parent = try #require(route[path: ["status", "parents"]]?[0])
        #expect(parent["parentRef"] == ["name": "gw"])
        #expect(parent["controllerName"] == "modelops.io/simulated-gateway")
        for type in ["Accepted", "ResolvedRefs"] {
            let c = parent["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == .some(type) }
            #expect(c?["status"] == "True")
            #expect(c?["reason"] == .string(type))
            #expect(c?["observedGeneration"] == 1)
        }

        // A spec change is observed: conditions carry the new generation, transition times stay.
        let (code, _) = await h.request("PATCH", "\(routes)/canary", ["spec": ["rules": [["backendRefs": [["name": "stable", "port": 80]]]]]],
                                        contentType: "application/merge-patch+json")
        #expect(code == 200)
        let updated = try #require(await h.waitFor("\(routes)/canary") {
            $0[path: ["status", "parents"]]?[0]?["conditions"]?[0]?["observedGeneration"] == 2
        })
        #expect(updated[path: ["status", "parents"]]?.arrayValue?.count == 1)
        #expect(updated[path: ["status", "parents"]]?[0]?["conditions"]?[0]?["lastTransitionTime"]
            == parent["conditions"]?[0]?["lastTransitionTime"])
        #expect(h.simulator.failures.isEmpty)
    }

    /// Under the real v1.6.1 HTTPRoute CRD the simulated gateway's status (controllerName,
    /// parentRef with its defaults, metav1.Conditions) passes the status schema and its rules.
    @Test(.enabled(if: GatewayAPIFiles.available, "needs ../shared/gateway-api"))
    func statusPassesTheRealCRD() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        for yaml in try GatewayAPIFiles.crds(.v1_6_1) {
            for crd in try GatewayAPI.documents(yaml) { await h.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd) }
        }
        let routes = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes"
        await h.create(routes, [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "canary"],
            "spec": ["parentRefs": [["name": "gw", "sectionName": "http"]],
                     "rules": [["backendRefs": [["name": "stable", "port": 80, "weight": 90], ["name": "canary", "port": 80, "weight": 10]]]]],
        ])
        let route = try #require(await h.waitFor("\(routes)/canary") { $0[path: ["status", "parents"]] != nil })
        #expect(route[path: ["status", "parents"]]?[0]?["parentRef"] == ["group": "gateway.networking.k8s.io", "kind": "Gateway",
                                                                        "name": "gw", "sectionName": "http"])
        #expect(h.simulator.failures.isEmpty)
    }

    /// A Gateway's `sim.modelops.io/routes` annotation makes the simulated gateway refuse routes
    /// attached to it (Accepted False) or ignore them (no status), as real gateways whose
    /// listeners do not allow a route, or that no controller serves, do.
    @Test func gatewaysCanRefuseOrIgnoreTheirRoutes() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Self.crd)
        var gatewayCRD = Self.crd
        gatewayCRD[path: ["metadata", "name"]] = "gateways.gateway.networking.k8s.io"
        gatewayCRD[path: ["spec", "names"]] = ["plural": "gateways", "singular": "gateway", "kind": "Gateway", "listKind": "GatewayList"]
        await h.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", gatewayCRD)
        let gateways = "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways"
        for (name, treatment) in [("strict", "refuse"), ("unserved", "ignore")] {
            await h.create(gateways, ["apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                                      "metadata": ["name": .string(name), "annotations": [SimulationAnnotations.gatewayRoutes: .string(treatment)]],
                                      "spec": ["gatewayClassName": "example"]])
        }
        let routes = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes"
        await h.create(routes, [
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": ["name": "r"],
            "spec": ["parentRefs": [["name": "strict"], ["name": "unserved"], ["name": "absent"]],
                     "rules": [["backendRefs": [["name": "stable", "port": 80]]]]],
        ])
        let route = try #require(await h.waitFor("\(routes)/r") { $0[path: ["status", "parents"]] != nil })
        let parents = route[path: ["status", "parents"]]?.arrayValue ?? []
        #expect(parents.compactMap { $0[path: ["parentRef", "name"]]?.stringValue } == ["strict", "absent"])
        let accepted = { (name: String) in
            parents.first { $0[path: ["parentRef", "name"]]?.stringValue == name }?["conditions"]?.arrayValue?
                .first { $0["type"]?.stringValue == "Accepted" }
        }
        #expect(accepted("strict")?["status"] == "False")
        #expect(accepted("strict")?["reason"] == "NotAllowedByListeners")
        #expect(accepted("absent")?["status"] == "True")
    }
}
