import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import ModelOpsControllers
import TestSupport
import Testing

/// TrainingJobs with `spec.tracking.mlflow` against a real MLflow server (PyPI's mlflow with a
/// SQLite store), the operator on the API test server with the simulator running the trainer.
/// What the operator wrote is read back with MLflow's own Python client.
@Suite("MLflow tracking of TrainingJobs", .serialized)
struct MLflowTrackingE2ETests {
    static let metricsResult = TrainingE2E.result(["accuracy": 0.93, "auc": 0.97], uri: "s3://models/fraud/v7")

    static func trackedJob(_ name: String, runSeconds: String = "0.05", tracking: String = "      experiment: fraud-training") -> String {
        TrainingE2E.trainingJob(
            name, annotations: ["sim.modelops.io/termination-message": metricsResult, "sim.modelops.io/image-digest": TrainingE2E.digest],
            runSeconds: runSeconds, labels: [TrainingJobLabels.retrainPolicy: "fraud-nightly", TrainingJobLabels.trigger: "Schedule"],
            spec: "  tracking:\n    mlflow:\n\(tracking)")
    }

    /// What MLflow's Python client reads of a run and of the model versions made from it.
    static func readBack(_ mlflow: MLflowFixture, runID: String) async throws -> JSON {
        let output = try await mlflow.python("""
            import json
            from mlflow import MlflowClient
            c = MlflowClient()
            run = c.get_run("\(runID)")
            versions = c.search_model_versions("name='fraud'")
            print(json.dumps({
                "status": run.info.status, "name": run.info.run_name,
                "experiment": c.get_experiment(run.info.experiment_id).name,
                "runs": len(c.search_runs([run.info.experiment_id])),
                "params": run.data.params, "metrics": run.data.metrics,
                "tags": {k: v for k, v in run.data.tags.items() if k.startswith("modelops.io/")},
                "versions": [{"version": v.version, "source": v.source, "run_id": v.run_id} for v in versions],
                "accuracyHistory": len(c.get_metric_history(run.info.run_id, "accuracy")),
            }))
            """)
        return try JSON.parse(output)
    }

    @Test("a tracked TrainingJob: run with params, tags and metrics, FINISHED, model registered; a lost status write makes no second run")
    func trackedRun() async throws {
        try await MLflowFixture.with { mlflow in
            let harness = try await OperatorHarness.start(configure: { $0.mlflowTrackingURI = mlflow.address })
            do {
                try await harness.create(Self.trackedJob("fraud-v7"))
                let job = try await harness.waitFor(TrainingJob.self, "fraud-v7", "tracked and registered") {
                    $0.status?.phase == .succeeded && $0.status?.tracking?.mlflow?.registeredVersion != nil
                }
                let record = try #require(job.status?.tracking?.mlflow)
                let runID = try #require(record.runID)
                #expect(record.trackingURI == mlflow.address)
                #expect(record.runStatus == "FINISHED")
                #expect(record.registeredModel == "fraud" && record.registeredVersion == "1")
                #expect(record.runURL == "\(mlflow.address)/#/experiments/\(record.experimentID ?? "")/runs/\(runID)")
                let tracked = try #require(job.status?.conditions?[type: "Tracked"])
                #expect(tracked.status == .true && tracked.reason == "RunEnded")
                #expect(tracked.message == "run \(runID) in experiment \"fraud-training\" FINISHED; registered as fraud version 1")
                _ = try await harness.events(about: "fraud-v7", waitingFor: ["TrackingRunStarted", "ModelRegistered"])

                let read = try await Self.readBack(mlflow, runID: runID)
                #expect(read["status"] == "FINISHED" && read["name"] == "fraud-v7" && read["experiment"] == "fraud-training")
                #expect(read["params"] == ["learning-rate": "0.05", "epochs": "10"])
                #expect(read["metrics"] == ["accuracy": 0.93, "auc": 0.97])
                #expect(read[path: ["tags", "modelops.io/uid"]]?.stringValue == job.metadata.uid)
                #expect(read[path: ["tags", "modelops.io/training-job"]] == "fraud-v7")
                #expect(read[path: ["tags", "modelops.io/namespace"]]?.stringValue == OperatorHarness.namespace)
                #expect(read[path: ["tags", "modelops.io/trainer-image"]] == "registry.example/train:1")
                #expect(read[path: ["tags", "modelops.io/trainer-image-digest"]]?.stringValue == TrainingE2E.digest)
                #expect(read[path: ["tags", "modelops.io/dataset-uri"]] == "s3://data/tx/")
                #expect(read[path: ["tags", "modelops.io/dataset-version"]] == "2026-11-17")
                #expect(read[path: ["tags", "modelops.io/retrain-policy"]] == "fraud-nightly")
                #expect(read[path: ["tags", "modelops.io/trigger"]] == "Schedule")
                #expect(read["versions"] == [["version": "1", "source": "s3://models/fraud/v7", "run_id": .string(runID)]])

                // The status write that recorded the run is lost (here: removed by hand), and the
                // operator restarts: it finds its run by uid and its version by run id.
                await harness.stopOperator()
                var lost = try await harness.get(TrainingJob.self, "fraud-v7")
                lost.status?.tracking = nil
                let kept = lost.status?.conditions?.filter { $0.type != "Tracked" }
                lost.status?.conditions = kept
                _ = try await harness.resource(TrainingJob.self).updateStatus(lost, name: "fraud-v7")
                harness.startOperator()
                let again = try await harness.waitFor(TrainingJob.self, "fraud-v7", "tracked again") {
                    $0.status?.tracking?.mlflow?.registeredVersion != nil
                }
                #expect(again.status?.tracking?.mlflow?.runID == runID)
                #expect(again.status?.tracking?.mlflow?.registeredVersion == "1")
                let reread = try await Self.readBack(mlflow, runID: runID)
                #expect(reread["runs"] == 1, "no second run")
                #expect(reread["versions"]?.arrayValue?.count == 1, "no second version")
                #expect(reread["accuracyHistory"] == 1, "the metrics logged again are the same points")

                // A TrainingJob deleted while it trains: its run is ended KILLED, not left RUNNING.
                try await harness.create(Self.trackedJob("fraud-v10", runSeconds: "60"))
                let running = try await harness.waitFor(TrainingJob.self, "fraud-v10", "run started") {
                    $0.status?.tracking?.mlflow?.runStatus == "RUNNING"
                }
                let open = try #require(running.status?.tracking?.mlflow?.runID)
                _ = try await harness.resource(TrainingJob.self).delete("fraud-v10")
                try await eventually(timeout: .seconds(60), "run \(open) KILLED") {
                    let status = try await mlflow.python("from mlflow import MlflowClient; print(MlflowClient().get_run('\(open)').info.status)")
                    return status.trimmingCharacters(in: .whitespacesAndNewlines) == "KILLED"
                }
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    @Test("MLflow stopped mid-training: the training goes on, Tracked=False says why, the metrics stay; MLflow back, the run catches up")
    func outage() async throws {
        var mlflow = try await MLflowFixture.start()
        let harness = try await OperatorHarness.start(configure: { [address = mlflow.address] in $0.mlflowTrackingURI = address })
        do {
            try await harness.create(Self.trackedJob("fraud-v8", runSeconds: "6"))
            let started = try await harness.waitFor(TrainingJob.self, "fraud-v8", "run started") {
                $0.status?.tracking?.mlflow?.runID != nil
            }
            #expect(started.status?.tracking?.mlflow?.runStatus == "RUNNING")
            #expect(started.status?.conditions?[type: "Tracked"]?.reason == "RunStarted")
            await mlflow.stop(keepingData: true, crash: true)

            let down = try await harness.waitFor(TrainingJob.self, "fraud-v8", "succeeded with tracking failing") {
                $0.status?.phase == .succeeded && $0.status?.conditions?[type: "Tracked"]?.status == .false
            }
            let condition = try #require(down.status?.conditions?[type: "Tracked"])
            #expect(condition.reason == "MLflowUnavailable")
            #expect(condition.message.hasPrefix("logging the results and ending the MLflow run FINISHED: MLflow UNREACHABLE: \(mlflow.address)"),
                    "\(condition.message)")
            #expect(down.status?.metrics == ["accuracy": 0.93, "auc": 0.97], "the results are in status")
            #expect(down.status?.tracking?.mlflow?.runStatus == "RUNNING")
            _ = try await harness.events(about: "fraud-v8", waitingFor: ["TrackingFailed"])

            mlflow = try await MLflowFixture.start(reusing: mlflow)
            let caughtUp = try await harness.waitFor(TrainingJob.self, "fraud-v8", timeout: .seconds(90), "caught up") {
                $0.status?.tracking?.mlflow?.registeredVersion != nil
            }
            #expect(caughtUp.status?.conditions?[type: "Tracked"]?.status == .true)
            let runID = try #require(caughtUp.status?.tracking?.mlflow?.runID)
            #expect(runID == started.status?.tracking?.mlflow?.runID)
            let read = try await Self.readBack(mlflow, runID: runID)
            #expect(read["status"] == "FINISHED" && read["runs"] == 1)
            #expect(read["metrics"] == ["accuracy": 0.93, "auc": 0.97])
        } catch {
            await harness.stop()
            await mlflow.stop()
            throw error
        }
        await harness.stop()
        await mlflow.stop()
    }

    @Test("a TrainingJob deleted while MLflow is down: its run is ended KILLED once MLflow is back, not left RUNNING")
    func killedAfterOutage() async throws {
        var mlflow = try await MLflowFixture.start()
        let log = LogCapture()
        let harness = try await OperatorHarness.start(configure: { [address = mlflow.address] in
            $0.mlflowTrackingURI = address
            $0.logger = log.logger(label: "modelops", level: .info)
        })
        do {
            try await harness.create(Self.trackedJob("fraud-v11", runSeconds: "60"))
            let running = try await harness.waitFor(TrainingJob.self, "fraud-v11", "run started") {
                $0.status?.tracking?.mlflow?.runStatus == "RUNNING"
            }
            let open = try #require(running.status?.tracking?.mlflow?.runID)
            await mlflow.stop(keepingData: true, crash: true)
            _ = try await harness.resource(TrainingJob.self).delete("fraud-v11")
            try await eventually(timeout: .seconds(30), "a failed attempt to end run \(open)") {
                log.contains("ending the deleted TrainingJob's MLflow run KILLED failed; trying again", metadata: ["run": open])
            }

            mlflow = try await MLflowFixture.start(reusing: mlflow)
            try await eventually(timeout: .seconds(90), "run \(open) KILLED") {
                // The operator's next attempt is due at once (its clock skips the backoff).
                harness.clock.advance(by: .seconds(64))
                let status = try await mlflow.python("from mlflow import MlflowClient; print(MlflowClient().get_run('\(open)').info.status)")
                return status.trimmingCharacters(in: .whitespacesAndNewlines) == "KILLED"
            }
            #expect(!log.contains("it stays RUNNING"))
        } catch {
            await harness.stop()
            await mlflow.stop()
            throw error
        }
        await harness.stop()
        await mlflow.stop()
    }

    @Test("credentials from a labelled Secret: basic auth against MLflow's basic-auth app; a wrong password is MLflow's 401; an unlabelled Secret is not sent")
    func basicAuth() async throws {
        let mlflow = try await MLflowFixture.start(basicAuth: ("admin", "s3cret-Passw0rd!"))
        let harness = try await OperatorHarness.start(configure: { [address = mlflow.address] in $0.mlflowTrackingURI = address })
        do {
            func secret(_ name: String, password: String, labelled: Bool = true) -> String {
                """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: \(name)
                  namespace: \(OperatorHarness.namespace)
                  labels:
                    modelops.io/mlflow-credentials: "\(labelled)"
                stringData:
                  username: admin
                  password: "\(password)"
                """
            }
            try await harness.create(secret("mlflow-good", password: "s3cret-Passw0rd!"))
            try await harness.create(secret("mlflow-bad", password: "wrong"))
            try await harness.create(Self.trackedJob("fraud-a1", tracking: "      credentialsSecret:\n        name: mlflow-good"))
            try await harness.create(secret("mlflow-unlabelled", password: "s3cret-Passw0rd!", labelled: false))
            try await harness.create(Self.trackedJob("fraud-a2", tracking: "      credentialsSecret:\n        name: mlflow-bad"))
            try await harness.create(Self.trackedJob("fraud-a3", tracking: "      credentialsSecret:\n        name: mlflow-unlabelled"))
            let good = try await harness.waitFor(TrainingJob.self, "fraud-a1", "tracked with basic auth") {
                $0.status?.tracking?.mlflow?.registeredVersion != nil
            }
            let runID = try #require(good.status?.tracking?.mlflow?.runID)
            let status = try await mlflow.python("from mlflow import MlflowClient; print(MlflowClient().get_run('\(runID)').info.status)",
                                                 username: "admin", password: "s3cret-Passw0rd!")
            #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "FINISHED")
            let bad = try await harness.waitFor(TrainingJob.self, "fraud-a2", "refused by MLflow") {
                $0.status?.phase == .succeeded && $0.status?.conditions?[type: "Tracked"]?.status == .false
            }
            let condition = try #require(bad.status?.conditions?[type: "Tracked"])
            #expect(condition.reason == "MLflowError" && condition.message.contains("(HTTP 401)"), "\(condition.message)")
            #expect(bad.status?.metrics == ["accuracy": 0.93, "auc": 0.97], "the results stay in status")
            let refused = try await harness.waitFor(TrainingJob.self, "fraud-a3", "credentials refused") {
                $0.status?.conditions?[type: "Tracked"]?.reason == "CredentialsUnavailable"
            }
            #expect(refused.status?.conditions?[type: "Tracked"]?.message
                    == "spec.tracking.mlflow.credentialsSecret: Secret ml/mlflow-unlabelled is not labelled modelops.io/mlflow-credentials=true; its owner labels it to let ModelOps send it to MLflow")
            #expect(refused.status?.tracking == nil, "nothing was sent")
        } catch {
            await harness.stop()
            await mlflow.stop()
            throw error
        }
        await harness.stop()
        await mlflow.stop()
    }

    @Test("token credentials: sent as MLflow's own client sends MLFLOW_TRACKING_TOKEN, accepted by a token-checking proxy in front of MLflow; a wrong token is its 401")
    func tokenAuth() async throws {
        try await MLflowFixture.with { mlflow in
            let proxy = try await BearerTokenProxy.start(upstream: mlflow.address, token: "mlflow-t0ken-42")
            let harness: OperatorHarness
            do {
                harness = try await OperatorHarness.start(configure: { [address = proxy.address] in $0.mlflowTrackingURI = address })
            } catch {
                proxy.stop()
                throw error
            }
            do {
                // The proxy takes what MLflow's Python client sends for MLFLOW_TRACKING_TOKEN, and refuses it without.
                let listed = try await mlflow.python("from mlflow import MlflowClient; print(len(MlflowClient().search_experiments()))",
                                                     token: "mlflow-t0ken-42", through: proxy.address)
                #expect(Int(listed.trimmingCharacters(in: .whitespacesAndNewlines)) != nil, "\(listed)")
                await #expect(throws: (any Error).self) {
                    _ = try await mlflow.python("from mlflow import MlflowClient; MlflowClient().search_experiments()", through: proxy.address)
                }
                func secret(_ name: String, token: String) -> String {
                    """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: \(name)
                      namespace: \(OperatorHarness.namespace)
                      labels:
                        modelops.io/mlflow-credentials: "true"
                    stringData:
                      token: \(token)
                    """
                }
                try await harness.create(secret("mlflow-token", token: "mlflow-t0ken-42"))
                try await harness.create(secret("mlflow-stale-token", token: "expired"))
                try await harness.create(Self.trackedJob("fraud-t1", tracking: "      credentialsSecret:\n        name: mlflow-token"))
                try await harness.create(Self.trackedJob("fraud-t2", tracking: "      credentialsSecret:\n        name: mlflow-stale-token"))
                let good = try await harness.waitFor(TrainingJob.self, "fraud-t1", "tracked through the token proxy") {
                    $0.status?.tracking?.mlflow?.registeredVersion != nil
                }
                let runID = try #require(good.status?.tracking?.mlflow?.runID)
                let status = try await mlflow.python("from mlflow import MlflowClient; print(MlflowClient().get_run('\(runID)').info.status)")
                #expect(status.trimmingCharacters(in: .whitespacesAndNewlines) == "FINISHED")
                let bad = try await harness.waitFor(TrainingJob.self, "fraud-t2", "refused by the proxy") {
                    $0.status?.phase == .succeeded && $0.status?.conditions?[type: "Tracked"]?.status == .false
                }
                let condition = try #require(bad.status?.conditions?[type: "Tracked"])
                #expect(condition.reason == "MLflowError" && condition.message.contains("(HTTP 401)"), "\(condition.message)")
            } catch {
                await harness.stop()
                proxy.stop()
                throw error
            }
            await harness.stop()
            proxy.stop()
        }
    }

    @Test("no tracking server anywhere: Tracked=False names the field, and the training is not held up")
    func noTrackingServer() async throws {
        let harness = try await OperatorHarness.start()
        do {
            try await harness.create(Self.trackedJob("fraud-v9"))
            let job = try await harness.waitFor(TrainingJob.self, "fraud-v9", "succeeded") {
                $0.status?.phase == .succeeded && $0.status?.conditions?[type: "Tracked"] != nil
            }
            let condition = try #require(job.status?.conditions?[type: "Tracked"])
            #expect(condition.status == .false && condition.reason == "NoTrackingServer")
            #expect(condition.message == "spec.tracking.mlflow.trackingURI is not set and the operator has no --mlflow-tracking-uri")
            #expect(job.status?.tracking == nil)
            _ = try await harness.events(about: "fraud-v9", waitingFor: ["TrackingFailed"])
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
