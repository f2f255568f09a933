import KubeCore
import KubeTestServerCore
import Testing

/// `POST pods/<name>/binding`, what a scheduler sends (golden 117): 201 with a Status Success,
/// and the pod's spec.nodeName set.
@Suite struct PodBindingTests {
    static let namespace = ListItemTests.namespace
    static let pods = "/api/v1/namespaces/\(namespace)/pods"

    static func pod(_ name: String) -> JSON {
        ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string(name), "labels": ["app": "golden2"]],
         "spec": ["containers": [["name": "main", "image": "registry.example/app:1"]]]]
    }

    @Test func binding117() async throws {
        let golden = try Golden(117)
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        let created = await server.create(Self.pods, Self.pod("pod-a"))
        let answer = await server.replay(golden)
        #expect(answer.status == 201)
        #expect(answer.body == golden.body)
        let bound = await server.request("GET", "\(Self.pods)/pod-a").body
        #expect(bound[path: ["spec", "nodeName"]] == "golden2-node")
        // Not a write through the field manager (121: no manager owns spec.nodeName), and no
        // spec change by the strategy (121: generation 1).
        #expect(bound[path: ["metadata", "managedFields"]] == created[path: ["metadata", "managedFields"]])
        #expect(bound[path: ["metadata", "generation"]] == 1)
        #expect(bound[path: ["metadata", "resourceVersion"]] != created[path: ["metadata", "resourceVersion"]])
    }

    /// Not in the goldens; the real BindingREST's answers (pkg/registry/core/pod/storage): a pod
    /// already bound is a 409 on pods/binding, a missing one a 404, a body naming another pod 400.
    @Test func refusedBindings() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        await server.create(Self.pods, Self.pod("pod-a"))
        func bind(_ pod: String, _ name: String, node: String = "golden2-node") async -> WireServer.Answer {
            await server.request("POST", "\(Self.pods)/\(pod)/binding", [
                "apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(name)],
                "target": ["apiVersion": "v1", "kind": "Node", "name": .string(node)]])
        }
        #expect(await bind("pod-a", "pod-a").status == 201)
        let again = await bind("pod-a", "pod-a", node: "other")
        #expect(again.status == 409)
        #expect(again.body["message"] == #"Operation cannot be fulfilled on pods/binding "pod-a": pod pod-a is already assigned to node "golden2-node""#)
        #expect(again.body["details"] == ["name": "pod-a", "kind": "pods/binding"])
        let missing = await bind("nope", "nope")
        #expect(missing.status == 404)
        #expect(missing.body["message"] == #"pods "nope" not found"#)
        let mismatch = await bind("pod-a", "pod-b")
        #expect(mismatch.status == 400)
        #expect(mismatch.body["message"] == "name in URL does not match name in Binding object")
    }
}
