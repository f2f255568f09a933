import Foundation
import KubeCore
import Testing
import TestSupport

/// `/metrics` as manifests/ ships it (`--metrics-secure`): HTTPS, every scrape's token reviewed by
/// the API server (TokenReview, then a SubjectAccessReview for `get /metrics`), run as the
/// operator's ServiceAccount with manifests/ RBAC enforced, and scraped by a real Prometheus
/// configured as manifests/monitoring's ServiceMonitor configures it.
@Suite("Secure metrics (manifests/)")
struct SecureMetricsTests {
    /// Prometheus's ServiceAccount (kube-prometheus's name) bound as README.md says, and another
    /// ServiceAccount that is not.
    static let scrapers = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: monitoring}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: prometheus-k8s, namespace: monitoring}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: intruder, namespace: monitoring}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: prometheus-modelops-metrics}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: modelops-metrics-reader}
        subjects:
        - {kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}
        """

    /// A token from the TokenRequest API, as the kubelet mounts one into a pod.
    static func token(_ cluster: TestCluster, serviceAccount: String) async throws -> String {
        let request = #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}"#
        let answer = try await cluster.kubectlOK("create", "--raw", "/api/v1/namespaces/monitoring/serviceaccounts/\(serviceAccount)/token",
                                                 "-f", "-", stdin: request).json
        return try #require(answer[path: ["status", "token"]]?.stringValue)
    }

    /// curl's status code and body for `url`, the certificate not verified (it is self-signed).
    static func scrape(_ url: String, token: String? = nil) async throws -> (status: Int, body: String) {
        var args = ["-sk", "-w", "\n%{http_code}", url]
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        let result = try await Command.run(TestCluster.curlPath, args)
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("HTTPS only; no token 401, a ServiceAccount without modelops-metrics-reader 403, Prometheus's bound one scrapes (up == 1)")
    func secureMetrics() async throws {
        let (cluster, kubeconfig) = try await RBACTests.install()
        let args = try await RBACTests.deploymentArgs()
        #expect(args.contains("--metrics-secure"))
        let op = try OperatorProcess(arguments: args + ["--kubeconfig", kubeconfig], environment: RBACTests.podEnvironment)
        do {
            // The permission check covers the reviews the secure endpoint makes.
            try await op.waitForLine("RBAC permissions checked: every permission the operator uses is granted")
            let serving = try JSON.parse(try await op.waitForLine("\"serving metrics\""))
            #expect(serving["scheme"] == "https" && serving["authorization"] == "TokenReview + SubjectAccessReview", "\(serving)")
            let port = try await op.listenerPort("metrics")
            let url = "https://127.0.0.1:\(port)/metrics"
            try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.scrapers)
            let prometheusToken = try await Self.token(cluster, serviceAccount: "prometheus-k8s")
            let intruderToken = try await Self.token(cluster, serviceAccount: "intruder")

            let anonymous = try await Self.scrape(url)
            #expect(anonymous.status == 401 && anonymous.body == "Unauthorized", "\(anonymous)")
            #expect(try await Self.scrape(url, token: "not-a-token").status == 401)
            let plain = try await Command.run(TestCluster.curlPath, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/metrics"])
            #expect(plain.stdout != "200", "no plain HTTP on the secure port: \(plain)")
            let intruder = try await Self.scrape(url, token: intruderToken)
            #expect(intruder.status == 403 && intruder.body == "Authorization denied for user system:serviceaccount:monitoring:intruder",
                    "\(intruder)")
            let allowed = try await Self.scrape(url, token: prometheusToken)
            #expect(allowed.status == 200 && allowed.body.contains("leader_election_master_status"), "\(allowed.status)")

            // A real Prometheus, as the ServiceMonitor configures it: https, bearer token, no verification.
            try await PrometheusFixture.with(operatorTargets: ["127.0.0.1:\(port)"],
                                             secureScrape: .init(bearerToken: prometheusToken)) { prometheus in
                _ = try await prometheus.waitForSample(query: #"up{job="modelops-operator-metrics"} == 1"#)
                _ = try await prometheus.waitForSample(query: #"leader_election_master_status{job="modelops-operator-metrics"}"#)
            }
            #expect(try await op.terminate() == 0)
            let log = op.log.lowercased()
            #expect(!log.contains("metrics authentication failed") && !log.contains("metrics authorization failed"), "\(op.log)")
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test("without modelops-metrics-auth the operator says which permission is missing, and scrapes get 500, never the metrics")
    func reviewsRefused() async throws {
        let (cluster, kubeconfig) = try await RBACTests.install()
        try await cluster.kubectlOK("delete", "clusterrolebinding", "modelops-metrics-auth")
        let op = try OperatorProcess(arguments: try await RBACTests.deploymentArgs() + ["--kubeconfig", kubeconfig],
                                     environment: RBACTests.podEnvironment)
        do {
            try await op.waitForLine("create tokenreviews.authentication.k8s.io")
            let port = try await op.listenerPort("metrics")
            try await cluster.kubectlOK("apply", "-f", "-", stdin: Self.scrapers)
            let token = try await Self.token(cluster, serviceAccount: "prometheus-k8s")
            let refused = try await Self.scrape("https://127.0.0.1:\(port)/metrics", token: token)
            #expect(refused.status == 500 && refused.body == "Authentication failed", "\(refused)")
            try await op.waitForLine("metrics authentication failed: TokenReview refused")
            #expect(try await op.terminate() == 0)
        } catch {
            op.kill()
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}
