import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import Testing
import TestSupport
@testable import ModelOpsControllers

/// A Metric trigger measured by a real Prometheus scraping a test-controlled exporter.
@Suite("RetrainPolicy metric trigger against a real Prometheus", .serialized)
struct RetrainMetricTriggerEndToEndTests {
    static let drift = "model_drift_score"

    @Test("drift above the threshold for `for` starts exactly one run; the cooldown stops a storm; after it, another")
    func driftTrigger() async throws {
        try await PrometheusFixture.with { prometheus in
            prometheus.exporter.set(Self.drift, labels: ["model": "fraud"], 0.05)
            try await prometheus.waitForSample(query: Self.drift)
            let metrics = RuntimeMetrics()
            let harness = try await OperatorHarness.startRetrain { context in
                context.metrics = metrics
                // The operator clock is shifted away from real time; Prometheus answers at its own now.
                context.measurer = PrometheusMeasurer(timeout: .seconds(10), evaluationTime: .server)
            }
            do {
                try await harness.create(OperatorHarness.retrainPolicy("drift", extra: """
                    cooldown: 1h
                    triggers:
                    - type: Metric
                      metric:
                        query: 'max(model_drift_score{model="{{model}}"})'
                        threshold: 0.2
                        for: 1m
                        provider:
                          prometheus:
                            address: \(prometheus.address)
                    """))
                try await harness.waitFor(RetrainPolicy.self, "drift", "scheduled") { $0.status?.nextScheduleTime != nil }
                try await Self.evaluate(harness, metrics, times: 2)
                #expect(try await harness.trainingJobs(of: "drift").isEmpty, "below the threshold")

                prometheus.exporter.set(Self.drift, labels: ["model": "fraud"], 0.35)
                try await prometheus.waitForSample(query: Self.drift) { $0 > 0.2 }
                harness.clock.advance(by: .seconds(31))
                let breaching = try await harness.waitFor(RetrainPolicy.self, "drift", "breach noticed") {
                    $0.status?.triggerStatuses?.first?.breachingSince != nil
                }
                #expect(breaching.status?.triggerStatuses?.first?.lastValue == 0.35)
                #expect(try await harness.trainingJobs(of: "drift").isEmpty, "not yet held for 1m")

                try await Self.evaluate(harness, metrics, times: 2)
                let first = try await harness.waitForJobs(of: "drift", count: 1)
                let policy = try await harness.waitFor(RetrainPolicy.self, "drift", "trigger recorded") { $0.status?.lastTrigger?.type == .metric }
                #expect(policy.status?.lastTrigger?.reason?.contains("0.35 > 0.2 for 1m") == true, "\(policy.status?.lastTrigger?.reason ?? "")")
                #expect(try await harness.get(TrainingJob.self, first[0]).metadata.labels?["modelops.io/trigger"] == "Metric")
                try await harness.finish(first[0], .succeeded)
                try await harness.waitFor(RetrainPolicy.self, "drift", "run finished") { $0.status?.activeCount == 0 }

                // Still drifting, evaluated every 30 s for ten minutes: the cooldown holds.
                try await Self.evaluate(harness, metrics, times: 20)
                #expect(try await harness.trainingJobs(of: "drift").count == 1)

                // An hour after the first run the trigger, still breaching, starts a second one.
                harness.clock.advance(by: .seconds(3600))
                try await harness.waitForJobs(of: "drift", count: 2)
                #expect(try await harness.trainingJobs(of: "drift").count == 2)
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    @Test("a Metric trigger without a provider queries the referenced ModelDeployment's spec.analysis.provider")
    func providerFromModelDeployment() async throws {
        try await PrometheusFixture.with { prometheus in
            prometheus.exporter.set(Self.drift, labels: ["model": "fraud"], 0.35)
            try await prometheus.waitForSample(query: Self.drift) { $0 > 0.2 }
            let metrics = RuntimeMetrics()
            let harness = try await OperatorHarness.startRetrain { context in
                context.metrics = metrics
                context.measurer = PrometheusMeasurer(timeout: .seconds(10), evaluationTime: .server)
            }
            do {
                // The ModelDeployment only names where its analysis queries go (the RetrainPolicy
                // harness runs no ModelDeployment controller).
                try await harness.create("""
                    apiVersion: modelops.io/v1alpha1
                    kind: ModelDeployment
                    metadata:
                      name: fraud
                      namespace: \(OperatorHarness.namespace)
                    spec:
                      model:
                        name: fraud
                        version: "1"
                        uri: s3://models/fraud/1/
                      template:
                        spec:
                          containers:
                          - name: server
                            image: server:1
                      analysis:
                        provider:
                          prometheus:
                            address: \(prometheus.address)
                        metrics:
                        - name: error-rate
                          query: 'max(errors{version="{{version}}"})'
                          successCondition: result < 0.05
                    """)
                try await harness.create(OperatorHarness.retrainPolicy("drift", extra: """
                    triggers:
                    - type: Metric
                      metric:
                        query: 'max(model_drift_score{model="{{model}}"})'
                        threshold: 0.2
                        for: 1m
                    """))
                try await harness.waitFor(RetrainPolicy.self, "drift", "scheduled") { $0.status?.nextScheduleTime != nil }
                harness.clock.advance(by: .seconds(31))
                let breaching = try await harness.waitFor(RetrainPolicy.self, "drift", "breach noticed through the ModelDeployment's provider") {
                    $0.status?.triggerStatuses?.first?.breachingSince != nil
                }
                #expect(breaching.status?.triggerStatuses?.first?.lastValue == 0.35)
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    /// Moves the clock one evaluation interval `times` times, each time waiting until the
    /// controller has reconciled (and so evaluated the trigger) again.
    static func evaluate(_ harness: OperatorHarness, _ metrics: RuntimeMetrics, times: Int) async throws {
        for _ in 0..<times {
            let before = RetrainScheduleEndToEndTests.reconciles(metrics)
            harness.clock.advance(by: .seconds(31))
            try await eventually(timeout: .seconds(20), "an evaluation") { RetrainScheduleEndToEndTests.reconciles(metrics) > before }
        }
    }
}
