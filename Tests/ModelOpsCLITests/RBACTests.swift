import Foundation
import KubeCore
import Testing
import TestSupport

/// The operator as the ServiceAccount manifests/ binds, against an API server that enforces
/// RBAC: with the rules as shipped it needs nothing more; without one, it says which, in one line.
@Suite("RBAC of manifests/")
struct RBACTests {
    static let serviceAccount = "modelops"

    /// The test server with `kubectl apply -k manifests/` applied (as the README says), and a
    /// kubeconfig for the operator's ServiceAccount.
    static func install() async throws -> (cluster: TestCluster, kubeconfig: String) {
        let cluster = try await TestCluster.start(rbac: true, simulator: nil)
        try await cluster.kubectlOK("apply", "-k", Repository.path("manifests"))
        let kubeconfig = cluster.dir.appendingPathComponent("operator.kubeconfig").path
        try cluster.server.writeKubeconfig(to: kubeconfig, for: .serviceAccount(namespace: CLICluster.operatorNamespace,
                                                                                name: serviceAccount))
        return (cluster, kubeconfig)
    }

    /// The Deployment's own args, with loopback listeners and the test's kubeconfig appended.
    static func deploymentArgs() async throws -> [String] {
        let container = try await Rendered.manifests().one("Deployment", "modelops-operator")[path: ["spec", "template", "spec", "containers"]]?
            .arrayValue?.first
        return (container?["args"]?.arrayValue?.compactMap(\.stringValue) ?? []) + RunCommandTests.loopback
    }

    static let podEnvironment = ["POD_NAMESPACE": CLICluster.operatorNamespace, "POD_NAME": "modelops-operator-7d9f-x2v4q"]

    @Test("with manifests/ RBAC the operator starts as its ServiceAccount, is granted everything, leads, and is ready: no 403")
    func granted() async throws {
        let (cluster, kubeconfig) = try await Self.install()
        let op = try OperatorProcess(arguments: try await Self.deploymentArgs() + ["--kubeconfig", kubeconfig],
                                     environment: Self.podEnvironment)
        do {
            let start = try JSON.parse(try await op.waitForLine("starting the ModelOps operator"))
            #expect(start["user"]?.stringValue == "system:serviceaccount:modelops-system:modelops")
            try await op.waitForLine("RBAC permissions checked: every permission the operator uses is granted")
            let probes = try await op.listenerPort("health probes")
            try await eventually(timeout: .seconds(20), "/readyz 200") { try await httpGet(probes, "/readyz").status == 200 }
            try await eventually(timeout: .seconds(20), "the Lease held by this replica") {
                await CLICluster.lease(cluster)?[path: ["spec", "holderIdentity"]]?.stringValue == start["identity"]?.stringValue
            }
            #expect(try await op.terminate() == 0)
            #expect(!op.log.contains("403") && !op.log.contains("forbidden") && !op.log.contains("RBAC denies"), "\(op.log)")
            #expect((await CLICluster.lease(cluster)?[path: ["spec", "holderIdentity"]]?.stringValue ?? "").isEmpty,
                    "released on SIGTERM")
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test("without list on trainingjobs the operator logs one line naming the verb, the resource and the 403, and is not ready")
    func missingRule() async throws {
        let (cluster, kubeconfig) = try await Self.install()
        do {
            // The shipped ClusterRole, with "list" taken away for trainingjobs only.
            var role = try await Rendered.manifests().one("ClusterRole", "modelops-manager")
            var rules = role["rules"]?.arrayValue ?? []
            let index = try #require(rules.firstIndex { $0["resources"]?.arrayValue?.contains("trainingjobs") == true
                && $0["verbs"]?.arrayValue?.contains("list") == true })
            rules[index]["resources"] = .array((rules[index]["resources"]?.arrayValue ?? []).filter { $0 != "trainingjobs" })
            rules.append(["apiGroups": ["modelops.io"], "resources": ["trainingjobs"], "verbs": ["get", "watch"]])
            role["rules"] = .array(rules)
            try await cluster.kubectlOK("apply", "-f", "-", stdin: role.serializedString())
        } catch {
            await cluster.stop()
            throw error
        }
        let op = try OperatorProcess(arguments: try await Self.deploymentArgs() + ["--kubeconfig", kubeconfig],
                                     environment: Self.podEnvironment)
        do {
            let line = try await op.waitForLine("RBAC denies")
            let entry = try JSON.parse(line)
            #expect(entry["level"]?.stringValue == "error")
            let message = entry["msg"]?.stringValue ?? ""
            #expect(message.contains("list trainingjobs.modelops.io") && message.contains("403 Forbidden"), "\(message)")
            let probes = try await op.listenerPort("health probes")
            let ready = try await httpGet(probes, "/readyz")
            #expect(ready.status == 500)
            #expect(ready.body.contains("list trainingjobs.modelops.io"), "\(ready.body)")
            #expect(try await httpGet(probes, "/healthz").status == 200, "alive, so the kubelet does not restart-loop it")
            #expect(try await op.terminate() == 0)
            let denials = op.lines.filter { $0.contains("RBAC denies") }
            #expect(denials.count == 1, "exactly the one missing permission: \(denials)")
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}
