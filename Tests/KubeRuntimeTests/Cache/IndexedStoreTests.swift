import Foundation
@testable import KubeClient
import KubeCore
@testable import KubeRuntime
import Testing

@Suite("IndexedStore")
struct IndexedStoreTests {
    struct Pod: KubeResource, Equatable {
        static let group = ""
        static let version = "v1"
        static let kind = "Pod"
        static let plural = "pods"
        var apiVersion = "v1"
        var kind = "Pod"
        var metadata: ObjectMeta
        var node: String?

        init(_ namespace: String, _ name: String, rv: String = "1", owner: String? = nil, node: String? = nil) {
            metadata = ObjectMeta(name: name, namespace: namespace, resourceVersion: rv)
            if let owner {
                metadata.ownerReferences = [
                    OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: "other", uid: "not-controller"),
                    OwnerReference(apiVersion: "apps/v1", kind: "ReplicaSet", name: owner, uid: "uid-\(owner)", controller: true),
                ]
            }
            self.node = node
        }
    }

    func names(_ pods: [Pod]) -> [String] { pods.compactMap(\.metadata.name).sorted() }

    @Test("namespace, controller-owner and custom indexes follow adds, updates and removes")
    func indexes() {
        let store = IndexedStore<Pod>(access: .typed)
        store.addIndex("node") { $0.node.map { [$0] } ?? [] }
        store.upsert(Pod("a", "p1", owner: "rs1", node: "n1"))
        store.upsert(Pod("a", "p2", owner: "rs1", node: "n2"))
        store.upsert(Pod("b", "p3", owner: "rs2", node: "n1"))
        store.upsert(Pod("b", "p4"))

        #expect(store.count == 4)
        #expect(names(store.list(namespace: "a")) == ["p1", "p2"])
        #expect(names(store.list()) == ["p1", "p2", "p3", "p4"])
        #expect(names(store.byIndex(IndexedStore<Pod>.controllerIndex, "uid-rs1")) == ["p1", "p2"])
        #expect(store.byIndex(IndexedStore<Pod>.controllerIndex, "not-controller").isEmpty)
        #expect(names(store.byIndex("node", "n1")) == ["p1", "p3"])
        #expect(store.byIndex("no-such-index", "x").isEmpty)

        // p1 moves node and loses its owner; p3 is removed.
        let event = store.upsert(Pod("a", "p1", rv: "2", node: "n2"))
        guard case let .updated(old, new)? = event else { Issue.record("expected an update, got \(String(describing: event))"); return }
        #expect(old.node == "n1" && new.node == "n2")
        store.remove(Pod("b", "p3"))
        #expect(names(store.byIndex("node", "n1")).isEmpty)
        #expect(names(store.byIndex("node", "n2")) == ["p1", "p2"])
        #expect(names(store.byIndex(IndexedStore<Pod>.controllerIndex, "uid-rs1")) == ["p2"])
        #expect(store.indexValues("node") == ["n2"])
        #expect(store.get(namespace: "b", name: "p3") == nil)
        // A value down to none comes back with one ref, then more; refs give the keys alone.
        store.upsert(Pod("b", "p5", node: "n1"))
        #expect(store.refs(index: "node", value: "n1") == [ObjectRef(namespace: "b", name: "p5")])
        store.upsert(Pod("b", "p6", node: "n1"))
        store.upsert(Pod("b", "p6", rv: "2", node: "n1"))
        #expect(Set(store.refs(index: "node", value: "n1")) == [ObjectRef(namespace: "b", name: "p5"), ObjectRef(namespace: "b", name: "p6")])
        store.remove(Pod("b", "p5"))
        store.remove(Pod("b", "p6"))
        #expect(store.refs(index: "node", value: "n1").isEmpty && store.indexValues("node") == ["n2"])

        // An index added later covers what is already stored.
        store.addIndex("name-length") { [String($0.metadata.name?.count ?? 0)] }
        #expect(store.byIndex("name-length", "2").count == 3)
    }

    /// A namespace longer than 15 bytes is a heap string, and each object read from the server
    /// brings its own: the refs the store adds share the namespace index's copy.
    @Test("refs of one namespace share one copy of its name, through lists and watch events")
    func refsShareTheirNamespace() {
        func storage(_ ref: ObjectRef) -> UnsafeRawPointer? {
            var namespace = ref.namespace ?? ""
            return namespace.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        // Each name made anew, as each decoded object has its own.
        func namespace(_ suffix: String) -> String { ["team-fraud-detection", suffix].joined(separator: "-") }
        let store = IndexedStore<Pod>(access: .typed)
        store.beginList()
        _ = store.applyListed((0..<3).map { Pod(namespace("a"), "listed-\($0)") })
        _ = store.endList()
        store.upsert(Pod(namespace("a"), "watched"))
        store.upsert(Pod(namespace("b"), "other"))
        let refs = store.refs.filter { $0.namespace == namespace("a") }
        #expect(refs.count == 4)
        #expect(Set(refs.map(storage)).count == 1)
        #expect(Set(store.refs.map(storage)).count == 2)
        #expect(store.list(namespace: namespace("a")).count == 4 && store.get(namespace: namespace("a"), name: "watched") != nil)
    }

    @Test("duplicate deliveries (same resourceVersion) are not changes; removing the unknown is nothing")
    func duplicates() {
        let store = IndexedStore<Pod>(access: .typed)
        #expect(store.upsert(Pod("a", "p", rv: "5")) != nil)
        #expect(store.upsert(Pod("a", "p", rv: "5")) == nil)
        #expect(store.remove(Pod("a", "ghost")) == nil)
    }

    @Test("replace emits only real differences, deletions carrying the last stored state")
    func replaceDiff() {
        let store = IndexedStore<Pod>(access: .typed)
        _ = store.replace(with: [Pod("a", "same", rv: "1"), Pod("a", "changed", rv: "1"), Pod("a", "gone", rv: "1", node: "n9")])
        #expect(!store.hasSynced)
        store.markSynced()
        #expect(store.hasSynced)
        let events = store.replace(with: [Pod("a", "same", rv: "1"), Pod("a", "changed", rv: "2"), Pod("a", "new", rv: "3")])
        let summary = events.map { event -> String in
            switch event {
            case let .added(p): return "add \(p.metadata.name!)"
            case let .updated(old, new): return "update \(new.metadata.name!) \(old.metadata.resourceVersion!)→\(new.metadata.resourceVersion!)"
            case let .deleted(p): return "delete \(p.metadata.name!) \(p.node ?? "")"
            }
        }
        #expect(summary == ["update changed 1→2", "add new", "delete gone n9"])
        #expect(store.byIndex("node", "n9").isEmpty)
        #expect(names(store.list(namespace: "a")) == ["changed", "new", "same"])
    }

    /// The reflector hands a list over page by page (so it is never held whole decoded): the
    /// cache takes each page as it comes, and only the list's end decides what is gone. A list
    /// that starts over (410 on a continue token) forgets the pages of the attempt before.
    func told(_ events: [InformerEvent<Pod>]) -> [String] {
        events.map { event in
            let name = "\(event.object.metadata.namespace ?? "")/\(event.object.metadata.name ?? "")"
            switch event {
            case .added: return "added \(name)"
            case .updated: return "updated \(name)"
            case .deleted: return "deleted \(name)"
            }
        }
    }

    @Test("a list applied page by page: pages add and update at once, its end deletes what no page had, a restart forgets earlier pages")
    func pagedList() {
        let store = IndexedStore<Pod>(access: .typed)
        _ = store.replace(with: [Pod("a", "p1"), Pod("a", "p2"), Pod("a", "p3")])

        store.beginList()
        #expect(told(store.applyListed([Pod("a", "p1", rv: "2"), Pod("a", "p4")])) == ["updated a/p1", "added a/p4"])
        #expect(store.count == 4)  // p2 and p3 stay until the list ends
        // Starts over: p4 was seen by the first attempt only.
        store.beginList()
        #expect(store.applyListed([Pod("a", "p1", rv: "2")]).isEmpty)
        #expect(store.applyListed([Pod("a", "p2")]).isEmpty)
        #expect(told(store.endList()) == ["deleted a/p3", "deleted a/p4"])
        #expect(names(store.list()) == ["p1", "p2"])
    }

    @Test("JSON objects: managedFields stripped, metadata read from the tree, cluster-scoped refs")
    func jsonObjects() throws {
        let store = IndexedStore<JSON>(access: .json)
        let object = try JSON.parse(#"""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","resourceVersion":"7",
         "managedFields":[{"manager":"kubectl","operation":"Apply","fieldsV1":{"f:data":{"f:a":{}}}}],
         "ownerReferences":[{"apiVersion":"v1","kind":"X","name":"o","uid":"u-1","controller":true}]},
         "data":{"a":"1"}}
        """#)
        guard case let .added(stored)? = store.upsert(object) else { Issue.record("not added"); return }
        #expect(stored[path: ["metadata", "managedFields"]] == nil)
        #expect(store.get(namespace: "ns", name: "c")?[path: ["metadata", "managedFields"]] == nil)
        #expect(store.get(namespace: "ns", name: "c")?[path: ["data", "a"]] == "1")
        #expect(store.byIndex(IndexedStore<JSON>.controllerIndex, "u-1").count == 1)

        store.upsert(["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "ns", "resourceVersion": "8"]])
        #expect(store.get(ObjectRef(name: "ns")) != nil)
        #expect(store.list(namespace: "ns").count == 1)
        #expect(ObjectRef(namespace: "", name: "x") == ObjectRef(name: "x"))
        #expect(ObjectRef(namespace: "ns", name: "c").description == "ns/c")
    }

    /// The cache holds objects packed and every read unpacks its own copy: memory per object
    /// is a fraction of the decoded tree, and a reader that edits what it got (as a planner
    /// editing a desired state does) never edits the cache.
    @Test("objects are held packed; reads give back what was stored, and a reader's edits stay its own")
    func packed() throws {
        func pod(_ i: Int, rv: String = "1") -> JSON {
            ["apiVersion": "v1", "kind": "Pod",
             "metadata": ["name": .string("train-\(i)"), "namespace": "ml", "resourceVersion": .string(rv),
                          "uid": .string("6f2b1c3e-1d2a-4c1b-9a8e-\(100_000_000_000 + i)"),
                          "creationTimestamp": "2026-12-06T21:18:37Z",
                          "labels": ["modelops.io/training-job": .string("train-\(i)")],
                          "ownerReferences": [["apiVersion": "batch/v1", "kind": "Job", "name": .string("train-\(i)"),
                                               "uid": .string("job-\(i)"), "controller": true, "blockOwnerDeletion": true]]],
             "status": ["phase": "Running", "podIP": "10.0.0.7",
                        "conditions": [["type": "Ready", "status": "True", "lastTransitionTime": "2026-12-06T21:18:40Z"]]]]
        }
        let packedStore = IndexedStore<JSON>(access: .json)
        let plainStore = IndexedStore<JSON>(access: ObjectAccess<JSON>.json.unpacked)
        var text = 0
        for i in 0..<100 {
            packedStore.upsert(pod(i))
            plainStore.upsert(pod(i))
            text += pod(i).serialized().count
        }
        #expect(plainStore.packedByteCount == 0)
        #expect(packedStore.packedByteCount > 0 && packedStore.packedByteCount * 10 < text * 7,
                "packed \(packedStore.packedByteCount) bytes for \(text) bytes of JSON text")
        for store in [packedStore, plainStore] {
            #expect(store.get(namespace: "ml", name: "train-7") == pod(7))
            #expect(store.byIndex(IndexedStore<JSON>.controllerIndex, "job-7") == [pod(7)])
            var copy = try #require(store.get(namespace: "ml", name: "train-7"))
            copy[path: ["status", "phase"]] = "Failed"
            #expect(store.get(namespace: "ml", name: "train-7")?[path: ["status", "phase"]] == "Running")
            // An update hands the old state back unpacked and moves the indexes.
            var moved = pod(7, rv: "2")
            moved[path: ["metadata", "ownerReferences"]] = .array([])
            guard case let .updated(old, new)? = store.upsert(moved) else { Issue.record("not an update"); continue }
            #expect(old == pod(7) && new == moved)
            #expect(store.byIndex(IndexedStore<JSON>.controllerIndex, "job-7").isEmpty)
            #expect(store.contains(ObjectRef(namespace: "ml", name: "train-7")))
            #expect(store.resourceVersion(of: ObjectRef(namespace: "ml", name: "train-7")) == "2")
        }

        // Typed kinds are packed as their own Codable writes them, and read back equal.
        let typed = IndexedStore<Pod>(access: .typed)
        typed.upsert(Pod("a", "p1", owner: "rs1", node: "n1"))
        #expect(typed.packedByteCount > 0)
        #expect(typed.get(namespace: "a", name: "p1") == Pod("a", "p1", owner: "rs1", node: "n1"))
    }

    /// A recorded exchange (Fixtures/kube-golden/NAME.json of the test server's tests).
    static func golden(_ name: String) throws -> JSON {
        let fixtures = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KubeTestServerCoreTests/Fixtures/kube-golden")
        return try JSON.parse(Array(try Data(contentsOf: fixtures.appendingPathComponent(name + ".json"))))
    }

    @Test("a listed typed object is packed from the tree it was read from, less managedFields, and reads back as the object (golden 118)")
    func packedFromTheListedTree() throws {
        let recorded = try Self.golden("118-list-configmaps")
        let body = try #require(recorded[path: ["response", "body"]])
        let client = try KubeClient(configuration: ClientConfiguration(server: "https://127.0.0.1:1", source: "test"))
        var resource = client.resource(ConfigMap.self)
        resource.dropsManagedFields = false  // sources with managedFields: the store strips them
        let list = try resource.decodeList(body: body.serialized())
        let sources = try #require(list.sources)
        #expect(list.items.count == 3 && sources.count == 3)
        #expect(sources.allSatisfy { $0[path: ["metadata", "managedFields"]] != nil && $0["kind"] == "ConfigMap" })

        let fromSources = IndexedStore<ConfigMap>(access: .typed)
        let fromObjects = IndexedStore<ConfigMap>(access: .typed)
        fromSources.beginList()
        #expect(fromSources.applyListed(list.items, prepared: true, sources: sources).count == 3)
        fromObjects.beginList()
        #expect(fromObjects.applyListed(list.items, prepared: true).count == 3)
        for item in list.items {
            #expect(fromSources.get(namespace: item.metadata.namespace, name: item.metadata.name ?? "") == item)
        }
        // What is held is what the object's own Codable writes: managedFields are not kept.
        #expect(fromSources.packedByteCount == fromObjects.packedByteCount)

        // The store packs the tree it is given, not the object written out again.
        var edited = sources
        edited[0][path: ["metadata", "labels", "from"]] = "source"
        let store = IndexedStore<ConfigMap>(access: .typed)
        store.beginList()
        _ = store.applyListed(list.items, prepared: true, sources: edited)
        #expect(store.get(namespace: "golden2-lists", name: "cm-a")?.metadata.labels?["from"] == "source")
        // Sources that do not match the page are not used.
        let mismatched = IndexedStore<ConfigMap>(access: .typed)
        mismatched.beginList()
        _ = mismatched.applyListed(list.items, prepared: true, sources: Array(edited.prefix(1)))
        #expect(mismatched.get(namespace: "golden2-lists", name: "cm-a") == list.items[0])
    }

    @Test("a watched typed object is packed from the tree of its event, and reads back as the object (golden 127)")
    func packedFromTheWatchedTree() throws {
        let recorded = try Self.golden("127-watch-deployments")
        let trees = (recorded[path: ["response", "body"]]?.arrayValue ?? [])
            .filter { ["ADDED", "MODIFIED"].contains($0["type"]?.stringValue ?? "") }
            .compactMap { $0["object"] }
        #expect(trees.count >= 3, "the recording creates, changes and has the controller write status")
        let fromSources = IndexedStore<TreeDeployment>(access: .typed)
        let fromObjects = IndexedStore<TreeDeployment>(access: .typed)
        for tree in trees {
            let object = try tree.decodeTree(as: TreeDeployment.self)
            #expect((fromSources.upsert(object, source: tree) != nil) == (fromObjects.upsert(object) != nil))
            #expect(fromSources.get(namespace: "golden2-watch", name: "watched") == object)
            // The same bytes as the object written out again: managedFields are not kept.
            #expect(fromSources.packedByteCount == fromObjects.packedByteCount)
        }
        // The store packs the tree it is given, not the object written out again.
        var edited = trees[0]
        edited[path: ["metadata", "labels", "from"]] = "source"
        let store = IndexedStore<TreeDeployment>(access: .typed)
        store.upsert(try trees[0].decodeTree(as: TreeDeployment.self), source: edited)
        #expect(store.get(namespace: "golden2-watch", name: "watched")?.metadata.labels?["from"] == "source")
        // A cache that keeps trees as they are (dynamic kinds) has no use for a source.
        let dynamic = IndexedStore<JSON>(access: .json)
        dynamic.upsert(trees[0], source: edited)
        #expect(dynamic.get(namespace: "golden2-watch", name: "watched")?[path: ["metadata", "labels", "from"]] == nil)
    }

    @Test("a metadata-only cache keeps apiVersion, kind and metadata (managedFields still stripped), indexes and refs work")
    func metadataOnly() throws {
        let store = IndexedStore<JSON>(access: .metadataOnly)
        let service = try JSON.parse(#"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"s","namespace":"ns","resourceVersion":"3",
         "annotations":{"modelops.io/spec-hash":"abc"},"managedFields":[{"manager":"modelops"}],
         "ownerReferences":[{"apiVersion":"modelops.io/v1alpha1","kind":"ModelDeployment","name":"m","uid":"u-7","controller":true}]},
         "spec":{"ports":[{"port":80,"targetPort":8080}],"selector":{"app":"m"}},"status":{"loadBalancer":{}}}
        """#)
        guard case let .added(stored)? = store.upsert(service) else { Issue.record("not added"); return }
        #expect(stored["spec"] == nil && stored["status"] == nil)
        #expect(stored[path: ["metadata", "managedFields"]] == nil)
        #expect(stored[path: ["metadata", "annotations", "modelops.io/spec-hash"]] == "abc")
        #expect(stored["kind"] == "Service")
        #expect(store.byIndex(IndexedStore<JSON>.controllerIndex, "u-7").count == 1)
        // A duplicate delivery is still recognised by its resourceVersion.
        #expect(store.upsert(service) == nil)
    }

    @Test("a transform runs on every write path (upsert, replace, remove) before anything sees the object")
    func transformOnEveryWrite() throws {
        let store = IndexedStore<JSON>(access: .json { $0.keeping(["metadata", "status"]) })
        func object(_ name: String, _ rv: String) -> JSON {
            ["metadata": ["name": .string(name), "namespace": "ns", "resourceVersion": .string(rv)],
             "spec": ["big": "x"], "status": ["phase": "Running"]]
        }
        store.upsert(object("a", "1"))
        let events = store.replace(with: [object("a", "2"), object("b", "3")])
        #expect(events.count == 2)
        for event in events {
            switch event {
            case let .added(new), let .updated(_, new): #expect(new["spec"] == nil && new[path: ["status", "phase"]] == "Running")
            case .deleted: Issue.record("nothing was deleted")
            }
        }
        guard case let .deleted(last)? = store.remove(object("b", "4")) else { Issue.record("not deleted"); return }
        #expect(last["spec"] == nil)
        #expect(store.list().allSatisfy { $0["spec"] == nil })
    }
}
