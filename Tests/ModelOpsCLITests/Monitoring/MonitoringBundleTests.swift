import Foundation
import KubeCore
import Testing
import TestSupport

/// manifests/monitoring: the alerts through promtool (check and unit tests), the kustomization as
/// kubectl renders it, and every dashboard panel's query against a real Prometheus scraping a
/// running `modelops run` (metrics on, leader election on) after a rollout with analysis, a
/// registry alias that cannot be read, a retrain run and a failed training.
@Suite("Monitoring bundle", .serialized)
struct MonitoringBundleTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("manifests/monitoring")

    static func document(_ file: String) throws -> JSON {
        try JSON.parseYAML(String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8))
    }

    /// Panels whose metric the scenario cannot produce with a real clock: no schedule slot passes.
    static let noDataInScenario: Set<String> = ["Missed schedules (1h)"]

    @Test("the PrometheusRule passes promtool check rules, and promtool test rules fires every alert as its test says")
    func alertsUnderPromtool() async throws {
        let rule = try Self.document("prometheusrule.yaml")
        let groups = try #require(rule[path: ["spec", "groups"]])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // JSON is YAML: the rule groups exactly as the PrometheusRule holds them.
        try Data(JSON.object(["groups": groups]).serialized()).write(to: dir.appendingPathComponent("rules.yaml"))
        try FileManager.default.copyItem(at: Self.directory.appendingPathComponent("rules-test.yaml"),
                                         to: dir.appendingPathComponent("rules-test.yaml"))
        let check = try await Command.run("/usr/bin/promtool", ["check", "rules", dir.appendingPathComponent("rules.yaml").path])
        #expect(check.status == 0 && check.stdout.contains("SUCCESS: 9 rules found"), "\(check)")
        let test = try await Command.run("/usr/bin/promtool", ["test", "rules", dir.appendingPathComponent("rules-test.yaml").path])
        #expect(test.status == 0 && test.stdout.contains("SUCCESS"), "\(test)")

        // Every alert has a test that fires it, a severity and a runbook line.
        let alerts = (groups.arrayValue ?? []).flatMap { $0["rules"]?.arrayValue ?? [] }
        let tested = try String(contentsOf: Self.directory.appendingPathComponent("rules-test.yaml"), encoding: .utf8)
        for alert in alerts {
            let name = alert["alert"]?.stringValue ?? ""
            #expect(tested.contains("alertname: \(name)\n    exp_alerts:\n    - exp_labels"), "\(name) has no firing test")
            #expect(["critical", "warning", "info"].contains(alert[path: ["labels", "severity"]]?.stringValue ?? ""), "\(name)")
            #expect(alert[path: ["annotations", "runbook"]]?.stringValue?.isEmpty == false, "\(name) has no runbook")
        }
    }

    @Test("kubectl kustomize manifests/monitoring: a ServiceMonitor on the metrics Service's port, the rules, the dashboard")
    func kustomization() async throws {
        let root = Self.directory.deletingLastPathComponent()
        let rendered = try await Command.run(Command.which("kubectl") ?? "/usr/bin/kubectl",
                                             ["kustomize", Self.directory.path])
        #expect(rendered.status == 0, "\(rendered)")
        let objects = try JSON.parseYAMLDocuments(rendered.stdout)
        #expect(Set(objects.compactMap { $0["kind"]?.stringValue }) == ["ServiceMonitor", "PrometheusRule", "ConfigMap"])
        #expect(objects.allSatisfy { $0[path: ["metadata", "namespace"]] == "modelops-system" })
        let monitor = try #require(objects.first { $0["kind"] == "ServiceMonitor" })
        let service = try JSON.parseYAML(String(contentsOf: root.appendingPathComponent("manager/metrics_service.yaml"), encoding: .utf8))
        for (key, value) in monitor[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? [:] {
            #expect(service[path: ["metadata", "labels", key]] == value, "the ServiceMonitor selects the Service by \(key)")
        }
        #expect(monitor[path: ["spec", "endpoints"]]?[0]?["port"] == service[path: ["spec", "ports"]]?[0]?["name"])
        let dashboard = try #require(objects.first { $0["kind"] == "ConfigMap" })
        #expect(dashboard[path: ["metadata", "labels", "grafana_dashboard"]] == "1")
    }

    /// The Prometheus Operator's own CRDs for the two kinds the bundle uses (Tests/Fixtures).
    static let prometheusOperatorCRDs = directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/prometheus-operator")

    @Test("kubectl apply -k manifests/monitoring on top of manifests/, on a server with the Prometheus Operator's CRDs: accepted whole, nothing pruned; a misspelt field is refused")
    func appliesOnPrometheusOperatorCRDs() async throws {
        let cluster = try await TestCluster.start(simulator: nil)
        do {
            for file in ["monitoring.coreos.com_servicemonitors.yaml", "monitoring.coreos.com_prometheusrules.yaml"] {
                try await cluster.kubectlOK("apply", "--server-side", "-f", Self.prometheusOperatorCRDs.appendingPathComponent(file).path)
            }
            try await cluster.kubectlOK("wait", "--for=condition=Established", "--timeout=60s",
                                        "crd/servicemonitors.monitoring.coreos.com", "crd/prometheusrules.monitoring.coreos.com")
            try await cluster.kubectlOK("apply", "-k", Self.directory.deletingLastPathComponent().path)
            let applied = try await cluster.kubectlOK("apply", "-k", Self.directory.path)
            #expect(applied.contains("servicemonitor.monitoring.coreos.com/modelops-operator created")
                    && applied.contains("prometheusrule.monitoring.coreos.com/modelops-alerts created")
                    && applied.contains("configmap/modelops-grafana-dashboard created"), "\(applied)")

            // What the server stored is what the bundle says: no field pruned by the real schemas.
            let rendered = try JSON.parseYAMLDocuments(try await Command.run(Command.which("kubectl") ?? "/usr/bin/kubectl",
                                                                              ["kustomize", Self.directory.path]).stdout)
            let monitor = await cluster.direct("GET", "/apis/monitoring.coreos.com/v1/namespaces/modelops-system/servicemonitors/modelops-operator")
            #expect(monitor["spec"] == rendered.first { $0["kind"] == "ServiceMonitor" }?["spec"], "\(monitor)")
            #expect(monitor[path: ["spec", "endpoints"]]?[0]?["scheme"] == "https")
            let rule = await cluster.direct("GET", "/apis/monitoring.coreos.com/v1/namespaces/modelops-system/prometheusrules/modelops-alerts")
            #expect(rule["spec"] == rendered.first { $0["kind"] == "PrometheusRule" }?["spec"], "\(rule)")

            // kubectl's strict field validation against the real schema, as on a cluster.
            let misspelt = try await cluster.kubectl("apply", "-f", "-", stdin: """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: typo, namespace: modelops-system}
                spec:
                  selector: {matchLabels: {app: x}}
                  endpoints:
                  - {port: metrics, bearerTokenFiel: /var/run/secrets/kubernetes.io/serviceaccount/token}
                """)
            #expect(misspelt.status != 0 && misspelt.stderr.contains("bearerTokenFiel"), "\(misspelt)")
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// Every panel's query, from the dashboard JSON in the ConfigMap.
    static func panelQueries() throws -> [(title: String, expr: String)] {
        let map = try document("grafana-dashboard.yaml")
        let text = try #require(map[path: ["data", "modelops.json"]]?.stringValue)
        let dashboard = try JSON.parse(text)
        return (dashboard["panels"]?.arrayValue ?? []).flatMap { panel in
            (panel["targets"]?.arrayValue ?? []).compactMap { target in
                target["expr"]?.stringValue.map { (panel["title"]?.stringValue ?? "", $0) }
            }
        }
    }

    @Test("every dashboard panel's query returns data from a real Prometheus scraping a running operator")
    func dashboardQueries() async throws {
        let queries = try Self.panelQueries()
        #expect(queries.count == 17)
        let port = try PrometheusFixture.freePort()
        try await PrometheusFixture.with(operatorTargets: ["127.0.0.1:\(port)"]) { prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v2"], 0.01)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v2"}"#)
            try await ActionStack.with(operatorArguments: ["--metrics-bind-address", "127.0.0.1:\(port)", "--leader-elect",
                                                           "--leader-election-namespace", ActionStack.namespace]) { stack in
                try await stack.apply(ActionFixtures.modelDeployment("churn", version: "v1", steps: "- setWeight: 25\n- analysis: {}\n- pause: {duration: 3s}", analysis: """
                    analysis:
                      provider:
                        prometheus:
                          address: \(prometheus.address)
                      interval: 1s
                      count: 2
                      metrics:
                      - name: error-rate
                        query: 'max(model_request_error_ratio{version="{{version}}"})'
                        thresholdRange:
                          max: 0.05
                    """))
                try await stack.waitFor("modeldeployments", "churn", "v1 healthy") { $0[path: ["status", "phase"]]?.stringValue == "Healthy" }
                try await stack.patchSpec("modeldeployments", "churn", #"{"spec":{"model":{"version":"v2","uri":"s3://models/churn/v2"}}}"#)
                // The canary lasts 3 s past its analysis (15 scrapes at 200 ms), so its weight and
                // step are scraped even when a loaded machine misses some scrapes.
                try await prometheus.waitForSample(query: "max_over_time(modelops_rollout_canary_weight[10m])", where: { $0 == 25 })
                try await stack.waitFor("modeldeployments", "churn", "v2 promoted after its analysis") {
                    $0[path: ["status", "stable", "version"]]?.stringValue == "v2"
                }
                try await stack.apply("""
                    apiVersion: modelops.io/v1alpha1
                    kind: ModelDeployment
                    metadata:
                      name: follower
                      namespace: \(ActionStack.namespace)
                    spec:
                      model:
                        registry:
                          mlflow: {name: churn, alias: champion}
                      template:
                        spec:
                          containers:
                          - name: server
                            image: ghcr.io/example/model-server:1.4
                    """)
                try await stack.apply(ActionFixtures.retrainPolicy("fraud-nightly", deployment: "churn"))
                _ = try await stack.modelopsOK("retrain", "fraud-nightly")
                try await stack.apply("""
                    apiVersion: modelops.io/v1alpha1
                    kind: TrainingJob
                    metadata:
                      name: broken
                      namespace: \(ActionStack.namespace)
                    spec:
                      model: {name: fraud}
                      outputURI: s3://models/fraud/
                      dataset: {uri: s3://data/tx/}
                      backoffLimit: 0
                      template:
                        metadata:
                          annotations:
                            sim.modelops.io/run-seconds: "0.1"
                            sim.modelops.io/exit-code: "1"
                            sim.modelops.io/termination-message: "CUDA error: out of memory"
                        spec:
                          restartPolicy: Never
                          containers:
                          - name: trainer
                            image: registry.example/train:1
                    """)
                try await stack.waitFor("trainingjobs", "broken", "failed") { $0[path: ["status", "phase"]]?.stringValue == "Failed" }

                try await prometheus.waitForSample(query: #"modelops_training_runs_total{result="succeeded"}"#)
                // Rates and increases need two scrapes of a series: the failed run's counter came last.
                try await prometheus.waitForSample(query: #"count_over_time(modelops_training_runs_total{result="failed"}[1h])"#,
                                                   where: { $0 >= 2 })
                try await prometheus.waitForSample(query: "modelops_registry_reachable")
                // As Grafana asks: a range query over the scenario (the canary's weight and step
                // exist only while its rollout ran).
                for (title, expr) in queries {
                    let answer = try await prometheus.queryRange(expr, seconds: 600)
                    #expect(answer["status"] == "success", "\(title): \(expr): \(answer.serializedString())")
                    let series = answer[path: ["data", "result"]]?.arrayValue ?? []
                    if Self.noDataInScenario.contains(title) { continue }
                    #expect(!series.isEmpty, "panel \"\(title)\" has no data: \(expr)")
                }
                let weight = try await prometheus.query(#"modelops_rollouts_total{modeldeployment="churn",outcome="promoted"}"#)
                #expect(weight[path: ["data", "result"]]?[0]?["value"]?[1] == "1", "\(weight.serializedString())")
                let measured = try await prometheus.query(#"modelops_analysis_measurements_total{modeldeployment="churn",result="successful"}"#)
                #expect(measured[path: ["data", "result"]]?[0]?["value"]?[1] == "2", "\(measured.serializedString())")

                // The exposition with the domain metrics passes promtool check metrics.
                let scrape = try await Command.run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/metrics"])
                let check = try await Command.run("/usr/bin/promtool", ["check", "metrics"], stdin: scrape.stdout)
                #expect(check.status == 0, "\(check)")
                #expect(scrape.stdout.contains("modelops_training_headline_metric{"), "\(scrape.stdout.prefix(2000))")
            }
        }
    }
}
