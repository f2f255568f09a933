import KubeCore
import KubeTestServerCore
import Testing

/// Lists as kube-apiserver writes them (goldens 118–125, 093, 048): the list carries kind,
/// apiVersion and metadata.resourceVersion; items of built-in kinds carry **no** apiVersion/kind,
/// items of custom resources do. A GET and a watch event carry them for every kind.
@Suite struct ListItemTests {
    static let namespace = "golden2-lists"

    /// Two objects of each built-in kind the goldens list, made as the recording made them.
    static func populate(_ server: WireServer) async {
        let ns = namespace
        await server.namespace(ns)
        for name in ["a", "b"] {
            await server.create("/api/v1/namespaces/\(ns)/configmaps", [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": .string("cm-\(name)"), "labels": ["app": "golden2"]], "data": ["key": .string("value-\(name)")]])
            await server.create("/api/v1/namespaces/\(ns)/secrets", [
                "apiVersion": "v1", "kind": "Secret", "metadata": ["name": .string("secret-\(name)")],
                "stringData": ["password": .string("pw-\(name)")]])
            await server.create("/api/v1/namespaces/\(ns)/services", [
                "apiVersion": "v1", "kind": "Service", "metadata": ["name": .string("svc-\(name)")],
                "spec": ["selector": ["app": .string("svc-\(name)")], "ports": [["name": "http", "port": 80, "targetPort": 8080]]]])
            await server.create("/api/v1/namespaces/\(ns)/pods", [
                "apiVersion": "v1", "kind": "Pod", "metadata": ["name": .string("pod-\(name)"), "labels": ["app": "golden2"]],
                "spec": ["containers": [["name": "main", "image": "registry.example/app:1"]]]])
            await server.create("/apis/coordination.k8s.io/v1/namespaces/\(ns)/leases", [
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": .string("lease-\(name)")],
                "spec": ["holderIdentity": .string("holder-\(name)"), "leaseDurationSeconds": 15]])
            await server.create("/apis/events.k8s.io/v1/namespaces/\(ns)/events", [
                "apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": ["name": .string("pod-\(name).golden2")],
                "eventTime": "2026-01-01T00:00:00.000000Z", "reportingController": "golden2.example.com/recorder",
                "reportingInstance": "recorder-1", "action": "Check", "reason": "Checked", "type": "Normal",
                "note": .string("checked pod-\(name)"),
                "regarding": ["kind": "Pod", "namespace": .string(ns), "name": .string("pod-\(name)"), "apiVersion": "v1"]])
            await server.create("/apis/apps/v1/namespaces/\(ns)/deployments", [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": .string("deploy-\(name)")],
                "spec": ["replicas": 1, "selector": ["matchLabels": ["app": .string("deploy-\(name)")]],
                         "template": ["metadata": ["labels": ["app": .string("deploy-\(name)")]],
                                      "spec": ["containers": [["name": "main", "image": "registry.example/app:1"]]]]]])
            await server.create("/apis/batch/v1/namespaces/\(ns)/jobs", [
                "apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": .string("job-\(name)")],
                "spec": ["suspend": true, "template": ["spec": ["restartPolicy": "Never",
                                                                "containers": [["name": "main", "image": "registry.example/job:1"]]]]]])
        }
    }

    @Test(arguments: [119, 120, 121, 122, 123, 124, 125])
    func builtInListItemsCarryNoTypeMeta(golden number: Int) async throws {
        let (golden, answer) = try await WireServer.replay(number, after: Self.populate)
        #expect(answer.status == golden.status)
        Shape.expectSameList(answer.body, golden)
        for item in answer.body["items"]?.arrayValue ?? [] {
            #expect(item["apiVersion"] == nil && item["kind"] == nil)
        }
    }

    @Test func configMapList118() async throws {
        // The golden namespace also holds kube-root-ca.crt (kube-controller-manager's publisher,
        // which the test server does not run): compare the two ConfigMaps the recording made.
        let (golden, answer) = try await WireServer.replay(118, after: Self.populate)
        let body = answer.body
        let items = body["items"]?.arrayValue ?? []
        #expect(items.map { $0[path: ["metadata", "name"]] } == ["cm-a", "cm-b"])
        #expect(Shape.keys(body) == Shape.keys(golden.body))
        #expect(Shape.keys(body["metadata"]) == ["resourceVersion"])
        for (item, recorded) in zip(items, golden.items) {
            #expect(Shape.keys(item) == Shape.keys(recorded))
            #expect(item["data"] == recorded["data"])
        }
    }

    @Test func getAndWatchKeepTypeMetaOfBuiltIns() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await Self.populate(server)
        let one = await server.request("GET", "/api/v1/namespaces/\(Self.namespace)/configmaps/cm-a").body
        #expect(one["kind"] == "ConfigMap" && one["apiVersion"] == "v1")
        // The stored bytes of a built-in begin with kind and apiVersion, as the real server writes them.
        let raw = await server.request("GET", "/apis/apps/v1/namespaces/\(Self.namespace)/deployments/deploy-a").bytes
        #expect(String(decoding: raw, as: UTF8.self).hasPrefix(#"{"kind":"Deployment","apiVersion":"apps/v1","#))
        guard var watch = await server.watch("/api/v1/namespaces/\(Self.namespace)/configmaps?watch=1&timeoutSeconds=5") else { return }
        let events = await watch.read { $0.count == 2 }
        watch.stop()
        #expect(events.map(\.eventType) == ["ADDED", "ADDED"])
        #expect(events.allSatisfy { $0[path: ["object", "kind"]] == "ConfigMap" && $0[path: ["object", "apiVersion"]] == "v1" })
    }

    @Test func pagedListItemsCarryNoTypeMeta() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await Self.populate(server)
        let page = await server.request("GET", "/api/v1/namespaces/\(Self.namespace)/secrets?limit=1").body
        #expect(Shape.keys(page["items"]?.arrayValue?.first) == ["metadata", "data", "type"])
        #expect(Shape.keys(page["metadata"]) == ["resourceVersion", "continue", "remainingItemCount"])
    }

    @Test func customResourceListItemsKeepTypeMeta093() async throws {
        let golden = try Golden(93)
        let server = WireServer()
        defer { server.shutdown() }
        await CustomResourceFixture.install(server)
        for item in golden.items {
            var object = item
            object["metadata"] = ["name": item[path: ["metadata", "name"]] ?? .null]
            await server.create(CustomResourceFixture.collection, object)
        }
        let answer = await server.replay(golden)
        Shape.expectSameList(answer.body, golden)
        // The unstructured list of a custom resource always says `continue`, empty on a last page (048 too).
        #expect(answer.body[path: ["metadata", "continue"]] == "")
        for item in answer.body["items"]?.arrayValue ?? [] {
            #expect(item["apiVersion"] == "golden2.example.com/v1" && item["kind"] == "Rollout")
        }
    }
}

/// The recording's `rollouts.golden2.example.com` CRD (goldens 093, 130): namespaced, a spec with
/// a strategy object.
enum CustomResourceFixture {
    static let namespace = "golden2-crd"
    static let collection = "/apis/golden2.example.com/v1/namespaces/\(namespace)/rollouts"

    static func install(_ server: WireServer) async {
        await server.namespace(namespace)
        let crd: JSON = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "rollouts.golden2.example.com"],
            "spec": ["group": "golden2.example.com", "scope": "Namespaced",
                     "names": ["plural": "rollouts", "singular": "rollout", "kind": "Rollout", "listKind": "RolloutList"],
                     "versions": [["name": "v1", "served": true, "storage": true,
                                   "schema": ["openAPIV3Schema": ["type": "object", "properties": [
                                       "spec": ["type": "object", "properties": [
                                           "strategy": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]]]]]]]]],
        ]
        // The test server establishes a CRD as it commits it.
        await server.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    }
}
