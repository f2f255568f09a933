import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import Testing
import TestSupport

@Suite("KubeClient verbs against the API test server")
struct ClientVerbTests {
    @Test("create, get, list with selectors, update with a stale resourceVersion (409 Conflict kept whole), delete")
    func crud() async throws {
        let server = try await TestAPIServer.start()
        let client = try server.client()
        let configMaps = client.resource(ConfigMap.self, namespace: "default")
        let created = try await configMaps.create(ConfigMap(name: "a", data: ["k": "v"], labels: ["team": "ml"]))
        #expect(created.metadata.uid != nil && created.metadata.resourceVersion != nil)
        _ = try await configMaps.create(ConfigMap(name: "b", labels: ["team": "ops"]))
        #expect(try await configMaps.get("a").data == ["k": "v"])
        let ml = try await configMaps.list(ListOptions(labelSelector: "team=ml"))
        #expect(ml.items.map(\.metadata.name) == ["a"])
        #expect(!ml.resourceVersion.isEmpty)
        let byName = try await configMaps.list(ListOptions(fieldSelector: "metadata.name=b"))
        #expect(byName.items.map(\.metadata.name) == ["b"])

        var stale = created
        _ = try await configMaps.patch("a", .merge(Array(#"{"data":{"k":"v2"}}"#.utf8)))
        stale.data = ["k": "v3"]
        do {
            _ = try await configMaps.update(stale, name: "a")
            Issue.record("stale update succeeded")
        } catch {
            #expect(error.isConflict)
            #expect(error.status?.message?.contains("the object has been modified") == true)
        }
        do {
            _ = try await configMaps.create(ConfigMap(name: "a"))
            Issue.record("duplicate create succeeded")
        } catch {
            #expect(error.isAlreadyExists && error.code == 409)
        }
        #expect(try await configMaps.delete("a") == nil)
        do {
            _ = try await configMaps.get("a")
            Issue.record("deleted object still there")
        } catch {
            #expect(error.isNotFound && error.reason == "NotFound")
            #expect(error.status?.details?.name == "a")
        }
        client.shutdown()
        await server.stop()
    }

    @Test("patches: merge, JSON, strategic, server-side apply with conflict causes and force; dryRun stores nothing")
    func patches() async throws {
        let server = try await TestAPIServer.start()
        let client = try server.client()
        let cms = client.dynamic(ResourceInfo(ConfigMap.self), namespace: "default")
        _ = try await cms.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "p"], "data": ["a": "1"]])
        _ = try await cms.patch("p", .json(Array(#"[{"op":"add","path":"/data/b","value":"2"}]"#.utf8)))
        _ = try await cms.patch("p", .strategic(Array(#"{"data":{"c":"3"}}"#.utf8)))
        let applied = try await cms.apply(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "p"], "data": ["a": "9"]],
                                          name: "p", fieldManager: "team-a", force: true)
        #expect(applied["data"] == ["a": "9", "b": "2", "c": "3"])
        do {
            _ = try await cms.apply(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "p"], "data": ["a": "10"]],
                                    name: "p", fieldManager: "team-b")
            Issue.record("conflicting apply succeeded")
        } catch {
            #expect(error.code == 409)
            #expect(error.status?.details?.causes?.first?.reason == "FieldManagerConflict")
            #expect(error.status?.details?.causes?.first?.field == ".data.a")
        }
        let dry = try await cms.create(["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "ghost"]], options: WriteOptions(dryRun: true))
        #expect(dry[path: ["metadata", "name"]] == "ghost")
        await #expect(throws: KubeError.self) { _ = try await cms.get("ghost") }
        client.shutdown()
        await server.stop()
    }

    @Test("status subresource, pages with continue, discovery of a CRD kind, 422 causes")
    func statusPagesDiscovery() async throws {
        let server = try await TestAPIServer.start()
        try await server.apply(yaml: """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget}
              versions:
              - name: v1
                served: true
                storage: true
                subresources: {status: {}}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec: {type: object, properties: {size: {type: integer, maximum: 10}}}
                      status: {type: object, properties: {phase: {type: string}}}
            """)
        let client = try server.client()
        let info = try await client.resource(apiVersion: "example.com/v1", kind: "Widget")
        #expect(info.plural == "widgets" && info.namespaced)
        let widgets = client.dynamic(info, namespace: "default")
        for i in 0..<7 {
            _ = try await widgets.create(["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": .string("w\(i)")], "spec": ["size": 1]])
        }
        let updated = try await widgets.patchStatus("w0", .merge(Array(#"{"status":{"phase":"Ready"}}"#.utf8)))
        #expect(updated[path: ["status", "phase"]] == "Ready")
        #expect(updated[path: ["metadata", "generation"]] == 1)
        // A status write read back for its metadata only: the resourceVersion it made, and a
        // refused write still a typed error with the server's reason.
        var w1 = try await widgets.get("w1")
        w1["status"] = ["phase": "Serving"]
        let meta = try await widgets.updateStatusMetadata(w1, name: "w1")
        let stored = try await widgets.get("w1")
        #expect(meta.name == "w1" && meta.resourceVersion == stored[path: ["metadata", "resourceVersion"]]?.stringValue)
        #expect(meta.resourceVersion != w1[path: ["metadata", "resourceVersion"]]?.stringValue)
        #expect(stored[path: ["status", "phase"]] == "Serving")
        await #expect(throws: KubeError.self) { _ = try await widgets.updateStatusMetadata(w1, name: "w1") }
        do {
            _ = try await widgets.updateStatusMetadata(w1, name: "w1")
        } catch {
            #expect(error.code == 409 && error.reason == "Conflict")
        }
        let page = try await widgets.list(ListOptions(limit: 3))
        #expect(page.items.count == 3 && page.continueToken != nil && page.remainingItemCount == 4)
        let all = try await widgets.listAll(pageSize: 2)
        #expect(all.items.count == 7)
        do {
            _ = try await widgets.create(["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": "big"], "spec": ["size": 99]])
            Issue.record("invalid object accepted")
        } catch {
            #expect(error.code == 422 && error.reason == "Invalid")
            #expect(error.status?.details?.causes?.first?.field == "spec.size")
        }
        client.shutdown()
        await server.stop()
    }

    @Test("watch: typed ADDED/MODIFIED/DELETED as they happen, bookmarks, and 410 as a typed error")
    func watch() async throws {
        let server = try await TestAPIServer.start()
        let client = try server.client()
        let cms = client.resource(ConfigMap.self, namespace: "default")
        let start = try await cms.list()
        var options = ListOptions(resourceVersion: start.resourceVersion, timeoutSeconds: 30)
        options.allowWatchBookmarks = true
        let stream = cms.watch(options)
        let writer = Task {
            _ = try await cms.create(ConfigMap(name: "w", data: ["x": "1"]))
            _ = try await cms.patch("w", .merge(Array(#"{"data":{"x":"2"}}"#.utf8)))
            try await cms.delete("w")
        }
        var seen: [String] = []
        for try await event in stream {
            switch event {
            case let .added(cm): seen.append("ADDED \(cm.data?["x"] ?? "")")
            case let .modified(cm): seen.append("MODIFIED \(cm.data?["x"] ?? "")")
            case let .deleted(cm): seen.append("DELETED \(cm.data?["x"] ?? "")")
            case .bookmark, .undecodable: continue
            }
            if seen.count == 3 { break }
        }
        try await writer.value
        #expect(seen == ["ADDED 1", "MODIFIED 2", "DELETED 2"])

        server.restart()
        do {
            for try await _ in cms.watch(ListOptions(resourceVersion: start.resourceVersion)) {}
            Issue.record("watch from a forgotten resourceVersion did not fail")
        } catch let error as KubeError {
            #expect(error.isGone && error.reason == "Expired")
        }
        client.shutdown()
        await server.stop()
    }
}
