import KubeCore
import KubeTestServerCore
import Testing

/// Field selectors as kube-apiserver applies them (goldens 140–150): pods by node (bound,
/// unbound), by phase, with `!=` and two terms, across namespaces; secrets by type; the two
/// forms of "unsupported field" message and the one for a term without an operator; a watch
/// that sees a pod arrive as ADDED when it starts to match.
@Suite struct FieldSelectorTests {
    static let namespace = ListItemTests.namespace
    static let pods = PodBindingTests.pods

    /// The recording's pods: pod-a bound to golden2-node and Running, pod-b and two
    /// Deployment pods Pending and unscheduled; one more elsewhere, unscheduled.
    static func populate(_ server: WireServer) async {
        await server.namespace(namespace)
        await server.namespace("elsewhere")
        for name in ["deploy-a-579b4b96d8-tbfd4", "deploy-b-57768fd675-gtwsf", "pod-a", "pod-b"] {
            await server.create(pods, PodBindingTests.pod(name))
        }
        await server.create("/api/v1/namespaces/elsewhere/pods", PodBindingTests.pod("pod-x"))
        await bind(server, "pod-a")
        await server.request("PATCH", "\(pods)/pod-a/status", ["status": ["phase": "Running"]],
                             contentType: "application/merge-patch+json")
    }

    static func bind(_ server: WireServer, _ pod: String) async {
        let answer = await server.request("POST", "\(pods)/\(pod)/binding", [
            "apiVersion": "v1", "kind": "Binding", "metadata": ["name": .string(pod)],
            "target": ["apiVersion": "v1", "kind": "Node", "name": "golden2-node"]])
        #expect(answer.status == 201)
    }

    static func names(_ list: JSON) -> [String] {
        (list["items"]?.arrayValue ?? []).map { "\($0[path: ["metadata", "namespace"]]?.stringValue ?? "")/\($0[path: ["metadata", "name"]]?.stringValue ?? "")" }
    }

    @Test(arguments: [140, 141, 142, 143, 144, 145])
    func podsByField(golden number: Int) async throws {
        let (golden, answer) = try await WireServer.replay(number, after: Self.populate)
        #expect(answer.status == 200)
        #expect(Self.names(answer.body) == Self.names(golden.body))
        Shape.expectSameList(answer.body, golden)
    }

    @Test func secretsByType149() async throws {
        let golden = try Golden(149)
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        for (name, type) in [("secret-a", "Opaque"), ("secret-b", "Opaque"), ("token", "example.com/token")] {
            await server.create("/api/v1/namespaces/\(Self.namespace)/secrets", [
                "apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string(name)], "type": .string(type),
                "stringData": ["password": "pw"]])
        }
        let answer = await server.replay(golden)
        #expect(Self.names(answer.body) == Self.names(golden.body))
        Shape.expectSameList(answer.body, golden)
    }

    @Test(arguments: [146, 147, 148])
    func refusedSelectors(golden number: Int) async throws {
        try await WireServer.expectSameRefusal(number) { await $0.namespace(Self.namespace) }
    }

    /// Not in the goldens: the message forms of the other kinds, from their registered field
    /// label conversions (pkg/apis/*/v1/conversion.go) and the generic one for the rest; a
    /// malformed term wins over an unsupported field, as the selector parses before it converts.
    @Test func messageFormsOfOtherKinds() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace(Self.namespace)
        func message(_ path: String, _ selector: String) async -> String? {
            await server.request("GET", "\(path)?fieldSelector=\(selector)").body["message"]?.stringValue
        }
        #expect(await message("/api/v1/namespaces/\(Self.namespace)/services", "spec.foo=x") == "field label not supported: spec.foo")
        #expect(await message("/apis/batch/v1/namespaces/\(Self.namespace)/jobs", "spec.foo=x") == #"field label "spec.foo" not supported for Job"#)
        #expect(await message("/apis/apps/v1/namespaces/\(Self.namespace)/deployments", "spec.foo=x")
            == #""spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace""#)
        #expect(await message("/api/v1/namespaces", "metadata.namespace=x") == "field label not supported: metadata.namespace")
        #expect(await message(Self.pods, "spec.foo=x,spec.nodeName") == "invalid selector: 'spec.foo=x,spec.nodeName'; can't understand 'spec.nodeName'")
        #expect(await server.request("GET", "/api/v1/namespaces/\(Self.namespace)/services?fieldSelector=spec.type=ClusterIP").status == 200)
    }

    @Test func watchSeesAPodStartToMatch150() async throws {
        let golden = try Golden(150)
        let server = WireServer()
        defer { server.shutdown() }
        await Self.populate(server)
        let from = String(server.api.store.resourceVersion)
        guard var watch = await server.watch("\(Self.pods)?watch=1&resourceVersion=\(from)&fieldSelector=spec.nodeName%3Dgolden2-node&timeoutSeconds=2") else { return }
        await Self.bind(server, "pod-b")
        let events = await watch.readToEnd()
        #expect(events.map(\.eventType) == golden.events.map(\.eventType))
        #expect(events.map(\.objectName) == golden.events.map(\.objectName))
        #expect(events.map { Shape.keys($0["object"]) } == golden.events.map { Shape.keys($0["object"]) })
        #expect(events.first?[path: ["object", "spec", "nodeName"]] == "golden2-node")
    }
}
