import KubeClient
import KubeCore
@testable import KubeRuntime
import Synchronization
import Testing
import TestSupport

/// A custom resource whose spec this type reads more strictly than its CRD does.
struct StrictGadget: KubeResource, Equatable {
    static let group = "wire.example.com"
    static let version = "v1"
    static let kind = "Gadget"
    static let plural = "gadgets"

    struct Spec: Codable, Equatable { var replicas: Int }

    var apiVersion = "wire.example.com/v1"
    var kind = "Gadget"
    var metadata: ObjectMeta
    var spec: Spec
}

@Suite("Informer: objects it cannot decode")
struct InformerUndecodableTests {
    static let crd = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gadgets.wire.example.com"},"spec":{"group":"wire.example.com","scope":"Namespaced","names":{"plural":"gadgets","singular":"gadget","kind":"Gadget"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}"#

    static func gadget(_ name: String, _ replicas: String) -> String {
        #"{"apiVersion":"wire.example.com/v1","kind":"Gadget","metadata":{"name":"\#(name)"},"spec":{"replicas":\#(replicas)}}"#
    }

    @Test("one object it cannot decode: the informer syncs without it, reports it once, and its watch goes on")
    func syncsPastAnUndecodableObject() async throws {
        let fixture = try await InformerFixture.start()
        _ = await fixture.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Self.crd)
        let gadgets = "/apis/wire.example.com/v1/namespaces/alpha/gadgets"
        for (name, replicas) in [("one", "1"), ("odd", #""three""#), ("two", "2")] {
            #expect(await fixture.call("POST", gadgets, Self.gadget(name, replicas)).status == 201)
        }
        let failures = Mutex<[InformerFailure]>([])
        var options = InformerOptions()
        options.pageSize = 2  // the odd one on the first page, a second page after it
        options.onError = { failure in failures.withLock { $0.append(failure) } }
        let client = try fixture.client()
        let informer = Informer(client.resource(StrictGadget.self, namespace: "alpha"), options: options)
        let task = Task { await informer.run() }
        await informer.waitForSync()

        #expect(informer.store.list().compactMap(\.metadata.name).sorted() == ["one", "two"])
        #expect(informer.stats.lists == 1 && informer.stats.relists == 0)
        let skippedOnList = failures.withLock { $0 }
        #expect(skippedOnList.count == 1)
        #expect(skippedOnList.first?.phase == .list)
        guard case let .skipObject(odd)? = skippedOnList.first?.recovery else {
            Issue.record("no skipObject report: \(skippedOnList)")
            return
        }
        #expect(odd.key == "alpha/odd" && odd.kind == "Gadget")

        // Now an update it cannot read, then one it can: the first is reported, the second arrives
        // on the same watch.
        await fixture.call("PATCH", "\(gadgets)/two", #"{"spec":{"replicas":"many"}}"#, contentType: "application/merge-patch+json")
        await fixture.call("PATCH", "\(gadgets)/one", #"{"spec":{"replicas":7}}"#, contentType: "application/merge-patch+json")
        try await eventually(timeout: .seconds(15), "the update after the undecodable one") {
            informer.store.get(namespace: "alpha", name: "one")?.spec.replicas == 7
        }
        #expect(informer.stats.relists == 0 && informer.stats.watches == 1)
        #expect(informer.stats.undecodable == 2)
        let reported = failures.withLock { $0 }
        #expect(reported.count == 2)
        #expect(reported.last?.phase == .watch)
        if case let .skipObject(two)? = reported.last?.recovery {
            #expect(two.key == "alpha/two")
            #expect(two.reason.hasPrefix("spec.replicas: expected Int"))
        } else {
            Issue.record("no skipObject report for the watch event: \(reported)")
        }
        task.cancel()
        await task.value
        client.shutdown()
        await fixture.stop()
    }
}
