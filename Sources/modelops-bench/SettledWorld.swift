import ArgumentParser
import Foundation
import KubeCore
import KubeTestServerCore

/// N objects of each kind settled by the operator itself, then left: canary ModelDeployments
/// Healthy on v1 (their Deployments and Services applied), TrainingJobs Succeeded through the
/// simulator (Jobs and pods done), RetrainPolicies with their next (yearly) slot in status. A
/// separate operator instance with no client rate limit builds it, and is stopped (its events
/// flushed) before the scenario starts the operator it measures against this world.
enum SettledWorld {
    /// Policies are due once a year, so none runs during a scenario.
    static let schedule = "0 0 1 1 *"

    static func build(_ cluster: BenchCluster, options: OperatorBenchOptions, progress: Progress) async throws {
        let n = options.objects
        let deployments = ModelDeploymentTracker()
        let jobs = StateTracker.trainingJobs()
        let policies = StateTracker.retrainPolicies()
        let watches = [
            try await cluster.watch(Kinds.modelDeployments) { deployments.observe($0) },
            try await cluster.watch(Kinds.trainingJobs) { jobs.observe($0) },
            try await cluster.watch(Kinds.retrainPolicies) { policies.observe($0) },
        ]
        var setupOptions = options
        setupOptions.qps = 0
        setupOptions.workers = max(options.workers, 4)
        let builder = try OperatorUnderTest(cluster: cluster, options: setupOptions, identity: "bench-setup")
        builder.start()
        do {
            progress.say("settling \(n) ModelDeployments, \(n) TrainingJobs, \(n) RetrainPolicies (setup operator, no rate limit)")
            try await cluster.createAll(Kinds.modelDeployments, count: n) {
                BenchObjects.modelDeployment(BenchObjects.name("mdep", $0), version: "v1")
            }
            try await cluster.createAll(Kinds.trainingJobs, count: n) {
                BenchObjects.trainingJob(BenchObjects.name("train", $0), runSeconds: 0.05)
            }
            try await cluster.createAll(Kinds.retrainPolicies, count: n) {
                BenchObjects.retrainPolicy(BenchObjects.name("policy", $0), modelDeployment: BenchObjects.name("mdep", $0), schedule: schedule)
            }
            try await waitUntil("the world to settle", timeout: options.timeout, every: .milliseconds(100), progress: progress, status: {
                "(\(deployments.settled(on: "v1")) ModelDeployments Healthy, \(jobs.count("Succeeded")) TrainingJobs Succeeded, \(policies.count("Scheduled")) RetrainPolicies scheduled)"
            }) {
                deployments.settled(on: "v1") == n && jobs.count("Succeeded") == n && policies.count("Scheduled") == n
            }
            try await builder.waitQuiet(timeout: 120)
        } catch {
            watches.forEach { $0.stop() }
            await builder.stop()
            throw error
        }
        watches.forEach { $0.stop() }
        await builder.stop()
        if let simulator = cluster.server?.simulator { await simulator.settle() }
    }
}
