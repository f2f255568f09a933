import TestSupport
import KubeCore
import Testing

@Suite("Discovery, OpenAPI and kubectl's view of the API")
struct DiscoveryTests {
    @Test("kubectl api-resources lists built-ins and CRD kinds with short names and categories")
    func apiResources() async throws {
        try await withCluster { cluster in
            let out = try await cluster.kubectlOK("api-resources")
            #expect(out.contains("gizmos") && out.contains("gz") && out.contains("golden.example.com/v1"))
            for kind in ["Deployment", "Job", "Lease", "ConfigMap", "Event", "CustomResourceDefinition", "ClusterRoleBinding"] {
                #expect(out.contains(kind), "\(kind) missing from api-resources")
            }
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            let byCategory = try await cluster.kubectlOK("get", "golden", "-A")
            #expect(byCategory.contains("alpha") && byCategory.contains("REPLICAS"))
        }
    }

    @Test("a CRD is served as soon as it is created and kubectl wait sees it Established")
    func crdEstablished() async throws {
        try await withCluster { cluster in
            let out = try await cluster.kubectlOK("wait", "--for=condition=Established", "crd/gizmos.golden.example.com", "--timeout=5s")
            #expect(out.contains("condition met"))
            try await cluster.kubectlOK("apply", "-f", "-", stdin: gizmo("alpha"))
            #expect(try await cluster.kubectlOK("get", "gz", "-n", "golden").contains("alpha"))
        }
    }

    @Test("kubectl explain teaches the CRD's schema")
    func explain() async throws {
        try await withCluster { cluster in
            let out = try await cluster.kubectlOK("explain", "gizmos.spec")
            #expect(out.contains("replicas") && out.contains("mode") && out.contains("KIND:") && out.contains("Gizmo"))
        }
    }

    @Test("/version, /openapi/v3 root and a group-version document")
    func versionAndOpenAPI() async throws {
        try await withCluster { cluster in
            let version = try await cluster.curl("/version", auth: .none)
            #expect(version.status == 200)
            #expect(version.body.json["gitVersion"]?.stringValue?.hasPrefix("v1.") == true)
            let root = try await cluster.curl("/openapi/v3")
            let paths = root.body.json["paths"]?.objectValue ?? [:]
            #expect(paths["api/v1"] != nil && paths["apis/apps/v1"] != nil && paths["apis/golden.example.com/v1"] != nil)
            let url = paths["apis/golden.example.com/v1"]?["serverRelativeURL"]?.stringValue ?? ""
            let doc = try await cluster.curl(url)
            #expect(doc.status == 200)
            let pathsInDoc = doc.body.json["paths"]?.objectValue ?? [:]
            let patch = pathsInDoc["/apis/golden.example.com/v1/namespaces/{namespace}/gizmos/{name}"]?["patch"]
            #expect(patch?["x-kubernetes-group-version-kind"]?["kind"]?.stringValue == "Gizmo")
            #expect(patch?["parameters"]?.arrayValue?.contains { $0["name"]?.stringValue == "fieldValidation" } == true)
        }
    }

    @Test("legacy discovery lists the status and scale subresources separately")
    func resourceList() async throws {
        try await withCluster { cluster in
            let list = try await cluster.curl("/apis/golden.example.com/v1").body.json
            let names = (list["resources"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(names == ["gizmos", "gizmos/status", "gizmos/scale"])
            let core = try await cluster.curl("/api").body.json
            #expect(core["kind"]?.stringValue == "APIVersions")
        }
    }
}
