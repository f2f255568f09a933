import Foundation
import KubeCore
import ModelOpsAPI
import ModelOpsControllers
import Testing

@Suite struct TrainingJobPlannerTests {
    let backend = JobBackend()
    let now = TrainingFixtures.now

    func plan(_ job: TrainingJob, _ observation: TrainingJobObservation?, baseline: TrainingBaseline? = nil,
              problems: [SpecProblem] = [], at time: Date? = nil) -> TrainingJobPlan {
        TrainingJobPlanner.plan(job: job, backend: backend, observation: observation, baseline: baseline,
                                   specProblems: problems, now: time ?? now)
    }

    @Test func newJobCreatesTheWorkloadAndIsPending() throws {
        let job = TrainingFixtures.job()
        let result = plan(job, nil)
        let workload = try #require(result.workload)
        #expect(workload[path: ["metadata", "name"]] == "fraud-v7")
        #expect(result.status.phase == .pending)
        #expect(result.status.jobName == "fraud-v7")
        #expect(result.status.observedGeneration == 1)
        #expect(result.status.model == ModelArtifact(name: "fraud", version: "fraud-v7"))
        #expect(result.status.lineage == Lineage(
            dataset: Dataset(uri: "s3://data/tx/", version: "2026-11-17"), imageDigest: nil,
            hyperparametersHash: "0a0bdec42e5b6f64b9e853f06f2d88a8b8aee6e36677eda44946b86bb8876e15",
            policy: "fraud-nightly", trigger: .schedule))
        #expect(result.events == [.init(.normal, "Created", "created Job fraud-v7")])
    }

    @Test("the status written with the workload is the one the next pass computes before a pod starts: no second write")
    func workloadSeenBeforeAPodStartsChangesNothing() {
        var job = TrainingFixtures.job()
        job.status = plan(job, nil).status
        let seen = plan(job, TrainingJobObservation(state: .pending(waiting: nil), attempts: 0))
        #expect(seen.status == job.status)
        #expect(seen.events.isEmpty)
        let started = plan(job, TrainingJobObservation(state: .running, attempts: 1, runningPod: "p1"))
        #expect(started.status.phase == .running)
        #expect(started.status.attempts == 1)
    }

    @Test func hashOfNoHyperparametersIsTheHashOfNothing() {
        #expect(TrainingJobPlanner.hyperparametersHash(nil) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func policyFromTheControllerReference() {
        var job = TrainingFixtures.job()
        job.metadata.labels = nil
        job.metadata.annotations = [TrainingJobLabels.trigger: "DataVersion"]
        job.metadata.ownerReferences = [OwnerReference(apiVersion: "modelops.io/v1alpha1", kind: "RetrainPolicy", name: "nightly",
                                                       uid: "p", controller: true)]
        let lineage = TrainingJobPlanner.lineage(job, imageDigest: "sha256:1")
        #expect(lineage.policy == "nightly")
        #expect(lineage.trigger == .dataVersion)
        #expect(lineage.imageDigest == "sha256:1")
    }

    @Test func longNamesGetAShortWorkloadName() {
        let long = String(repeating: "a", count: 100)
        let name = TrainingJobPlanner.workloadName(TrainingFixtures.job(long))
        #expect(name.count == 63)
        #expect(name.hasPrefix(String(repeating: "a", count: 52) + "-"))
        #expect(TrainingJobPlanner.workloadName(TrainingFixtures.job(long + "b")) != name)
    }

    func created() -> TrainingJob {
        var job = TrainingFixtures.job()
        job.status = plan(job, nil).status
        return job
    }

    @Test func pendingOnAnUnschedulablePodSaysWhy() {
        let waiting = TrainingJobObservation.Waiting(reason: "Unschedulable", message: "pod p: 0/1 nodes are available: 1 Insufficient nvidia.com/gpu.")
        let result = plan(created(), TrainingJobObservation(state: .pending(waiting: waiting), attempts: 1))
        #expect(result.status.phase == .pending)
        #expect(result.status.message == waiting.message)
        #expect(result.events == [.init(.warning, "Unschedulable", waiting.message)])
        #expect(result.workload != nil, "the Job is still wanted; the applier skips it when unchanged")
    }

    @Test func runningRecordsTheStartOnce() {
        let job = created()
        let running = plan(job, TrainingJobObservation(state: .running, attempts: 1, runningPod: "p1", imageDigest: "sha256:abc"), at: now)
        #expect(running.status.phase == .running)
        #expect(running.status.startTime == KubeTime(now))
        #expect(running.status.lineage?.imageDigest == "sha256:abc")
        #expect(running.events == [.init(.normal, "Running", "attempt 1 running in pod p1")])

        var later = job
        later.status = running.status
        let again = plan(later, TrainingJobObservation(state: .running, attempts: 1, runningPod: "p1", imageDigest: "sha256:abc"),
                         at: now.addingTimeInterval(300))
        #expect(again.status == running.status, "a steady run changes nothing")
        #expect(again.events.isEmpty)
    }

    @Test func aRetryIsStillRunningAndSaysWhyTheLastAttemptFailed() {
        var job = created()
        job.status = plan(job, TrainingJobObservation(state: .running, attempts: 1, runningPod: "p1")).status
        let failure = TrainingJobObservation.Attempt(pod: "p1", exitCode: 1, terminationMessage: "CUDA error")
        let result = plan(job, TrainingJobObservation(state: .pending(waiting: nil), attempts: 2, lastFailure: failure))
        #expect(result.status.phase == .running)
        #expect(result.status.attempts == 2)
        #expect(result.events == [.init(.warning, "Retrying", "attempt in pod p1 exited with code 1: CUDA error; attempt 2 of 4 started")])
    }

    func running() -> TrainingJob {
        var job = created()
        job.status = plan(job, TrainingJobObservation(state: .running, attempts: 1, runningPod: "p1")).status
        return job
    }

    @Test func successRecordsMetricsModelAndVerdict() throws {
        let end = now.addingTimeInterval(600)
        let result = plan(running(), TrainingJobObservation(
            state: .succeeded, attempts: 1,
            result: .init(pod: "p1", exitCode: 0, terminationMessage: #"{"metrics":{"accuracy":0.93,"loss":0.2},"modelURI":"s3://models/fraud/v7"}"#)),
                          at: end)
        let status = result.status
        #expect(status.phase == .succeeded)
        #expect(status.metrics == ["accuracy": 0.93, "loss": 0.2])
        #expect(status.headlineMetric == "accuracy=0.93")
        #expect(status.model == ModelArtifact(name: "fraud", version: "fraud-v7", uri: "s3://models/fraud/v7"))
        #expect(status.startTime == KubeTime(now))
        #expect(status.completionTime == KubeTime(end))
        let complete = try #require(status.conditions?[type: "Complete"])
        #expect(complete.status == .true && complete.reason == "Succeeded")
        let validated = try #require(status.conditions?[type: "Validated"])
        #expect(validated.status == .true)
        #expect(validated.message == "passed: accuracy 0.93 >= min 0.9")
        #expect(result.workload == nil)
        #expect(result.events.map(\.reason) == ["Succeeded", "Validated"])
        #expect(result.events[0].note == "trained in 1 attempt; metrics accuracy=0.93, loss=0.2; model at s3://models/fraud/v7")
    }

    @Test func gateFailureIsValidatedFalseWithTheNumbers() throws {
        let result = plan(running(), TrainingJobObservation(state: .succeeded, attempts: 1,
                                                         result: .init(pod: "p1", exitCode: 0, terminationMessage: #"{"metrics":{"accuracy":0.85}}"#)))
        let validated = try #require(result.status.conditions?[type: "Validated"])
        #expect(validated.status == .false)
        #expect(validated.reason == "GateFailed")
        #expect(validated.message == "failed: accuracy 0.85 < min 0.9")
        #expect(result.status.model?.uri == "s3://models/fraud/", "no modelURI reported: the spec's outputURI")
        #expect(result.events.last == .init(.warning, "ValidationFailed", "failed: accuracy 0.85 < min 0.9"))
    }

    @Test func malformedResultsAreCompleteWithNoResults() throws {
        let result = plan(running(), TrainingJobObservation(state: .succeeded, attempts: 1,
                                                         result: .init(pod: "p1", exitCode: 0, terminationMessage: "done!")))
        #expect(result.status.phase == .succeeded)
        #expect(result.status.metrics == nil)
        let complete = try #require(result.status.conditions?[type: "Complete"])
        #expect(complete.status == .true)
        #expect(complete.reason == "NoResults")
        #expect(complete.message.contains("invalid JSON"))
        #expect(complete.message.contains("\"done!\""))
        #expect(result.status.conditions?[type: "Validated"]?.status == .false)
        #expect(result.events.count == 1)
        #expect(result.events[0].type == .warning && result.events[0].reason == "NoResults")
        #expect(result.events[0].note.contains("\"done!\""), "the event quotes what was wrong")
    }

    @Test func failureSaysHowTheLastAttemptEnded() throws {
        let result = plan(running(), TrainingJobObservation(
            state: .failed(reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit"), attempts: 4,
            lastFailure: .init(pod: "p4", exitCode: 137, terminationMessage: nil)))
        #expect(result.status.phase == .failed)
        #expect(result.status.attempts == 4)
        let failed = try #require(result.status.conditions?[type: "Failed"])
        #expect(failed.reason == "BackoffLimitExceeded")
        #expect(failed.message == "Job has reached the specified backoff limit; last attempt in pod p4 exited with code 137")
        #expect(result.status.conditions?[type: "Validated"]?.reason == "TrainingFailed")
        #expect(result.status.conditions?[type: "Complete"] == nil)
        #expect(result.events.map(\.reason) == ["Failed"])
        #expect(result.workload == nil)
    }

    @Test func aFinishedRecordNeverChanges() {
        var job = running()
        job.status = plan(job, TrainingJobObservation(state: .succeeded, attempts: 1,
                                                   result: .init(pod: "p1", exitCode: 0, terminationMessage: #"{"metrics":{"accuracy":0.95}}"#))).status
        for observation in [nil, TrainingJobObservation(state: .running, attempts: 9)] as [TrainingJobObservation?] {
            let again = plan(job, observation, at: now.addingTimeInterval(86_400))
            #expect(again.status == job.status)
            #expect(again.workload == nil, "a Job deleted by its TTL is not recreated")
            #expect(again.events.isEmpty)
        }
    }

    @Test func aWorkloadDeletedMidRunFailsTheTraining() throws {
        let result = plan(running(), nil)
        #expect(result.status.phase == .failed)
        #expect(result.status.conditions?[type: "Failed"]?.reason == "JobDeleted")
        #expect(result.workload == nil, "not recreated: a TrainingJob runs once")
    }

    @Test func invalidSpecFailsWithReadyFalse() throws {
        let problems = [SpecProblem(field: "spec.hyperparameters[\"a b\"]", message: "bad")]
        let result = plan(TrainingFixtures.job(), nil, problems: problems)
        #expect(result.workload == nil)
        #expect(result.status.phase == .failed)
        let ready = try #require(result.status.conditions?[type: "Ready"])
        #expect(ready.status == .false && ready.reason == "InvalidSpec")
        #expect(ready.message == "invalid spec: spec.hyperparameters[\"a b\"]: bad")
        #expect(result.events == [.init(.warning, "InvalidSpec", "InvalidSpec: invalid spec: spec.hyperparameters[\"a b\"]: bad")])
    }

    @Test func specChecks() {
        var spec = TrainingFixtures.job(hyperparameters: ["a b": "1", "lr": "1", "LR": "2", "batch.size": "3", "batch_size": "4"]).spec
        spec.template = ["spec": ["restartPolicy": "Always", "containers": [["name": "t"]]]]
        let problems = SpecValidation.validate(spec).map(\.description)
        #expect(problems == [
            "spec.hyperparameters[\"a b\"]: a hyperparameter name may hold only letters, digits, '_', '-' and '.' (it becomes the variable HP_<NAME>)",
            "spec.hyperparameters: \"batch.size\" and \"batch_size\" both become HP_BATCH_SIZE",
            "spec.hyperparameters: \"LR\" and \"lr\" both become HP_LR",
            "spec.template.spec.containers[0].image: required",
            "spec.template.spec.restartPolicy: must be Never or OnFailure for a training run, not \"Always\"",
        ])
        #expect(SpecValidation.validate(TrainingFixtures.job().spec).isEmpty)
        var empty = TrainingFixtures.job().spec
        empty.template = [:]
        #expect(SpecValidation.validate(empty).map(\.field) == ["spec.template.spec.containers"])
    }
}
