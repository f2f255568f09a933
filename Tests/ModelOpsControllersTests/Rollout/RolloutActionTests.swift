import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI
import ModelOpsControllers
import Testing
import TestSupport

/// Abort, retry, supersede, return to stable, progress deadline, restart mid-rollout, deletion.
@Suite("ModelDeployment rollout actions and failures", .serialized)
struct RolloutActionTests {
    let helpers = CanaryRolloutTests()

    @Test("spec.paused holds a rollout where it is, whatever the clock does; unpausing continues it")
    func pausedBySpec() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(RolloutFixtures.modelDeployment("fraud", version: "v1", strategy: """
                strategy:
                  type: Canary
                  canary:
                    steps:
                    - setWeight: 25
                    - pause: {duration: 1m}
                    - setWeight: 50
                """))
            try await harness.waitFor(ModelDeployment.self, "fraud", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "fraud", "v2")
            try await harness.waitFor(ModelDeployment.self, "fraud", "timed pause at 25%") {
                $0.status?.canary?.weight == 25 && $0.status?.canary?.step == 1
            }
            let pause: JSON = ["spec": ["paused": true]]
            _ = try await harness.resource(ModelDeployment.self).patch("fraud", .merge(pause.serialized()))
            let paused = try await harness.waitFor(ModelDeployment.self, "fraud", "paused by spec") {
                $0.status?.phase == .paused && $0.status?.observedGeneration == $0.metadata.generation
            }
            #expect(paused.status?.message == "paused by spec.paused at step 1")
            #expect(paused.status?.conditions?[type: "Progressing"]?.reason == "RolloutPaused")
            // Long past the 1m pause: nothing moves while spec.paused is set.
            let before = harness.reconciles(CanaryRolloutTests.controller)
            harness.clock.advance(by: .seconds(600))
            await harness.restartOperator()
            try await harness.waitForReconciles(CanaryRolloutTests.controller, after: before)
            let still = try await harness.get(ModelDeployment.self, "fraud")
            #expect(still.status?.canary?.weight == 25 && still.status?.phase == .paused)
            #expect(try await helpers.replicas(harness, "fraud-v2") == 1)
            #expect(try await helpers.replicas(harness, "fraud-v1") == 3)

            let resume: JSON = ["spec": ["paused": false]]
            _ = try await harness.resource(ModelDeployment.self).patch("fraud", .merge(resume.serialized()))
            let done = try await harness.waitFor(ModelDeployment.self, "fraud", "v2 stable after resume") {
                $0.status?.stable?.version == "v2" && $0.status?.phase == .healthy
            }
            #expect(done.status?.canary == nil)
        }
    }

    @Test("abort rejects the candidate; the same spec stays rolled back until retry; retry rolls it out again")
    func abortAndRetry() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(RolloutFixtures.modelDeployment("fraud", version: "v1", strategy: RolloutFixtures.canarySteps))
            try await harness.waitFor(ModelDeployment.self, "fraud", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "fraud", "v2")
            try await harness.waitFor(ModelDeployment.self, "fraud", "paused at 25%") { $0.status?.canary?.weight == 25 }
            try await helpers.act(harness, "fraud", "abort")
            let aborted = try await harness.waitFor(ModelDeployment.self, "fraud", "rolled back") { $0.status?.phase == .rolledBack }
            #expect(aborted.status?.canary == nil)
            #expect(aborted.status?.rejectedVersions?.map(\.version) == ["v2"])
            #expect(aborted.status?.rejectedVersions?.first?.reason == "Aborted")
            #expect(aborted.status?.stable?.version == "v1")
            #expect(aborted.status?.conditions?[type: "Ready"]?.status == .false)
            try await eventually(timeout: .seconds(20), "candidate removed, stable back to full size") {
                let candidate = try await harness.json("apps", "v1", "deployments", "fraud-v2")
                let stableReplicas = try await helpers.replicas(harness, "fraud-v1")
                return candidate == nil && stableReplicas == 4
            }
            let warnings = try await harness.events(about: "fraud", waitingFor: ["RolledBack"]).filter { $0["type"]?.stringValue == "Warning" }
            #expect(warnings.contains { $0["reason"]?.stringValue == "RolledBack" })

            // Time passing and resyncs do not start the rejected version again.
            harness.clock.advance(by: .seconds(3600))
            let before = harness.reconciles(ModelDeploymentController.name)
            await harness.restartOperator()
            try await harness.waitForReconciles(ModelDeploymentController.name, after: before)
            let still = try await harness.get(ModelDeployment.self, "fraud")
            #expect(still.status?.canary == nil && still.status?.phase == .rolledBack)
            #expect(still.status?.message?.contains("retry") == true)

            try await helpers.act(harness, "fraud", "retry")
            let retried = try await harness.waitFor(ModelDeployment.self, "fraud", "rolling out again") {
                $0.status?.canary?.version == "v2" && $0.status?.canary?.weight == 25
            }
            #expect(retried.status?.rejectedVersions == nil)
            // Promote fully: straight to 100% and stable.
            try await helpers.act(harness, "fraud", "promote-full")
            try await harness.waitFor(ModelDeployment.self, "fraud", "v2 stable") {
                $0.status?.stable?.version == "v2" && $0.status?.canary == nil && $0.status?.phase == .healthy
            }
        }
    }

    @Test("a new version supersedes the candidate; returning spec to stable aborts at once without rejecting")
    func supersedeAndReturn() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(RolloutFixtures.modelDeployment("rank", version: "v1", strategy: RolloutFixtures.canarySteps))
            try await harness.waitFor(ModelDeployment.self, "rank", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "rank", "v2")
            try await harness.waitFor(ModelDeployment.self, "rank", "v2 at 25%") { $0.status?.canary?.weight == 25 }
            try await helpers.setVersion(harness, "rank", "v3")
            let superseded = try await harness.waitFor(ModelDeployment.self, "rank", "v3 at 25%") {
                $0.status?.canary?.version == "v3" && $0.status?.canary?.weight == 25
            }
            #expect(superseded.status?.canary?.step == 1, "the new candidate starts from the first step")
            #expect(superseded.status?.rejectedVersions == nil)
            try await eventually(timeout: .seconds(20), "v2 removed") {
                try await harness.json("apps", "v1", "deployments", "rank-v2") == nil
            }
            try await helpers.setVersion(harness, "rank", "v1")
            let back = try await harness.waitFor(ModelDeployment.self, "rank", "back on v1") {
                $0.status?.canary == nil && $0.status?.phase == .healthy
            }
            #expect(back.status?.stable?.version == "v1")
            #expect(back.status?.rejectedVersions == nil)
            try await eventually(timeout: .seconds(20), "v3 removed, v1 at full size") {
                let candidate = try await harness.json("apps", "v1", "deployments", "rank-v3")
                let stableReplicas = try await helpers.replicas(harness, "rank-v1")
                return candidate == nil && stableReplicas == 4
            }
        }
    }

    @Test("a candidate that never becomes available is rolled back at the progress deadline")
    func progressDeadline() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(RolloutFixtures.modelDeployment("stuck", version: "v1", strategy: RolloutFixtures.canarySteps,
                                                                    extra: "progressDeadlineSeconds: 120"))
            try await harness.waitFor(ModelDeployment.self, "stuck", "v1 healthy") { $0.status?.phase == .healthy }
            // v2 ships with a template whose pods never become ready.
            let current = try await harness.get(ModelDeployment.self, "stuck")
            var template = current.spec.template
            template[path: ["metadata", "annotations", "sim.modelops.io/never-ready"]] = "true"
            try await helpers.setVersion(harness, "stuck", "v2", template: template)
            let waiting = try await harness.waitFor(ModelDeployment.self, "stuck", "waiting for v2") {
                $0.status?.canary?.version == "v2" && ($0.status?.message?.contains("waiting for v2") ?? false)
            }
            #expect(waiting.status?.canary?.weight == 0)
            // The stable pods keep the template they run: the new one ships only with the candidate.
            let v1 = try #require(try await harness.json("apps", "v1", "deployments", "stuck-v1"))
            #expect(v1[path: ["spec", "template", "metadata", "annotations", "sim.modelops.io/never-ready"]] == nil)
            harness.clock.advance(by: .seconds(121))
            let rolledBack = try await harness.waitFor(ModelDeployment.self, "stuck", "rolled back") { $0.status?.phase == .rolledBack }
            #expect(rolledBack.status?.rejectedVersions?.first?.reason == "ProgressDeadlineExceeded")
            #expect(rolledBack.status?.stable?.version == "v1")
        }
    }

    @Test("an operator restart mid-rollout resumes at the same step; deleting the ModelDeployment removes every child")
    func restartAndDelete() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(RolloutFixtures.modelDeployment("ctr", version: "v1", strategy: RolloutFixtures.canarySteps))
            try await harness.waitFor(ModelDeployment.self, "ctr", "v1 healthy") { $0.status?.phase == .healthy }
            try await helpers.setVersion(harness, "ctr", "v2")
            // Asked early, while v2 is still scaling: the promote waits for the pause it ends.
            try await helpers.act(harness, "ctr", "promote")
            let timed = try await harness.waitFor(ModelDeployment.self, "ctr", "timed pause") { $0.status?.canary?.step == 3 }
            await harness.stopOperator()
            harness.clock.advance(by: .seconds(300))
            let before = harness.reconciles(ModelDeploymentController.name)
            harness.startOperator()
            try await harness.waitForReconciles(ModelDeploymentController.name, after: before)
            let resumed = try await harness.get(ModelDeployment.self, "ctr")
            #expect(resumed.status?.canary?.step == 3, "still in the 10-minute pause after 5 minutes")
            #expect(resumed.status?.canary?.stepStartedAt == timed.status?.canary?.stepStartedAt, "the pause was not restarted")
            #expect(resumed.status?.canary?.weight == 50)
            harness.clock.advance(by: .seconds(301))
            try await harness.waitFor(ModelDeployment.self, "ctr", "v2 stable") { $0.status?.stable?.version == "v2" }

            _ = try await harness.resource(ModelDeployment.self).delete("ctr")
            try await eventually(timeout: .seconds(20), "children collected") {
                let deployments = try await harness.list("apps", "v1", "deployments")
                let services = try await harness.list("", "v1", "services")
                return deployments.isEmpty && services.isEmpty
            }
        }
    }

    @Test("an invalid spec is reported as Ready=False/InvalidSpec with the field, a Warning event, and no children")
    func invalidSpec() async throws {
        try await OperatorHarness.with { harness in
            let strategy = """
                strategy:
                  type: Canary
                  canary:
                    steps:
                    - setWeight: 50
                    - pause: {duration: 0s}
                """
            try await harness.create(RolloutFixtures.modelDeployment("bad", version: "v1", strategy: strategy))
            let bad = try await harness.waitFor(ModelDeployment.self, "bad", "InvalidSpec") {
                $0.status?.conditions?[type: "Ready"]?.reason == "InvalidSpec"
            }
            let message = bad.status?.conditions?[type: "Ready"]?.message ?? ""
            #expect(message.contains("spec.strategy.canary.steps[1].pause.duration"), "\(message)")
            #expect(bad.status?.conditions?[type: "Ready"]?.status == .false)
            let warnings = try await harness.events(about: "bad", waitingFor: ["InvalidSpec"]).filter { $0["reason"]?.stringValue == "InvalidSpec" }
            #expect(warnings.first?["type"]?.stringValue == "Warning")
            #expect(try await harness.list("apps", "v1", "deployments").isEmpty)
            // Terminal: not retried. The next change of the object brings one more pass, which
            // writes nothing and records no second event: the status was written once.
            try await eventually(timeout: .seconds(30), "a terminal error counted") {
                harness.metric("controller_runtime_terminal_reconcile_errors_total", label: "controller", ModelDeploymentController.name) >= 1
            }
            #expect(harness.metric("workqueue_retries_total", label: "name", ModelDeploymentController.name) == 0, "never requeued with backoff")
            let before = harness.reconciles(ModelDeploymentController.name)
            _ = try await harness.resource(ModelDeployment.self).patch("bad", .merge(Array(#"{"metadata":{"labels":{"touched":"yes"}}}"#.utf8)))
            try await harness.waitForReconciles(ModelDeploymentController.name, after: before)
            let statusWrites = harness.api.counter.snapshot.filter { $0.key.hasPrefix("update modeldeployments") }.values.reduce(0, +)
            #expect(statusWrites == 1, "\(harness.api.counter.snapshot)")
            await harness.events.flush()
            let again = try await harness.events(about: "bad", waitingFor: ["InvalidSpec"]).filter { $0["reason"]?.stringValue == "InvalidSpec" }
            #expect(again.reduce(0) { $0 + Int($1[path: ["series", "count"]]?.intValue ?? 1) } == 1, "one Warning event")
        }
    }
}
