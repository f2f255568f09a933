import KubeCore
import KubeTestServerCore
import Testing

/// A cluster with Gateway API v1.2 (the v1.2.1 HTTPRoute CRD, whose standard channel has no
/// `requestMirror.percent`): server-side apply of a mirror percentage fails as on the real
/// cluster the operator met ("500 … field not declared in schema"); v1.6.1 accepts it.
@Suite(.enabled(if: GatewayAPIFiles.available, "needs ../shared/gateway-api"))
struct GatewayAPIV1_2Tests {
    static let route: JSON = [
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": ["name": "fraud", "namespace": "default"],
        "spec": [
            "parentRefs": [["name": "public-gateway"]],
            "rules": [[
                "backendRefs": [["name": "fraud-stable", "port": 8080]],
                "filters": [["type": "RequestMirror",
                             "requestMirror": ["backendRef": ["name": "fraud-shadow", "port": 8080], "percent": 20]]],
            ]],
        ],
    ]

    private func apply(_ api: APIServer) async -> (status: Int, body: JSON) {
        let response = await api.handle(APIRequest(
            method: "PATCH", path: "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/fraud",
            query: ["fieldManager": "modelops"], headers: ["content-type": "application/apply-patch+yaml"],
            body: Self.route.serialized(), user: GatewayAPIFiles.admin))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    @Test func mirrorPercentIsRefusedByServerSideApply() async throws {
        let api = try await GatewayAPIFiles.server(.v1_2_1)
        defer { api.shutdown() }
        let (status, body) = await apply(api)
        #expect(status == 500)
        #expect(body["reason"] == nil)
        #expect(body["message"] == """
            failed to create typed patch object (default/fraud; gateway.networking.k8s.io/v1, Kind=HTTPRoute): \
            .spec.rules[0].filters[0].requestMirror.percent: field not declared in schema
            """)
    }

    @Test func mirrorPercentIsAcceptedByV1_6() async throws {
        let api = try await GatewayAPIFiles.server(.v1_6_1)
        defer { api.shutdown() }
        let (status, body) = await apply(api)
        #expect(status == 201, "\(body)")
        let filter = body[path: ["spec", "rules"]]?.arrayValue?.first?["filters"]?.arrayValue?.first
        #expect(filter?[path: ["requestMirror", "percent"]] == 20)
    }
}
