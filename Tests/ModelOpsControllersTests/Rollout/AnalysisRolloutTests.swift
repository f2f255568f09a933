import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI
import ModelOpsControllers
import Testing
import TestSupport

/// Canary analysis against a real Prometheus (Debian's `prometheus`, started on loopback),
/// scraping an exporter whose per-version error ratios the test sets.
@Suite("ModelDeployment analysis with real Prometheus", .serialized)
struct AnalysisRolloutTests {
    let helpers = CanaryRolloutTests()
    static let query = #"max(model_request_error_ratio{version="{{version}}"})"#

    /// The operator, a Prometheus and its exporter. The operator's clock runs ahead of real time
    /// when the test skips intervals, so queries are evaluated at Prometheus's own "now".
    func withStack(_ body: (OperatorHarness, PrometheusFixture) async throws -> Void) async throws {
        try await PrometheusFixture.with { prometheus in
            try await OperatorHarness.with(configure: { context in
                context.measurer = PrometheusMeasurer(timeout: .seconds(10), evaluationTime: .server)
            }) { harness in
                try await body(harness, prometheus)
            }
        }
    }

    func analysis(_ address: String, count: Int = 2, extra: String = "") -> String {
        """
        analysis:
          provider:
            prometheus:
              address: \(address)
          interval: 1m
          count: \(count)
        \(RolloutFixtures.indent(extra, by: 2))
          metrics:
          - name: error-rate
            query: '\(Self.query)'
            successCondition: result < 0.05
        """
    }

    static let steps = """
        strategy:
          type: Canary
          canary:
            steps:
            - setWeight: 25
            - analysis: {}
            - setWeight: 50
        """

    @Test("passing analysis: the canary goes to 100% and becomes stable, results recorded in status")
    func passing() async throws {
        try await withStack { harness, prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v2"], 0.01)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v2"}"#)
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", strategy: Self.steps,
                                                                    extra: analysis(prometheus.address)))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            // Every stored version from here on: the analysis is measured in the pass that starts
            // it, so no status is ever written with a run that has not measured yet.
            let resource = harness.client.resource(ModelDeployment.self, namespace: "ml")
            let start = try await resource.list()
            let stream = resource.watch(ListOptions(resourceVersion: start.resourceVersion, timeoutSeconds: 60))
            let versions = Task { () -> [ModelDeploymentStatus] in
                var seen: [ModelDeploymentStatus] = []
                for try await event in stream {
                    guard case let .modified(object) = event, object.metadata.name == "churn", let status = object.status else { continue }
                    seen.append(status)
                    if status.analysisRuns?.first?.metrics?.first?.count == 1 { break }
                }
                return seen
            }
            try await helpers.setVersion(harness, "churn", "v2")
            let first = try await harness.waitFor(ModelDeployment.self, "churn", "first measurement") {
                $0.status?.analysisRuns?.first?.metrics?.first?.count == 1
            }
            let written = try await versions.value
            let unmeasured = written.filter { status in status.analysisRuns?.contains { run in (run.metrics ?? []).contains { ($0.count ?? 0) == 0 } } == true }
            #expect(unmeasured.isEmpty, "a status was written with an analysis run that had not measured: \(unmeasured)")
            #expect(first.status?.analysisRuns?.first?.startedAt == first.status?.analysisRuns?.first?.metrics?.first?.measurements?.first?.startedAt,
                    "the first measurement is taken at the instant the run starts (one clock reading per pass)")
            #expect(first.status?.canary?.weight == 25)
            #expect(first.status?.analysisRuns?.first?.phase == .running)
            #expect(first.status?.analysisRuns?.first?.metrics?.first?.measurements?.first?.value == 0.01)
            harness.clock.advance(by: .seconds(60))
            let done = try await harness.waitFor(ModelDeployment.self, "churn", "v2 stable") { $0.status?.stable?.version == "v2" }
            let run = try #require(done.status?.analysisRuns?.first)
            #expect(run.name == "step-1" && run.phase == .successful && run.version == "v2")
            #expect(run.metrics?.first?.successful == 2)
        }
    }

    @Test("failing analysis: rollback to stable, a Warning event with the metric and value, the version rejected")
    func failing() async throws {
        try await withStack { harness, prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v2"], 0.2)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v2"}"#)
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", strategy: Self.steps,
                                                                    extra: analysis(prometheus.address)))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "churn", "v2")
            let rolledBack = try await harness.waitFor(ModelDeployment.self, "churn", "rolled back") { $0.status?.phase == .rolledBack }
            #expect(rolledBack.status?.rejectedVersions?.map(\.version) == ["v2"])
            #expect(rolledBack.status?.rejectedVersions?.first?.reason == "AnalysisFailed")
            #expect(rolledBack.status?.analysisRuns?.first?.phase == .failed)
            #expect(rolledBack.status?.stable?.version == "v1")
            let warning = try #require(try await harness.events(about: "churn", waitingFor: ["RolledBack"]).first { $0["reason"]?.stringValue == "RolledBack" })
            let note = warning["note"]?.stringValue ?? ""
            #expect(warning["type"]?.stringValue == "Warning")
            #expect(note.contains("error-rate") && note.contains("0.2"), "\(note)")
            try await eventually(timeout: .seconds(20), "candidate gone, stable at full size") {
                let candidate = try await harness.json("apps", "v1", "deployments", "churn-v2")
                let stable = try await helpers.replicas(harness, "churn-v1")
                return candidate == nil && stable == 4
            }
        }
    }

    @Test("no data is inconclusive: the rollout pauses and says so; promote continues it")
    func noData() async throws {
        try await withStack { harness, prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v1"], 0.01)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v1"}"#)
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", strategy: Self.steps,
                                                                    extra: analysis(prometheus.address)))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "churn", "v2")
            let paused = try await harness.waitFor(ModelDeployment.self, "churn", "paused inconclusive") { $0.status?.phase == .paused }
            #expect(paused.status?.analysisRuns?.first?.phase == .inconclusive)
            #expect(paused.status?.message?.contains("inconclusive") == true, "\(paused.status?.message ?? "")")
            #expect(paused.status?.canary?.weight == 25, "no data never moves the weight on")
            #expect(paused.status?.stable?.version == "v1")
            try await helpers.act(harness, "churn", "promote")
            try await harness.waitFor(ModelDeployment.self, "churn", "50%") { $0.status?.canary?.weight == 50 || $0.status?.stable?.version == "v2" }
        }
    }

    @Test("bake window: at 100% the previous version stays warm; a failing bake analysis reverts to it")
    func bakeRevert() async throws {
        try await withStack { harness, prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v2"], 0.01)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v2"}"#)
            let strategy = """
                strategy:
                  type: Canary
                  canary:
                    bakeSeconds: 600
                    steps:
                    - setWeight: 50
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", strategy: strategy,
                                                                    extra: analysis(prometheus.address, count: 5)))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "churn", "v2")
            let baking = try await harness.waitFor(ModelDeployment.self, "churn", "baking") {
                $0.status?.canary?.weight == 100 && ($0.status?.analysisRuns?.contains { $0.name == "bake" } ?? false)
            }
            #expect(baking.status?.message?.contains("baking") == true)
            #expect(try await helpers.replicas(harness, "churn-v1") == 4, "the previous version is kept warm")
            let main = try #require(try await harness.json("", "v1", "services", "churn"))
            #expect(main[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v2")
            // The new version degrades while baking.
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v2"], 0.3)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v2"} > 0.1"#)
            harness.clock.advance(by: .seconds(60))
            let reverted = try await harness.waitFor(ModelDeployment.self, "churn", "reverted") { $0.status?.phase == .rolledBack }
            #expect(reverted.status?.rejectedVersions?.first?.reason == "BakeFailed")
            #expect(reverted.status?.stable?.version == "v1")
            try await eventually(timeout: .seconds(20), "main Service back on v1") {
                let main = try await harness.json("", "v1", "services", "churn")
                return main?[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v1"
            }
        }
    }

    @Test("BlueGreen pre-promotion analysis: a failing candidate is rolled back without ever serving; a passing one waits for promote, then switches")
    func blueGreenPrePromotion() async throws {
        try await withStack { harness, prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v2"], 0.2)
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v3"], 0.01)
            try await prometheus.waitForSample(query: #"count(model_request_error_ratio) == 2"#)
            let strategy = """
                strategy:
                  type: BlueGreen
                  blueGreen:
                    prePromotionAnalysis: {}
                """
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2, strategy: strategy,
                                                                    extra: analysis(prometheus.address)))
            try await harness.waitFor(ModelDeployment.self, "churn", "v1 healthy") { $0.status?.phase == .healthy }

            try await helpers.setVersion(harness, "churn", "v2")
            // failureLimit 0: the first failing measurement ends it, before v2 ever takes traffic.
            let rejected = try await harness.waitFor(ModelDeployment.self, "churn", "v2 rolled back") { $0.status?.phase == .rolledBack }
            #expect(rejected.status?.rejectedVersions?.map(\.version) == ["v2"])
            #expect(rejected.status?.stable?.version == "v1")
            #expect(rejected.status?.analysisRuns?.first { $0.name == "prePromotion" }?.phase == .failed)
            let active = try #require(try await harness.json("", "v1", "services", "churn"))
            #expect(active[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v1", "v2 never served users")

            try await helpers.setVersion(harness, "churn", "v3")
            try await harness.waitFor(ModelDeployment.self, "churn", "pre-promotion analysis of v3") {
                $0.status?.canary?.version == "v3"
                    && $0.status?.analysisRuns?.first { $0.name == "prePromotion" && $0.version == "v3" }?.metrics?.first?.count == 1
            }
            harness.clock.advance(by: .seconds(61))
            let ready = try await harness.waitFor(ModelDeployment.self, "churn", "v3 waits for promote") {
                $0.status?.phase == .paused && $0.status?.canary?.version == "v3"
            }
            #expect(ready.status?.analysisRuns?.first { $0.name == "prePromotion" }?.phase == .successful)
            #expect(ready.status?.message?.contains("promote to switch") == true, "\(ready.status?.message ?? "")")
            try await helpers.act(harness, "churn", "promote")
            try await harness.waitFor(ModelDeployment.self, "churn", "v3 stable") { $0.status?.stable?.version == "v3" }
            try await eventually(timeout: .seconds(20), "active Service on v3") {
                let active = try await harness.json("", "v1", "services", "churn")
                return active?[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v3"
            }
        }
    }
}
