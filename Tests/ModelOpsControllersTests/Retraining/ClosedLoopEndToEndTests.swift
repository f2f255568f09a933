import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import Testing
import TestSupport
@testable import ModelOpsControllers

/// The whole loop with nothing played by the test: all three controllers run, the simulator runs
/// the training pods and makes serving pods available, and a real Prometheus scrapes an exporter
/// that stands in for the model servers (drift score, per-version error ratio).
///
/// drift in Prometheus → TrainingJob → Validated → promoted → canary with analysis → 100%;
/// then a model that validates but serves badly → analysis fails → rollback → the version is
/// quarantined (never promoted again) → the next nightly run produces a good one that goes through.
@Suite("Closed loop: retrain, validate, promote, canary, roll back", .serialized)
struct ClosedLoopEndToEndTests {
    static let drift = "model_drift_score"
    static let errors = "model_request_error_ratio"

    static func policy(_ prometheus: String) -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: RetrainPolicy
        metadata:
          name: fraud
          namespace: \(OperatorHarness.namespace)
        spec:
          modelDeploymentRef:
            name: fraud
          schedule: "0 2 * * *"
          timeZone: Europe/Berlin
          promotion: Automatic
          cooldown: 1h
          triggers:
          - type: Metric
            metric:
              query: 'max(\(drift){model="{{model}}"})'
              threshold: 0.2
              for: 1m
              provider:
                prometheus:
                  address: \(prometheus)
          trainingJobTemplate:
            spec:
              model:
                name: fraud
              outputURI: s3://models/fraud/
              dataset:
                uri: s3://data/tx/
                version: "2026-11-23"
              hyperparameters:
                learning-rate: "0.05"
              template:
                metadata:
                  annotations:
                    # Long enough for the test to publish the new version's error ratio (named
                    # after the run, so known only once the run exists) before its canary measures.
                    sim.modelops.io/run-seconds: "2"
                    sim.modelops.io/termination-message: '{"metrics": {"accuracy": 0.93}}'
                spec:
                  restartPolicy: Never
                  containers:
                  - name: trainer
                    image: registry.example/fraud-trainer:2
              validation:
                gates:
                - metric: accuracy
                  min: 0.9
                compareTo:
                  modelDeployment: fraud
                  metric: accuracy
                  minImprovement: 0
        """
    }

    static func deployment(_ prometheus: String) -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: fraud
          namespace: \(OperatorHarness.namespace)
        spec:
          model:
            fromPolicy: fraud
          replicas: 4
          template:
            spec:
              containers:
              - name: server
                image: registry.example/serve:1
          strategy:
            type: Canary
            canary:
              steps:
              - setWeight: 25
              - analysis: {}
              - setWeight: 50
          analysis:
            provider:
              prometheus:
                address: \(prometheus)
            interval: 1m
            count: 2
            metrics:
            - name: error-rate
              query: 'max(\(errors){version="{{version}}"})'
              successCondition: result < 0.05
        """
    }

    /// The version a TrainingJob of the policy produces (its name: the policy's runs set no version).
    static func succeeded(_ harness: OperatorHarness, _ name: String) async throws -> TrainingJob {
        try await harness.waitFor(TrainingJob.self, name, "succeeded and validated") {
            $0.status?.phase == .succeeded && $0.status?.conditions?[type: "Validated"] != nil
        }
    }

    /// Moves the clock by one analysis interval, then waits until the rollout settles one way or the other.
    static func runAnalysis(_ harness: OperatorHarness, until what: String,
                            _ done: @escaping @Sendable (ModelDeployment) -> Bool) async throws -> ModelDeployment {
        try await harness.waitFor(ModelDeployment.self, "fraud", "first measurement") {
            $0.status?.analysisRuns?.first?.metrics?.first?.count ?? 0 >= 1 || done($0)
        }
        harness.clock.advance(by: .seconds(61))
        return try await harness.waitFor(ModelDeployment.self, "fraud", what, done)
    }

    @Test("drift → training → validated → promoted → canary → 100%; a bad model is rolled back, quarantined, and the next night's goes through")
    func closedLoop() async throws {
        try await PrometheusFixture.with { prometheus in
            prometheus.exporter.set(Self.drift, labels: ["model": "fraud"], 0.05)
            try await prometheus.waitForSample(query: Self.drift)
            try await OperatorHarness.with(configure: { context in
                // The operator clock runs ahead of real time; Prometheus answers at its own now.
                context.measurer = PrometheusMeasurer(timeout: .seconds(10), evaluationTime: .server)
            }) { harness in
                try await harness.create(Self.policy(prometheus.address))
                try await harness.create(Self.deployment(prometheus.address))
                let waiting = try await harness.waitFor(ModelDeployment.self, "fraud", "waiting for a model") {
                    $0.status?.observedGeneration == 1
                }
                #expect(waiting.status?.stable == nil, "the policy has promoted nothing yet")

                // Bootstrap: one manual run gives the deployment its first model, deployed directly.
                try await harness.annotate(policy: "fraud", RetrainRunNames.retrainAnnotation, "bootstrap")
                let bootstrap = try await harness.waitForJobs(of: "fraud", count: 1)[0]
                prometheus.exporter.set(Self.errors, labels: ["version": bootstrap], 0.01)
                #expect(try await Self.succeeded(harness, bootstrap).status?.conditions?[type: "Validated"]?.status == .true)
                try await harness.waitFor(ModelDeployment.self, "fraud", "first model serving") {
                    $0.status?.stable?.version == bootstrap && $0.status?.phase == .healthy
                }

                // Drift: above 0.2 for a minute starts one run, which is validated and promoted.
                prometheus.exporter.set(Self.drift, labels: ["model": "fraud"], 0.35)
                try await prometheus.waitForSample(query: Self.drift) { $0 > 0.2 }
                // Evaluated every 30 s: breaching at one evaluation, held for 1m two evaluations later.
                harness.clock.advance(by: .seconds(31))
                try await harness.waitFor(RetrainPolicy.self, "fraud", "breach noticed") {
                    $0.status?.triggerStatuses?.first?.breachingSince != nil
                }
                for _ in 0..<4 {
                    if try await harness.trainingJobs(of: "fraud").count >= 2 { break }
                    let before = harness.reconciles(RetrainPolicyController.name)
                    harness.clock.advance(by: .seconds(31))
                    try await harness.waitForReconciles(RetrainPolicyController.name, after: before)
                }
                let drifted = try #require(try await harness.waitForJobs(of: "fraud", count: 2).first { $0 != bootstrap })
                prometheus.exporter.set(Self.drift, labels: ["model": "fraud"], 0.05)
                prometheus.exporter.set(Self.errors, labels: ["version": drifted], 0.01)
                try await prometheus.waitForSample(query: "\(Self.errors){version=\"\(drifted)\"}")
                let retrained = try await Self.succeeded(harness, drifted)
                #expect(retrained.metadata.labels?[RetrainRunNames.triggerLabel] == "Metric")
                #expect(retrained.status?.lineage?.trigger == .metric)
                #expect(retrained.status?.lineage?.policy == "fraud")
                #expect(retrained.status?.conditions?[type: "Validated"]?.message
                    == "passed: accuracy 0.93 >= min 0.9; accuracy 0.93 vs 0.93 of version \(bootstrap) serving in fraud (TrainingJob \(bootstrap)): +0, at least the required +0")
                let promoted = try await harness.waitFor(RetrainPolicy.self, "fraud", "drifted run promoted") {
                    $0.status?.promoted?.version == drifted
                }
                #expect(promoted.status?.lastTrigger?.type == .metric)
                let canary = try await harness.waitFor(ModelDeployment.self, "fraud", "canary of the promoted model") {
                    $0.status?.canary?.version == drifted && $0.status?.canary?.weight == 25
                }
                #expect(canary.status?.stable?.version == bootstrap)
                let rolledOut = try await Self.runAnalysis(harness, until: "promoted model at 100%") {
                    $0.status?.stable?.version == drifted && $0.status?.phase == .healthy
                }
                #expect(rolledOut.status?.analysisRuns?.first?.phase == .successful)
                #expect(rolledOut.status?.analysisRuns?.first?.version == drifted)

                // The nightly run produces a model that validates but serves 20% errors.
                let night1 = try #require(promoted.status?.nextScheduleTime?.date)
                harness.advance(past: night1)
                let bad = try #require(try await harness.waitForJobs(of: "fraud", count: 3).first { ![bootstrap, drifted].contains($0) })
                prometheus.exporter.set(Self.errors, labels: ["version": bad], 0.2)
                try await prometheus.waitForSample(query: "\(Self.errors){version=\"\(bad)\"}")
                #expect(try await harness.get(TrainingJob.self, bad).metadata.labels?[RetrainRunNames.triggerLabel] == "Schedule")
                _ = try await Self.succeeded(harness, bad)
                try await harness.waitFor(ModelDeployment.self, "fraud", "canary of the bad model") { $0.status?.canary?.version == bad }
                let rolledBack = try await Self.runAnalysis(harness, until: "rolled back") { $0.status?.phase == .rolledBack }
                #expect(rolledBack.status?.stable?.version == drifted, "users keep the good model")
                #expect(rolledBack.status?.rejectedVersions?.map(\.version) == [bad])
                let quarantined = try await harness.waitFor(RetrainPolicy.self, "fraud", "promotion marked rolled back") {
                    $0.status?.conditions?[type: "Promoted"]?.reason == "RolledBack"
                }
                #expect(quarantined.status?.conditions?[type: "Promoted"]?.status == .false)
                // Asking for the quarantined model by hand is refused, and says why.
                try await harness.annotate(policy: "fraud", RetrainRunNames.promoteAnnotation, bad)
                let refusal = try await harness.events(about: "fraud", waitingFor: ["PromoteRefused"])
                    .first { $0["reason"]?.stringValue == "PromoteRefused" }
                #expect(refusal?["note"]?.stringValue == "cannot promote TrainingJob \(bad): version \(bad) was rolled back by a ModelDeployment")
                #expect(try await harness.get(ModelDeployment.self, "fraud").status?.canary == nil, "no second attempt at the bad model")

                // The next night's run is good again, and goes through.
                let night2 = try #require(quarantined.status?.nextScheduleTime?.date)
                harness.advance(past: night2)
                let good = try #require(try await harness.waitForJobs(of: "fraud", count: 4).first { ![bootstrap, drifted, bad].contains($0) })
                prometheus.exporter.set(Self.errors, labels: ["version": good], 0.01)
                try await prometheus.waitForSample(query: "\(Self.errors){version=\"\(good)\"}")
                _ = try await Self.succeeded(harness, good)
                try await harness.waitFor(RetrainPolicy.self, "fraud", "next good run promoted") { $0.status?.promoted?.version == good }
                try await harness.waitFor(ModelDeployment.self, "fraud", "canary of the next model") { $0.status?.canary?.version == good }
                let final = try await Self.runAnalysis(harness, until: "the next model at 100%") {
                    $0.status?.stable?.version == good && $0.status?.phase == .healthy
                }
                #expect(final.status?.rejectedVersions?.map(\.version) == [bad], "the quarantine stays")
                try await eventually(timeout: .seconds(20), "only the serving version keeps a Deployment") {
                    let served = try await harness.list("apps", "v1", "deployments").compactMap { $0[path: ["metadata", "name"]]?.stringValue }
                    return served == [ServingNames("fraud").deployment(version: good)]
                }
            }
        }
    }
}
