import KubeCore
import Testing
import TestSupport

/// kubectl's typed create generators send protobuf (golden 133-137); a new user's first commands
/// on the playground are these.
@Suite("kubectl create with protobuf bodies")
struct ProtobufKubectlTests {
    @Test("kubectl create namespace, configmap, secret generic, serviceaccount and deployment; kubectl get shows each")
    func kubectlCreates() async throws {
        try await withCluster(crd: false) { cluster in
            #expect(try await cluster.kubectlOK("create", "namespace", "demo").contains("namespace/demo created"))
            #expect(try await cluster.kubectlOK("-n", "demo", "create", "configmap", "settings", "--from-literal=a=b").contains("configmap/settings created"))
            #expect(try await cluster.kubectlOK("-n", "demo", "create", "secret", "generic", "creds", "--from-literal=token=s3cret").contains("secret/creds created"))
            #expect(try await cluster.kubectlOK("-n", "demo", "create", "serviceaccount", "runner").contains("serviceaccount/runner created"))
            #expect(try await cluster.kubectlOK("-n", "demo", "create", "deployment", "web", "--image=nginx").contains("deployment.apps/web created"))
            #expect(try await cluster.kubectlOK("-n", "demo", "create", "deployment", "idle", "--image=nginx", "--replicas=0").contains("deployment.apps/idle created"))

            func get(_ kind: String, _ name: String) async throws -> JSON {
                try await cluster.kubectlOK("-n", "demo", "get", kind, name, "-o", "json").json
            }
            let namespace = try await cluster.kubectlOK("get", "namespace", "demo", "-o", "json").json
            #expect(namespace[path: ["status", "phase"]] == "Active")
            #expect(namespace[path: ["metadata", "labels", "kubernetes.io/metadata.name"]] == "demo")
            #expect(try await get("configmap", "settings")["data"] == ["a": "b"])
            let secret = try await get("secret", "creds")
            #expect(secret["data"] == ["token": "czNjcmV0"])
            #expect(secret["type"] == "Opaque")
            #expect(try await get("serviceaccount", "runner")[path: ["metadata", "name"]] == "runner")
            let web = try await get("deployment", "web")
            #expect(web[path: ["spec", "replicas"]] == 1)
            #expect(web[path: ["spec", "strategy"]] == ["type": "RollingUpdate", "rollingUpdate": ["maxUnavailable": "25%", "maxSurge": "25%"]])
            #expect(web[path: ["spec", "template", "metadata"]] == ["labels": ["app": "web"]])
            #expect(web[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "nginx")
            #expect(try await get("deployment", "idle")[path: ["spec", "replicas"]] == 0, "replicas: 0 is a set pointer, not a missing field")
            let table = try await cluster.kubectlOK("-n", "demo", "get", "configmap,secret,serviceaccount,deployment")
            for name in ["configmap/settings", "secret/creds", "serviceaccount/runner", "deployment.apps/web"] {
                #expect(table.contains(name), "\(name) in:\n\(table)")
            }
        }
    }
}
