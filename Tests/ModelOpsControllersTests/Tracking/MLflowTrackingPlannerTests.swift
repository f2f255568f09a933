import Foundation
import KubeCore
import ModelOpsAPI
import Testing
@testable import ModelOpsControllers

/// The MLflow writes a TrainingJob's status calls for, as a pure function: created once the
/// training is planned, ended once the status is final, registered once ended Succeeded.
@Suite("MLflow tracking planner")
struct MLflowTrackingPlannerTests {
    static let end = KubeTime(TrainingFixtures.now.addingTimeInterval(600))

    static func job(tracking: MLflowTracking? = MLflowTracking(experiment: "fraud-training")) -> TrainingJob {
        var job = TrainingFixtures.job()
        job.spec.tracking = tracking.map { TrainingTracking(mlflow: $0) }
        return job
    }

    static func status(_ phase: TrainingJobStatus.Phase?, jobName: String? = "fraud-v7", record: MLflowRunRecord? = nil) -> TrainingJobStatus {
        var status = TrainingJobStatus(phase: phase, jobName: jobName)
        if phase == .succeeded || phase == .failed {
            status.completionTime = end
            status.metrics = ["accuracy": 0.93]
            status.model = ModelArtifact(name: "fraud", version: "fraud-v7", uri: phase == .succeeded ? "s3://models/fraud/v7" : nil)
            status.lineage = Lineage(imageDigest: "sha256:abc")
        }
        status.tracking = record.map { TrackingStatus(mlflow: $0) }
        return status
    }

    static func record(runStatus: String = "RUNNING", version: String? = nil) -> MLflowRunRecord {
        MLflowRunRecord(trackingURI: "http://mlflow:5000", experimentID: "1", runID: "r1", runStatus: runStatus,
                        registeredModel: version == nil ? nil : "fraud", registeredVersion: version)
    }

    @Test("no spec.tracking: nothing, whatever the status")
    func untracked() {
        #expect(MLflowTrackingPlanner.next(Self.job(tracking: nil), status: Self.status(.succeeded)) == nil)
    }

    @Test("the run starts once the training is planned (not for a spec still being checked), with lineage tags and hyperparameters")
    func start() throws {
        #expect(MLflowTrackingPlanner.next(Self.job(), status: Self.status(nil, jobName: nil)) == nil)
        let step = try #require(MLflowTrackingPlanner.next(Self.job(), status: Self.status(.pending)))
        #expect(step == .startRun(experiment: "fraud-training", runName: "fraud-v7", tags: [
            "modelops.io/namespace": "ml", "modelops.io/training-job": "fraud-v7", "modelops.io/uid": "uid-fraud-v7",
            "modelops.io/dataset-uri": "s3://data/tx/", "modelops.io/dataset-version": "2026-11-17",
            "modelops.io/trainer-image": "registry.example/train:1", "modelops.io/retrain-policy": "fraud-nightly",
            "modelops.io/trigger": "Schedule",
        ], params: ["learning-rate": "0.05", "epochs": "10"]))
        guard case let .startRun(experiment, _, _, _)? = MLflowTrackingPlanner.next(Self.job(tracking: MLflowTracking()), status: Self.status(.running)) else {
            Issue.record("no start")
            return
        }
        #expect(experiment == "fraud", "the experiment defaults to the model's name")
        #expect(MLflowTrackingPlanner.next(Self.job(), status: Self.status(.running, record: Self.record())) == nil,
                "a started run waits for the end")
    }

    @Test("a final status ends the run with the metrics at completion, then registers a succeeded model once")
    func endAndRegister() {
        let job = Self.job()
        #expect(MLflowTrackingPlanner.next(job, status: Self.status(.succeeded, record: Self.record())) == .endRun(
            status: "FINISHED", metrics: ["accuracy": 0.93],
            tags: ["modelops.io/trainer-image-digest": "sha256:abc", "modelops.io/model-version": "fraud-v7"], at: Self.end.date))
        #expect(MLflowTrackingPlanner.next(job, status: Self.status(.succeeded, record: Self.record(runStatus: "FINISHED"))) == .register(
            model: "fraud", source: "s3://models/fraud/v7",
            tags: ["modelops.io/namespace": "ml", "modelops.io/training-job": "fraud-v7", "modelops.io/model-version": "fraud-v7"]))
        #expect(MLflowTrackingPlanner.next(job, status: Self.status(.succeeded, record: Self.record(runStatus: "FINISHED", version: "3"))) == nil)
        let unregistered = Self.job(tracking: MLflowTracking(registerModel: false))
        #expect(MLflowTrackingPlanner.next(unregistered, status: Self.status(.succeeded, record: Self.record(runStatus: "FINISHED"))) == nil)
    }

    @Test("a failed training ends its run FAILED and registers nothing; one that never trained gets no run; a finished one without a run starts it first")
    func failed() {
        let job = Self.job()
        #expect(MLflowTrackingPlanner.next(job, status: Self.status(.failed, jobName: nil)) == nil, "an invalid spec never trained")
        guard case .startRun? = MLflowTrackingPlanner.next(job, status: Self.status(.failed)) else {
            Issue.record("a job that ended while MLflow was unreachable starts its run first")
            return
        }
        guard case let .endRun(status, _, _, _)? = MLflowTrackingPlanner.next(job, status: Self.status(.failed, record: Self.record())) else {
            Issue.record("no end")
            return
        }
        #expect(status == "FAILED")
        #expect(MLflowTrackingPlanner.next(job, status: Self.status(.failed, record: Self.record(runStatus: "FAILED"))) == nil)
    }

    @Test("the tracking server: the spec's, else the operator's, else none")
    func trackingURI() {
        let own = Self.job(tracking: MLflowTracking(trackingURI: "http://team:5000")).spec
        #expect(MLflowTrackingPlanner.trackingURI(own, default: "http://shared:5000") == "http://team:5000")
        #expect(MLflowTrackingPlanner.trackingURI(Self.job().spec, default: "http://shared:5000") == "http://shared:5000")
        #expect(MLflowTrackingPlanner.trackingURI(Self.job().spec, default: nil) == nil)
        #expect(MLflowTrackingPlanner.trackingURI(Self.job(tracking: nil).spec, default: "http://shared:5000") == nil)
    }
}
