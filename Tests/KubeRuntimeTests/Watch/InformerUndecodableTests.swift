import KubeClient
import KubeCore
@testable import KubeRuntime
import Synchronization
import Testing
import TestSupport

@Suite("Informer: objects it cannot decode")
struct InformerUndecodableTests {
    @Test("one object it cannot decode: the informer syncs without it, reports it once, and its watch goes on")
    func syncsPastAnUndecodableObject() async throws {
        let fixture = try await InformerFixture.start()
        _ = await fixture.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", StrictWidget.crd)
        let widgets = "/apis/wire.example.com/v1/namespaces/alpha/widgets"
        for (name, replicas) in [("one", "1"), ("odd", #""three""#), ("two", "2")] {
            #expect(await fixture.call("POST", widgets, StrictWidget.json(name, replicas: replicas)).status == 201)
        }
        let failures = Mutex<[InformerFailure]>([])
        var options = InformerOptions()
        options.pageSize = 2  // the odd one on the first page, a second page after it
        options.onError = { failure in failures.withLock { $0.append(failure) } }
        let client = try fixture.client()
        let informer = Informer(client.resource(StrictWidget.self, namespace: "alpha"), options: options)
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
        #expect(odd.key == "alpha/odd" && odd.kind == "Widget")

        // Now an update it cannot read, then one it can: the first is reported, the second arrives
        // on the same watch.
        await fixture.call("PATCH", "\(widgets)/two", #"{"spec":{"replicas":"many"}}"#, contentType: "application/merge-patch+json")
        await fixture.call("PATCH", "\(widgets)/one", #"{"spec":{"replicas":7}}"#, contentType: "application/merge-patch+json")
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
