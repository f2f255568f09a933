import KubeCore
import KubeTestServerCore
import Testing

/// What the Service REST allocates after the field manager ran: owned by no manager (golden 074),
/// and kept by an update that omits it (its patchAllocatedValues; no golden shows an update).
@Suite struct ServiceAllocationTests {
    @Test func allocatedClusterIPIsUnownedAndKeptAcrossAnUpdate() async throws {
        let server = WireServer()
        defer { server.shutdown() }
        await server.namespace("svc")
        let service: JSON = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "serve"],
                             "spec": ["selector": ["app": "serve"], "ports": [["name": "http", "port": 80, "targetPort": 8080]]]]
        let created = await server.create("/api/v1/namespaces/svc/services", service)
        let ip = created[path: ["spec", "clusterIP"]]
        #expect(ip?.stringValue?.isEmpty == false)
        let owned = created[path: ["metadata", "managedFields"]]?[0]?["fieldsV1"]?["f:spec"]
        #expect(owned?["f:clusterIP"] == nil && owned?["f:ipFamilies"] == nil && owned?["f:type"] != nil)

        var update = service
        update[path: ["spec", "selector"]] = ["app": "serve-v2"]
        let updated = await server.request("PUT", "/api/v1/namespaces/svc/services/serve", update)
        #expect(updated.status == 200)
        #expect(updated.body[path: ["spec", "clusterIP"]] == ip)
        #expect(updated.body[path: ["spec", "clusterIPs"]] == created[path: ["spec", "clusterIPs"]])
    }
}
