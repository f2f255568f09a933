import Foundation
import KubeCore
import KubeTestServer
import Testing
import TestSupport
@testable import KubeClient

/// The client against the test server, which now writes lists as kube-apiserver does: typed
/// lists of built-in kinds decode with apiVersion/kind filled, and an object our type cannot
/// read is left out of lists and watches, named, while everything else goes on.
@Suite struct UndecodableObjectTests {
    static func server() async throws -> TestAPIServer {
        var options = TestAPIServer.Options()
        options.simulator = nil
        options.gatewayAPI = false
        return try await TestAPIServer.start(options)
    }

    @Test func typedConfigMapListsFromTheServerGetTheirTypeMeta() async throws {
        let server = try await Self.server()
        let client = try server.client()
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        for name in ["a", "b", "c"] { _ = try await configMaps.create(ConfigMap(name: name, data: ["k": name])) }
        // The wire form: items without apiVersion and kind.
        let raw = try JSON.parse(try await client.send("GET", "/api/v1/namespaces/default/configmaps").body)
        #expect(raw["items"]?.arrayValue?.contains { $0["apiVersion"] != nil || $0["kind"] != nil } == false)

        let list = try await configMaps.list()
        #expect(list.items.map(\.metadata.name) == ["a", "b", "c"])
        #expect(list.items.allSatisfy { $0.apiVersion == "v1" && $0.kind == "ConfigMap" })
        let paged = try await configMaps.listAll(pageSize: 2)
        #expect(paged.items == list.items)
        client.shutdown()
        await server.stop()
    }

    @Test func aCustomResourceOurTypeCannotReadIsLeftOutOfListsAndWatches() async throws {
        let server = try await Self.server()
        let client = try server.client()
        _ = try await client.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                  body: Array(StrictWidget.crd.utf8), contentType: "application/json")
        let dynamic = client.dynamic(ResourceInfo(StrictWidget.self), namespace: "default")
        for (name, replicas) in [("one", "1"), ("odd", #""three""#), ("two", "2")] {
            _ = try await dynamic.create(try JSON.parse(Array(StrictWidget.json(name, replicas: replicas).utf8)))
        }
        let widgets = client.resource(StrictWidget.self, namespace: "default")
        let list = try await widgets.list()
        #expect(list.items.map(\.metadata.name) == ["one", "two"])
        #expect(list.undecodable.map(\.key) == ["default/odd"])
        #expect(list.undecodable.first?.reason.hasPrefix("spec.replicas: expected Int") == true)

        // A watch meets an object it cannot read, says so, and goes on.
        var events = widgets.watch(ListOptions(resourceVersion: list.resourceVersion, timeoutSeconds: 30)).makeAsyncIterator()
        _ = try await dynamic.patch("one", .merge(Array(#"{"spec":{"replicas":"many"}}"#.utf8)))
        _ = try await dynamic.patch("two", .merge(Array(#"{"spec":{"replicas":5}}"#.utf8)))
        var seen: [String] = []
        while seen.count < 2, let event = try await events.next() {
            switch event {
            case let .undecodable(object): seen.append("undecodable \(object.key)")
            case let .modified(widget): seen.append("modified \(widget.metadata.name ?? "") \(widget.spec.replicas)")
            case .added, .deleted, .bookmark: continue
            }
        }
        #expect(seen == ["undecodable default/one", "modified two 5"])
        client.shutdown()
        await server.stop()
    }
}
