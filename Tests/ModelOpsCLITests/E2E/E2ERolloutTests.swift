import Foundation
import KubeCore
import ModelOpsAPI
import Testing
import TestSupport

/// Canary rollouts judged by a real Prometheus (scraping an exporter in this test process, which
/// the operator, running here too, reaches on loopback), with the operator as its ServiceAccount.
/// Every version starts at 50% with an analysis step of two measurements a second apart.
@Suite("E2E: rollouts with Prometheus analysis", .serialized, .e2eCluster)
struct E2ERolloutTests {
    static let steps: [JSON] = [["setWeight": 50], ["analysis": [:]]]

    /// A Prometheus whose exporter reports `errorRatio` for `version`, the operator, v1 served
    /// and Healthy, then v2 in spec: `body` sees the canary from its start.
    func canaryOfV2(errorRatio: Double, for version: String, _ body: (E2EScenario) async throws -> Void) async throws {
        try await PrometheusFixture.with { prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": version], errorRatio)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="\#(version)"}"#)
            try await E2EScenario.run { scenario in
                _ = try await scenario.startOperator()
                try await scenario.apply(E2EManifests.modelDeployment("churn", version: "v1", steps: Self.steps,
                                                                      analysis: E2EManifests.analysis(prometheus: prometheus.address)))
                try await scenario.waitFor(ModelDeployment.self, "churn", "v1 Healthy") {
                    $0.status?.phase == .healthy && $0.status?.stable?.version == "v1"
                }
                try await scenario.kubectl("patch", "modeldeployment", "churn", "--type", "merge", "-p",
                                           #"{"spec":{"model":{"version":"v2","uri":"s3://models/churn/v2"}}}"#)
                try await body(scenario)
            }
        }
    }

    @Test("bad metrics: the canary is rolled back, the version rejected, a Warning event names the metric; the stable version keeps every pod")
    func badMetricsRollBack() async throws {
        try await canaryOfV2(errorRatio: 0.2, for: "v2") { scenario in
            let rolledBack = try await scenario.waitFor(ModelDeployment.self, "churn", "RolledBack") { $0.status?.phase == .rolledBack }
            #expect(rolledBack.status?.stable?.version == "v1")
            #expect(rolledBack.status?.rejectedVersions?.map(\.version) == ["v2"])
            #expect(rolledBack.status?.rejectedVersions?.first?.reason == "AnalysisFailed")
            let run = try #require(rolledBack.status?.analysisRuns?.first)
            #expect(run.phase == .failed && run.version == "v2")
            #expect(run.metrics?.first?.measurements?.first?.value == 0.2, "the value Prometheus returned")
            let warning = try #require(try await scenario.events(about: "churn", waitingFor: ["RolledBack"])
                .first { $0["reason"]?.stringValue == "RolledBack" })
            #expect(warning["type"]?.stringValue == "Warning")
            let note = warning["note"]?.stringValue ?? ""
            #expect(note.contains("error-rate") && note.contains("0.2"), "\(note)")
            try await scenario.waitFor(E2EScenario.deployments, "churn-v2", "the candidate's Deployment deleted") { $0 == nil }
            try await scenario.waitFor(E2EScenario.deployments, "churn-v1", "v1 back at 2 ready replicas") {
                $0?[path: ["spec", "replicas"]]?.intValue == 2 && $0?[path: ["status", "readyReplicas"]]?.intValue == 2
            }
        }
    }

    @Test("good metrics: the candidate passes both measurements and becomes the stable version on every pod")
    func goodMetricsPromote() async throws {
        try await canaryOfV2(errorRatio: 0.01, for: "v2") { scenario in
            let done = try await scenario.waitFor(ModelDeployment.self, "churn", "v2 stable and Healthy") {
                $0.status?.stable?.version == "v2" && $0.status?.phase == .healthy && $0.status?.canary == nil
            }
            let run = try #require(done.status?.analysisRuns?.first)
            #expect(run.name == "step-1" && run.phase == .successful && run.version == "v2")
            #expect(run.metrics?.first?.successful == 2)
            #expect(run.metrics?.first?.measurements?.last?.value == 0.01)
            #expect(done.status?.history?.map(\.version) == ["v1", "v2"])
            try await scenario.waitFor(E2EScenario.deployments, "churn-v2", "v2 on 2 ready replicas") {
                $0?[path: ["spec", "replicas"]]?.intValue == 2 && $0?[path: ["status", "readyReplicas"]]?.intValue == 2
            }
        }
    }

    @Test("no data: the analysis is inconclusive and the rollout pauses at 50%, saying so; modelops promote carries it on")
    func noDataPauses() async throws {
        // Only v1 has a series: every query about v2 comes back empty.
        try await canaryOfV2(errorRatio: 0.01, for: "v1") { scenario in
            let paused = try await scenario.waitFor(ModelDeployment.self, "churn", "Paused, inconclusive") { $0.status?.phase == .paused }
            #expect(paused.status?.analysisRuns?.first?.phase == .inconclusive)
            #expect(paused.status?.message?.contains("inconclusive") == true, "\(paused.status?.message ?? "")")
            #expect(paused.status?.canary?.weight == 50, "no data never moves the weight on")
            #expect(paused.status?.stable?.version == "v1")
            try await scenario.modelops("promote", "churn")
            try await scenario.waitFor(ModelDeployment.self, "churn", "v2 stable after promote") {
                $0.status?.stable?.version == "v2" && $0.status?.phase == .healthy
            }
        }
    }
}
