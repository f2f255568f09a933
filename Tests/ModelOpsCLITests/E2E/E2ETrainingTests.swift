import Foundation
import KubeCore
import ModelOpsAPI
import Testing
import TestSupport

/// TrainingJobs run by the operator as its ServiceAccount: a batch/v1 Job whose busybox trainer
/// writes its result to `/dev/termination-log` (on a real kubelet; the simulator plays the same
/// outcome on the test server).
@Suite("E2E: TrainingJobs", .serialized, .e2eCluster)
struct E2ETrainingTests {
    /// SHA-256 of the sorted `name=value` lines, as README's Training section defines
    /// `lineage.hyperparametersHash`, computed by sha256sum rather than by the operator's code.
    static func expectedHash(_ hyperparameters: [String: String]) async throws -> String {
        let lines = hyperparameters.keys.sorted().map { "\($0)=\(hyperparameters[$0]!)\n" }.joined()
        let result = try await Command.run(Command.which("sha256sum") ?? "/usr/bin/sha256sum", [], stdin: lines)
        return String(result.stdout.prefix(64))
    }

    @Test("a trainer's metrics are recorded, its gate passes, and the lineage names data, image digest, hyperparameters, policy and trigger")
    func metricsGatesAndLineage() async throws {
        try await E2EScenario.run { scenario in
            _ = try await scenario.startOperator()
            // The model URI is built in the container from the operator's environment contract.
            let trainer = E2ETrainer(
                result: E2EManifests.result(["accuracy": 0.93, "auc": 0.97], uri: "s3://models/fraud/@MODEL_VERSION@-lr@HP_LEARNING_RATE@-@DATASET_VERSION@"),
                expected: ["MODEL_VERSION": "fraud-v7", "HP_LEARNING_RATE": "0.05", "DATASET_VERSION": "2026-11-17"])
            try await scenario.apply(E2EManifests.trainingJob(
                "fraud-v7", trainer: trainer, gates: [E2EManifests.gate("accuracy", min: 0.9)],
                labels: [TrainingJobLabels.retrainPolicy: "fraud-nightly", TrainingJobLabels.trigger: "Manual"]))
            let job = try await scenario.waitFor(TrainingJob.self, "fraud-v7", "Validated") {
                $0.status?.conditions?[type: "Validated"] != nil
            }
            let status = try #require(job.status)
            #expect(status.phase == .succeeded)
            #expect(status.metrics == ["accuracy": 0.93, "auc": 0.97])
            #expect(status.model?.uri == "s3://models/fraud/fraud-v7-lr0.05-2026-11-17",
                    "MODEL_VERSION, HP_LEARNING_RATE and DATASET_VERSION reached the trainer")
            #expect(status.conditions?[type: "Validated"]?.status == .true)
            #expect(status.conditions?[type: "Validated"]?.message == "passed: accuracy 0.93 >= min 0.9")
            #expect(status.attempts == 1)

            let lineage = try #require(status.lineage)
            #expect(lineage.dataset == Dataset(uri: "s3://datasets/transactions/", version: "2026-11-17"))
            #expect(lineage.hyperparametersHash == (try await Self.expectedHash(E2EManifests.hyperparameters)))
            #expect(lineage.policy == "fraud-nightly" && lineage.trigger == .manual)
            // The digest is the image the pod actually ran, as its container status reports it.
            let pods = try await scenario.list(E2EScenario.pods, labelSelector: "\(TrainingJobLabels.trainingJob)=fraud-v7")
            let imageID = try #require(pods.first?[path: ["status", "containerStatuses"]]?[0]?["imageID"]?.stringValue)
            let digest = try #require(lineage.imageDigest)
            #expect(digest.hasPrefix("sha256:") && digest.count == 71 && imageID.hasSuffix(digest), "\(digest) from \(imageID)")

            let reasons = Set(try await scenario.events(about: "fraud-v7", waitingFor: ["Succeeded", "Validated"])
                .compactMap { $0["reason"]?.stringValue })
            #expect(reasons.isSuperset(of: ["Succeeded", "Validated"]))
        }
    }

    @Test("a result below its gate: Succeeded but not Validated, with the numbers in the condition and a Warning event")
    func gateFails() async throws {
        try await E2EScenario.run { scenario in
            _ = try await scenario.startOperator()
            let trainer = E2ETrainer(result: E2EManifests.result(["accuracy": 0.85], uri: "s3://models/fraud/weak"))
            try await scenario.apply(E2EManifests.trainingJob("weak", trainer: trainer, gates: [E2EManifests.gate("accuracy", min: 0.9)]))
            let job = try await scenario.waitFor(TrainingJob.self, "weak", "Validated decided") {
                $0.status?.conditions?[type: "Validated"] != nil
            }
            #expect(job.status?.phase == .succeeded)
            let validated = try #require(job.status?.conditions?[type: "Validated"])
            #expect(validated.status == .false && validated.reason == "GateFailed")
            #expect(validated.message == "failed: accuracy 0.85 < min 0.9")
            let warning = try #require(try await scenario.events(about: "weak", waitingFor: ["ValidationFailed"])
                .first { $0["reason"]?.stringValue == "ValidationFailed" })
            #expect(warning["type"]?.stringValue == "Warning")
            #expect(warning["note"]?.stringValue == validated.message)
        }
    }

    @Test("a trainer that exits 1 fails the TrainingJob with the Job's reason, the exit code and what the trainer wrote")
    func failingTrainer() async throws {
        try await E2EScenario.run { scenario in
            _ = try await scenario.startOperator()
            let trainer = E2ETrainer(result: "CUDA error: out of memory", exitCode: 1)
            try await scenario.apply(E2EManifests.trainingJob("crashing", trainer: trainer, gates: [E2EManifests.gate("accuracy", min: 0.9)],
                                                              backoffLimit: 0))
            let job = try await scenario.waitFor(TrainingJob.self, "crashing", "Failed") { $0.status?.phase == .failed }
            let failed = try #require(job.status?.conditions?[type: "Failed"])
            #expect(failed.status == .true && failed.reason == "BackoffLimitExceeded")
            #expect(failed.message.hasPrefix("Job has reached the specified backoff limit; last attempt in pod crashing-"), "\(failed.message)")
            #expect(failed.message.hasSuffix("exited with code 1: CUDA error: out of memory"), "\(failed.message)")
            #expect(job.status?.attempts == 1)
            #expect(job.status?.conditions?[type: "Validated"]?.reason == "TrainingFailed")
            #expect(job.status?.metrics == nil)
            _ = try await scenario.events(about: "crashing", waitingFor: ["Failed"])
        }
    }
}
