import KubeCore
import KubeTestServerCore
import Testing

/// Server-side apply of a custom resource with a field its schema does not declare fails as
/// structured-merge-diff fails it (500, "failed to create typed patch object ..."), where a create
/// prunes the field with a warning. No recorded exchange pins this; the message is
/// k8s.io/apiserver's `structuredMergeManager.Apply` with structured-merge-diff's path format.
@Suite struct UndeclaredFieldsTests {
    static let admin = UserInfo(name: "ssa-tests", groups: ["system:masters"])

    private func server() async throws -> APIServer {
        let api = APIServer()
        let crd: JSON = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "gizmos.golden.example.com"],
            "spec": ["group": "golden.example.com", "scope": "Namespaced",
                     "names": ["plural": "gizmos", "singular": "gizmo", "kind": "Gizmo", "listKind": "GizmoList"],
                     "versions": [["name": "v1", "served": true, "storage": true,
                                   "subresources": ["status": [:]],
                                   "schema": ["openAPIV3Schema": try JSON.parse(Gizmo.openAPIV3Schema)]]]],
        ]
        #expect(await request(api, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd).status == 201)
        #expect(await request(api, "POST", "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "golden"]]).status == 201)
        return api
    }

    private func request(_ api: APIServer, _ method: String, _ path: String, _ body: JSON, query: [String: String] = [:],
                         contentType: String = "application/json") async -> (status: Int, body: JSON) {
        let response = await api.handle(APIRequest(method: method, path: path, query: query, headers: ["content-type": contentType],
                                                   body: body.serialized(), user: Self.admin))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    private func apply(_ api: APIServer, _ object: JSON) async -> (status: Int, body: JSON) {
        await request(api, "PATCH", "/apis/golden.example.com/v1/namespaces/golden/gizmos/g", object,
                      query: ["fieldManager": "tests"], contentType: "application/apply-patch+yaml")
    }

    @Test func applyWithAnUndeclaredFieldIsA500() async throws {
        let api = try await server()
        defer { api.shutdown() }
        let (status, body) = await apply(api, Gizmo.object(spec: ["replicas": 1, "colour": "red"]))
        #expect(status == 500)
        #expect(body == [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "code": 500,
            "message": "failed to create typed patch object (golden/g; golden.example.com/v1, Kind=Gizmo): .spec.colour: field not declared in schema",
        ])
        // Nothing was created.
        #expect(await request(api, "GET", "/apis/golden.example.com/v1/namespaces/golden/gizmos/g", .null).status == 404)
    }

    @Test func severalUndeclaredFieldsAreListedWithListMapKeys() async throws {
        let api = try await server()
        defer { api.shutdown() }
        let (status, body) = await apply(api, Gizmo.object(
            spec: ["replicas": 1, "steps": [["weight": 1, "colour": "red"]], "labels": ["anything": "goes"],
                   "template": ["free": ["form": true]]],
            status: ["conditions": [["type": "Ready", "status": "True", "colour": "green"]]]))
        #expect(status == 500)
        #expect(body["message"] == """
            failed to create typed patch object (golden/g; golden.example.com/v1, Kind=Gizmo): errors:
              .spec.steps[0].colour: field not declared in schema
              .status.conditions[type="Ready"].colour: field not declared in schema
            """)
    }

    @Test func metadataIsObjectMeta() async throws {
        let api = try await server()
        defer { api.shutdown() }
        var gizmo = Gizmo.object(spec: ["replicas": 1])
        gizmo[path: ["metadata", "colour"]] = "red"
        let (status, body) = await apply(api, gizmo)
        #expect(status == 500)
        #expect(body["message"] == "failed to create typed patch object (golden/g; golden.example.com/v1, Kind=Gizmo): .metadata.colour: field not declared in schema")
    }

    @Test func createStillPrunesWithAWarning() async throws {
        let api = try await server()
        defer { api.shutdown() }
        let response = await api.handle(APIRequest(
            method: "POST", path: "/apis/golden.example.com/v1/namespaces/golden/gizmos", headers: ["content-type": "application/json"],
            body: Gizmo.object(spec: ["replicas": 1, "colour": "red"]).serialized(), user: Self.admin))
        #expect(response.status == 201)
        guard case let .full(_, headers, _) = response else { return }
        #expect(headers.contains { $0.0 == "Warning" && $0.1.contains("unknown field") && $0.1.contains("spec.colour") })
        // A later apply of declared fields goes through.
        let (status, _) = await apply(api, Gizmo.object(spec: ["owner": "ml"]))
        #expect(status == 200)
    }
}
