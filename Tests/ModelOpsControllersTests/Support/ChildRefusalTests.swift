import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI
@testable import ModelOpsControllers
import Testing
import TestSupport

/// A child the API server refuses becomes status (naming the child, the server's code and
/// message, which names the field) and one Warning event, for every kind: never a quiet retry
/// loop behind an empty status.
@Suite("Children the API server refuses", .serialized)
struct ChildRefusalTests {
    /// Warning events with `reason` about `name`, once at least one arrived.
    func warnings(_ harness: OperatorHarness, about name: String, reason: String) async throws -> [JSON] {
        try await harness.events(about: name, waitingFor: [reason]).filter { $0["reason"]?.stringValue == reason }
    }

    /// How many times the events say it happened (an aggregated event counts its series).
    func occurrences(_ events: [JSON]) -> Int {
        events.reduce(0) { $0 + Int($1[path: ["series", "count"]]?.intValue ?? 1) }
    }

    @Test("a serving Deployment the apps/v1 API refuses: Degraded with the server's message, one event, healed by a spec fix")
    func refusedDeployment() async throws {
        try await OperatorHarness.with { harness in
            // A container without an image: the ModelDeployment schema keeps the pod template as
            // written, and the Deployment API refuses it.
            let manifest = RolloutFixtures.modelDeployment("churn", version: "v1", replicas: 2)
                .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("image: ghcr.io/example/model-server") }
                .joined(separator: "\n")
            try await harness.create(manifest)
            let refused = try await harness.waitFor(ModelDeployment.self, "churn", "Degraded by a refused child") {
                $0.status?.phase == .degraded
            }
            let message = refused.status?.message ?? ""
            #expect(message.contains("Deployment churn-v1 refused by the API server (422 Invalid)"), "\(message)")
            #expect(message.contains("spec.template.spec.containers[0].image: Required value"), "\(message)")
            let degraded = refused.status?.conditions?.first { $0.type == "Degraded" }
            #expect(degraded?.status == .true)
            #expect(degraded?.reason == ChildRefusal.reason)
            #expect(refused.status?.observedGeneration == refused.metadata.generation)
            #expect(try await harness.json("apps", "v1", "deployments", "churn-v1") == nil)

            // Another pass over the same spec (an annotation edit wakes it) records no second event.
            let baseline = harness.reconciles(ModelDeploymentController.name)
            _ = try await harness.resource(ModelDeployment.self).patch("churn", .merge(Array(#"{"metadata":{"annotations":{"touched":"1"}}}"#.utf8)))
            try await harness.waitForReconciles(ModelDeploymentController.name, after: baseline)
            await harness.events.flush()
            #expect(occurrences(try await warnings(harness, about: "churn", reason: ChildRefusal.reason)) == 1)

            // The user fixes the template: the child is accepted and the rollout goes on.
            let patch: JSON = ["spec": ["template": ["spec": ["containers": [["name": "server", "image": "ghcr.io/example/model-server:1.4"]]]]]]
            _ = try await harness.resource(ModelDeployment.self).patch("churn", .merge(patch.serialized()))
            let healed = try await harness.waitFor(ModelDeployment.self, "churn", "healthy after the fix") { $0.status?.phase == .healthy }
            #expect(healed.status?.conditions?.first { $0.type == "Degraded" }?.status == .false)
        }
    }

    @Test("a training Job the API server refuses: the TrainingJob fails with JobRefused and the server's message, once")
    func refusedJob() async throws {
        try await OperatorHarness.with { harness in
            // The test server refuses what our own spec validation lets through only where a real
            // cluster adds rules of its own (admission policies, quotas): injected here.
            harness.api.faults.failNext(1, verb: "patch", resource: "jobs", status: 422)
            try await harness.create(TrainingE2E.trainingJob("fraud-v9"))
            let failed = try await harness.waitFor(TrainingJob.self, "fraud-v9", "failed") { $0.status?.phase == .failed }
            let condition = failed.status?.conditions?.first { $0.type == TrainingJobPlanner.failedCondition }
            #expect(condition?.reason == "JobRefused")
            #expect(condition?.message.contains("Job fraud-v9 refused by the API server (422 Invalid): the object is invalid (injected)") == true,
                    "\(condition?.message ?? "")")
            #expect(try await harness.json("batch", "v1", "jobs", "fraud-v9") == nil)
            let events = try await harness.events(about: "fraud-v9", waitingFor: ["Failed"])
            #expect(occurrences(events.filter { $0["type"]?.stringValue == "Warning" && $0["reason"]?.stringValue == "Failed" }) == 1)
        }
    }

    @Test("a run the TrainingJob API refuses: the RetrainPolicy says so in Ready and one event, and retries once it is accepted")
    func refusedRun() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            // Every create is refused until the faults are cleared (a write of the status may meet a
            // 409 and plan again: the refusal must still be what the status ends up saying).
            harness.api.faults.failNext(1000, verb: "create", resource: "trainingjobs", status: 422)
            try await harness.create(OperatorHarness.retrainPolicy("fraud-nightly"))
            _ = try await harness.resource(RetrainPolicy.self).patch("fraud-nightly",
                .merge(Array(#"{"metadata":{"annotations":{"modelops.io/retrain":"first"}}}"#.utf8)))
            let refused = try await harness.waitFor(RetrainPolicy.self, "fraud-nightly", "Ready=False ChildRefused") {
                $0.status?.conditions?.first { $0.type == "Ready" }?.reason == ChildRefusal.reason
            }
            let ready = refused.status?.conditions?.first { $0.type == "Ready" }
            #expect(ready?.status == .false)
            #expect(ready?.message.contains("TrainingJob fraud-nightly-manual-") == true, "\(ready?.message ?? "")")
            #expect(ready?.message.contains("(422 Invalid): the object is invalid (injected)") == true, "\(ready?.message ?? "")")
            #expect(occurrences(try await warnings(harness, about: "fraud-nightly", reason: ChildRefusal.reason)) == 1)
            // The API accepts runs again and the policy changes (here: its labels): the run is created.
            harness.api.faults.clear()
            _ = try await harness.resource(RetrainPolicy.self).patch("fraud-nightly",
                .merge(Array(#"{"metadata":{"labels":{"team":"risk"}}}"#.utf8)))
            try await harness.waitForJobs(of: "fraud-nightly", count: 1)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
