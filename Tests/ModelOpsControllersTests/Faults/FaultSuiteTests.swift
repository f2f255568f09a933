import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestServerCore
import ModelOpsAPI
import Synchronization
import Testing
import TestSupport
@testable import ModelOpsControllers

/// Convergence under API faults. Each test runs the same workload — 30 ModelDeployments rolled
/// from v1 to v2 (each with its Deployments, four Services and their pods) and 10 RetrainPolicies
/// whose nightly slot comes due, a few hundred objects in flight — with one fault injected as
/// the rollouts and the training runs start, and heals it once everything converged. Every test
/// ends in the fault-free state (`FaultWorkload.expected`, which the fault-free test reaches too),
/// with no duplicate TrainingJob for the slot, no orphaned child, no status that went backwards in
/// the server's audit trail, empty work queues and memory back near its level before the fault.
@Suite("Fault suite: convergence under API faults", .serialized)
struct FaultSuiteTests {
    @Test("fault-free: the reference run")
    func faultFree() async throws {
        try await FaultWorkload.run()
    }

    @Test("API server restart mid-rollout (watches end, resourceVersions too old)")
    func serverRestart() async throws {
        try await FaultWorkload.run(whileRolling: { harness in
            harness.server.restart()
            try await FaultWorkload.waitForProgress(harness, stableV2: 5)
            harness.server.restart()
        })
    }

    @Test("every watch dropped every two seconds")
    func watchesDropped() async throws {
        let dropper = Mutex<Task<Void, Never>?>(nil)
        try await FaultWorkload.run(inject: { harness in
            let api = harness.api
            dropper.withLock {
                $0 = Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        api.store.dropAllWatches()
                    }
                }
            }
        }, heal: { _ in dropper.withLock { $0?.cancel() } })
    }

    @Test("410 Gone on every second watch")
    func goneOnEverySecondWatch() async throws {
        try await FaultWorkload.run(inject: { harness in
            harness.api.faults.failNext(100_000, verb: "watch", status: 410, every: 2)
            harness.api.store.dropAllWatches()
        })
    }

    @Test("20% of writes answered 409 Conflict")
    func conflicts() async throws {
        try await FaultWorkload.run(inject: { harness in
            for verb in ["create", "update", "patch", "delete"] {
                harness.api.faults.failNext(100_000, verb: verb, status: 409, every: 5)
            }
        })
    }

    @Test("429 and 500 storms")
    func throttlingAndServerErrors() async throws {
        try await FaultWorkload.run(inject: { harness in
            harness.api.faults.failNext(300, status: 429, retryAfterSeconds: 1, every: 2)
            harness.api.faults.failNext(300, status: 500, every: 3)
        })
    }

    @Test("2 s latency on every call")
    func slowAPIServer() async throws {
        // A slow API server is where max-concurrent-reconciles matters: 30 objects, 2 s a call.
        try await FaultWorkload.run(workers: 32, inject: { harness in harness.api.faults.latency = .seconds(2) },
                                    timeout: .seconds(150))
    }

    @Test("leader killed mid-rollout and mid-schedule: the standby takes over, nothing runs twice")
    func leaderKilled() async throws {
        try await FaultWorkload.run(leaderElection: true, whileRolling: { harness in
            // `run` started two candidates; the one that leads is killed without releasing its Lease.
            try await FaultWorkload.killLeader()
        })
    }
}

/// The workload, the fault-free expectation and the checks every fault test shares.
enum FaultWorkload {
    static let deployments = 30
    static let policies = 10
    static let steps = """
        strategy:
          type: Canary
          canary:
            steps:
            - setWeight: 50
        """

    static func policy(_ index: Int) -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: RetrainPolicy
        metadata:
          name: p\(index)
          namespace: \(OperatorHarness.namespace)
        spec:
          modelDeploymentRef:
            name: m\(index)
          schedule: "0 2 * * *"
          promotion: Manual
          trainingJobTemplate:
            spec:
              model:
                name: fraud
              outputURI: s3://models/fraud/
              dataset:
                uri: s3://data/tx/
              template:
                metadata:
                  annotations:
                    sim.modelops.io/run-seconds: "0.05"
                    sim.modelops.io/termination-message: '{"metrics": {"accuracy": 0.9}, "modelURI": "s3://models/fraud/p\(index)"}'
                spec:
                  restartPolicy: Never
                  containers:
                  - name: trainer
                    image: trainer:1
        """
    }

    /// What a fault-free run ends with, per object: the comparable state a user sees.
    static func expected(slot: Date) -> [String: String] {
        var state: [String: String] = [:]
        for i in 0..<deployments {
            state["modeldeployment/m\(i)"] = "stable=v2 canary=- phase=Healthy history=v1,v2 rejected=-"
            state["deployment/m\(i)-v2"] = "replicas=2 owner=m\(i)"
            for service in ["m\(i)", "m\(i)-stable", "m\(i)-canary", "m\(i)-preview"] where serviceExpected(service) {
                state["service/\(service)"] = "owner=m\(i)"
            }
        }
        for i in 0..<policies {
            let run = RetrainRunNames.scheduled(policy: "p\(i)", slot: slot)
            state["trainingjob/\(run)"] = "phase=Succeeded policy=p\(i) trigger=Schedule"
            state["job/\(run)"] = "owner=\(run)"
            state["retrainpolicy/p\(i)"] = "active=0 lastSuccessful=\(run)"
        }
        return state
    }

    /// Canary with Replicas routing has no preview Service.
    static func serviceExpected(_ name: String) -> Bool { !name.hasSuffix("-preview") }

    /// The objects of one resource straight from the server's store (no request: faults do not
    /// apply to what the test reads).
    static func objects(_ harness: OperatorHarness, _ storageKey: String) -> [JSON] {
        harness.api.store.withState { state in state.all(storageKey).values.map(\.object) }
            .filter { $0[path: ["metadata", "namespace"]]?.stringValue == OperatorHarness.namespace }
    }

    static func ownerName(_ object: JSON) -> String {
        object[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["name"]?.stringValue ?? "-"
    }

    /// The comparable state of everything the workload made.
    static func observed(_ harness: OperatorHarness) -> [String: String] {
        var state: [String: String] = [:]
        for object in objects(harness, "modeldeployments.modelops.io") {
            let status = object["status"]
            let history = status?["history"]?.arrayValue?.compactMap { $0["version"]?.stringValue }.joined(separator: ",") ?? "-"
            let rejected = status?["rejectedVersions"]?.arrayValue?.compactMap { $0["version"]?.stringValue }.joined(separator: ",") ?? ""
            state["modeldeployment/\(name(object))"] = "stable=\(status?[path: ["stable", "version"]]?.stringValue ?? "-")"
                + " canary=\(status?[path: ["canary", "version"]]?.stringValue ?? "-")"
                + " phase=\(status?["phase"]?.stringValue ?? "-") history=\(history) rejected=\(rejected.isEmpty ? "-" : rejected)"
        }
        for object in objects(harness, "deployments.apps") {
            state["deployment/\(name(object))"] = "replicas=\(object[path: ["spec", "replicas"]]?.intValue ?? -1) owner=\(ownerName(object))"
        }
        for object in objects(harness, "services") {
            state["service/\(name(object))"] = "owner=\(ownerName(object))"
        }
        for object in objects(harness, "trainingjobs.modelops.io") {
            let labels = object[path: ["metadata", "labels"]]
            state["trainingjob/\(name(object))"] = "phase=\(object[path: ["status", "phase"]]?.stringValue ?? "-")"
                + " policy=\(labels?[RetrainRunNames.policyLabel]?.stringValue ?? "-")"
                + " trigger=\(labels?[RetrainRunNames.triggerLabel]?.stringValue ?? "-")"
        }
        for object in objects(harness, "jobs.batch") {
            state["job/\(name(object))"] = "owner=\(ownerName(object))"
        }
        for object in objects(harness, "retrainpolicies.modelops.io") {
            state["retrainpolicy/\(name(object))"] = "active=\(object[path: ["status", "active"]]?.arrayValue?.count ?? 0)"
                + " lastSuccessful=\(object[path: ["status", "lastSuccessful", "trainingJob"]]?.stringValue ?? "-")"
        }
        return state
    }

    static func name(_ object: JSON) -> String { object[path: ["metadata", "name"]]?.stringValue ?? "" }

    /// Pods whose owner no longer exists (the simulator's pods belong to Deployments and Jobs).
    static func orphans(_ harness: OperatorHarness) -> [String] {
        harness.api.store.withState { state -> [String] in
            var orphans: [String] = []
            for key in state.storageKeys {
                for object in state.all(key).values {
                    for owner in object.object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [] {
                        guard let uid = owner["uid"]?.stringValue else { continue }
                        if state.locate(uid: uid) == nil { orphans.append("\(key)/\(object.name) (owner \(owner["name"]?.stringValue ?? ""))") }
                    }
                }
            }
            return orphans.sorted()
        }
    }

    /// Every status write of a ModelDeployment, in order, as the server committed it.
    final class StatusTrail: Sendable {
        struct Point: Sendable { var observedGeneration: Int64; var stable: String?; var history: Int }
        let points = Mutex<[String: [Point]]>([:])

        func record(_ event: KubeTestServerCore.WatchEvent) {
            guard event.storageKey == "modeldeployments.modelops.io", event.kind == .modified,
                  let status = event.object.object["status"] else { return }
            let point = Point(observedGeneration: status["observedGeneration"]?.intValue ?? 0,
                              stable: status[path: ["stable", "version"]]?.stringValue,
                              history: status["history"]?.arrayValue?.count ?? 0)
            points.withLock { $0[event.object.name, default: []].append(point) }
        }

        /// Writes that went back: an older observedGeneration, v1 stable again after v2, a shorter history.
        func regressions() -> [String] {
            points.withLock { all in
                all.flatMap { name, points in
                    zip(points, points.dropFirst()).compactMap { a, b -> String? in
                        if b.observedGeneration < a.observedGeneration { return "\(name): observedGeneration \(a.observedGeneration) → \(b.observedGeneration)" }
                        if a.stable == "v2" && b.stable != "v2" { return "\(name): stable v2 → \(b.stable ?? "none")" }
                        if b.history < a.history { return "\(name): history \(a.history) → \(b.history) entries" }
                        return nil
                    }
                }
            }
        }
    }

    /// The candidates of a leader-election run (the test kills the leading one).
    static let candidates = Mutex<[(manager: Manager, task: Task<Void, Never>)]>([])

    static func startCandidates(_ harness: OperatorHarness) {
        for identity in ["replica-a", "replica-b"] {
            var election = LeaderElectionConfig(namespace: OperatorHarness.namespace, leaseName: "modelops-faults", identity: identity)
            election.leaseDuration = .seconds(2)
            election.renewDeadline = .milliseconds(1500)
            election.retryPeriod = .milliseconds(300)
            election.releaseOnCancel = false  // a crash does not hand its Lease back
            let manager = Manager(client: harness.client, options: Manager.Options(leaderElection: election), metrics: harness.metrics)
            ModelOpsOperator(context: harness.makeContext()).register(on: manager)
            let task = Task { _ = try? await manager.run() }
            candidates.withLock { $0.append((manager, task)) }
        }
    }

    static func killLeader() async throws {
        try await eventually(timeout: .seconds(20), "a leader") { candidates.withLock { $0.contains { $0.manager.isLeading } } }
        let leader = candidates.withLock { all -> Task<Void, Never>? in
            guard let index = all.firstIndex(where: { $0.manager.isLeading }) else { return nil }
            return all.remove(at: index).task
        }
        leader?.cancel()
        await leader?.value
        try await eventually(timeout: .seconds(20), "the standby leads") { candidates.withLock { $0.first?.manager.isLeading == true } }
    }

    static func stopCandidates() async {
        let all = candidates.withLock { all -> [Task<Void, Never>] in
            defer { all = [] }
            return all.map(\.task)
        }
        for task in all {
            task.cancel()
            await task.value
        }
    }

    /// Waits until at least `count` ModelDeployments serve v2 (progress under the fault).
    static func waitForProgress(_ harness: OperatorHarness, stableV2 count: Int) async throws {
        try await eventually(timeout: .seconds(60), "\(count) rollouts done") {
            objects(harness, "modeldeployments.modelops.io").filter { $0[path: ["status", "stable", "version"]]?.stringValue == "v2" }.count >= count
        }
    }

    /// The next 02:00 UTC after `date`.
    static func nextNightlySlot(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.nextDate(after: date, matching: DateComponents(hour: 2, minute: 0, second: 0), matchingPolicy: .strict)!
    }

    /// Resident set size in MB after returning free heap pages to the system.
    static func trimmedRSS() -> Double {
        _ = faultSuiteMallocTrim(0)
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    static func queueDepth(_ harness: OperatorHarness) -> Double {
        String(decoding: harness.metrics.exposition(), as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("workqueue_depth{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    static func run(workers: Int = 4, leaderElection: Bool = false,
                    inject: @escaping @Sendable (OperatorHarness) -> Void = { _ in },
                    whileRolling: (OperatorHarness) async throws -> Void = { _ in },
                    heal: @escaping @Sendable (OperatorHarness) -> Void = { _ in },
                    timeout: Duration = .seconds(90)) async throws {
        let harness = try await OperatorHarness.start(startOperator: !leaderElection) { $0.workers = workers }
        let trail = StatusTrail()
        harness.api.store.addAuditSink { trail.record($0) }
        if leaderElection { startCandidates(harness) }
        do {
            // Half a minute before a nightly slot: reaching it later moves the clock by 31 s, well
            // inside the rollouts' progress deadline (a jump of hours would rightly roll them back).
            harness.advance(past: nextNightlySlot(after: harness.clock.wallNow().addingTimeInterval(60)), by: -30)
            let manifests = (0..<deployments).map { RolloutFixtures.modelDeployment("m\($0)", version: "v1", replicas: 2, strategy: steps) }
                + (0..<policies).map(policy)
            try await harness.create(manifests.joined(separator: "\n---\n"))
            try await eventually(timeout: .seconds(60), "v1 serving everywhere, policies scheduled") {
                objects(harness, "modeldeployments.modelops.io").filter {
                    $0[path: ["status", "phase"]]?.stringValue == "Healthy" && $0[path: ["status", "stable", "version"]]?.stringValue == "v1"
                }.count == deployments
                    && objects(harness, "retrainpolicies.modelops.io").filter { $0[path: ["status", "nextScheduleTime"]] != nil }.count == policies
            }
            let slotTime = try #require(objects(harness, "retrainpolicies.modelops.io").first?[path: ["status", "nextScheduleTime"]]?.stringValue
                .flatMap(KubeTime.init(rfc3339:))?.date)
            let rssBefore = trimmedRSS()

            // Everything starts at once: 30 rollouts and 10 training runs, then the fault.
            for i in 0..<deployments {
                let patch: JSON = ["spec": ["model": ["version": "v2", "uri": "s3://models/churn/v2"]]]
                _ = try await harness.resource(ModelDeployment.self).patch("m\(i)", .merge(patch.serialized()))
            }
            harness.advance(past: slotTime)
            inject(harness)
            try await whileRolling(harness)

            let expected = expected(slot: slotTime)
            do {
                try await eventually(timeout: timeout, "every object converged to the fault-free state") { observed(harness) == expected }
            } catch {
                let seen = observed(harness)
                let diff = Set(expected.keys).union(seen.keys).sorted { ($0.hasPrefix("deployment/") ? 1 : 0, $0) < ($1.hasPrefix("deployment/") ? 1 : 0, $1) }.filter { expected[$0] != seen[$0] }
                    .map { "\($0): expected \(expected[$0] ?? "nothing"), got \(seen[$0] ?? "nothing")" }
                Issue.record("not converged (\(diff.count) differences): \(diff.prefix(12).joined(separator: "; "))")
                throw error
            }
            heal(harness)
            harness.api.faults.clear()
            try await eventually(timeout: .seconds(30), "work queues drained") { queueDepth(harness) == 0 }
            #expect(observed(harness) == expected, "still the fault-free state after healing")
            try await eventually(timeout: .seconds(20), "no orphaned child (garbage collection done)") { orphans(harness).isEmpty }
            #expect(trail.regressions() == [], "no status went backwards")
            let tjNames = objects(harness, "trainingjobs.modelops.io").map(name)
            #expect(tjNames.count == policies, "one TrainingJob per policy for the slot: \(tjNames.sorted())")
            let rssAfter = trimmedRSS()
            #expect(rssAfter < rssBefore + 40, "memory back near its level before the fault: \(rssBefore) MB → \(rssAfter) MB")
        } catch {
            await stopCandidates()
            await harness.stop()
            throw error
        }
        await stopCandidates()
        await harness.stop()
    }
}

/// glibc's malloc_trim (not exported by the Glibc module): returns freed heap pages to the
/// system, so RSS measures live memory rather than malloc's free lists.
@_silgen_name("malloc_trim")
private func faultSuiteMallocTrim(_ pad: Int) -> Int32
