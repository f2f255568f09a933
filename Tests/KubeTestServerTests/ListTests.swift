import KubeTestServerCore
import TestSupport
import Foundation
import KubeCore
import Testing

@Suite("List, selectors, pagination, tables")
struct ListTests {
    @Test("label selectors (set-based too) and field selectors; an unsupported field is 400")
    func selectors() async throws {
        try await withCluster { cluster in
            for (name, team) in [("a", "ml"), ("b", "ops"), ("c", "web")] {
                try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo(name).replacingOccurrences(of: "  namespace: golden", with: "  namespace: golden\n  labels: {team: \(team)}"))
            }
            let set = try await cluster.kubectlOK("get", "gz", "-n", "golden", "-l", "team in (ml,ops),!missing", "-o", "name")
            #expect(set.split(separator: "\n") == ["gizmo.golden.example.com/a", "gizmo.golden.example.com/b"])
            let byName = try await cluster.kubectlOK("get", "gz", "-n", "golden", "--field-selector", "metadata.name=c", "-o", "name")
            #expect(byName.trimmingCharacters(in: .whitespacesAndNewlines) == "gizmo.golden.example.com/c")
            let bad = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos?fieldSelector=spec.mode%3DFast")
            #expect(bad.status == 400)
            #expect(bad.body.json["message"]?.stringValue == "field label not supported: spec.mode")
            let malformed = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos?labelSelector=team%20in%20(ml")
            #expect(malformed.status == 400)
        }
    }

    @Test("pages: limit and continue, every page reports the first page's resourceVersion; garbage tokens are 400")
    func pagination() async throws {
        try await withCluster { cluster in
            for i in 0..<7 {
                try await cluster.kubectlOK("apply", "-f", "-", stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: page-\(i), namespace: golden}\n")
            }
            let first = try await cluster.curl("/api/v1/namespaces/golden/configmaps?limit=3").body.json
            #expect(first["items"]?.arrayValue?.count == 3)
            #expect(first[path: ["metadata", "remainingItemCount"]]?.intValue == 4)
            let token = first[path: ["metadata", "continue"]]?.stringValue ?? ""
            let second = try await cluster.curl("/api/v1/namespaces/golden/configmaps?limit=3&continue=\(token)").body.json
            #expect(second["items"]?[0]?[path: ["metadata", "name"]]?.stringValue == "page-3")
            #expect(second[path: ["metadata", "resourceVersion"]] == first[path: ["metadata", "resourceVersion"]])
            let garbage = try await cluster.curl("/api/v1/namespaces/golden/configmaps?limit=3&continue=garbage")
            #expect(garbage.status == 400)
            #expect(garbage.body.json["message"]?.stringValue == "invalid continue token: continue key is not valid: invalid character '\\x81' looking for beginning of value")
            let chunked = try await cluster.kubectlOK("get", "cm", "-n", "golden", "--chunk-size=2", "-o", "name")
            #expect(chunked.split(separator: "\n").count == 7)
            try await cluster.kubectlOK("apply", "-f", "-", stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: later, namespace: golden}\n")
            cluster.api.store.compact()
            let expired = try await cluster.curl("/api/v1/namespaces/golden/configmaps?limit=3&continue=\(token)")
            #expect(expired.status == 410)
            #expect(expired.body.json["reason"]?.stringValue == "Expired")
        }
    }

    @Test("kubectl get shows printer columns filled from status; -o wide adds priority columns")
    func table() async throws {
        try await withCluster { cluster in
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha", replicas: 6))
            try await cluster.kubectlOK("patch", "gz", "alpha", "-n", "golden", "--subresource=status", "--type=merge", "-p",
                                        #"{"status":{"phase":"Running","message":"all good","conditions":[{"type":"Ready","status":"True"}]}}"#)
            let out = try await cluster.kubectlOK("get", "gz", "-n", "golden")
            let lines = out.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(lines.first == ["NAME", "REPLICAS", "MODE", "PHASE", "READY", "AGE"])
            #expect(Array(lines.dropFirst().first?.prefix(5) ?? []) == ["alpha", "6", "Slow", "Running", "True"])
            let wide = try await cluster.kubectlOK("get", "gz", "-n", "golden", "-o", "wide")
            #expect(wide.contains("DETAIL") && wide.contains("all good"))
            let table = try await cluster.curl("/apis/golden.example.com/v1/namespaces/golden/gizmos",
                                               headers: ["Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json"]).body.json
            #expect(table["kind"]?.stringValue == "Table")
            #expect(table["rows"]?[0]?[path: ["object", "kind"]]?.stringValue == "PartialObjectMetadata")
        }
    }

    @Test("a list of many objects assembles from stored bytes and round-trips")
    func manyObjects() async throws {
        try await withCluster { cluster in
            for i in 0..<300 {
                _ = await cluster.api.handle(.init(method: "POST", path: "/apis/golden.example.com/v1/namespaces/golden/gizmos",
                                                   headers: ["content-type": "application/json"],
                                                   body: Array(#"{"apiVersion":"golden.example.com/v1","kind":"Gizmo","metadata":{"name":"g\#(i)"},"spec":{"replicas":1}}"#.utf8),
                                                   user: .init(name: "admin", groups: ["system:masters"])))
            }
            let list = try await cluster.curl("/apis/golden.example.com/v1/gizmos").body.json
            #expect(list["kind"]?.stringValue == "GizmoList")
            #expect(list["items"]?.arrayValue?.count == 300)
            #expect(list["items"]?[0]?[path: ["spec", "mode"]]?.stringValue == "Slow")
        }
    }
}
