import TestSupport
import KubeCore
import Testing

@Suite("Finalizers and garbage collection")
struct LifecycleTests {
    @Test("DELETE with a finalizer marks the object; new finalizers are refused; removing the last one deletes it")
    func finalizers() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("fin").replacingOccurrences(of: "  namespace: golden", with: "  namespace: golden\n  finalizers: [golden.example.com/keep]"))
            let deleted = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/fin", method: "DELETE")
            #expect(deleted.status == 200)
            #expect(deleted.body.json[path: ["metadata", "deletionTimestamp"]] != nil)
            #expect(deleted.body.json[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue == 0)
            let more = try await cluster.kubectl("patch", "gz", "fin", "-n", "golden", "--type=merge",
                                                 "-p", #"{"metadata":{"finalizers":["golden.example.com/keep","golden.example.com/more"]}}"#)
            #expect(more.stderr.contains("no new finalizers can be added if the object is being deleted"))
            try await cluster.kubectlOK("patch", "gz", "fin", "-n", "golden", "--type=merge", "-p", #"{"metadata":{"finalizers":null}}"#)
            #expect(try await cluster.kubectl("get", "gz", "fin", "-n", "golden").stderr.contains("NotFound"))
        }
    }

    @Test("a plain DELETE answers a Status with the uid, so kubectl delete --wait works")
    func plainDelete() async throws {
        try await withCluster { cluster in
            let created = try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: gizmo("beta")).json
            let deleted = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/beta", method: "DELETE")
            #expect(deleted.body.json["status"]?.stringValue == "Success")
            #expect(deleted.body.json[path: ["details", "uid"]] == created[path: ["metadata", "uid"]])
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("gamma"))
            let out = try await cluster.kubectlOK("delete", "gz", "gamma", "-n", "golden", "--wait=true", "--timeout=5s")
            #expect(out.contains("deleted"))
        }
    }

    func ownedConfigMap(_ name: String, owner: JSON, blocking: Bool = false) -> String {
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
          namespace: golden
          ownerReferences:
          - {apiVersion: golden.example.com/v1, kind: Gizmo, name: \(owner[path: ["metadata", "name"]]?.stringValue ?? ""), uid: \(owner[path: ["metadata", "uid"]]?.stringValue ?? ""), controller: true, blockOwnerDeletion: \(blocking)}
        """
    }

    @Test("background deletion: dependents of a deleted owner are collected")
    func background() async throws {
        try await withCluster { cluster in
            let owner = try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: gizmo("owner")).json
            try await cluster.kubectlOK("apply", "-f", "-", stdin: ownedConfigMap("child", owner: owner))
            try await cluster.kubectlOK("delete", "gz", "owner", "-n", "golden")
            try await eventually("child collected") {
                try await cluster.kubectl("get", "cm", "child", "-n", "golden").stderr.contains("NotFound")
            }
        }
    }

    @Test("a dependent written after its owner was deleted is collected too (a controller with a stale cache re-creating a child)")
    func danglingOwnerOnCreate() async throws {
        try await withCluster { cluster in
            let owner = try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: gizmo("owner")).json
            try await cluster.kubectlOK("delete", "gz", "owner", "-n", "golden")
            // Nothing else is deleted after this write: only the write itself can wake the collector.
            try await cluster.kubectlOK("apply", "-f", "-", stdin: ownedConfigMap("late", owner: owner))
            try await eventually("late child collected") {
                try await cluster.kubectl("get", "cm", "late", "-n", "golden").stderr.contains("NotFound")
            }
        }
    }

    @Test("foreground deletion: the owner waits with foregroundDeletion until blocking dependents are gone")
    func foreground() async throws {
        try await withCluster { cluster in
            let owner = try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: gizmo("owner")).json
            try await cluster.kubectlOK("apply", "-f", "-", stdin: ownedConfigMap("child", owner: owner, blocking: true).replacingOccurrences(of: "  namespace: golden\n", with: "  namespace: golden\n  finalizers: [example.com/hold]\n"))
            let deleted = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/owner", method: "DELETE",
                                                 headers: ["Content-Type: application/json"], body: #"{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Foreground"}"#)
            #expect(deleted.body.json[path: ["metadata", "finalizers"]] == ["foregroundDeletion"])
            try await eventually("child marked for deletion") {
                try await cluster.kubectlOK("get", "cm", "child", "-n", "golden", "-o", "json").json[path: ["metadata", "deletionTimestamp"]] != nil
            }
            #expect(try await cluster.kubectl("get", "gz", "owner", "-n", "golden").status == 0, "owner still there while the child is")
            try await cluster.kubectlOK("patch", "cm", "child", "-n", "golden", "--type=merge", "-p", #"{"metadata":{"finalizers":null}}"#)
            try await eventually("owner gone") {
                try await cluster.kubectl("get", "gz", "owner", "-n", "golden").stderr.contains("NotFound")
            }
        }
    }

    @Test("orphan deletion: dependents stay, without the owner reference")
    func orphan() async throws {
        try await withCluster { cluster in
            let owner = try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: gizmo("owner")).json
            try await cluster.kubectlOK("apply", "-f", "-", stdin: ownedConfigMap("child", owner: owner))
            try await cluster.kubectlOK("delete", "gz", "owner", "-n", "golden", "--cascade=orphan")
            try await eventually("owner gone") {
                try await cluster.kubectl("get", "gz", "owner", "-n", "golden").stderr.contains("NotFound")
            }
            let child = try await cluster.kubectlOK("get", "cm", "child", "-n", "golden", "-o", "json").json
            #expect(child[path: ["metadata", "ownerReferences"]] == nil)
        }
    }
}
