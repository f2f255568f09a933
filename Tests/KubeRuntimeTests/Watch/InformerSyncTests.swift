import KubeClient
import KubeCore
@testable import KubeRuntime
import Synchronization
import Testing
import TestSupport

@Suite("Informer: sync and changes")
struct InformerSyncTests {
    @Test("initial sync of 300 objects in pages, then creates, updates, deletes and a recreate, seen in order")
    func syncThenChanges() async throws {
        let fixture = try await InformerFixture.start()
        for i in 0..<300 { try await fixture.create(i % 2 == 0 ? "alpha" : "beta", "cm-\(i)") }
        let client = try fixture.client()
        var options = InformerOptions()
        options.pageSize = 100
        let informer = Informer(client.resource(WatchedConfigMap.self), options: options)
        let recorder = InformerEventLog()
        informer.addHandler(recorder.handler(informer.store.access))
        let task = Task { await informer.run() }
        await informer.waitForSync()

        #expect(informer.hasSynced && informer.store.hasSynced)
        #expect(recorder.count == 300, "handlers saw the whole first list before sync")
        #expect(informer.stats.listPages == 3)
        #expect(informer.store.list(namespace: "alpha").count == 150)

        for i in stride(from: 0, to: 100, by: 2) { try await fixture.update("alpha", "cm-\(i)", value: "one") }
        for i in stride(from: 0, to: 20, by: 2) { try await fixture.update("alpha", "cm-\(i)", value: "two") }
        for i in stride(from: 1, to: 41, by: 2) { try await fixture.delete("beta", "cm-\(i)") }
        for i in 300..<320 { try await fixture.create("beta", "cm-\(i)") }
        try await fixture.delete("alpha", "cm-0")
        try await fixture.create("alpha", "cm-0", value: "again")
        try await expectConverged(informer, recorder, fixture)

        let cm0 = recorder.entries.filter { $0.ref == ObjectRef(namespace: "alpha", name: "cm-0") }.map(\.type)
        #expect(cm0 == ["add", "update", "update", "delete", "add"])
        #expect(recorder.count == 300 + 50 + 10 + 20 + 20 + 2)
        #expect(informer.stats.relists == 0)
        #expect(informer.store.get(namespace: "alpha", name: "cm-0")?.data?["value"] == "again")
        task.cancel()
        await task.value
        client.shutdown()
        await fixture.stop()
    }

    @Test("dynamic JSON informer for one namespace with a label selector; managedFields stripped from the cache")
    func dynamicWithSelector() async throws {
        let fixture = try await InformerFixture.start()
        for i in 0..<40 {
            try await fixture.create(i < 20 ? "alpha" : "beta", "cm-\(i)", labels: ["shard": String(i % 2)])
        }
        let client = try fixture.client()
        let configMaps = client.dynamic(ResourceInfo(WatchedConfigMap.self), namespace: "alpha")
        // The server does send managedFields: the cache is where they go.
        #expect(try await configMaps.get("cm-0")[path: ["metadata", "managedFields"]] != nil)

        let informer = Informer(configMaps, options: InformerOptions(labelSelector: "shard=0"))
        // Its lists and watches skip them while parsing; the cache strips what still comes.
        #expect(informer.resource.dropsManagedFields)
        let recorder = InformerEventLog()
        informer.addHandler(recorder.handler(informer.store.access))
        let task = Task { await informer.run() }
        await informer.waitForSync()
        #expect(informer.store.count == 10)

        try await fixture.update("alpha", "cm-2", value: "x")
        try await fixture.update("alpha", "cm-3", value: "x")   // shard 1: not ours
        try await fixture.create("alpha", "cm-new", labels: ["shard": "0"])
        try await fixture.create("beta", "cm-other", labels: ["shard": "0"])   // other namespace
        try await fixture.delete("alpha", "cm-4")
        try await expectConverged(informer, recorder, fixture, namespace: "alpha", labelSelector: "shard=0")

        #expect(informer.store.list().allSatisfy { $0[path: ["metadata", "managedFields"]] == nil })
        #expect(informer.store.get(namespace: "alpha", name: "cm-2")?[path: ["data", "value"]] == "x")
        task.cancel()
        await task.value
        client.shutdown()
        await fixture.stop()
    }

    @Test("event stream and a late handler: existing objects replayed as adds, then changes in order")
    func streamAndLateHandler() async throws {
        let fixture = try await InformerFixture.start()
        for i in 0..<5 { try await fixture.create("alpha", "cm-\(i)") }
        let client = try fixture.client()
        let informer = Informer(client.resource(WatchedConfigMap.self, namespace: "alpha"))
        let task = Task { await informer.run() }
        await informer.waitForSync()

        let events = informer.events()
        try await fixture.update("alpha", "cm-1", value: "u")
        try await fixture.delete("alpha", "cm-2")
        var seen: [String] = []
        for await event in events {
            switch event {
            case let .added(o): seen.append("add \(o.metadata.name ?? "")")
            case let .updated(old, new): seen.append("update \(new.metadata.name ?? "") \(old.data?["value"] ?? "")→\(new.data?["value"] ?? "")")
            case let .deleted(o): seen.append("delete \(o.metadata.name ?? "")")
            }
            if seen.count == 7 { break }
        }
        #expect(seen == ["add cm-0", "add cm-1", "add cm-2", "add cm-3", "add cm-4", "update cm-1 0→u", "delete cm-2"])
        task.cancel()
        await task.value
        client.shutdown()
        await fixture.stop()
    }

    @Test("waitForSync returns when its task is cancelled before any sync")
    func waitForSyncCancelled() async throws {
        let fixture = try await InformerFixture.start()
        let client = try fixture.client()
        let informer = Informer(client.resource(WatchedConfigMap.self))
        let waiter = Task { await informer.waitForSync() }
        waiter.cancel()
        await waiter.value
        #expect(!informer.hasSynced)
        client.shutdown()
        await fixture.stop()
    }
}
