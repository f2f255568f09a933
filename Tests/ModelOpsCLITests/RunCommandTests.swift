import Foundation
import KubeCore
import Testing
import TestSupport

/// `modelops run` as users start it: flags and their environment variables, the one-line
/// failures, the start-up log, probes, metrics, and graceful shutdown on SIGTERM.
@Suite("modelops run")
struct RunCommandTests {
    /// Listeners on free loopback ports, so tests run side by side.
    static let loopback = ["--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address", "127.0.0.1:0"]

    @Test("an unknown flag exits non-zero with one line naming it, not the usage text")
    func unknownFlag() async throws {
        let (status, output) = try await OperatorProcess.run(["run", "--leader-elekt"])
        #expect(status != 0)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 1, "\(output)")
        #expect(output.hasPrefix("modelops: ") && output.contains("--leader-elekt"), "\(output)")
    }

    @Test("a bad value, from a flag or its environment variable, exits non-zero with one line naming both",
          arguments: [
              (["--log-format", "yaml"], [String: String](), "--log-format"),
              ([], ["MODELOPS_LOG_FORMAT": "yaml"], "MODELOPS_LOG_FORMAT"),
              (["--max-concurrent-reconciles", "0"], [:], "--max-concurrent-reconciles"),
              ([], ["MODELOPS_MAX_CONCURRENT_RECONCILES": "many"], "MODELOPS_MAX_CONCURRENT_RECONCILES"),
              ([], ["MODELOPS_LEADER_ELECT": "perhaps"], "MODELOPS_LEADER_ELECT"),
              (["--metrics-bind-address", "8080"], [:], "--metrics-bind-address"),
              (["--log-level", "loud"], [:], "--log-level"),
              (["--kube-api-qps", "0"], [:], "--kube-api-qps"),
              ([], ["MODELOPS_KUBE_API_QPS": "fast"], "MODELOPS_KUBE_API_QPS"),
              (["--kube-api-qps", "50", "--kube-api-burst", "0"], [:], "--kube-api-burst"),
              (["--kube-api-burst", "10"], [:], "--kube-api-qps"),
              (["--mlflow-tracking-uri", "mlflow:5000"], [:], "--mlflow-tracking-uri"),
              ([], ["MODELOPS_MLFLOW_TRACKING_URI": "ftp://mlflow"], "MODELOPS_MLFLOW_TRACKING_URI"),
              (["--metrics-secure", "--metrics-bind-address", ":9000", "--health-probe-bind-address", ":9000"], [:], "--metrics-secure"),
              (["--metrics-cert-path", "/etc/certs"], [:], "--metrics-secure"),
              ([], ["MODELOPS_METRICS_SECURE": "maybe"], "MODELOPS_METRICS_SECURE"),
          ])
    func badValue(arguments: [String], environment: [String: String], named: String) async throws {
        let (status, output) = try await OperatorProcess.run(["run", "--kubeconfig", "/nonexistent"] + arguments,
                                                             environment: environment)
        #expect(status != 0)
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.hasPrefix("modelops: ") && output.contains(named), "\(output)")
    }

    @Test("an unreachable API server exits non-zero with one line saying so")
    func unreachable() async throws {
        let dir = try Repository.temporaryDirectory()
        let kubeconfig = dir.appendingPathComponent("unreachable.kubeconfig").path
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: nowhere
              cluster:
                server: https://127.0.0.1:1
                insecure-skip-tls-verify: true
            users:
            - name: someone
              user:
                token: abc
            contexts:
            - name: nowhere
              context: {cluster: nowhere, user: someone}
            current-context: nowhere
            """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
        let (status, output) = try await OperatorProcess.run(["run", "--kubeconfig", kubeconfig] + Self.loopback)
        #expect(status != 0)
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.hasPrefix("modelops: cannot reach the API server at https://127.0.0.1:1: connection refused"), "\(output)")
    }

    @Test("a missing kubeconfig file exits non-zero with one line naming it")
    func missingKubeconfig() async throws {
        let (status, output) = try await OperatorProcess.run(["run", "--kubeconfig", "/nonexistent/kubeconfig"])
        #expect(status != 0)
        #expect(output.split(separator: "\n").count == 1, "\(output)")
        #expect(output.hasPrefix("modelops: ") && output.contains("/nonexistent/kubeconfig"), "\(output)")
    }

    @Test("runs against the API server: logs what it is, probes answer, /metrics passes promtool, SIGTERM exits 0 and releases the Lease")
    func runs() async throws {
        let cluster = try await CLICluster.start()
        let op = try OperatorProcess(arguments: ["run", "--kubeconfig", cluster.kubeconfig, "--leader-elect",
                                                 "--log-format", "json", "--namespace", "ml"] + Self.loopback,
                                     environment: ["POD_NAME": "modelops-operator-abc12"])
        do {
            let start = try JSON.parse(try await op.waitForLine("starting the ModelOps operator"))
            #expect(start["version"]?.stringValue == (try Repository.sourceVersion()))
            #expect(start["apiServer"]?.stringValue == cluster.server.url)
            #expect(start["user"]?.stringValue == "kubernetes-admin")
            #expect(start["identity"]?.stringValue?.hasPrefix("modelops-operator-abc12_") == true)
            #expect(start["watching"]?.stringValue == "namespace ml")
            #expect(start["leaderElection"]?.stringValue == "Lease modelops-system/modelops-operator")
            #expect(start["clientLimit"]?.stringValue == "none (API Priority and Fairness)")
            #expect(start["maxConcurrentReconciles"]?.stringValue == "4", "four workers per kind unless told otherwise")

            let probes = try await op.listenerPort("health probes")
            let metrics = try await op.listenerPort("metrics")
            #expect(probes != metrics)
            #expect(try await httpGet(probes, "/healthz").status == 200)
            try await eventually(timeout: .seconds(20), "/readyz 200") { try await httpGet(probes, "/readyz").status == 200 }
            #expect(try await httpGet(probes, "/metrics").status == 404, "metrics are served on their own address")

            // The Lease is held by this replica.
            try await eventually(timeout: .seconds(20), "the Lease acquired") {
                await CLICluster.lease(cluster)?[path: ["spec", "holderIdentity"]]?.stringValue == start["identity"]?.stringValue
            }
            let scrape = try await httpGet(metrics, "/metrics")
            #expect(scrape.status == 200)
            #expect(scrape.body.contains("leader_election_master_status{name=\"modelops-operator\"} 1"), "\(scrape.body)")
            #expect(scrape.body.contains("rest_client_requests_total"))
            let promtool = try await Command.run(Command.which("promtool") ?? "/usr/bin/promtool", ["check", "metrics"], stdin: scrape.body)
            #expect(promtool.status == 0, "\(promtool)")

            let began = ContinuousClock.now
            let status = try await op.terminate()
            #expect(status == 0, "\(op.log)")
            #expect(ContinuousClock.now - began < .seconds(10), "SIGTERM should end the operator promptly")
            let lease = await CLICluster.lease(cluster)
            #expect((lease?[path: ["spec", "holderIdentity"]]?.stringValue ?? "").isEmpty, "the Lease is handed back: \(String(describing: lease))")
            #expect(op.log.contains("the ModelOps operator stopped"))
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test("environment variables do what their flags do; a flag wins over its variable")
    func environment() async throws {
        let cluster = try await CLICluster.start()
        let op = try OperatorProcess(arguments: ["run", "--namespace", "from-flag"], environment: [
            "MODELOPS_KUBECONFIG": cluster.kubeconfig, "MODELOPS_NAMESPACE": "from-env",
            "MODELOPS_LEADER_ELECT": "true", "MODELOPS_METRICS_BIND_ADDRESS": "0",
            "MODELOPS_HEALTH_PROBE_BIND_ADDRESS": "127.0.0.1:0", "MODELOPS_MAX_CONCURRENT_RECONCILES": "3",
            "MODELOPS_KUBE_API_QPS": "50",
            "MODELOPS_LOG_FORMAT": "json", "MODELOPS_LOG_LEVEL": "debug", "POD_NAMESPACE": CLICluster.operatorNamespace,
        ])
        do {
            let start = try JSON.parse(try await op.waitForLine("starting the ModelOps operator"))
            #expect(start["apiServer"]?.stringValue == cluster.server.url)
            #expect(start["watching"]?.stringValue == "namespace from-flag")
            #expect(start["leaderElection"]?.stringValue == "Lease modelops-system/modelops-operator")
            #expect(start["metrics"]?.stringValue == "off")
            #expect(start["maxConcurrentReconciles"]?.stringValue == "3")
            #expect(start["clientLimit"]?.stringValue == "50.0 qps, burst 100")
            // The log is read as it comes: a debug line may follow the start line by a moment.
            try await eventually("MODELOPS_LOG_LEVEL=debug shows debug lines") {
                op.jsonLines.contains { $0["level"]?.stringValue == "debug" }
            }
            let probes = try await op.listenerPort("health probes")
            #expect(!op.log.contains("\"serving metrics\""), "MODELOPS_METRICS_BIND_ADDRESS=0 turns metrics off")
            #expect(try await httpGet(probes, "/metrics").status == 404)
            try await eventually(timeout: .seconds(20), "the Lease acquired") { await CLICluster.lease(cluster) != nil }
            #expect(try await op.terminate() == 0)
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test("--log-format json writes one JSON object per line, text writes none")
    func logFormats() async throws {
        let cluster = try await CLICluster.start()
        for format in ["json", "text"] {
            let op = try OperatorProcess(arguments: ["run", "--kubeconfig", cluster.kubeconfig, "--log-format", format,
                                                     "--log-level", "debug"] + Self.loopback)
            do {
                try await op.waitForLine("starting the ModelOps operator")
                try await op.waitForLine("RBAC permissions checked")
                #expect(try await op.terminate() == 0)
                let lines = op.lines
                #expect(lines.count >= 3)
                if format == "json" {
                    for line in lines {
                        let object = try? JSON.parse(line)
                        #expect(object?["msg"]?.stringValue != nil && object?["level"] != nil && object?["ts"] != nil,
                                "not a JSON log object: \(line)")
                    }
                } else {
                    #expect(lines.allSatisfy { (try? JSON.parse($0)) == nil }, "\(op.log)")
                    #expect(lines.contains { $0.contains("info") && $0.contains("starting the ModelOps operator") })
                }
            } catch {
                op.kill()
                await cluster.stop()
                throw error
            }
        }
        await cluster.stop()
    }

    @Test("--version prints the version the binary was built as")
    func version() async throws {
        let (status, output) = try await OperatorProcess.run(["--version"])
        #expect(status == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == (try Repository.sourceVersion()))
    }
}
