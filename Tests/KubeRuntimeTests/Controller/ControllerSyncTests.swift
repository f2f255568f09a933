import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Synchronization
import Testing
import TestSupport

@Suite("Controller: sync of every cache")
struct ControllerSyncTests {
    static let widgetsCRD = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.sync.example.com"},"spec":{"group":"sync.example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}"#

    @Test("hasSynced (readiness) waits for an owned kind's cache too, and workers start only with it")
    func ownedCacheCounts() async throws {
        let fixture = try await InformerFixture.start()
        let client = try fixture.client(retries: true)
        var backoff = ReconnectBackoff()
        backoff.initial = .milliseconds(20)
        backoff.maximum = .milliseconds(200)
        var options = InformerOptions()
        options.backoff = backoff
        let parents = Informer(client.resource(WatchedConfigMap.self, namespace: "alpha"), options: options)
        // Widgets do not exist yet: their list fails until the CRD is created.
        let widgets = Informer(client.dynamic(ResourceInfo(group: "sync.example.com", version: "v1", kind: "Widget", plural: "widgets",
                                                           namespaced: true), namespace: "alpha"), options: options)
        let reconciled = Mutex(0)
        let controller = Controller(name: "sync", for: parents) { _, _ in
            reconciled.withLock { $0 += 1 }
            return .done
        }
        controller.owns(widgets)
        try await fixture.create("alpha", "cm-0")
        let task = Task { await controller.run(drainTimeout: .seconds(2)) }
        do {
            try await eventually(timeout: .seconds(20), "the primary cache synced") { parents.hasSynced }
            #expect(!controller.hasSynced, "the Widget cache has not synced")
            #expect(reconciled.withLock { $0 } == 0, "no worker runs before every cache synced")

            let created = await fixture.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Self.widgetsCRD)
            #expect(created.status == 201)
            try await eventually(timeout: .seconds(20), "every cache synced") { controller.hasSynced }
            try await eventually(timeout: .seconds(20), "the ConfigMap reconciled") { reconciled.withLock { $0 } >= 1 }
        } catch {
            task.cancel()
            await task.value
            client.shutdown()
            await fixture.stop()
            throw error
        }
        task.cancel()
        await task.value
        client.shutdown()
        await fixture.stop()
    }
}
