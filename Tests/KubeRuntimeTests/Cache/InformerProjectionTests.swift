import KubeClient
import KubeCore
@testable import KubeRuntime
import Synchronization
import Testing
import TestSupport

@Suite("Informer projection")
struct InformerProjectionTests {
    @Test("follows creates, updates and deletes through a real watch and every store write at once; nil values take no space; a late projection sees the cache")
    func followsTheCache() async throws {
        let fixture = try await InformerFixture.start()
        try await fixture.create("alpha", "plain")
        try await fixture.create("alpha", "marked", value: "one")
        try await fixture.create("beta", "marked", value: "two")
        let client = try fixture.client()
        let informer = Informer(client.resource(WatchedConfigMap.self))
        // A value only where `data.value` is not "0" (what `create` writes by default).
        let project: @Sendable (WatchedConfigMap) -> String? = { $0.data?["value"].flatMap { $0 == "0" ? nil : $0 } }
        let early = InformerProjection(informer, project)
        // A handler added after the projection: when it is told of a change, the projection has it.
        let seenByLater = Mutex<[String]>([])
        informer.onUpdate { _, new in
            let ref = ObjectRef(namespace: new.metadata.namespace, name: new.metadata.name ?? "")
            seenByLater.withLock { $0.append("\(new.data?["value"] ?? "") \(early[ref] ?? "nil")") }
        }
        let task = Task { await informer.run() }
        await informer.waitForSync()

        let alpha = ObjectRef(namespace: "alpha", name: "marked"), beta = ObjectRef(namespace: "beta", name: "marked")
        let plain = ObjectRef(namespace: "alpha", name: "plain")
        #expect(early[alpha] == "one" && early[beta] == "two")
        #expect(early[plain] == nil && early.count == 2)

        try await fixture.update("alpha", "plain", value: "three")
        try await fixture.update("alpha", "marked", value: "0")
        try await fixture.delete("beta", "marked")
        try await eventually("the projection follows") {
            early[plain] == "three" && early[alpha] == nil && early[beta] == nil
        }
        #expect(early.count == 1)
        #expect(seenByLater.withLock { $0 } == ["three three", "0 nil"])

        let late = InformerProjection(informer, project)
        #expect(late[plain] == "three" && late.count == 1)

        // Written with the store, not after it: a store write is in the projection when it returns.
        var edited = try #require(informer.store.get(plain))
        edited.data = ["value": "four"]
        edited.metadata.resourceVersion = "999999"
        informer.store.upsert(edited)
        #expect(early[plain] == "four" && late[plain] == "four")
        informer.store.remove(edited)
        #expect(early[plain] == nil && late.count == 0)

        task.cancel()
        await task.value
        client.shutdown()
        await fixture.stop()
    }
}
