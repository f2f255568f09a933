import KubeCore
import KubeTestServerCore
import Testing

@Suite struct PodSimulationTests {
    @Test func unschedulableJobPodStaysPending() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("gpu", annotations: ["sim.modelops.io/unschedulable": "true"],
                                                                   resources: ["limits": ["nvidia.com/gpu": "1"]]))
        let job = try #require(await h.waitFor("\(SimulatorHarness.jobs)/gpu") { $0[path: ["status", "active"]] == 1 })
        #expect(job[path: ["status", "ready"]] == 0)
        #expect(await h.waitForPods(ofJob: "gpu", count: 1))
        let podName = try #require(await h.pods(ofJob: "gpu").first?[path: ["metadata", "name"]]?.stringValue)
        let pod = try #require(await h.waitFor("\(SimulatorHarness.pods)/\(podName)") { conditionIs($0, "PodScheduled", "False") })
        #expect(pod[path: ["status", "phase"]] == "Pending")
        let scheduled = try #require(condition(pod, "PodScheduled"))
        #expect(scheduled["reason"] == "Unschedulable")
        #expect(scheduled["message"] == "0/1 nodes are available: 1 Insufficient nvidia.com/gpu.")
        #expect(scheduled["lastProbeTime"] == .null)
        #expect(pod[path: ["status", "containerStatuses"]] == nil)
    }

    @Test func unschedulableMessageCanBeGiven() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        let message = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."
        await h.create(SimulatorHarness.pods, [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": "picky", "annotations": ["sim.modelops.io/unschedulable": .string(message)]],
            "spec": ["containers": [["name": "app", "image": "app:1"]]],
        ])
        let pod = await h.waitFor("\(SimulatorHarness.pods)/picky") { condition($0, "PodScheduled")?["message"] == .string(message) }
        #expect(pod?[path: ["status", "phase"]] == "Pending")
    }

    @Test func barePodRunsAndBecomesReady() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.pods, [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "web"],
            "spec": ["containers": [["name": "app", "image": .string("registry.example/app@sha256:" + String(repeating: "cd", count: 32))]]],
        ])
        let pod = try #require(await h.waitFor("\(SimulatorHarness.pods)/web") { conditionIs($0, "Ready", "True") })
        #expect(pod[path: ["status", "phase"]] == "Running")
        #expect(pod[path: ["status", "conditions"]]?.arrayValue?.compactMap { $0["type"]?.stringValue }
            == ["PodScheduled", "Initialized", "ContainersReady", "Ready"])
        let container = try #require(pod[path: ["status", "containerStatuses"]]?[0])
        #expect(container[path: ["state", "running", "startedAt"]]?.stringValue != nil)
        #expect(container["ready"] == true)
        #expect(container["started"] == true)
        #expect(container["restartCount"] == 0)
        #expect(container["imageID"] == .string("docker-pullable://registry.example/app@sha256:" + String(repeating: "cd", count: 32)))
        #expect(pod[path: ["status", "podIP"]]?.stringValue?.hasPrefix("10.244.") == true)
        // restartPolicy Always: it keeps running; no further writes once ready.
        await h.simulator.settle()
        let again = await h.get("\(SimulatorHarness.pods)/web")
        #expect(again?[path: ["metadata", "resourceVersion"]] == pod[path: ["metadata", "resourceVersion"]])
    }
}
