import Foundation
import KubeCore
import ModelOpsAPI
import Testing
@testable import ModelOpsControllers

/// The planner alone: observed policy + TrainingJobs + time in, decisions out.
@Suite("RetrainPolicyPlanner")
struct RetrainPolicyPlannerTests {
    static func policy(schedule: String = "0 2 * * *", timeZone: String? = nil, created: String = "2026-11-18T11:00:00Z",
                       _ edit: (inout RetrainPolicySpec) -> Void = { _ in }) throws -> RetrainPolicy {
        var spec = try JSON.object([
            "modelDeploymentRef": ["name": "fraud"], "schedule": .string(schedule),
            "trainingJobTemplate": [
                "metadata": ["labels": ["team": "risk"]],
                "spec": ["model": ["name": "fraud"], "outputURI": "s3://m/", "dataset": ["uri": "s3://d/"],
                         "template": ["spec": ["containers": [["name": "t", "image": "t:1"]]]]],
            ],
        ]).decode(as: RetrainPolicySpec.self)
        spec.timeZone = timeZone
        edit(&spec)
        return RetrainPolicy(metadata: ObjectMeta(name: "nightly", namespace: "ml", uid: "uid-1", generation: 1,
                                                  creationTimestamp: KubeTime(utc(created))),
                             spec: spec)
    }

    static func job(_ name: String, _ phase: TrainingJobStatus.Phase?, finished: String? = nil, version: String? = nil,
                    validated: Bool = false, trigger: RunTrigger = .schedule, createdAt: String = "2026-11-18T12:00:00Z") -> TrainingJob {
        var status = TrainingJobStatus(phase: phase, completionTime: finished.map { KubeTime(utc($0)) })
        if let version { status.model = ModelArtifact(name: "fraud", version: version, uri: "s3://m/\(version)") }
        if validated {
            status.conditions = [Condition(type: "Validated", status: .true, lastTransitionTime: KubeTime(utc(createdAt)), reason: "GatesPassed")]
        }
        return TrainingJob(metadata: ObjectMeta(name: name, namespace: "ml", uid: "uid-\(name)",
                                                creationTimestamp: KubeTime(utc(createdAt)),
                                                labels: [RetrainRunNames.policyLabel: "nightly", RetrainRunNames.triggerLabel: trigger.rawValue]),
                           spec: TrainingJobSpec(model: .init(name: "fraud"), outputURI: "s3://m/", dataset: Dataset(uri: "s3://d/"),
                                                 template: [:]),
                           status: status)
    }

    static func plan(_ policy: RetrainPolicy, jobs: [TrainingJob] = [], at now: String, dataVersions: [Int: String] = [:],
                     readings: [Int: MetricReading] = [:], rejected: Set<String> = []) -> RetrainPolicyPlan {
        RetrainPolicyPlanner.plan(RetrainPolicyObservation(policy: policy, jobs: jobs, now: utc(now), dataVersions: dataVersions,
                                               metricReadings: readings, rejectedVersions: rejected))
    }

    /// Feeds a plan's status back into the policy, as the status write and the next watch event would.
    static func applied(_ plan: RetrainPolicyPlan, to policy: RetrainPolicy) -> RetrainPolicy {
        var next = policy
        next.status = plan.status
        return next
    }

    @Test("a due slot creates one TrainingJob named from the slot, owned and labelled, and sets the next slot")
    func scheduledRun() throws {
        let policy = try Self.policy()
        let plan = Self.plan(policy, at: "2026-11-19T02:00:05Z")
        let job = try #require(plan.create.first)
        #expect(plan.create.count == 1)
        #expect(job.metadata.name == "nightly-202611190200")
        #expect(job.metadata.labels == ["team": "risk", "modelops.io/retrain-policy": "nightly", "modelops.io/trigger": "Schedule"])
        #expect(job.metadata.ownerReferences?.first?.uid == "uid-1" && job.metadata.ownerReferences?.first?.controller == true)
        #expect(job.metadata.annotations?[RetrainRunNames.scheduledTimeAnnotation] == "2026-11-19T02:00:00Z")
        #expect(plan.status.lastScheduleTime == KubeTime(utc("2026-11-19T02:00:00Z")))
        #expect(plan.status.nextScheduleTime == KubeTime(utc("2026-11-20T02:00:00Z")))
        #expect(plan.status.lastTrigger?.type == .schedule && plan.status.lastTrigger?.trainingJob == "nightly-202611190200")
        #expect(plan.status.active?.map(\.name) == ["nightly-202611190200"] && plan.status.activeCount == 1)
        #expect(plan.status.missedRuns == nil)
        #expect(plan.wakeAt == utc("2026-11-20T02:00:00Z"))

        // The next pass, before the next slot: nothing to do, the same status.
        let again = Self.plan(Self.applied(plan, to: policy), jobs: [job], at: "2026-11-19T09:00:00Z")
        #expect(again.create.isEmpty && again.delete.isEmpty && again.events.isEmpty)
        #expect(again.status == plan.status)
    }

    @Test("a policy name longer than a label value (up to 253 characters) is labelled by a 63-character prefix and hash; the run's own name fits too")
    func longPolicyName() throws {
        var policy = try Self.policy()
        let name = "fraud-detection-model-for-the-european-card-payments-platform-nightly-retrain"  // 77 characters
        policy.metadata.name = name
        let job = try #require(Self.plan(policy, at: "2026-11-19T02:00:05Z").create.first)
        let label = try #require(job.metadata.labels?[RetrainRunNames.policyLabel])
        #expect(label.count <= 63 && label.hasPrefix("fraud-detection-model-for-the-european-card-payments") && label != name, "\(label)")
        #expect(label == RetrainRunNames.policyLabelValue(name), "the CLI selects runs with the same value")
        #expect((job.metadata.name ?? "").count <= 63)
        #expect(job.metadata.ownerReferences?.first?.name == name, "the controller reference keeps the full name (lineage reads it)")
        #expect(RetrainRunNames.policyLabelValue("nightly") == "nightly")
        #expect(RetrainRunNames.policyLabelValue(String(repeating: "a", count: 63)) == String(repeating: "a", count: 63))
    }

    @Test("a slot whose TrainingJob exists already (a crash before the status write) is not run twice")
    func slotAlreadyRan() throws {
        let plan = Self.plan(try Self.policy(), jobs: [Self.job("nightly-202611190200", .running)], at: "2026-11-19T02:00:30Z")
        #expect(plan.create.isEmpty)
        #expect(plan.status.lastScheduleTime == KubeTime(utc("2026-11-19T02:00:00Z")))
        #expect(plan.status.missedRuns == nil)
    }

    @Test("after an outage only the most recent slot runs; the others are counted")
    func outage() throws {
        var policy = try Self.policy()
        policy.status = RetrainPolicyStatus(lastScheduleTime: KubeTime(utc("2026-11-19T02:00:00Z")))
        let plan = Self.plan(policy, at: "2026-11-22T03:00:00Z")
        #expect(plan.create.map(\.metadata.name) == ["nightly-202611220200"])
        #expect(plan.status.missedRuns == 2)
        #expect(plan.events.contains { $0.reason == "MissedSchedule" && $0.note.contains("missed 2 scheduled runs") })

        policy.spec.startingDeadlineSeconds = 1800
        let late = Self.plan(policy, at: "2026-11-22T03:00:00Z")
        #expect(late.create.isEmpty)
        #expect(late.status.missedRuns == 3)
        #expect(late.status.lastMissedScheduleTime == KubeTime(utc("2026-11-22T02:00:00Z")))
        #expect(late.status.lastScheduleTime == KubeTime(utc("2026-11-19T02:00:00Z")))
        // Accounted for: the next pass adds nothing.
        let next = Self.plan(Self.applied(late, to: policy), at: "2026-11-22T04:00:00Z")
        #expect(next.status.missedRuns == 3 && next.create.isEmpty && next.events.isEmpty)
    }

    @Test("Forbid skips a slot while a run is active, Replace deletes it, Allow runs both")
    func concurrency() throws {
        let running = Self.job("nightly-202611190200", .running)
        var policy = try Self.policy()
        policy.status = RetrainPolicyStatus(lastScheduleTime: KubeTime(utc("2026-11-19T02:00:00Z")))

        let forbid = Self.plan(policy, jobs: [running], at: "2026-11-20T02:00:01Z")
        #expect(forbid.create.isEmpty && forbid.delete.isEmpty)
        #expect(forbid.status.missedRuns == 1)
        #expect(forbid.events.contains { $0.type == .warning && $0.note.contains("concurrencyPolicy Forbid") })

        policy.spec.concurrencyPolicy = .replace
        let replace = Self.plan(policy, jobs: [running], at: "2026-11-20T02:00:01Z")
        #expect(replace.delete.map(\.metadata.name) == ["nightly-202611190200"])
        #expect(replace.create.map(\.metadata.name) == ["nightly-202611200200"])
        #expect(replace.status.active?.map(\.name) == ["nightly-202611200200"])

        policy.spec.concurrencyPolicy = .allow
        let allow = Self.plan(policy, jobs: [running], at: "2026-11-20T02:00:01Z")
        #expect(allow.delete.isEmpty && allow.create.count == 1)
        #expect(allow.status.active?.map(\.name) == ["nightly-202611190200", "nightly-202611200200"])
    }

    @Test("suspended: no run, the slot counted as missed, no next schedule time")
    func suspended() throws {
        let policy = try Self.policy { $0.suspend = true }
        let plan = Self.plan(policy, at: "2026-11-19T02:00:01Z")
        #expect(plan.create.isEmpty)
        #expect(plan.status.missedRuns == 1)
        #expect(plan.status.nextScheduleTime == nil)
        #expect(plan.status.conditions?[type: "Ready"]?.reason == "Suspended")
        #expect(plan.wakeAt == utc("2026-11-20T02:00:00Z"), "still wakes to count the next slot")
    }

    @Test("nextScheduleTime in a non-UTC zone: 02:00 Paris is 01:00 UTC in winter")
    func zone() throws {
        let plan = Self.plan(try Self.policy(timeZone: "Europe/Paris"), at: "2026-11-18T12:00:00Z")
        #expect(plan.status.nextScheduleTime == KubeTime(utc("2026-11-19T01:00:00Z")))
    }

    @Test("a new retrain token starts one run, once; under Forbid with a run active it is refused")
    func manual() throws {
        var policy = try Self.policy()
        policy.metadata.annotations = [RetrainRunNames.retrainAnnotation: "2026-11-18T13:00"]
        let plan = Self.plan(policy, at: "2026-11-18T13:00:00Z")
        #expect(plan.create.count == 1 && plan.create[0].metadata.labels?[RetrainRunNames.triggerLabel] == "Manual")
        #expect(plan.status.lastRetrainRequest == "2026-11-18T13:00")
        let again = Self.plan(Self.applied(plan, to: policy), jobs: plan.create, at: "2026-11-18T13:01:00Z")
        #expect(again.create.isEmpty)

        let refused = Self.plan(policy, jobs: [Self.job("other", .running)], at: "2026-11-18T13:00:00Z")
        #expect(refused.create.isEmpty && refused.status.lastRetrainRequest == "2026-11-18T13:00")
        #expect(refused.events.contains { $0.type == .warning && $0.reason == "RetrainRefused" })
    }

    @Test("a data version: the first value is the baseline, a change starts one run with that version, cooldown holds the next")
    func dataVersion() throws {
        var policy = try Self.policy {
            $0.triggers = [RetrainTrigger(type: .dataVersion, dataVersion: DataVersionTrigger(configMapRef: .init(name: "ds", key: "version")))]
            $0.cooldown = "1h"
        }
        let baseline = Self.plan(policy, at: "2026-11-18T12:00:00Z", dataVersions: [0: "v1"])
        #expect(baseline.create.isEmpty && baseline.status.triggerStatuses?.first?.observedDataVersion == "v1")
        policy = Self.applied(baseline, to: policy)

        let changed = Self.plan(policy, at: "2026-11-18T12:10:00Z", dataVersions: [0: "v2"])
        let job = try #require(changed.create.first)
        #expect(job.spec.dataset.version == "v2" && job.metadata.labels?[RetrainRunNames.triggerLabel] == "DataVersion")
        #expect(changed.status.lastTrigger?.reason == "dataset version changed from v1 to v2")
        policy = Self.applied(changed, to: policy)
        var finished = job
        finished.status = TrainingJobStatus(phase: .failed)

        let soon = Self.plan(policy, jobs: [finished], at: "2026-11-18T12:20:00Z", dataVersions: [0: "v3"])
        #expect(soon.create.isEmpty, "cooldown")
        #expect(soon.wakeAt == utc("2026-11-18T13:10:00Z"))
        let later = Self.plan(policy, jobs: [finished], at: "2026-11-18T13:10:00Z", dataVersions: [0: "v3"])
        #expect(later.create.map { $0.spec.dataset.version } == ["v3"])
    }

    @Test("a metric trigger fires once its condition held on consecutive evaluations for `for`; a gap resets it")
    func metric() throws {
        var policy = try Self.policy {
            $0.triggers = [RetrainTrigger(type: .metric, metric: MetricTrigger(query: "drift", threshold: 0.2, for: "1m"))]
        }
        func step(_ at: String, _ value: Double?) -> RetrainPolicyPlan {
            let plan = Self.plan(policy, at: at, readings: [0: MetricReading(value: value)])
            policy = Self.applied(plan, to: policy)
            return plan
        }
        #expect(step("2026-11-18T12:00:00Z", 0.5).create.isEmpty)
        #expect(policy.status?.triggerStatuses?.first?.breachingSince == KubeTime(utc("2026-11-18T12:00:00Z")))
        #expect(step("2026-11-18T12:00:30Z", 0.1).create.isEmpty, "the streak breaks")
        #expect(policy.status?.triggerStatuses?.first?.breachingSince == nil)
        #expect(step("2026-11-18T12:01:00Z", 0.5).create.isEmpty)
        #expect(step("2026-11-18T12:01:30Z", 0.6).create.isEmpty, "30 s of 60")
        let fired = step("2026-11-18T12:02:00Z", 0.7)
        #expect(fired.create.map(\.metadata.name) == ["nightly-metric-20261118120200"])
        #expect(fired.status.lastTrigger?.reason == "drift = 0.7 > 0.2 for 1m")
        // A reading with no value (empty result) never counts.
        #expect(step("2026-11-18T12:02:30Z", nil).create.isEmpty)
        #expect(policy.status?.triggerStatuses?.first?.breachingSince == nil)
    }

    @Test("Automatic promotion takes the newest validated run, never a rejected version, never an older one")
    func promotion() throws {
        let policy = try Self.policy()
        let old = Self.job("a", .succeeded, finished: "2026-11-19T03:00:00Z", version: "v1", validated: true)
        let new = Self.job("b", .succeeded, finished: "2026-11-20T03:00:00Z", version: "v2", validated: true)
        let unvalidated = Self.job("c", .succeeded, finished: "2026-11-21T03:00:00Z", version: "v3")
        let plan = Self.plan(policy, jobs: [old, new, unvalidated], at: "2026-11-21T04:00:00Z")
        #expect(plan.status.promoted?.version == "v2" && plan.status.promoted?.trainingJob == "b")
        #expect(plan.status.promoted?.uri == "s3://m/v2")
        #expect(plan.status.lastSuccessful?.trainingJob == "b")
        #expect(plan.events.contains { $0.reason == "Promoted" })

        // v2 rolled back: it stays recorded (Promoted=False), and v1, older, is not promoted instead.
        let rolledBack = Self.plan(Self.applied(plan, to: policy), jobs: [old, new], at: "2026-11-21T05:00:00Z", rejected: ["v2"])
        #expect(rolledBack.status.promoted?.version == "v2")
        #expect(rolledBack.status.conditions?[type: "Promoted"]?.reason == "RolledBack")
        #expect(!rolledBack.events.contains { $0.reason == "Promoted" })

        // Rejected before it was ever promoted: skipped in favour of the newest acceptable one.
        let skip = Self.plan(policy, jobs: [old, new], at: "2026-11-21T04:00:00Z", rejected: ["v2"])
        #expect(skip.status.promoted?.version == "v1")
    }

    @Test("runs that finish in the same second are ordered by creation: the later one is lastSuccessful and is promoted")
    func sameSecond() throws {
        // Names sort against creation here ("a…" after "4…"): the order must not come from the name.
        let earlier = Self.job("run-a20c", .succeeded, finished: "2026-11-20T03:00:00Z", version: "v1", validated: true,
                               createdAt: "2026-11-20T02:59:59Z")
        let later = Self.job("run-48c3", .succeeded, finished: "2026-11-20T03:00:00Z", version: "v2", validated: true,
                             createdAt: "2026-11-20T03:00:00Z")
        var policy = try Self.policy()
        policy.status = RetrainPolicyStatus(
            lastSuccessful: .init(trainingJob: "run-a20c", version: "v1", uri: "s3://m/v1", completionTime: KubeTime(utc("2026-11-20T03:00:00Z"))),
            promoted: .init(name: "fraud", version: "v1", uri: "s3://m/v1", trainingJob: "run-a20c", time: KubeTime(utc("2026-11-20T03:00:00Z"))))
        let plan = Self.plan(policy, jobs: [earlier, later], at: "2026-11-20T03:00:00Z")
        #expect(plan.status.lastSuccessful?.trainingJob == "run-48c3")
        #expect(plan.status.promoted?.version == "v2")
        // Once the later run is promoted, the earlier one (same finish time) is never taken back.
        let next = Self.plan(Self.applied(plan, to: policy), jobs: [earlier, later], at: "2026-11-20T03:00:01Z")
        #expect(next.status.promoted?.version == "v2" && next.status.lastSuccessful?.trainingJob == "run-48c3")
        #expect(!next.events.contains { $0.reason == "Promoted" })

        // Created and finished in one second (the simulator, a trivial trainer): the run the policy
        // triggered last is the newer, whatever the names say.
        let first = Self.job("run-ed06", .succeeded, finished: "2026-11-20T03:00:00Z", version: "v1", validated: true,
                             createdAt: "2026-11-20T03:00:00Z")
        let second = Self.job("run-6d25", .succeeded, finished: "2026-11-20T03:00:00Z", version: "v2", validated: true,
                              createdAt: "2026-11-20T03:00:00Z")
        var tied = policy
        tied.status?.lastSuccessful = .init(trainingJob: "run-ed06", version: "v1", uri: "s3://m/v1")
        tied.status?.promoted = .init(name: "fraud", version: "v1", uri: "s3://m/v1", trainingJob: "run-ed06")
        tied.status?.lastTrigger = .init(type: .manual, time: KubeTime(utc("2026-11-20T03:00:00Z")), trainingJob: "run-6d25")
        tied.status?.lastScheduleTime = KubeTime(utc("2026-11-20T02:00:00Z"))  // no scheduled run in this pass
        let tiedPlan = Self.plan(tied, jobs: [first, second], at: "2026-11-20T03:00:00Z")
        #expect(tiedPlan.status.lastSuccessful?.trainingJob == "run-6d25")
        #expect(tiedPlan.status.promoted?.version == "v2")
    }

    @Test("Manual promotion waits for the promote annotation, and refuses a rejected or unvalidated job")
    func manualPromotion() throws {
        var policy = try Self.policy { $0.promotion = .manual }
        let jobs = [Self.job("a", .succeeded, finished: "2026-11-19T03:00:00Z", version: "v1", validated: true),
                    Self.job("c", .succeeded, finished: "2026-11-19T04:00:00Z", version: "v3")]
        let waiting = Self.plan(policy, jobs: jobs, at: "2026-11-20T00:00:00Z")
        #expect(waiting.status.promoted == nil)
        #expect(waiting.status.conditions?[type: "Promoted"]?.reason == "WaitingForPromote")

        policy.metadata.annotations = [RetrainRunNames.promoteAnnotation: "a"]
        let promoted = Self.plan(policy, jobs: jobs, at: "2026-11-20T00:00:00Z")
        #expect(promoted.status.promoted?.version == "v1" && promoted.status.lastPromoteRequest == "a")

        policy.metadata.annotations = [RetrainRunNames.promoteAnnotation: "c"]
        let refused = Self.plan(policy, jobs: jobs, at: "2026-11-20T00:00:00Z")
        #expect(refused.status.promoted == nil)
        #expect(refused.events.contains { $0.reason == "PromoteRefused" && $0.note.contains("not Validated") })

        policy.metadata.annotations = [RetrainRunNames.promoteAnnotation: "a"]
        let rejected = Self.plan(policy, jobs: jobs, at: "2026-11-20T00:00:00Z", rejected: ["v1"])
        #expect(rejected.status.promoted == nil)
        #expect(rejected.events.contains { $0.reason == "PromoteRefused" && $0.note.contains("rolled back") })
    }

    @Test("history limits delete the oldest finished runs first, and keep the promoted one")
    func history() throws {
        let policy = try Self.policy {
            $0.successfulHistoryLimit = 2
            $0.failedHistoryLimit = 1
        }
        let succeeded = (1...4).map { Self.job("s\($0)", .succeeded, finished: "2026-11-1\($0 + 4)T03:00:00Z") }
        let failed = (1...3).map { Self.job("f\($0)", .failed, finished: "2026-11-1\($0 + 4)T04:00:00Z") }
        let plan = Self.plan(policy, jobs: succeeded + failed + [Self.job("r", .running)], at: "2026-11-20T00:00:00Z")
        #expect(plan.delete.map(\.metadata.name) == ["s1", "s2", "f1", "f2"])

        var promotedPolicy = policy
        promotedPolicy.status = RetrainPolicyStatus(promoted: .init(version: "x", uri: "s3://x", trainingJob: "s1"))
        let keep = Self.plan(promotedPolicy, jobs: succeeded, at: "2026-11-20T00:00:00Z")
        #expect(keep.delete.map(\.metadata.name) == ["s2"])
    }

    @Test("long policy names are cut so run names fit in 63 characters")
    func names() {
        let long = String(repeating: "a", count: 70)
        let name = RetrainRunNames.scheduled(policy: long, slot: utc("2026-11-19T02:00:00Z"))
        #expect(name.count == 63 && name.hasSuffix("-202611190200"))
        #expect(RetrainRunNames.manual(policy: "p", token: "x") == RetrainRunNames.manual(policy: "p", token: "x"))
        #expect(RetrainRunNames.manual(policy: "p", token: "x") != RetrainRunNames.manual(policy: "p", token: "y"))
    }
}
