import KubeCore
import KubeTestServerCore
import Testing

@Suite struct DeploymentSimulationTests {
    @Test func deploymentBecomesAvailableWithRevisionAndObservedGeneration() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("serve", replicas: 2))
        let path = "\(SimulatorHarness.deployments)/serve"
        let ready = try #require(await h.waitFor(path) { conditionIs($0, "Progressing", "True")
            && condition($0, "Progressing")?["reason"] == "NewReplicaSetAvailable" })

        #expect(ready[path: ["metadata", "generation"]] == 1)
        #expect(ready[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "1")
        let status = try #require(ready["status"])
        #expect(status["observedGeneration"] == 1)
        for field in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas"] {
            #expect(status[field] == 2, "\(field)")
        }
        #expect(status["unavailableReplicas"] == nil)
        #expect(status["terminatingReplicas"] == 0)
        // Conditions as the deployment controller leaves them: the most recently changed last.
        let types = status["conditions"]?.arrayValue?.compactMap { $0["type"]?.stringValue }
        #expect(types == ["Available", "Progressing"])
        let available = try #require(condition(ready, "Available"))
        #expect(available["status"] == "True")
        #expect(available["reason"] == "MinimumReplicasAvailable")
        #expect(available["message"] == "Deployment has minimum availability.")
        let message = condition(ready, "Progressing")?["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("ReplicaSet \"serve-") && message.hasSuffix("\" has successfully progressed."))
        // Written through /status by the controller manager.
        let managers = (ready[path: ["metadata", "managedFields"]]?.arrayValue ?? []).map {
            "\($0["manager"]?.stringValue ?? "")|\($0["subresource"]?.stringValue ?? "")"
        }
        #expect(managers.contains("kube-controller-manager|status"))

        // A new template is a new revision; observedGeneration follows the generation.
        let (code, _) = await h.request("PATCH", path, ["spec": ["template": ["spec": ["containers": [["name": "model", "image": "registry.example/model:2"]]]]]],
                                        contentType: "application/strategic-merge-patch+json")
        #expect(code == 200)
        let rolled = try #require(await h.waitFor(path) {
            $0[path: ["status", "observedGeneration"]] == 2 && condition($0, "Progressing")?["reason"] == "NewReplicaSetAvailable"
        })
        #expect(rolled[path: ["metadata", "generation"]] == 2)
        #expect(rolled[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "2")
        #expect(rolled[path: ["status", "updatedReplicas"]] == 2)
        #expect(h.simulator.failures.isEmpty)
    }

    @Test func rolloutInProgressIsNotReportedDone() async throws {
        let h = SimulatorHarness { $0.deploymentReadyDelay = .seconds(30) }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("slow", replicas: 3))
        let progressing = try #require(await h.waitFor("\(SimulatorHarness.deployments)/slow") {
            $0[path: ["status", "observedGeneration"]] == 1
        })
        let status = try #require(progressing["status"])
        #expect(status["updatedReplicas"] == 3)
        #expect(status["availableReplicas"] == nil)
        #expect(status["unavailableReplicas"] == 3)
        #expect(conditionIs(progressing, "Available", "False"))
        #expect(condition(progressing, "Available")?["reason"] == "MinimumReplicasUnavailable")
        #expect(condition(progressing, "Progressing")?["reason"] == "ReplicaSetUpdated")
    }

    @Test func neverReadyStaysUnavailableWhileOthersBecomeAvailable() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("stuck", annotations: ["sim.modelops.io/never-ready": "true"]))
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("fine"))
        // Once the later one is available, the readiness delay has passed for both.
        #expect(await h.waitFor("\(SimulatorHarness.deployments)/fine") { conditionIs($0, "Available", "True") } != nil)
        await h.simulator.settle()
        let stuck = try #require(await h.get("\(SimulatorHarness.deployments)/stuck"))
        #expect(stuck[path: ["status", "observedGeneration"]] == 1)
        #expect(conditionIs(stuck, "Available", "False"))
        #expect(condition(stuck, "Progressing")?["reason"] == "ReplicaSetUpdated")
        #expect(stuck[path: ["status", "readyReplicas"]] == nil)
    }

    @Test func forcedProgressDeadline() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("stuck", annotations: ["sim.modelops.io/never-ready": "true"]))
        let path = "\(SimulatorHarness.deployments)/stuck"
        #expect(await h.waitFor(path) { $0[path: ["status", "observedGeneration"]] == 1 } != nil)
        h.simulator.forceProgressDeadline(namespace: "default", name: "stuck")
        let exceeded = try #require(await h.waitFor(path) { conditionIs($0, "Progressing", "False") })
        let progressing = try #require(condition(exceeded, "Progressing"))
        #expect(progressing["reason"] == "ProgressDeadlineExceeded")
        let message = progressing["message"]?.stringValue ?? ""
        #expect(message.hasPrefix("ReplicaSet \"stuck-") && message.hasSuffix("\" has timed out progressing."))
        #expect(conditionIs(exceeded, "Available", "False"))
    }

    @Test func progressDeadlineSecondsElapseAtSimulatedSpeed() async throws {
        let h = SimulatorHarness { $0.speed = 20 }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment(
            "late", annotations: ["sim.modelops.io/never-ready": "true"], extraSpec: ["progressDeadlineSeconds": 1]))
        let exceeded = await h.waitFor("\(SimulatorHarness.deployments)/late") {
            condition($0, "Progressing")?["reason"] == "ProgressDeadlineExceeded"
        }
        #expect(exceeded != nil)
    }

    @Test func zeroReplicasAreAvailableAtOnce() async throws {
        let h = SimulatorHarness { $0.deploymentReadyDelay = .seconds(30) }
        defer { h.shutdown() }
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("idle", replicas: 0))
        let idle = try #require(await h.waitFor("\(SimulatorHarness.deployments)/idle") { conditionIs($0, "Available", "True") })
        #expect(idle[path: ["status", "replicas"]] == nil)
        #expect(condition(idle, "Progressing")?["reason"] == "NewReplicaSetAvailable")
    }
}
