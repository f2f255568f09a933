import KubeCore
import ModelOpsAPI
import ModelOpsControllers
import Testing

@Suite struct JobBackendTests {
    let backend = JobBackend()

    func env(_ job: JSON) -> [String: String] {
        let list = job[path: ["spec", "template", "spec", "containers"]]?[0]?["env"]?.arrayValue ?? []
        var result: [String: String] = [:]
        for entry in list { result[entry["name"]?.stringValue ?? ""] = entry["value"]?.stringValue }
        return result
    }

    @Test func jobCarriesTheSpecAndTheTrainerContract() throws {
        let job = TrainingFixtures.job()
        let desired = backend.desiredWorkload(for: job, name: "fraud-v7", owner: TrainingJobPlanner.ownerReference(job))
        #expect(desired["apiVersion"] == "batch/v1")
        #expect(desired["kind"] == "Job")
        #expect(desired[path: ["metadata", "name"]] == "fraud-v7")
        #expect(desired[path: ["metadata", "namespace"]] == "ml")
        #expect(desired[path: ["metadata", "labels", "modelops.io/training-job"]] == "fraud-v7")
        #expect(desired[path: ["metadata", "ownerReferences"]] == [[
            "apiVersion": "modelops.io/v1alpha1", "kind": "TrainingJob", "name": "fraud-v7", "uid": "uid-fraud-v7",
            "controller": true, "blockOwnerDeletion": true,
        ]])
        #expect(desired[path: ["spec", "backoffLimit"]] == 3, "the TrainingJob default, not Job's 6")
        #expect(desired[path: ["spec", "activeDeadlineSeconds"]] == 3600)
        #expect(desired[path: ["spec", "ttlSecondsAfterFinished"]] == 600)
        let template = try #require(desired[path: ["spec", "template"]])
        #expect(template[path: ["metadata", "labels", "modelops.io/training-job"]] == "fraud-v7")
        #expect(template[path: ["metadata", "annotations", "modelops.io/hyperparameters"]] == #"{"epochs":"10","learning-rate":"0.05"}"#)
        #expect(template[path: ["spec", "restartPolicy"]] == "Never")

        let variables = env(desired)
        #expect(variables["HP_LEARNING_RATE"] == "0.05")
        #expect(variables["HP_EPOCHS"] == "10")
        #expect(variables["HYPERPARAMETERS_FILE"] == "/etc/modelops/hyperparameters.json")
        #expect(variables["DATASET_URI"] == "s3://data/tx/")
        #expect(variables["DATASET_VERSION"] == "2026-11-17")
        #expect(variables["OUTPUT_URI"] == "s3://models/fraud/")
        #expect(variables["MODEL_NAME"] == "fraud", "the contract replaces the template's variable of the same name")
        #expect(variables["MODEL_VERSION"] == "fraud-v7", "version defaults to the TrainingJob's name")
        #expect(variables["LOG_LEVEL"] == "debug", "the template's own variables stay")
        let names = (template[path: ["spec", "containers"]]?[0]?["env"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names.count == Set(names).count, "no duplicate variables (server-side apply refuses them)")

        #expect(template[path: ["spec", "containers"]]?[0]?["volumeMounts"] == [[
            "name": "modelops-hyperparameters", "mountPath": "/etc/modelops", "readOnly": true,
        ]])
        #expect(template[path: ["spec", "volumes"]] == [[
            "name": "modelops-hyperparameters",
            "downwardAPI": ["items": [["path": "hyperparameters.json",
                                       "fieldRef": ["fieldPath": "metadata.annotations['modelops.io/hyperparameters']"]]]],
        ]])
    }

    @Test func templateRestartPolicyOnFailureIsKept() {
        let job = TrainingFixtures.job(template: ["spec": ["restartPolicy": "OnFailure", "containers": [["name": "t", "image": "i"]]]])
        let desired = backend.desiredWorkload(for: job, name: "x", owner: TrainingJobPlanner.ownerReference(job))
        #expect(desired[path: ["spec", "template", "spec", "restartPolicy"]] == "OnFailure")
        #expect(desired[path: ["spec", "ttlSecondsAfterFinished"]] == 600)
    }

    @Test func unschedulablePodIsPendingWithTheSchedulersMessage() {
        let observation = backend.observe(workload: TrainingFixtures.jobObject(active: 1), pods: [
            TrainingFixtures.pod("fraud-v7-a", phase: "Pending", unschedulable: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."),
        ])
        #expect(observation.state == .pending(waiting: .init(reason: "Unschedulable",
                                                             message: "pod fraud-v7-a: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")))
        #expect(observation.attempts == 1)
    }

    @Test func runningPod() {
        let observation = backend.observe(workload: TrainingFixtures.jobObject(active: 1, failed: 1), pods: [
            TrainingFixtures.pod("a", phase: "Failed", created: "2026-11-18T10:00:00Z", exitCode: 2, message: "boom"),
            TrainingFixtures.pod("b", phase: "Running", created: "2026-11-18T10:01:00Z"),
        ])
        #expect(observation.state == .running)
        #expect(observation.runningPod == "b")
        #expect(observation.attempts == 2)
        #expect(observation.lastFailure == .init(pod: "a", exitCode: 2, terminationMessage: "boom"))
        #expect(observation.imageDigest == "sha256:abc123")
    }

    @Test func completeJobCarriesTheResultOfTheSucceededPod() {
        let observation = backend.observe(workload: TrainingFixtures.jobObject(conditions: [("Complete", "CompletionsReached", "")], succeeded: 1), pods: [
            TrainingFixtures.pod("a", phase: "Succeeded", exitCode: 0, message: #"{"metrics":{"accuracy":0.93}}"#),
        ])
        #expect(observation.state == .succeeded)
        #expect(observation.result == .init(pod: "a", exitCode: 0, terminationMessage: #"{"metrics":{"accuracy":0.93}}"#))
    }

    @Test func failedJob() {
        let observation = backend.observe(
            workload: TrainingFixtures.jobObject(conditions: [("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")], failed: 3),
            pods: [])
        #expect(observation.state == .failed(reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit"))
        #expect(observation.attempts == 3)
    }

    @Test func onFailureRestartsCountAsAttempts() {
        let observation = backend.observe(workload: TrainingFixtures.jobObject(active: 1),
                                          pods: [TrainingFixtures.pod("a", phase: "Running", restarts: 2)])
        #expect(observation.attempts == 3)
    }
}
