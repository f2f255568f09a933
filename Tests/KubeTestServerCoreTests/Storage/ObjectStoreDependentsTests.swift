import KubeCore
import Testing
@testable import KubeTestServerCore

/// The store's owner index: what the simulator and garbage collection ask ("the pods of this
/// Job") answered from ownerReferences as they are now, across adds, owner changes and deletes.
@Suite("ObjectStore: dependents by owner uid")
struct ObjectStoreDependentsTests {
    func pod(_ name: String, owners: [String]) -> JSON {
        ["apiVersion": "v1", "kind": "Pod",
         "metadata": ["name": .string(name), "namespace": "ml", "uid": .string("pod-\(name)"),
                      "ownerReferences": .array(owners.map { ["apiVersion": "batch/v1", "kind": "Job", "name": .string($0), "uid": .string($0), "controller": true] })]]
    }

    func names(_ store: ObjectStore, of uid: String, in storageKey: String = "pods") -> Set<String> {
        store.withState { state in Set(state.dependents(of: uid, in: storageKey).map(\.key.name)) }
    }

    @Test("added, re-owned, orphaned and deleted objects are found under their owners of the moment")
    func followsOwnerReferences() {
        let store = ObjectStore()
        store.withState { state in
            state.put("pods", ObjectKey(namespace: "ml", name: "a"), pod("a", owners: ["job-1"]))
            state.put("pods", ObjectKey(namespace: "ml", name: "b"), pod("b", owners: ["job-1"]))
            state.put("pods", ObjectKey(namespace: "ml", name: "c"), pod("c", owners: ["job-2"]))
        }
        #expect(names(store, of: "job-1") == ["a", "b"])
        #expect(names(store, of: "job-2") == ["c"])
        #expect(names(store, of: "job-1", in: "jobs.batch").isEmpty)

        store.withState { state in
            state.put("pods", ObjectKey(namespace: "ml", name: "b"), pod("b", owners: ["job-2"]))  // re-owned
            state.put("pods", ObjectKey(namespace: "ml", name: "c"), pod("c", owners: []))         // orphaned
            state.remove("pods", ObjectKey(namespace: "ml", name: "a"))
        }
        #expect(names(store, of: "job-1").isEmpty)
        #expect(names(store, of: "job-2") == ["b"])
    }
}
