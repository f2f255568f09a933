import TestSupport
import KubeCore
import Testing

@Suite("Object and write semantics")
struct WriteSemanticsTests {
    @Test("create fills uid, creationTimestamp, generation 1, defaults; drops status; a duplicate is 409 AlreadyExists")
    func create() async throws {
        try await withCluster { cluster in
            let created = try await cluster.kubectlOK("create", "-o", "json", "-f", "-",
                                                      stdin: gizmo("alpha", extra: "status:\n  phase: Ignored")).json
            #expect(created[path: ["metadata", "generation"]]?.intValue == 1)
            #expect(created[path: ["metadata", "uid"]]?.stringValue?.count == 36)
            #expect(created[path: ["metadata", "creationTimestamp"]]?.stringValue?.hasSuffix("Z") == true)
            #expect(created[path: ["spec", "mode"]]?.stringValue == "Slow")
            #expect(created["status"] == nil)
            let again = try await cluster.kubectl("create", "-f", "-", stdin: gizmo("alpha"))
            #expect(again.status != 0)
            #expect(again.stderr.contains("Error from server (AlreadyExists)") && again.stderr.contains("gizmos.golden.example.com \"alpha\" already exists"))
        }
    }

    @Test("generation rises only with spec; status writes go through /status only; a no-op write keeps resourceVersion")
    func generationAndStatus() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            func get() async throws -> JSON { try await cluster.kubectlOK("get", "gz", "alpha", "-n", "golden", "-o", "json").json }
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--type=merge", "-p", #"{"spec":{"replicas":3}}"#)
            #expect(try await get()[path: ["metadata", "generation"]]?.intValue == 2)
            try await cluster.kubectlOK("label", "gz", "alpha", "-n", "golden", "team=ml")
            #expect(try await get()[path: ["metadata", "generation"]]?.intValue == 2)
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--subresource=status", "--type=merge",
                                        "-p", #"{"status":{"phase":"Running"},"spec":{"replicas":9}}"#)
            var now = try await get()
            #expect(now[path: ["status", "phase"]]?.stringValue == "Running")
            #expect(now[path: ["spec", "replicas"]]?.intValue == 3, "spec in a /status write is ignored")
            #expect(now[path: ["metadata", "generation"]]?.intValue == 2)
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--type=merge", "-p", #"{"status":{"phase":"Hacked"}}"#)
            now = try await get()
            #expect(now[path: ["status", "phase"]]?.stringValue == "Running", "status in a main-endpoint write is ignored")
            let rv = now[path: ["metadata", "resourceVersion"]]?.stringValue
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--type=merge", "-p", #"{"spec":{"replicas":3}}"#)
            #expect(try await get()[path: ["metadata", "resourceVersion"]]?.stringValue == rv, "no-op patch must not bump resourceVersion")
        }
    }

    @Test("PUT with a stale resourceVersion is 409 Conflict; without one on a CR is 422")
    func optimisticConcurrency() async throws {
        try await withCluster { cluster in
            let created = try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: gizmo("alpha")).json
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--type=merge", "-p", #"{"spec":{"replicas":2}}"#)
            var stale = created
            stale[path: ["spec", "replicas"]] = 5
            let put = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/alpha", method: "PUT",
                                             headers: ["Content-Type: application/json"], body: stale.serializedString())
            #expect(put.status == 409)
            #expect(put.body.json["reason"]?.stringValue == "Conflict")
            #expect(put.body.json["message"]?.stringValue == "Operation cannot be fulfilled on gizmos.golden.example.com \"alpha\": the object has been modified; please apply your changes to the latest version and try again")
            var noRV = created
            noRV[path: ["metadata", "resourceVersion"]] = nil
            let put2 = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/alpha", method: "PUT",
                                              headers: ["Content-Type: application/json"], body: noRV.serializedString())
            #expect(put2.status == 422)
            #expect(put2.body.json["message"]?.stringValue?.contains("metadata.resourceVersion: Invalid value: 0: must be specified for an update") == true)
        }
    }

    @Test("JSON patch (test op), merge patch with null, strategic merge refused on a CR with 415")
    func patchTypes() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha", extra: "  owner: bob"))
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--type=json",
                                        "-p", #"[{"op":"test","path":"/spec/replicas","value":1},{"op":"replace","path":"/spec/replicas","value":4}]"#)
            let failed = try await cluster.kubectl("patch", "gz", "alpha", "-n", "golden", "--type=json",
                                                   "-p", #"[{"op":"test","path":"/spec/replicas","value":99}]"#)
            #expect(failed.status != 0 && failed.stderr.contains("The request is invalid: the server rejected our request due to an error in our request"))
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--type=merge", "-p", #"{"spec":{"owner":null}}"#)
            let obj = try await cluster.kubectlOK("get", "gz", "alpha", "-n", "golden", "-o", "json").json
            #expect(obj[path: ["spec", "replicas"]]?.intValue == 4 && obj[path: ["spec", "owner"]] == nil)
            let smp = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/alpha", method: "PATCH",
                                             headers: ["Content-Type: application/strategic-merge-patch+json"], body: #"{"spec":{"replicas":2}}"#)
            #expect(smp.status == 415)
            #expect(smp.body.json["message"]?.stringValue == "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
        }
    }

    @Test("kubectl scale goes through the scale subresource of a CRD and of a Deployment")
    func scale() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            try await cluster.kubectlOK("scale", "gz", "alpha", "-n", "golden", "--replicas=4")
            #expect(try await cluster.kubectlOK("get", "gz", "alpha", "-n", "golden", "-o", "jsonpath={.spec.replicas}") == "4")
            let scale = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/alpha/scale").body.json
            #expect(scale["kind"]?.stringValue == "Scale" && scale[path: ["spec", "replicas"]]?.intValue == 4)
            try await cluster.kubectlOK("apply", "-n", "golden", "-f", "-", stdin: deployment("serve", image: "model:1"))
            try await cluster.kubectlOK("scale", "deploy", "serve", "-n", "golden", "--replicas=3")
            #expect(try await cluster.kubectlOK("get", "deploy", "serve", "-n", "golden", "-o", "jsonpath={.spec.replicas}") == "3")
        }
    }

    @Test("strategic merge patch merges a Deployment's containers by name")
    func strategicMerge() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-n", "golden", "-f", "-", stdin: deployment("serve", image: "model:1"))
            try await cluster.kubectlOK("patch", "deploy", "serve", "-n", "golden",
                                        "-p", #"{"spec":{"template":{"spec":{"containers":[{"name":"model","image":"model:2"}]}}}}"#)
            let d = try await cluster.kubectlOK("get", "deploy", "serve", "-n", "golden", "-o", "json").json
            let c = d[path: ["spec", "template", "spec", "containers"]]?[0]
            #expect(c?["image"]?.stringValue == "model:2")
            #expect(c?["ports"]?[0]?["containerPort"]?.intValue == 8080, "fields of the container not in the patch stay")
            #expect(d[path: ["spec", "strategy", "type"]]?.stringValue == "RollingUpdate", "server defaults are filled")
        }
    }

    @Test("server-side apply: managers, conflict with the real message, force takes ownership")
    func serverSideApply() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "--server-side", "--field-manager=team-a", "-f", "-", stdin: gizmo("gamma", replicas: 2))
            let conflict = try await cluster.kubectl("apply", "--server-side", "--field-manager=team-b", "-f", "-", stdin: gizmo("gamma", replicas: 3))
            #expect(conflict.status != 0)
            #expect(conflict.stderr.contains("Apply failed with 1 conflict: conflict with \"team-a\": .spec.replicas"))
            try await cluster.kubectlOK("apply", "--server-side", "--force-conflicts", "--field-manager=team-b", "-f", "-", stdin: gizmo("gamma", replicas: 3))
            let obj = try await cluster.kubectlOK("get", "gz", "gamma", "-n", "golden", "-o", "json", "--show-managed-fields").json
            #expect(obj[path: ["spec", "replicas"]]?.intValue == 3)
            let managers = (obj[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
            #expect(managers.contains("team-b"))
            let noManager = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos/gamma", method: "PATCH",
                                                   headers: ["Content-Type: application/apply-patch+yaml"], body: gizmo("gamma"))
            #expect(noManager.status == 422)
            #expect(noManager.body.json["message"]?.stringValue == "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
        }
    }

    @Test("generateName, dryRun=All, and names that are not DNS subdomains")
    func generateNameAndDryRun() async throws {
        try await withCluster { cluster in
            let generated = try await cluster.kubectlOK("create", "-o", "json", "-f", "-", stdin: """
                apiVersion: golden.example.com/v1
                kind: Gizmo
                metadata: {generateName: batch-, namespace: golden}
                spec: {replicas: 1}
                """).json
            let name = generated[path: ["metadata", "name"]]?.stringValue ?? ""
            #expect(name.hasPrefix("batch-") && name.count == "batch-".count + 5)
            let dry = try await cluster.kubectlOK("apply", "--dry-run=server", "-o", "json", "-f", "-", stdin: gizmo("ghost")).json
            #expect(dry[path: ["metadata", "name"]]?.stringValue == "ghost")
            let get = try await cluster.kubectl("get", "gz", "ghost", "-n", "golden")
            #expect(get.status != 0 && get.stderr.contains("NotFound"))
            let bad = try await cluster.kubectl("apply", "-f", "-", stdin: gizmo("Bad_Name"))
            #expect(bad.stderr.contains("a lowercase RFC 1123 subdomain"))
        }
    }

    @Test("writes into a missing namespace are 404; into a terminating one 403; namespace deletion empties it")
    func namespaces() async throws {
        try await withCluster { cluster in
            let missing = try await cluster.kubectl("apply", "-f", "-", stdin: gizmo("x").replacingOccurrences(of: "namespace: golden", with: "namespace: nowhere"))
            #expect(missing.stderr.contains("namespaces \"nowhere\" not found"))
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("keep", extra: "").replacingOccurrences(of: "  namespace: golden", with: "  namespace: golden\n  finalizers: [golden.example.com/keep]"))
            try await cluster.kubectlOK("delete", "ns", "golden", "--wait=false")
            let ns = try await cluster.kubectlOK("get", "ns", "golden", "-o", "json").json
            #expect(ns[path: ["status", "phase"]]?.stringValue == "Terminating")
            let late = try await cluster.kubectl("apply", "-f", "-", stdin: gizmo("late"))
            #expect(late.stderr.contains("unable to create new content in namespace golden because it is being terminated"))
            try await cluster.kubectlOK("patch", "gz", "keep", "-n", "golden", "--type=merge", "-p", #"{"metadata":{"finalizers":null}}"#)
            try await eventually(timeout: .seconds(5), "namespace gone") {
                try await cluster.kubectl("get", "ns", "golden").stderr.contains("NotFound")
            }
            let protected = try await cluster.kubectl("delete", "ns", "default")
            #expect(protected.stderr.contains("this namespace may not be deleted"))
        }
    }
}

func deployment(_ name: String, image: String, replicas: Int = 1, annotations: String = "{}") -> String {
    """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: \(name), labels: {app: \(name)}}
    spec:
      replicas: \(replicas)
      selector: {matchLabels: {app: \(name)}}
      template:
        metadata: {labels: {app: \(name)}, annotations: \(annotations)}
        spec:
          containers:
          - name: model
            image: \(image)
            ports: [{containerPort: 8080}]
    """
}
