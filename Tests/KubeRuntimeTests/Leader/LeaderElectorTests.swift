import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import Synchronization
import Testing
import TestSupport
@testable import KubeRuntime

@Suite("Leader election")
struct LeaderElectorTests {
    static let leases = ResourceInfo(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true)

    /// Short durations so real-time tests stay within seconds: 4 s lease, 3 s renew deadline,
    /// 0.5 s retry (client-go's 15/10/2 scaled down). Shorter ones (1 s/0.6 s/0.2 s) pass alone
    /// but lose leadership when the whole suite runs in parallel on two cores, where a request
    /// can stall for a second or two.
    static func fastConfig(_ identity: String, lease: String = "modelops-leader") -> LeaderElectionConfig {
        var config = LeaderElectionConfig(namespace: "default", leaseName: lease, identity: identity)
        config.leaseDuration = .seconds(4)
        config.renewDeadline = .seconds(3)
        config.retryPeriod = .milliseconds(500)
        return config
    }

    /// A candidate running `run` in a task of its own, recording whether it leads.
    final class Candidate: Sendable {
        let elector: LeaderElector
        let leading = Flag()
        let stopped = Flag()
        let lost = Flag()
        let task = Mutex<Task<Void, Never>?>(nil)

        init(_ elector: LeaderElector) {
            self.elector = elector
            let leading = self.leading, stopped = self.stopped, lost = self.lost
            task.withLock {
                $0 = Task {
                    let wasLost = await elector.run(
                        onStartedLeading: {
                            leading.set(true)
                            // The guarded work: runs until leadership ends.
                            while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
                        },
                        onStoppedLeading: { leading.set(false); stopped.set(true) })
                    lost.set(wasLost)
                }
            }
        }

        func stop() async {
            let task = self.task.withLock { $0 }
            task?.cancel()
            await task?.value
        }
    }

    func lease(_ client: KubeClient, _ name: String = "modelops-leader") async throws -> JSON {
        try await client.dynamic(Self.leases, namespace: "default").get(name)
    }

    @Test("defaults are client-go's, and invalid timings are refused")
    func configuration() throws {
        let config = LeaderElectionConfig(namespace: "ns", leaseName: "l", identity: "me")
        #expect(config.leaseDuration == .seconds(15))
        #expect(config.renewDeadline == .seconds(10))
        #expect(config.retryPeriod == .seconds(2))
        #expect(config.leaseDurationSeconds == 15)
        var bad = config
        bad.renewDeadline = .seconds(15)
        #expect(throws: LeaderElectionConfigError.invalid("leaseDuration must be greater than renewDeadline")) { try bad.validate() }
        bad = config
        bad.retryPeriod = .seconds(9)
        #expect(throws: LeaderElectionConfigError.invalid("renewDeadline must be greater than retryPeriod*JitterFactor")) {
            try bad.validate()
        }
    }

    @Test("of two candidates exactly one leads, and the Lease names it with MicroTime stamps")
    func oneLeads() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        // One registry per candidate, as each would be a process of its own.
        let metricsA = RuntimeMetrics(), metricsB = RuntimeMetrics()
        let a = Candidate(try LeaderElector(client: client, config: Self.fastConfig("a"), metrics: metricsA))
        let b = Candidate(try LeaderElector(client: client, config: Self.fastConfig("b"), metrics: metricsB))
        try await eventually(timeout: .seconds(10), "a leader") { a.leading.isSet || b.leading.isSet }
        let (leader, follower) = a.leading.isSet ? (a, b) : (b, a)
        let (leaderMetrics, followerMetrics) = a.leading.isSet ? (metricsA, metricsB) : (metricsB, metricsA)
        // A few renewals later the follower still follows.
        let lease0 = try await lease(client)
        try await eventually("a renewal") { try await lease(client)[path: ["spec", "renewTime"]] != lease0[path: ["spec", "renewTime"]] }
        // The follower may have lost the create race (AlreadyExists) and not read the Lease yet.
        try await eventually("the follower sees the leader") { follower.elector.observedLeader == leader.elector.config.identity }
        #expect(!follower.leading.isSet)
        #expect(!follower.elector.isLeader)

        let spec = try await lease(client)["spec"]
        #expect(spec?["holderIdentity"]?.stringValue == leader.elector.config.identity)
        #expect(spec?["leaseDurationSeconds"]?.intValue == 4)
        #expect(spec?["leaseTransitions"]?.intValue == 0)
        let micro = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/
        #expect(spec?["acquireTime"]?.stringValue?.wholeMatch(of: micro) != nil)
        #expect(spec?["renewTime"]?.stringValue?.wholeMatch(of: micro) != nil)
        #expect(String(decoding: leaderMetrics.exposition(), as: UTF8.self)
            .contains("leader_election_master_status{name=\"modelops-leader\"} 1"))
        #expect(String(decoding: followerMetrics.exposition(), as: UTF8.self)
            .contains("leader_election_master_status{name=\"modelops-leader\"} 0"))

        await a.stop()
        await b.stop()
        await cluster.stop()
    }

    @Test("a crashed leader (no release) is replaced once its lease expires")
    func crashedLeaderIsReplaced() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        var configA = Self.fastConfig("a")
        configA.releaseOnCancel = false
        let a = Candidate(try LeaderElector(client: client, config: configA))
        try await eventually("a leads") { a.leading.isSet }
        let b = Candidate(try LeaderElector(client: client, config: Self.fastConfig("b")))
        try await eventually("b observes a") { b.elector.observedLeader == "a" }

        let crash = ContinuousClock.now
        await a.stop()  // no release: the Lease still names a
        #expect(try await lease(client)[path: ["spec", "holderIdentity"]] == "a")
        try await eventually(timeout: .seconds(10), "b leads") { b.leading.isSet }
        let takeover = ContinuousClock.now - crash
        // b waits a full lease duration (4 s) from the last renewal it saw, then at most one
        // retry period (×1.2 jitter). a's last renewal came shortly before the crash, so the
        // lower bound is loose; the upper bound is the 10 s deadline above (on real time, a
        // tighter one failed under the parallel suite's load). The manual-clock test pins the
        // expiry exactly.
        #expect(takeover >= .seconds(3), "b must not take a lease that has not expired")
        let spec = try await lease(client)["spec"]
        #expect(spec?["holderIdentity"] == "b")
        #expect(spec?["leaseTransitions"] == 1)

        await b.stop()
        await cluster.stop()
    }

    @Test("a clean shutdown releases the lease and a successor leads within one retry period")
    func cleanShutdownHandsOver() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        // Without the release b would wait the full 4 s lease.
        func config(_ id: String) -> LeaderElectionConfig { Self.fastConfig(id) }
        let a = Candidate(try LeaderElector(client: client, config: config("a")))
        try await eventually("a leads") { a.leading.isSet }
        let b = Candidate(try LeaderElector(client: client, config: config("b")))
        try await eventually("b observes a") { b.elector.observedLeader == "a" }

        await a.stop()
        let released = ContinuousClock.now
        #expect(a.stopped.isSet)
        let spec = try await lease(client)["spec"]
        // Released, or already taken by b (whose onStartedLeading may not have run yet).
        #expect(spec?["holderIdentity"] == "" || spec?["holderIdentity"] == "b")
        try await eventually(timeout: .seconds(10), "b leads") { b.leading.isSet }
        // One retry period (×1.2) plus a margin, well short of the 4 s a successor would wait for an
        // unreleased lease.
        #expect(ContinuousClock.now - released < .milliseconds(600) + .milliseconds(2400))
        #expect(try await lease(client)[path: ["spec", "leaseDurationSeconds"]] == 4)

        await b.stop()
        await cluster.stop()
    }

    @Test("a held lease is taken only after it went unchanged for its duration by our clock; a 409 loses the round")
    func conflictLosesTheRound() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        // A leader whose clock is an hour behind: its renewTime says nothing to us.
        let ghost: JSON = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": "modelops-leader", "namespace": "default"],
            "spec": ["holderIdentity": "ghost", "leaseDurationSeconds": 15, "leaseTransitions": 3,
                     "acquireTime": "2020-01-01T00:00:00.000000Z", "renewTime": "2020-01-01T00:00:00.000000Z"],
        ]
        _ = try await client.dynamic(Self.leases, namespace: "default").create(ghost)
        let time = HandMovedTime()
        var config = LeaderElectionConfig(namespace: "default", leaseName: "modelops-leader", identity: "me")
        config.time = time.source
        let elector = try LeaderElector(client: client, config: config)

        #expect(await elector.tryAcquireOrRenew() == false, "just observed: valid for 15 s from now")
        time.advance(.seconds(14))
        #expect(await elector.tryAcquireOrRenew() == false)
        #expect(elector.observedLeader == "ghost")
        time.advance(.seconds(2))
        cluster.server.api.faults.failNext(1, verb: "update", resource: "leases", status: 409)
        #expect(await elector.tryAcquireOrRenew() == false, "409 Conflict: someone else wrote first")
        #expect(!elector.isLeader)
        #expect(await elector.tryAcquireOrRenew() == true)
        #expect(elector.isLeader)
        let spec = try await lease(client)["spec"]
        #expect(spec?["holderIdentity"] == "me")
        #expect(spec?["leaseTransitions"] == 4)
        #expect(spec?["leaseDurationSeconds"] == 15)

        // Renewing keeps acquireTime and transitions.
        let acquired = spec?["acquireTime"]
        time.advance(.seconds(2))
        #expect(await elector.tryAcquireOrRenew() == true)
        let renewed = try await lease(client)["spec"]
        #expect(renewed?["acquireTime"] == acquired)
        #expect(renewed?["leaseTransitions"] == 4)

        await cluster.stop()
    }

    @Test("candidates racing to create the lease: one wins, the others get AlreadyExists")
    func createRace() async throws {
        let cluster = try await RuntimeTestServer.start()
        let client = try cluster.client()
        let electors = try (0..<5).map { try LeaderElector(client: client, config: Self.fastConfig("c\($0)")) }
        let results = await withTaskGroup(of: Bool.self) { group in
            for elector in electors { group.addTask { await elector.tryAcquireOrRenew() } }
            var results: [Bool] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.filter { $0 }.count == 1)
        let holder = try await lease(client)[path: ["spec", "holderIdentity"]]?.stringValue
        #expect(electors.filter(\.isLeader).map(\.config.identity) == [holder ?? "?"])
        await cluster.stop()
    }

    @Test("a leader that cannot reach the server for longer than the renew deadline stops leading")
    func unreachableServerLosesLeadership() async throws {
        let cluster = try await RuntimeTestServer.start()
        var options = KubeClient.Options()
        options.retry = .none
        let client = try cluster.client(options: options)
        let metrics = RuntimeMetrics()
        let a = Candidate(try LeaderElector(client: client, config: Self.fastConfig("a"), metrics: metrics))
        try await eventually("a leads") { a.leading.isSet }

        // The API server becomes unavailable: every Lease request now fails with 503 (as through a
        // load balancer with no healthy backend). A request that hangs instead is cut at the
        // deadline the same way (see deadlineCutsAHangingRequest).
        let outage = ContinuousClock.now
        cluster.server.api.faults.failNext(100_000, resource: "leases", status: 503)
        try await eventually(timeout: .seconds(10), "a stops leading") { a.stopped.isSet }
        let lostAfter = ContinuousClock.now - outage
        #expect(lostAfter >= .seconds(2), "a keeps leading through failures shorter than the renew deadline")
        // The deadline is 3 s after the round began, at most one retry period after the outage.
        #expect(lostAfter < .seconds(3) + .milliseconds(500) + .seconds(3))
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("leader_election_master_status{name=\"modelops-leader\"} 0"))
        await a.stop()
        #expect(a.lost.isSet)
        await cluster.stop()
    }

    @Test("a request that hangs is abandoned at the deadline")
    func deadlineCutsAHangingRequest() async {
        let start = ContinuousClock.now
        let result = await withDeadline(.milliseconds(100), time: .continuous) { () async -> Int in
            try? await Task.sleep(for: .seconds(60))
            return 1
        }
        #expect(result == nil)
        #expect(ContinuousClock.now - start < .seconds(30))
        #expect(await withDeadline(.seconds(30), time: .continuous) { 7 } == 7)
        #expect(await withDeadline(nil, time: .continuous) { 8 } == 8)
    }
}
