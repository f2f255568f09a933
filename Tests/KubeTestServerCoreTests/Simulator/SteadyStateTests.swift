import KubeCore
import KubeTestServerCore
import Testing

@Suite struct SteadyStateTests {
    @Test func settledWorkloadsCostNoWrites() async throws {
        let h = SimulatorHarness()
        defer { h.shutdown() }
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("serve"))
        await h.create(SimulatorHarness.deployments, SimulatorHarness.deployment("stuck", annotations: ["sim.modelops.io/never-ready": "true"]))
        await h.create(SimulatorHarness.jobs, SimulatorHarness.job("train", annotations: ["sim.modelops.io/run-seconds": "0.01"]))
        #expect(await h.waitFor("\(SimulatorHarness.deployments)/serve") { conditionIs($0, "Available", "True") } != nil)
        #expect(await h.waitFor("\(SimulatorHarness.jobs)/train") { conditionIs($0, "Complete", "True") } != nil)
        await h.simulator.settle()
        #expect(h.api.counter.writes > 0)

        // Make the simulator look at everything again: the server drops its watches, the
        // simulator reopens them and sees every object replayed.
        h.api.counter.reset()
        let before = h.api.store.resourceVersion
        h.api.store.dropAllWatches()
        await h.simulator.settle()
        #expect(h.api.counter.writes == 0, "\(h.api.counter.snapshot)")
        #expect(h.api.store.resourceVersion == before)
        #expect(h.api.store.openWatchCount > 0)

        // A second simulator taking over (a restart) writes nothing either.
        h.simulator.stop()
        let successor = WorkloadSimulator(api: h.api)
        successor.start()
        await successor.settle()
        successor.stop()
        #expect(h.api.counter.writes == 0, "\(h.api.counter.snapshot)")
    }
}
