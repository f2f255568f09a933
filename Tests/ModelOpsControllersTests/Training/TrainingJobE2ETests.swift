import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import ModelOpsControllers
import TestSupport
import Testing

/// The TrainingJob controller against the API test server, with the simulator running the
/// trainer pods to the exit codes and termination messages each test asks for.
@Suite struct TrainingJobE2ETests {
    static func start() async throws -> (OperatorHarness, RuntimeMetrics) {
        let metrics = RuntimeMetrics()
        let harness = try await OperatorHarness.start { $0.metrics = metrics }
        return (harness, metrics)
    }

    static func reasons(_ events: [JSON]) -> [String] { events.compactMap { $0["reason"]?.stringValue } }

    @Test func successRecordsMetricsAndLineage() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "fraud-v7",
                annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.93, "auc": 0.97], uri: "s3://models/fraud/v7"),
                              "sim.modelops.io/image-digest": TrainingE2E.digest],
                runSeconds: "2",
                labels: [TrainingJobLabels.retrainPolicy: "fraud-nightly", TrainingJobLabels.trigger: "Metric"],
                spec: "  activeDeadlineSeconds: 3600\n  validation:\n    gates:\n    - metric: accuracy\n      min: 0.9"))
            let running = try await harness.waitFor(TrainingJob.self, "fraud-v7", "running") { $0.status?.phase == .running }
            #expect(running.status?.message?.hasPrefix("attempt 1 running in pod fraud-v7-") == true)
            #expect(running.status?.lineage?.imageDigest == TrainingE2E.digest, "the digest is known as soon as the pod runs")
            let job = try await harness.waitFor(TrainingJob.self, "fraud-v7", "succeeded") { $0.status?.phase == .succeeded }
            let status = try #require(job.status)
            #expect(status.metrics == ["accuracy": 0.93, "auc": 0.97])
            #expect(status.headlineMetric == "accuracy=0.93")
            #expect(status.model == ModelArtifact(name: "fraud", version: "fraud-v7", uri: "s3://models/fraud/v7"))
            #expect(status.jobName == "fraud-v7")
            #expect(status.attempts == 1)
            #expect(status.observedGeneration == 1)
            let start = try #require(status.startTime)
            let end = try #require(status.completionTime)
            #expect(start == running.status?.startTime)
            #expect(start <= end)
            #expect(abs(end.date.timeIntervalSince(harness.clock.wallNow())) < 60, "times come from the operator's clock")
            #expect(status.lineage == Lineage(
                dataset: Dataset(uri: "s3://data/tx/", version: "2026-11-17"), imageDigest: TrainingE2E.digest,
                hyperparametersHash: TrainingJobPlanner.hyperparametersHash(["learning-rate": "0.05", "epochs": "10"]),
                policy: "fraud-nightly", trigger: .metric))
            #expect(status.conditions?[type: "Complete"]?.status == .true)
            #expect(status.conditions?[type: "Complete"]?.reason == "Succeeded")
            #expect(status.conditions?[type: "Validated"]?.status == .true)
            #expect(status.conditions?[type: "Validated"]?.message == "passed: accuracy 0.93 >= min 0.9")
            #expect(status.conditions?[type: "Failed"] == nil)

            // The Job the trainer ran in: the spec passed through, the contract in its env.
            let batchJob = try #require(try await harness.json("batch", "v1", "jobs", "fraud-v7"))
            #expect(batchJob[path: ["spec", "backoffLimit"]] == 3)
            #expect(batchJob[path: ["spec", "activeDeadlineSeconds"]] == 3600)
            #expect(batchJob[path: ["metadata", "ownerReferences"]]?[0]?["uid"] == .string(job.metadata.uid ?? ""))
            #expect(batchJob[path: ["metadata", "ownerReferences"]]?[0]?["controller"] == true)
            let pods = try await harness.list("", "v1", "pods", labelSelector: "modelops.io/training-job=fraud-v7")
            try #require(pods.count == 1)
            let env = (pods[0][path: ["spec", "containers"]]?[0]?["env"]?.arrayValue ?? []).reduce(into: [String: String]()) {
                $0[$1["name"]?.stringValue ?? ""] = $1["value"]?.stringValue
            }
            #expect(env["HP_LEARNING_RATE"] == "0.05")
            #expect(env["HP_EPOCHS"] == "10")
            #expect(env["HYPERPARAMETERS_FILE"] == "/etc/modelops/hyperparameters.json")
            #expect(env["DATASET_URI"] == "s3://data/tx/")
            #expect(env["DATASET_VERSION"] == "2026-11-17")
            #expect(env["OUTPUT_URI"] == "s3://models/fraud/")
            #expect(env["MODEL_VERSION"] == "fraud-v7")
            #expect(pods[0][path: ["metadata", "annotations", "modelops.io/hyperparameters"]] == #"{"epochs":"10","learning-rate":"0.05"}"#)

            let events = try await harness.events(about: "fraud-v7", waitingFor: ["Created", "Running", "Succeeded", "Validated"])
            let reasons = Self.reasons(events)
            #expect(reasons.contains("Created"))
            #expect(reasons.contains("Running"), "\(reasons)")
            #expect(reasons.contains("Succeeded"))
            #expect(reasons.contains("Validated"))

            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics, names: ["fraud-v7"])
            #expect(try await harness.get(TrainingJob.self, "fraud-v7").status == status)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func gateFailureIsValidatedFalseWithTheNumbers() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "weak", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.85, "loss": 0.41])],
                spec: "  validation:\n    gates:\n    - metric: accuracy\n      min: 0.9\n    - metric: loss\n      max: 0.5"))
            let job = try await harness.waitFor(TrainingJob.self, "weak", "validated") { $0.status?.conditions?[type: "Validated"] != nil }
            #expect(job.status?.phase == .succeeded)
            let validated = try #require(job.status?.conditions?[type: "Validated"])
            #expect(validated.status == .false)
            #expect(validated.reason == "GateFailed")
            #expect(validated.message == "failed: accuracy 0.85 < min 0.9; passed: loss 0.41 <= max 0.5")
            let events = try await harness.events(about: "weak", waitingFor: ["ValidationFailed"])
            let warning = try #require(events.first { $0["reason"] == "ValidationFailed" })
            #expect(warning["type"] == "Warning")
            #expect(warning["note"]?.stringValue == validated.message)
            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics, names: ["weak"])
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// A ModelDeployment that follows a policy that has promoted nothing yet: it serves no model.
    static let waitingDeployment = """
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
                image: registry.example/serve:1
        """

    /// The same ModelDeployment pinned to a version (a first version is deployed directly).
    static func pinnedDeployment(_ name: String, version: String) -> String {
        waitingDeployment
            .replacingOccurrences(of: "  name: fraud\n", with: "  name: \(name)\n")
            .replacingOccurrences(of: "    fromPolicy: fraud-nightly\n",
                                  with: "    name: fraud\n    version: \(version)\n    uri: s3://models/fraud/\(version)\n")
    }

    static func compare(_ minImprovement: String, to deployment: String = "fraud") -> String {
        "  validation:\n    compareTo:\n      modelDeployment: \(deployment)\n      metric: accuracy\n      minImprovement: \(minImprovement)"
    }

    static func verdict(_ harness: OperatorHarness, _ name: String) async throws -> TrainingJob {
        try await harness.waitFor(TrainingJob.self, name, "validated") { $0.status?.conditions?[type: "Validated"] != nil }
    }

    /// The baseline is whatever the ModelDeployment controller reports as serving (status.stable),
    /// and the metrics the TrainingJob that produced that version recorded.
    @Test func comparisonWithTheServingModel() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            // No such ModelDeployment: nothing can be compared, and the verdict says so.
            try await harness.create(TrainingE2E.trainingJob(
                "orphan", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.9])],
                spec: Self.compare("0", to: "nowhere")))
            let orphan = try await Self.verdict(harness, "orphan")
            #expect(orphan.status?.conditions?[type: "Validated"]?.status == .false)
            #expect(orphan.status?.conditions?[type: "Validated"]?.reason == "BaselineUnavailable")
            #expect(orphan.status?.conditions?[type: "Validated"]?.message
                == "failed: ModelDeployment nowhere not found, so accuracy cannot be compared with its serving model")

            // The deployment waits for a policy that promoted nothing: nothing served, nothing to beat.
            try await harness.create(Self.waitingDeployment)
            try await harness.waitFor(ModelDeployment.self, "fraud", "reconciled") { $0.status?.observedGeneration == 1 }
            try await harness.create(TrainingE2E.trainingJob(
                "first", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.5])], spec: Self.compare("0.01")))
            let first = try await Self.verdict(harness, "first")
            #expect(first.status?.conditions?[type: "Validated"]?.status == .true)
            #expect(first.status?.conditions?[type: "Validated"]?.message == "passed: ModelDeployment fraud serves no model yet: no accuracy to beat")

            // fraud-v6 trains v6 with accuracy 0.91; the deployment is pinned to v6 and serves it.
            try await harness.create(TrainingE2E.trainingJob(
                "fraud-v6", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.91])],
                spec: "  backoffLimit: 1"
            ).replacingOccurrences(of: "    name: fraud\n", with: "    name: fraud\n    version: v6\n"))
            try await harness.waitFor(TrainingJob.self, "fraud-v6", "succeeded") { $0.status?.phase == .succeeded }
            let pin: JSON = ["spec": ["model": ["fromPolicy": .null, "name": "fraud", "version": "v6", "uri": "s3://models/fraud/v6"]]]
            _ = try await harness.resource(ModelDeployment.self).patch("fraud", .merge(pin.serialized()))
            try await harness.waitFor(ModelDeployment.self, "fraud", "serving v6") {
                $0.status?.stable?.version == "v6" && $0.status?.phase == .healthy
            }

            try await harness.create(TrainingE2E.trainingJob(
                "better", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.93])], spec: Self.compare("0.01")))
            try await harness.create(TrainingE2E.trainingJob(
                "marginal", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.915])], spec: Self.compare("0.01")))
            let better = try await Self.verdict(harness, "better")
            let marginal = try await Self.verdict(harness, "marginal")
            #expect(better.status?.conditions?[type: "Validated"]?.status == .true)
            #expect(better.status?.conditions?[type: "Validated"]?.message
                == "passed: accuracy 0.93 vs 0.91 of version v6 serving in fraud (TrainingJob fraud-v6): +0.02, at least the required +0.01")
            #expect(marginal.status?.conditions?[type: "Validated"]?.status == .false)
            #expect(marginal.status?.conditions?[type: "Validated"]?.reason == "NotImproved")
            #expect(marginal.status?.conditions?[type: "Validated"]?.message
                == "failed: accuracy 0.915 vs 0.91 of version v6 serving in fraud (TrainingJob fraud-v6): +0.005, less than the required +0.01")

            // A served version no TrainingJob recorded metrics for cannot be beaten or matched.
            try await harness.create(Self.pinnedDeployment("legacy", version: "v5"))
            try await harness.waitFor(ModelDeployment.self, "legacy", "serving v5") { $0.status?.stable?.version == "v5" }
            try await harness.create(TrainingE2E.trainingJob(
                "unknown-baseline", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.99])],
                spec: Self.compare("0", to: "legacy")))
            let unknown = try await Self.verdict(harness, "unknown-baseline")
            #expect(unknown.status?.conditions?[type: "Validated"]?.status == .false)
            #expect(unknown.status?.conditions?[type: "Validated"]?.reason == "BaselineUnavailable")
            #expect(unknown.status?.conditions?[type: "Validated"]?.message
                == "failed: ModelDeployment legacy serves version v5, but no TrainingJob recorded metrics for it")
            // The verdicts given before are kept, whatever the deployment serves later.
            #expect(try await harness.get(TrainingJob.self, "better").status == better.status)

            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics,
                                                   names: ["orphan", "first", "fraud-v6", "better", "marginal", "unknown-baseline"])
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func retriesUpToBackoffLimitThenFails() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "crashing", annotations: ["sim.modelops.io/exit-code": "1", "sim.modelops.io/termination-message": "CUDA error: out of memory"],
                spec: "  backoffLimit: 2"))
            // One flaky attempt, then success: retried, not failed.
            try await harness.create(TrainingE2E.trainingJob(
                "flaky", annotations: ["sim.modelops.io/fail-attempts": "1", "sim.modelops.io/fail-message": "node lost",
                                       "sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.9])],
                spec: "  backoffLimit: 2"))
            let crashing = try await harness.waitFor(TrainingJob.self, "crashing", "failed") { $0.status?.phase == .failed }
            let failed = try #require(crashing.status?.conditions?[type: "Failed"])
            #expect(failed.status == .true)
            #expect(failed.reason == "BackoffLimitExceeded")
            #expect(failed.message.hasPrefix("Job has reached the specified backoff limit; last attempt in pod crashing-"))
            #expect(failed.message.hasSuffix("exited with code 1: CUDA error: out of memory"), "\(failed.message)")
            #expect(crashing.status?.attempts == 3, "backoffLimit 2: the first attempt and two retries")
            #expect(crashing.status?.conditions?[type: "Validated"]?.reason == "TrainingFailed")
            #expect(crashing.status?.completionTime != nil)
            #expect(try await harness.list("", "v1", "pods", labelSelector: "modelops.io/training-job=crashing").count == 3)
            let reasons = Self.reasons(try await harness.events(about: "crashing", waitingFor: ["Failed"]))
            #expect(reasons.contains("Failed"))

            let flaky = try await harness.waitFor(TrainingJob.self, "flaky", "succeeded") { $0.status?.phase == .succeeded }
            #expect(flaky.status?.attempts == 2)
            #expect(flaky.status?.metrics == ["accuracy": 0.9])
            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics, names: ["crashing", "flaky"])
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func activeDeadlineExceeded() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob("slow", runSeconds: "600", spec: "  activeDeadlineSeconds: 1"))
            let job = try await harness.waitFor(TrainingJob.self, "slow", "failed") { $0.status?.phase == .failed }
            #expect(job.status?.conditions?[type: "Failed"]?.reason == "DeadlineExceeded")
            #expect(job.status?.conditions?[type: "Failed"]?.message.hasPrefix("Job was active longer than specified deadline") == true)
            #expect(job.status?.startTime != nil)
            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics, names: ["slow"])
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func malformedAndMissingResults() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "chatty", annotations: ["sim.modelops.io/termination-message": "training done, accuracy 0.9"],
                spec: "  validation:\n    gates:\n    - metric: accuracy\n      min: 0.9"))
            try await harness.create(TrainingE2E.trainingJob("silent"))
            for (name, expected) in [("chatty", "invalid JSON"), ("silent", "the trainer wrote no termination message")] {
                let job = try await harness.waitFor(TrainingJob.self, name, "finished") { TrainingE2E.finished($0) }
                #expect(job.status?.phase == .succeeded)
                #expect(job.status?.metrics == nil)
                let complete = try #require(job.status?.conditions?[type: "Complete"])
                #expect(complete.status == .true)
                #expect(complete.reason == "NoResults")
                #expect(complete.message.contains(expected), "\(complete.message)")
                #expect(job.status?.conditions?[type: "Validated"]?.status == .false)
                #expect(job.status?.conditions?[type: "Validated"]?.reason == "NoResults")
                let warning = try #require(try await harness.events(about: name, waitingFor: ["NoResults"]).first { $0["reason"] == "NoResults" })
                #expect(warning["type"] == "Warning")
                #expect(warning["note"]?.stringValue?.contains(expected) == true)
            }
            let chatty = try await harness.events(about: "chatty", waitingFor: ["NoResults"]).first { $0["reason"] == "NoResults" }
            #expect(chatty?["note"]?.stringValue?.contains("\"training done, accuracy 0.9\"") == true, "the event quotes what the trainer wrote")
            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics, names: ["chatty", "silent"])
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func ttlDeletesTheJobAndTheRecordStays() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "short-lived", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.97])],
                spec: "  ttlSecondsAfterFinished: 1"))
            let done = try await harness.waitFor(TrainingJob.self, "short-lived", "succeeded") { $0.status?.phase == .succeeded }
            try await eventually(timeout: .seconds(20), "the TTL deletes the Job") {
                try await harness.json("batch", "v1", "jobs", "short-lived") == nil
            }
            try await eventually(timeout: .seconds(20), "and its pods") {
                try await harness.list("", "v1", "pods", labelSelector: "modelops.io/training-job=short-lived").isEmpty
            }
            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics, names: ["short-lived"])
            let after = try await harness.get(TrainingJob.self, "short-lived")
            #expect(after.status == done.status, "the record never reverts, and the Job is not recreated")
            #expect(try await harness.json("batch", "v1", "jobs", "short-lived") == nil)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// `ttlSecondsAfterFinished: 0` and no operator watching when the run ends: the TTL
    /// controller deletes the Job at once, pods first. The `modelops.io/training-results`
    /// finalizer holds the Job and its pod until the operator is back and has read the
    /// trainer's termination message; then both go.
    @Test func resultsSurviveATTLThatFiresWhileNoOperatorWatches() async throws {
        let (harness, _) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "instant-ttl", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.95])],
                runSeconds: "1", spec: "  ttlSecondsAfterFinished: 0"))
            _ = try await harness.waitFor(TrainingJob.self, "instant-ttl", "running") { $0.status?.phase == .running }
            await harness.stopOperator()
            try await eventually(timeout: .seconds(20), "the TTL deletes the finished Job") {
                try await harness.json("batch", "v1", "jobs", "instant-ttl")?[path: ["metadata", "deletionTimestamp"]] != nil
            }
            let held = try #require(try await harness.json("batch", "v1", "jobs", "instant-ttl"))
            #expect(held[path: ["metadata", "finalizers"]]?.arrayValue?.contains("modelops.io/training-results") == true)
            let pods = try await harness.list("", "v1", "pods", labelSelector: "modelops.io/training-job=instant-ttl")
            #expect(pods.count == 1 && pods.allSatisfy { $0[path: ["metadata", "deletionTimestamp"]] != nil },
                    "the foreground deletion reached the pod, and the finalizer holds it")
            harness.startOperator()
            let done = try await harness.waitFor(TrainingJob.self, "instant-ttl", "succeeded") { $0.status?.phase == .succeeded }
            #expect(done.status?.metrics == ["accuracy": 0.95], "the results were read from the held pod")
            try await eventually(timeout: .seconds(20), "the Job and its pod go once the record is final") {
                let job = try await harness.json("batch", "v1", "jobs", "instant-ttl")
                let pods = try await harness.list("", "v1", "pods", labelSelector: "modelops.io/training-job=instant-ttl")
                return job == nil && pods.isEmpty
            }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func deletingTheTrainingJobDeletesItsJobAndPods() async throws {
        let (harness, _) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob("doomed", runSeconds: "600"))
            try await harness.waitFor(TrainingJob.self, "doomed", "running") { $0.status?.phase == .running }
            #expect(try await harness.json("batch", "v1", "jobs", "doomed") != nil)
            _ = try await harness.resource(TrainingJob.self).delete("doomed")
            try await eventually(timeout: .seconds(20), "the Job is collected") {
                try await harness.json("batch", "v1", "jobs", "doomed") == nil
            }
            try await eventually(timeout: .seconds(20), "its pods are collected") {
                try await harness.list("", "v1", "pods", labelSelector: "modelops.io/training-job=doomed").isEmpty
            }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    /// The other side of `deletingTheTrainingJobDeletesItsJobAndPods`: there the Job goes because
    /// its TrainingJob went, which is no failed training; here the TrainingJob stays.
    @Test func aJobDeletedByHandFailsTheTraining() async throws {
        let (harness, _) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob("orphaned", runSeconds: "600"))
            try await harness.waitFor(TrainingJob.self, "orphaned", "running") { $0.status?.phase == .running }
            let jobs = ResourceInfo(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true)
            _ = try await harness.client.dynamic(jobs, namespace: OperatorHarness.namespace).delete("orphaned")
            let failed = try await harness.waitFor(TrainingJob.self, "orphaned", "failed") { $0.status?.phase == .failed }
            #expect(failed.status?.conditions?[type: "Failed"]?.reason == "JobDeleted")
            #expect(failed.status?.conditions?[type: "Failed"]?.message == "Job orphaned was deleted before the training finished")
            try await eventually(timeout: .seconds(20), "the Job is gone (its results finalizer released)") {
                try await harness.json("batch", "v1", "jobs", "orphaned") == nil
            }
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func operatorRestartMidRun() async throws {
        let (harness, metrics) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "resilient", annotations: ["sim.modelops.io/termination-message": TrainingE2E.result(["accuracy": 0.92])], runSeconds: "2"))
            let running = try await harness.waitFor(TrainingJob.self, "resilient", "running") { $0.status?.phase == .running }
            let uid = try #require(try await harness.json("batch", "v1", "jobs", "resilient")?[path: ["metadata", "uid"]])
            await harness.stopOperator()
            // The run ends while no operator watches.
            try await eventually(timeout: .seconds(20), "the Job completes") {
                let job = try await harness.json("batch", "v1", "jobs", "resilient")
                return job?[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"] == "Complete" && $0["status"] == "True" } == true
            }
            harness.startOperator()
            let done = try await harness.waitFor(TrainingJob.self, "resilient", "succeeded") { $0.status?.phase == .succeeded }
            #expect(done.status?.metrics == ["accuracy": 0.92])
            #expect(done.status?.startTime == running.status?.startTime, "the start recorded before the restart is kept")
            #expect(done.status?.attempts == 1)
            #expect(try await harness.json("batch", "v1", "jobs", "resilient")?[path: ["metadata", "uid"]] == uid, "the same Job, not a new run")
            #expect(try await harness.list("", "v1", "pods", labelSelector: "modelops.io/training-job=resilient").count == 1)
            #expect(Self.reasons(try await harness.events(about: "resilient", waitingFor: ["Created"])).filter { $0 == "Created" }.count == 1)
            try await TrainingE2E.expectZeroWrites(harness, metrics: metrics, names: ["resilient"])
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func unschedulableGPUKeepsItPendingWithTheSchedulersReason() async throws {
        let (harness, _) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob(
                "gpu-hungry", annotations: ["sim.modelops.io/unschedulable": "true"],
                resources: "        resources:\n          limits:\n            nvidia.com/gpu: 8"))
            let job = try await harness.waitFor(TrainingJob.self, "gpu-hungry", "pending with a reason") {
                $0.status?.message?.contains("Insufficient") == true
            }
            #expect(job.status?.phase == .pending)
            #expect(job.status?.message?.hasSuffix(": 0/1 nodes are available: 1 Insufficient nvidia.com/gpu.") == true, "\(job.status?.message ?? "")")
            let warning = try #require(try await harness.events(about: "gpu-hungry", waitingFor: ["Unschedulable"]).first { $0["reason"] == "Unschedulable" })
            #expect(warning["type"] == "Warning")
            #expect(warning["note"]?.stringValue == job.status?.message)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    @Test func specTheSchemaCannotCheckFailsWithInvalidSpec() async throws {
        let (harness, _) = try await Self.start()
        do {
            try await harness.create(TrainingE2E.trainingJob("bad-names").replacingOccurrences(of: "epochs: \"10\"", with: "\"num epochs\": \"10\""))
            let job = try await harness.waitFor(TrainingJob.self, "bad-names", "failed") { $0.status?.phase == .failed }
            let ready = try #require(job.status?.conditions?[type: "Ready"])
            #expect(ready.reason == "InvalidSpec")
            #expect(ready.message.contains("spec.hyperparameters[\"num epochs\"]"))
            #expect(job.status?.conditions?[type: "Failed"]?.reason == "InvalidSpec")
            #expect(try await harness.json("batch", "v1", "jobs", "bad-names") == nil, "nothing runs")
            let warning = try #require(try await harness.events(about: "bad-names", waitingFor: ["InvalidSpec"]).first { $0["reason"] == "InvalidSpec" })
            #expect(warning["type"] == "Warning")
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
