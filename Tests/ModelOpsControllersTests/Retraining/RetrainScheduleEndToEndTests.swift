import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import Testing
import TestSupport
@testable import ModelOpsControllers

/// RetrainPolicy schedules through the real path: the API test server, the operator's informers
/// and work queue, and the injected clock moved across nights.
@Suite("RetrainPolicy schedule, end to end")
struct RetrainScheduleEndToEndTests {
    @Test("a nightly schedule over three simulated days creates exactly three TrainingJobs")
    func nightlyOverThreeDays() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(OperatorHarness.retrainPolicy("nightly"))
            try await harness.waitFor(RetrainPolicy.self, "nightly", "next slot") {
                $0.status?.nextScheduleTime == kubeTime("2026-11-19T02:00:00Z")
            }
            var names: [String] = []
            for day in 19...21 {
                harness.advance(past: utc("2026-11-\(day)T02:00:00Z"))
                names = try await harness.waitForJobs(of: "nightly", count: day - 18)
                try await harness.finish(names.last!, .succeeded)
                try await harness.waitFor(RetrainPolicy.self, "nightly", "run of the \(day)th finished") {
                    $0.status?.activeCount == 0 && $0.status?.lastScheduleTime == kubeTime("2026-11-\(day)T02:00:00Z")
                }
            }
            #expect(names == ["nightly-202611190200", "nightly-202611200200", "nightly-202611210200"])
            let job = try await harness.get(TrainingJob.self, "nightly-202611190200")
            #expect(job.metadata.ownerReferences?.first?.kind == "RetrainPolicy" && job.metadata.ownerReferences?.first?.controller == true)
            #expect(job.metadata.labels?["modelops.io/trigger"] == "Schedule")
            let policy = try await harness.get(RetrainPolicy.self, "nightly")
            #expect(policy.status?.missedRuns == nil)
            #expect(policy.status?.nextScheduleTime == kubeTime("2026-11-22T02:00:00Z"))
            #expect(policy.status?.lastTrigger?.type == .schedule)
            #expect(policy.status?.conditions?[type: "Ready"]?.status == .true)
            #expect(try await harness.trainingJobs(of: "nightly").count == 3)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("Forbid skips a slot while a run is active and counts it; Replace deletes the running one; Allow runs both")
    func concurrencyPolicies() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(OperatorHarness.retrainPolicy("hourly", schedule: "0 * * * *"))
            try await harness.create(OperatorHarness.retrainPolicy("both", schedule: "0 * * * *", extra: "concurrencyPolicy: Allow"))
            try await harness.waitFor(RetrainPolicy.self, "both", "next slot") { $0.status?.nextScheduleTime != nil }
            try await harness.waitFor(RetrainPolicy.self, "hourly", "next slot") { $0.status?.nextScheduleTime != nil }

            harness.advance(past: utc("2026-11-18T12:00:00Z"))
            try await harness.waitForJobs(of: "hourly", count: 1)
            try await harness.waitForJobs(of: "both", count: 1)

            harness.advance(past: utc("2026-11-18T13:00:00Z"))
            try await harness.waitForJobs(of: "both", count: 2)
            let forbid = try await harness.waitFor(RetrainPolicy.self, "hourly", "slot skipped") { $0.status?.missedRuns == 1 }
            #expect(forbid.status?.active?.map(\.name) == ["hourly-202611181200"])
            #expect(try await harness.trainingJobs(of: "hourly").count == 1)
            try await eventually("the MissedSchedule event") {
                try await harness.eventReasons(about: "hourly").contains("MissedSchedule")
            }
            let allow = try await harness.waitFor(RetrainPolicy.self, "both", "two active") { $0.status?.activeCount == 2 }
            #expect(allow.status?.active?.map(\.name) == ["both-202611181200", "both-202611181300"])

            try await harness.patchSpec(policy: "hourly", ["concurrencyPolicy": "Replace"])
            try await harness.waitFor(RetrainPolicy.self, "hourly", "sees Replace") { $0.status?.observedGeneration == 2 }
            harness.advance(past: utc("2026-11-18T14:00:00Z"))
            try await eventually(timeout: .seconds(20), "the 12:00 run replaced by the 14:00 run") {
                try await harness.trainingJobs(of: "hourly").compactMap(\.metadata.name) == ["hourly-202611181400"]
            }
            let replaced = try await harness.waitFor(RetrainPolicy.self, "hourly", "active is the new run") {
                $0.status?.active?.map(\.name) == ["hourly-202611181400"]
            }
            #expect(replaced.status?.missedRuns == 1)
            // Events are written by the recorder's own task, after the status that says why.
            try await eventually("the TrainingJobReplaced event") {
                try await harness.eventReasons(about: "hourly").contains("TrainingJobReplaced")
            }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("after an outage only the latest missed slot runs, within startingDeadlineSeconds; the rest are counted in status")
    func outage() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(OperatorHarness.retrainPolicy("catchup"))
            try await harness.create(OperatorHarness.retrainPolicy("strict", extra: "startingDeadlineSeconds: 600"))
            try await harness.waitFor(RetrainPolicy.self, "catchup", "scheduled") { $0.status?.nextScheduleTime != nil }
            try await harness.waitFor(RetrainPolicy.self, "strict", "scheduled") { $0.status?.nextScheduleTime != nil }

            await harness.stopOperator()
            harness.advance(past: utc("2026-11-21T03:00:00Z"))  // three nightly slots while down, the last an hour ago
            harness.startOperator()

            try await harness.waitForJobs(of: "catchup", count: 1)
            let catchup = try await harness.waitFor(RetrainPolicy.self, "catchup", "missed runs counted") { $0.status?.missedRuns == 2 }
            #expect(try await harness.trainingJobs(of: "catchup").map(\.metadata.name) == ["catchup-202611210200"])
            #expect(catchup.status?.lastScheduleTime == kubeTime("2026-11-21T02:00:00Z"))

            let strict = try await harness.waitFor(RetrainPolicy.self, "strict", "all three missed") { $0.status?.missedRuns == 3 }
            #expect(strict.status?.lastMissedScheduleTime == kubeTime("2026-11-21T02:00:00Z"))
            #expect(strict.status?.lastScheduleTime == nil)
            #expect(try await harness.trainingJobs(of: "strict").isEmpty)
            try await eventually("the MissedSchedule event") {
                try await harness.eventReasons(about: "strict").contains("MissedSchedule")
            }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("a restart between creating a slot's TrainingJob and recording it does not create a second one")
    func restartDoesNotDuplicate() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(OperatorHarness.retrainPolicy("nightly"))
            try await harness.waitFor(RetrainPolicy.self, "nightly", "scheduled") { $0.status?.nextScheduleTime != nil }
            // Every status write fails: the run is created, but the policy never records it.
            harness.api.faults.failNext(1000, verb: "update", resource: "retrainpolicies/status", status: 500)
            harness.advance(past: utc("2026-11-19T02:00:00Z"))
            try await harness.waitForJobs(of: "nightly", count: 1)
            let before = try await harness.get(RetrainPolicy.self, "nightly")
            #expect(before.status?.lastScheduleTime == nil)

            await harness.restartOperator()
            harness.api.faults.clear()
            try await harness.waitFor(RetrainPolicy.self, "nightly", "slot recorded after restart") {
                $0.status?.lastScheduleTime == kubeTime("2026-11-19T02:00:00Z")
            }
            #expect(try await harness.trainingJobs(of: "nightly").map(\.metadata.name) == ["nightly-202611190200"])
            #expect(try await harness.get(RetrainPolicy.self, "nightly").status?.missedRuns == nil)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("suspend stops new runs and counts the missed slots; resuming runs the next slot, not the missed ones")
    func suspend() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(OperatorHarness.retrainPolicy("paused", extra: "suspend: true"))
            try await harness.waitFor(RetrainPolicy.self, "paused", "suspended") {
                $0.status?.conditions?[type: "Ready"]?.reason == "Suspended" && $0.status?.nextScheduleTime == nil
            }
            harness.advance(past: utc("2026-11-19T02:00:00Z"))
            try await harness.waitFor(RetrainPolicy.self, "paused", "one missed") { $0.status?.missedRuns == 1 }
            harness.advance(past: utc("2026-11-20T02:00:00Z"))
            try await harness.waitFor(RetrainPolicy.self, "paused", "two missed") { $0.status?.missedRuns == 2 }
            #expect(try await harness.trainingJobs(of: "paused").isEmpty)

            try await harness.patchSpec(policy: "paused", ["suspend": false])
            try await harness.waitFor(RetrainPolicy.self, "paused", "resumed") {
                $0.status?.nextScheduleTime == kubeTime("2026-11-21T02:00:00Z")
            }
            #expect(try await harness.trainingJobs(of: "paused").isEmpty, "missed slots do not run on resume")
            harness.advance(past: utc("2026-11-21T02:00:00Z"))
            #expect(try await harness.waitForJobs(of: "paused", count: 1) == ["paused-202611210200"])
            #expect(try await harness.get(RetrainPolicy.self, "paused").status?.missedRuns == 2)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("a scheduled run costs its policy one status write: the run's uid is in it from the start")
    func oneStatusWritePerRun() async throws {
        let metrics = RuntimeMetrics()
        let harness = try await OperatorHarness.startRetrain { $0.metrics = metrics }
        do {
            try await harness.create(OperatorHarness.retrainPolicy("nightly"))
            try await harness.waitFor(RetrainPolicy.self, "nightly", "next slot") { $0.status?.nextScheduleTime != nil }
            let counter = harness.api.counter
            let statusWrites = { counter.total(verbs: ["update", "patch"], resource: "retrainpolicies/status") }
            let before = statusWrites()
            harness.advance(past: utc("2026-11-19T02:00:00Z"))
            let name = try #require(try await harness.waitForJobs(of: "nightly", count: 1).first)
            let job = try await harness.get(TrainingJob.self, name)
            let policy = try await harness.waitFor(RetrainPolicy.self, "nightly", "the run active") { $0.status?.activeCount == 1 }
            #expect(policy.status?.active == [.init(name: name, uid: job.metadata.uid)])
            // Another pass, with the run in the cache: it computes the same status.
            let reconciles = Self.reconciles(metrics)
            let patch: JSON = ["metadata": ["labels": ["team": "risk"]]]
            _ = try await harness.resource(RetrainPolicy.self).patch("nightly", .merge(patch.serialized()))
            try await eventually(timeout: .seconds(20), "the controller reconciled again") { Self.reconciles(metrics) > reconciles }
            #expect(statusWrites() - before == 1, "\(counter.snapshot)")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("nextScheduleTime in Europe/Paris, and a settled policy costs zero writes")
    func zoneAndSteadyState() async throws {
        let metrics = RuntimeMetrics()
        let harness = try await OperatorHarness.startRetrain { $0.metrics = metrics }
        do {
            // 02:00 in Paris is 01:00 UTC in November (CET, UTC+1).
            try await harness.create(OperatorHarness.retrainPolicy("paris", extra: "timeZone: Europe/Paris"))
            try await harness.waitFor(RetrainPolicy.self, "paris", "next slot in Paris time") {
                $0.status?.nextScheduleTime == kubeTime("2026-11-19T01:00:00Z")
            }
            harness.advance(past: utc("2026-11-19T01:00:00Z"))
            #expect(try await harness.waitForJobs(of: "paris", count: 1) == ["paris-202611190100"])
            try await harness.finish("paris-202611190100", .succeeded)
            try await harness.waitFor(RetrainPolicy.self, "paris", "settled") {
                $0.status?.activeCount == 0 && $0.status?.nextScheduleTime == kubeTime("2026-11-20T01:00:00Z")
            }

            await harness.events.flush()
            let counter = harness.api.counter
            let operatorWrites = { counter.total(verbs: ["create", "update", "patch", "delete"], resource: "retrainpolicies/status")
                + counter.total(verbs: ["create", "update", "patch", "delete"], resource: "trainingjobs")
                + counter.total(verbs: ["create", "update", "patch", "delete"], resource: "events") }
            let before = operatorWrites()
            let reconciles = Self.reconciles(metrics)
            // A label edit and two hours of clock (no slot due) make the controller look again.
            let patch: JSON = ["metadata": ["labels": ["team": "risk"]]]
            _ = try await harness.resource(RetrainPolicy.self).patch("paris", .merge(patch.serialized()))
            harness.clock.advance(by: .seconds(7200))
            try await eventually(timeout: .seconds(20), "the controller reconciled again") { Self.reconciles(metrics) > reconciles }
            await harness.events.flush()
            #expect(operatorWrites() == before, "\(counter.snapshot)")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// Reconciles of the RetrainPolicy controller so far, from its Prometheus metrics.
    static func reconciles(_ metrics: RuntimeMetrics) -> Double {
        String(decoding: metrics.exposition(), as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("controller_runtime_reconcile_total{") && $0.contains("controller=\"retrainpolicy\"") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0, +)
    }
}
