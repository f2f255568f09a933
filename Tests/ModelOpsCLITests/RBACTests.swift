import Foundation
import KubeCore
import KubeTestServerCore
import Synchronization
import Testing
import TestSupport

/// The operator as the ServiceAccount manifests/ binds, against an API server that enforces
/// RBAC: with the rules as shipped it needs nothing more; without one, it says which, in one line.
@Suite("RBAC of manifests/")
struct RBACTests {
    static let serviceAccount = "modelops"

    /// The test server with `kubectl apply -k manifests/` applied (as the README says), and a
    /// kubeconfig for the operator's ServiceAccount.
    static func install(simulator: Bool = false) async throws -> (cluster: TestCluster, kubeconfig: String) {
        let cluster = try await TestCluster.start(rbac: true, simulator: simulator ? WorkloadSimulator.Options() : nil)
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
            // "403 Forbidden", not "403": the log names random ports, and a port can contain 403.
            #expect(!op.log.contains("403 Forbidden") && !op.log.contains("forbidden") && !op.log.contains("RBAC denies"), "\(op.log)")
            #expect((await CLICluster.lease(cluster)?[path: ["spec", "holderIdentity"]]?.stringValue ?? "").isEmpty,
                    "released on SIGTERM")
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test("as the ServiceAccount with manifests/ RBAC enforced and the simulator on, a full canary and a training run succeed with no 403")
    func canaryAndTrainingAsServiceAccount() async throws {
        let (cluster, kubeconfig) = try await Self.install(simulator: true)
        let op = try OperatorProcess(arguments: try await Self.deploymentArgs() + ["--kubeconfig", kubeconfig],
                                     environment: Self.podEnvironment)
        do {
            try await op.waitForLine("RBAC permissions checked: every permission the operator uses is granted")
            try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.workload)
            func get(_ plural: String, _ name: String) async -> JSON {
                await cluster.direct("GET", "/apis/modelops.io/v1alpha1/namespaces/ml/\(plural)/\(name)")
            }
            func served(_ version: String) async -> Bool {
                let mdep = await get("modeldeployments", "scorer")
                return mdep[path: ["status", "stable", "version"]]?.stringValue == version && mdep[path: ["status", "phase"]] == "Healthy"
                    && mdep[path: ["status", "canary"]] == nil
            }
            try await eventually(timeout: .seconds(20), "scorer v1 Healthy") { await served("v1") }

            // The canary: a new version in spec, through 50% and a pause to 100%.
            try await cluster.kubectlOK("-n", "ml", "patch", "modeldeployment", "scorer", "--type", "merge", "-p",
                                        #"{"spec":{"model":{"version":"v2","uri":"s3://models/scorer/v2"}}}"#)
            let weights = Mutex<Set<Int64>>([])
            try await eventually(timeout: .seconds(20), "scorer v2 at 100% and Healthy") {
                if let weight = await get("modeldeployments", "scorer")[path: ["status", "canary", "weight"]]?.intValue {
                    weights.withLock { _ = $0.insert(weight) }
                }
                return await served("v2")
            }
            let mdep = await get("modeldeployments", "scorer")
            #expect(mdep[path: ["status", "history"]]?.arrayValue?.compactMap { $0["version"]?.stringValue } == ["v1", "v2"], "\(mdep)")
            #expect(weights.withLock { $0.contains(50) }, "the 50% step was seen: \(weights.withLock { $0 })")
            let deployments = await cluster.direct("GET", "/apis/apps/v1/namespaces/ml/deployments")
            let replicas = (deployments["items"]?.arrayValue ?? []).map {
                ($0[path: ["metadata", "labels", "modelops.io/version"]]?.stringValue ?? "", $0[path: ["spec", "replicas"]]?.intValue ?? -1)
            }
            #expect(replicas.contains { $0 == ("v2", 2) }, "the new version serves with all replicas: \(replicas)")

            // The training run: a Job whose pod reports metrics, Succeeded and Validated.
            try await eventually(timeout: .seconds(20), "the TrainingJob Succeeded") {
                await get("trainingjobs", "scorer-train")[path: ["status", "phase"]] == "Succeeded"
            }
            let trained = await get("trainingjobs", "scorer-train")
            #expect(trained[path: ["status", "metrics", "accuracy"]] == 0.93, "\(trained)")
            #expect(trained[path: ["status", "conditions"]]?.arrayValue?.contains {
                $0["type"] == "Validated" && $0["status"] == "True"
            } == true, "\(trained)")

            #expect(try await op.terminate() == 0)
            // A 403 reaches the log as the server's Status (reason Forbidden, "... is forbidden: ...")
            // or as the permission check's "RBAC denies"; uids may hold the digits 403, so not those.
            let log = op.log.lowercased()
            #expect(!log.contains("forbidden") && !log.contains("rbac denies") && !log.contains("403 "), "\(op.log)")
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// A namespace, a ModelDeployment with a short canary, and a TrainingJob whose simulated pod
    /// reports metrics.
    static let workload = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: ml
        ---
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: scorer
          namespace: ml
        spec:
          model: {name: scorer, version: v1, uri: "s3://models/scorer/v1"}
          replicas: 2
          template:
            spec:
              containers:
              - name: server
                image: registry.example/model-server:1
          strategy:
            type: Canary
            canary:
              steps:
              - setWeight: 50
              - pause: {duration: 1s}
              - setWeight: 100
        ---
        apiVersion: modelops.io/v1alpha1
        kind: TrainingJob
        metadata:
          name: scorer-train
          namespace: ml
        spec:
          model: {name: scorer, version: v3}
          outputURI: s3://models/scorer/v3
          dataset: {uri: "s3://datasets/scores/"}
          template:
            metadata:
              annotations:
                sim.modelops.io/run-seconds: "0.2"
                sim.modelops.io/termination-message: '{"metrics": {"accuracy": 0.93}, "modelURI": "s3://models/scorer/v3"}'
            spec:
              restartPolicy: Never
              containers:
              - name: trainer
                image: registry.example/trainer:1
          validation:
            gates:
            - metric: accuracy
              min: 0.9
        """

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
