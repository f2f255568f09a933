import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import Testing
import TestSupport
@testable import ModelOpsControllers

/// RetrainPolicy triggers besides the clock, manual actions, promotion, history and bad specs,
/// through the real path.
@Suite("RetrainPolicy triggers, actions and promotion, end to end")
struct RetrainActionsEndToEndTests {
    @Test("a new data version in a ConfigMap starts one run on that version; the first value is only the baseline")
    func dataVersion() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: tx-dataset
                  namespace: ml
                data:
                  version: v41
                """)
            try await harness.create(OperatorHarness.retrainPolicy("fresh", extra: """
                triggers:
                - type: DataVersion
                  dataVersion:
                    configMapRef:
                      name: tx-dataset
                      key: version
                """))
            try await harness.waitFor(RetrainPolicy.self, "fresh", "baseline recorded") {
                $0.status?.triggerStatuses?.first?.observedDataVersion == "v41"
            }
            #expect(try await harness.trainingJobs(of: "fresh").isEmpty)

            let patch: JSON = ["data": ["version": "v42"]]
            _ = try await harness.client.resource(ConfigMap.self, namespace: "ml").patch("tx-dataset", .merge(patch.serialized()))
            let names = try await harness.waitForJobs(of: "fresh", count: 1)
            let job = try await harness.get(TrainingJob.self, names[0])
            #expect(job.spec.dataset.version == "v42")
            #expect(job.metadata.labels?["modelops.io/trigger"] == "DataVersion")
            let policy = try await harness.waitFor(RetrainPolicy.self, "fresh", "trigger recorded") {
                $0.status?.lastTrigger?.type == .dataVersion
            }
            #expect(policy.status?.lastTrigger?.reason == "dataset version changed from v41 to v42")
            #expect(policy.status?.lastTrigger?.trainingJob == names[0])
            #expect(policy.status?.triggerStatuses?.first?.observedDataVersion == "v42")

            // The same version again (an unrelated edit of the ConfigMap) starts nothing.
            let other: JSON = ["data": ["note": "touched"]]
            _ = try await harness.client.resource(ConfigMap.self, namespace: "ml").patch("tx-dataset", .merge(other.serialized()))
            await harness.restartOperator()
            try await harness.finish(names[0], .succeeded)
            try await harness.waitFor(RetrainPolicy.self, "fresh", "run finished") { $0.status?.activeCount == 0 }
            #expect(try await harness.trainingJobs(of: "fresh").count == 1)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("the retrain annotation starts one run per token; history limits delete the oldest finished runs first")
    func manualRetrainAndHistory() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(OperatorHarness.retrainPolicy("manual", extra: """
                successfulHistoryLimit: 1
                failedHistoryLimit: 1
                """))
            try await harness.waitFor(RetrainPolicy.self, "manual", "scheduled") { $0.status?.nextScheduleTime != nil }
            var runs: [String] = []
            for (i, outcome) in [TrainingJobStatus.Phase.succeeded, .succeeded, .failed, .failed].enumerated() {
                harness.clock.advance(by: .seconds(60))  // distinct completion times
                try await harness.annotate(policy: "manual", "modelops.io/retrain", "request-\(i)")
                let policy = try await harness.waitFor(RetrainPolicy.self, "manual", "request \(i) acted on") {
                    $0.status?.lastRetrainRequest == "request-\(i)" && $0.status?.activeCount == 1
                }
                let name = try #require(policy.status?.active?.first?.name)
                #expect(policy.status?.lastTrigger?.type == .manual)
                runs.append(name)
                try await harness.finish(name, outcome)
                try await harness.waitFor(RetrainPolicy.self, "manual", "run \(i) finished") { $0.status?.activeCount == 0 }
            }
            #expect(Set(runs).count == 4)
            // One successful and one failed run are kept: the newest of each.
            try await eventually(timeout: .seconds(20), "history pruned to the limits") {
                try await harness.trainingJobs(of: "manual").compactMap(\.metadata.name) == [runs[1], runs[3]].sorted()
            }
            try await eventually("the TrainingJobPruned event") {
                try await harness.eventReasons(about: "manual").contains("TrainingJobPruned")
            }

            // A token already acted on starts nothing, even after a restart.
            await harness.restartOperator()
            try await harness.annotate(policy: "manual", "modelops.io/other", "x")
            try await harness.waitFor(RetrainPolicy.self, "manual", "settled") { $0.status?.activeCount == 0 }
            #expect(try await harness.trainingJobs(of: "manual").count == 2)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("Automatic promotion records the validated model, never one a ModelDeployment rolled back; printer columns are filled")
    func automaticPromotion() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(Self.followingDeployment)
            try await harness.create(OperatorHarness.retrainPolicy("fraud-nightly", extra: "timeZone: UTC"))
            try await harness.waitFor(RetrainPolicy.self, "fraud-nightly", "scheduled") { $0.status?.nextScheduleTime != nil }

            harness.advance(past: utc("2026-11-19T02:00:00Z"))
            try await harness.waitForJobs(of: "fraud-nightly", count: 1)
            let wide = try await harness.cluster.kubectlOK("get", "rtp", "fraud-nightly", "-n", "ml", "-o", "wide")
            #expect(wide.contains("0 2 * * *") && wide.contains("Schedule"), "\(wide)")
            try await harness.finish("fraud-nightly-202611190200", .succeeded, version: "v1", validated: true)
            let promoted = try await harness.waitFor(RetrainPolicy.self, "fraud-nightly", "v1 promoted") {
                $0.status?.promoted?.version == "v1"
            }
            #expect(promoted.status?.promoted?.uri == "s3://models/fraud/v1")
            #expect(promoted.status?.promoted?.trainingJob == "fraud-nightly-202611190200")
            #expect(promoted.status?.lastSuccessful?.version == "v1")
            #expect(promoted.status?.conditions?[type: "Promoted"]?.status == .true)
            try await eventually("the Promoted event") {
                try await harness.eventReasons(about: "fraud-nightly").contains("Promoted")
            }

            let table = try await harness.cluster.kubectlOK("get", "rtp", "-n", "ml")
            let header = try #require(table.split(separator: "\n").first)
            #expect(header.contains("SCHEDULE") && header.contains("ACTIVE") && header.contains("PROMOTED"))
            let row = try #require(table.split(separator: "\n").first { $0.hasPrefix("fraud-nightly") })
            let cells = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // NAME, SCHEDULE (5 cells), SUSPEND, ACTIVE, LAST TRIGGER, PROMOTED, AGE
            #expect(Array(cells[1...5]) == ["0", "2", "*", "*", "*"], "\(table)")
            #expect(cells[6] == "false" && cells[7] == "0" && cells[9] == "v1", "\(table)")
            #expect(cells[8] != "<none>", "\(table)")

            // The deployment rolls v2 back before the policy sees it validated: v2 is never promoted.
            var deployment = try await harness.get(ModelDeployment.self, "fraud")
            deployment.status = ModelDeploymentStatus(rejectedVersions: [RejectedVersion(version: "v2", reason: "AnalysisFailed")])
            _ = try await harness.resource(ModelDeployment.self).updateStatus(deployment, name: "fraud")
            harness.advance(past: utc("2026-11-20T02:00:00Z"))
            try await harness.waitForJobs(of: "fraud-nightly", count: 2)
            try await harness.finish("fraud-nightly-202611200200", .succeeded, version: "v2", validated: true)
            try await harness.waitFor(RetrainPolicy.self, "fraud-nightly", "v2 seen") { $0.status?.lastSuccessful?.version == "v2" }
            #expect(try await harness.get(RetrainPolicy.self, "fraud-nightly").status?.promoted?.version == "v1")

            // v3 is fine.
            harness.advance(past: utc("2026-11-21T02:00:00Z"))
            try await harness.waitForJobs(of: "fraud-nightly", count: 3)
            try await harness.finish("fraud-nightly-202611210200", .succeeded, version: "v3", validated: true)
            try await harness.waitFor(RetrainPolicy.self, "fraud-nightly", "v3 promoted") { $0.status?.promoted?.version == "v3" }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("Manual promotion waits for the promote annotation")
    func manualPromotion() async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            try await harness.create(OperatorHarness.retrainPolicy("gated", extra: "promotion: Manual"))
            try await harness.annotate(policy: "gated", "modelops.io/retrain", "now")
            let started = try await harness.waitFor(RetrainPolicy.self, "gated", "run started") { $0.status?.activeCount == 1 }
            let name = try #require(started.status?.active?.first?.name)
            try await harness.finish(name, .succeeded, version: "v7", validated: true)
            let waiting = try await harness.waitFor(RetrainPolicy.self, "gated", "waiting for promote") {
                $0.status?.conditions?[type: "Promoted"]?.reason == "WaitingForPromote"
            }
            #expect(waiting.status?.promoted == nil)

            try await harness.annotate(policy: "gated", "modelops.io/promote", "no-such-job")
            try await eventually(timeout: .seconds(20), "refusal recorded") {
                try await harness.eventReasons(about: "gated").contains("PromoteRefused")
            }
            try await harness.annotate(policy: "gated", "modelops.io/promote", name)
            let promoted = try await harness.waitFor(RetrainPolicy.self, "gated", "promoted") { $0.status?.promoted?.version == "v7" }
            #expect(promoted.status?.lastPromoteRequest == name)
            // The spec was never touched by the operator: generation 1.
            #expect(promoted.metadata.generation == 1)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test("an invalid schedule or time zone: Ready=False InvalidSpec naming the field, a Warning event, no TrainingJob",
          arguments: [("bad-cron", "schedule: \"61 * * * *\"", "spec.schedule"), ("bad-zone", "timeZone: Mars/Olympus", "spec.timeZone")])
    func invalidSpec(_ name: String, _ field: String, _ path: String) async throws {
        let harness = try await OperatorHarness.startRetrain()
        do {
            var manifest = OperatorHarness.retrainPolicy(name, schedule: "0 * * * *", extra: field.hasPrefix("timeZone") ? field : "")
            if field.hasPrefix("schedule") { manifest = manifest.replacingOccurrences(of: "schedule: \"0 * * * *\"", with: field) }
            try await harness.create(manifest)
            let policy = try await harness.waitFor(RetrainPolicy.self, name, "InvalidSpec") {
                $0.status?.conditions?[type: "Ready"]?.reason == "InvalidSpec"
            }
            let ready = try #require(policy.status?.conditions?[type: "Ready"])
            #expect(ready.status == .false && ready.message.contains(path), "\(ready.message)")
            try await eventually(timeout: .seconds(20), "Warning event") {
                try await harness.events(about: name).contains {
                    $0["type"]?.stringValue == "Warning" && $0["reason"]?.stringValue == "InvalidSpec"
                        && ($0["note"]?.stringValue ?? "").contains(path)
                }
            }
            harness.clock.advance(by: .seconds(7200))
            try await harness.annotate(policy: name, "modelops.io/retrain", "please")
            try await harness.waitFor(RetrainPolicy.self, name, "still invalid") {
                $0.status?.conditions?[type: "Ready"]?.reason == "InvalidSpec"
            }
            #expect(try await harness.trainingJobs(of: name).isEmpty)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    static let followingDeployment = """
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: fraud
          namespace: ml
        spec:
          model:
            fromPolicy: fraud-nightly
          template:
            spec:
              containers:
              - name: server
                image: server:1
        """
}
