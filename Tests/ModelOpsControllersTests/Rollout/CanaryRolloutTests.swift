import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI
import ModelOpsControllers
import Testing
import TestSupport

/// Canary rollouts end to end: the operator against the API test server with the simulator
/// making Deployments available, time skipped with the test clock.
@Suite("ModelDeployment canary rollouts", .serialized)
struct CanaryRolloutTests {
    static let controller = ModelDeploymentController.name

    func setVersion(_ harness: OperatorHarness, _ name: String, _ version: String, template: JSON? = nil) async throws {
        var spec: JSON = ["model": ["name": "churn", "version": .string(version), "uri": .string("s3://models/churn/\(version)")]]
        if let template { spec["template"] = template }
        let patch: JSON = ["spec": spec]
        _ = try await harness.resource(ModelDeployment.self).patch(name, .merge(patch.serialized()))
    }

    func act(_ harness: OperatorHarness, _ name: String, _ action: String) async throws {
        let patch: JSON = ["metadata": ["annotations": [ManualAction.annotation: .string("\(action)/\(UUID().uuidString.prefix(8))")]]]
        _ = try await harness.resource(ModelDeployment.self).patch(name, .merge(patch.serialized()))
    }

    func replicas(_ harness: OperatorHarness, _ deployment: String) async throws -> Int? {
        try await harness.json("apps", "v1", "deployments", deployment)?[path: ["spec", "replicas"]]?.intValue.map(Int.init)
    }

    @Test("first version deploys directly; canary steps, manual promote, timed pause, then 100% and history")
    func canaryToFull() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(RolloutFixtures.modelDeployment("churn", version: "v1", strategy: RolloutFixtures.canarySteps))
            let first = try await harness.waitFor(ModelDeployment.self, "churn", "healthy on v1") {
                $0.status?.phase == .healthy && $0.status?.stable?.version == "v1"
            }
            #expect(first.status?.conditions?[type: "Ready"]?.status == .true)
            #expect(first.status?.history?.map(\.version) == ["v1"])
            let v1 = try #require(try await harness.json("apps", "v1", "deployments", "churn-v1"))
            let env = v1[path: ["spec", "template", "spec", "containers"]]?[0]?["env"]?.arrayValue ?? []
            let pairs = Dictionary(uniqueKeysWithValues: env.compactMap { e in
                e["name"]?.stringValue.map { ($0, e["value"]?.stringValue ?? "") } })
            #expect(pairs == ["LOG_LEVEL": "info", "MODEL_NAME": "churn", "MODEL_VERSION": "v1", "MODEL_URI": "s3://models/churn/v1"])
            #expect(v1[path: ["spec", "template", "metadata", "labels", "modelops.io/version"]]?.stringValue == "v1")
            #expect(v1[path: ["metadata", "ownerReferences"]]?[0]?["controller"]?.boolValue == true)
            let mainService = try #require(try await harness.json("", "v1", "services", "churn"))
            #expect(mainService[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v1")
            // At rest under Replicas routing the versioned Services would select what the main one
            // does: a first version costs its Deployment and one Service.
            #expect(try await harness.json("", "v1", "services", "churn-stable") == nil)
            #expect(try await harness.json("", "v1", "services", "churn-canary") == nil)

            try await setVersion(harness, "churn", "v2")
            let paused = try await harness.waitFor(ModelDeployment.self, "churn", "paused at 25%") {
                $0.status?.canary?.weight == 25 && $0.status?.phase == .paused
            }
            #expect(paused.status?.canary?.step == 1)
            #expect(paused.status?.stable?.version == "v1")
            #expect(try await replicas(harness, "churn-v2") == 1)
            #expect(try await replicas(harness, "churn-v1") == 3)
            let main = try #require(try await harness.json("", "v1", "services", "churn"))
            #expect(main[path: ["spec", "selector", "modelops.io/version"]] == nil, "mid-canary the main Service spans both versions")
            // While a candidate runs, each version is reachable on its own Service.
            try await eventually(timeout: .seconds(30), "the versioned Services") {
                let stable = try await harness.json("", "v1", "services", "churn-stable")
                let canary = try await harness.json("", "v1", "services", "churn-canary")
                return stable?[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v1"
                    && canary?[path: ["spec", "selector", "modelops.io/version"]]?.stringValue == "v2"
            }

            try await act(harness, "churn", "promote")
            let timed = try await harness.waitFor(ModelDeployment.self, "churn", "timed pause at 50%") {
                $0.status?.canary?.weight == 50 && $0.status?.canary?.step == 3
            }
            #expect(timed.status?.phase == .progressing)
            #expect(try await replicas(harness, "churn-v2") == 2)
            #expect(try await replicas(harness, "churn-v1") == 2)

            harness.clock.advance(by: .seconds(601))
            let done = try await harness.waitFor(ModelDeployment.self, "churn", "v2 stable") {
                $0.status?.stable?.version == "v2" && $0.status?.canary == nil && $0.status?.phase == .healthy
            }
            #expect(done.status?.history?.map(\.version) == ["v1", "v2"])
            #expect(done.status?.observedGeneration == done.metadata.generation)
            try await eventually(timeout: .seconds(20), "old Deployment removed") {
                try await harness.json("apps", "v1", "deployments", "churn-v1") == nil
            }
            #expect(try await replicas(harness, "churn-v2") == 4)
            let reasons = try await harness.events(about: "churn", waitingFor: ["RolloutStarted", "WeightChanged", "Promoted"]).compactMap { $0["reason"]?.stringValue }
            for reason in ["RolloutStarted", "WeightChanged", "Promoted"] {
                #expect(reasons.contains(reason), "event \(reason) in \(reasons)")
            }

            // Settled: further reconciles (a restart resyncs everything) write nothing.
            try await harness.waitFor(ModelDeployment.self, "churn", "ready") { $0.status?.conditions?[type: "Ready"]?.status == .true }
            let writes = harness.writes
            let counted = harness.api.counter.snapshot
            let before = harness.reconciles(Self.controller)
            await harness.restartOperator()
            try await harness.waitForReconciles(Self.controller, after: before)
            harness.clock.advance(by: .seconds(3600))
            await harness.events.flush()
            let grown = harness.api.counter.snapshot.filter { $0.value != counted[$0.key] }
            #expect(harness.writes == writes, "steady state wrote: \(grown)")
        }
    }
}
