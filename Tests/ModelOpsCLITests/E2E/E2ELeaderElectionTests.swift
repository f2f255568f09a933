import Foundation
import KubeCore
import ModelOpsAPI
import Testing
import TestSupport

/// Two `modelops run --leader-elect` processes, as the Deployment's two replicas: the leader is
/// killed (SIGKILL: its Lease must expire) or stopped (SIGTERM: it hands the Lease back), and the
/// standby takes over and finishes the work the leader had started.
@Suite("E2E: leader hand-over", .serialized, .e2eCluster)
struct E2ELeaderElectionTests {
    /// v1 at 50% of a canary that waits for `promote` at a pause: work in progress.
    static let steps: [JSON] = [["setWeight": 50], ["pause": [:]]]

    /// The leader `a` takes a rollout to its pause; `b` stands by.
    func rolloutInProgress(_ scenario: E2EScenario, extra: [String]) async throws -> (leader: E2EScenario.Operator, standby: E2EScenario.Operator) {
        let leader = try await scenario.startOperator("a", extra: extra)
        let standby = try await scenario.startOperator("b", extra: extra, lead: false)
        try await scenario.apply(E2EManifests.modelDeployment("churn", version: "v1", steps: Self.steps))
        try await scenario.waitFor(ModelDeployment.self, "churn", "v1 Healthy") { $0.status?.stable?.version == "v1" && $0.status?.phase == .healthy }
        try await scenario.kubectl("patch", "modeldeployment", "churn", "--type", "merge", "-p",
                                   #"{"spec":{"model":{"version":"v2","uri":"s3://models/churn/v2"}}}"#)
        try await scenario.waitFor(ModelDeployment.self, "churn", "v2 paused at 50%") {
            $0.status?.phase == .paused && $0.status?.canary?.weight == 50
        }
        #expect(try await scenario.holder() == leader.identity, "the leader did the work so far")
        return (leader, standby)
    }

    /// The standby promotes the canary, and runs a TrainingJob created while nobody led.
    func standbyFinishes(_ scenario: E2EScenario) async throws {
        let done = try await scenario.waitFor(ModelDeployment.self, "churn", "v2 stable") {
            $0.status?.stable?.version == "v2" && $0.status?.phase == .healthy
        }
        #expect(done.status?.history?.map(\.version) == ["v1", "v2"])
        let trained = try await scenario.waitFor(TrainingJob.self, "handed-over", "Succeeded") { $0.status?.phase == .succeeded }
        #expect(trained.status?.metrics == ["accuracy": 0.91])
        let jobs = try await scenario.list(E2EScenario.jobs)
        #expect(jobs.count == 1, "one Job for the one TrainingJob: \(jobs.compactMap { $0[path: ["metadata", "name"]]?.stringValue })")
    }

    static let work = E2EManifests.trainingJob("handed-over", trainer: E2ETrainer(
        result: E2EManifests.result(["accuracy": 0.91], uri: "s3://models/fraud/handed-over")))

    @Test("the leader is killed (SIGKILL): its Lease expires, the standby takes it and finishes the rollout and a training run")
    func leaderKilled() async throws {
        try await E2EScenario.run { scenario in
            let (leader, standby) = try await rolloutInProgress(scenario, extra: E2EScenario.shortLease)
            leader.process.kill()
            _ = try await leader.process.waitForExit(timeout: .seconds(10))
            // Work arrives while nobody leads: a promote and a new TrainingJob.
            try await scenario.modelops("promote", "churn")
            try await scenario.apply(Self.work)
            try await scenario.waitForLeader(standby, timeout: .seconds(30))
            try await standbyFinishes(scenario)
        }
    }

    @Test("the leader is stopped (SIGTERM): it exits 0 and hands the Lease back, the standby takes it at once and finishes the work")
    func leaderStopped() async throws {
        try await E2EScenario.run { scenario in
            // The default 15 s Lease: a takeover well before it could expire shows it was handed back.
            let (leader, standby) = try await rolloutInProgress(scenario, extra: [])
            #expect(try await leader.process.terminate() == 0)
            #expect(leader.process.log.contains("the ModelOps operator stopped"))
            let stopped = ContinuousClock.now
            try await scenario.waitForLeader(standby, timeout: .seconds(20))
            let takeover = ContinuousClock.now - stopped
            #expect(takeover < .seconds(10), "taken over in \(takeover), before a 15 s Lease could expire")
            try await scenario.modelops("promote", "churn")
            try await scenario.apply(Self.work)
            try await standbyFinishes(scenario)
        }
    }
}
