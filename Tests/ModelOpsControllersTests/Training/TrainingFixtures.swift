import Foundation
import KubeCore
import ModelOpsAPI

/// TrainingJobs and pods for the pure tests.
enum TrainingFixtures {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func job(_ name: String = "fraud-v7", hyperparameters: [String: String]? = ["learning-rate": "0.05", "epochs": "10"],
                    validation: TrainingValidation? = TrainingValidation(gates: [.init(metric: "accuracy", min: 0.9)]),
                    template: JSON? = nil, status: TrainingJobStatus? = nil) -> TrainingJob {
        let defaultTemplate: JSON = ["spec": ["containers": [[
            "name": "trainer", "image": "registry.example/train:1",
            "env": [["name": "LOG_LEVEL", "value": "debug"], ["name": "MODEL_NAME", "value": "overridden"]],
        ]]]]
        return TrainingJob(
            metadata: ObjectMeta(name: name, namespace: "ml", uid: "uid-\(name)", generation: 1,
                                 labels: [TrainingJobLabels.retrainPolicy: "fraud-nightly", TrainingJobLabels.trigger: "Schedule"]),
            spec: TrainingJobSpec(model: .init(name: "fraud"), outputURI: "s3://models/fraud/",
                                  dataset: Dataset(uri: "s3://data/tx/", version: "2026-11-17"),
                                  hyperparameters: hyperparameters, template: template ?? defaultTemplate,
                                  activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 600, validation: validation),
            status: status)
    }

    static func pod(_ name: String, phase: String, created: String = "2026-11-18T10:00:00Z", exitCode: Int? = nil,
                    message: String? = nil, unschedulable: String? = nil, restarts: Int = 0) -> JSON {
        var pod: JSON = [
            "metadata": ["name": .string(name), "namespace": "ml", "creationTimestamp": .string(created)],
            "spec": ["containers": [["name": "trainer", "image": "registry.example/train:1"]]],
            "status": ["phase": .string(phase)],
        ]
        if let unschedulable {
            pod[path: ["status", "conditions"]] = [["type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                                    "message": .string(unschedulable)]]
            return pod
        }
        var state: JSON = ["running": ["startedAt": .string(created)]]
        if let exitCode {
            var terminated: JSON = ["exitCode": .int(Int64(exitCode))]
            if let message { terminated["message"] = .string(message) }
            state = ["terminated": terminated]
        }
        pod[path: ["status", "containerStatuses"]] = [[
            "name": "trainer", "state": state, "restartCount": .int(Int64(restarts)),
            "imageID": "docker-pullable://registry.example/train@sha256:abc123",
        ]]
        return pod
    }

    static func jobObject(conditions: [(String, String, String)] = [], active: Int = 0, failed: Int = 0, succeeded: Int = 0) -> JSON {
        var status: JSON = [:]
        if active > 0 { status["active"] = .int(Int64(active)) }
        if failed > 0 { status["failed"] = .int(Int64(failed)) }
        if succeeded > 0 { status["succeeded"] = .int(Int64(succeeded)) }
        if !conditions.isEmpty {
            status["conditions"] = .array(conditions.map { ["type": .string($0.0), "status": "True", "reason": .string($0.1), "message": .string($0.2)] })
        }
        return ["metadata": ["name": "fraud-v7", "namespace": "ml", "uid": "job-uid"], "status": status]
    }
}
