import Foundation
import KubeCore

/// The objects the end-to-end scenarios create, built so that they run the same on a real
/// cluster (a kubelet pulls and runs the images) and on the test server (the simulator reads the
/// `sim.modelops.io/` annotations): model servers are the pause image, trainers are busybox
/// writing their result to `/dev/termination-log`. `E2EScenario.apply` puts them in the
/// scenario's namespace.
enum E2EManifests {
    /// Model servers: a container that runs until stopped and is ready at once.
    static let servingImage = "registry.k8s.io/pause:3.10"
    /// Trainers: a shell that writes the result and exits.
    static let trainerImage = "busybox:1.36.1"

    /// The serving pod template; on the test server its pods are ready 0.1 s after they start,
    /// whatever the simulator's defaults (the playground's are minutes of simulated time).
    static let servingTemplate: JSON = [
        "metadata": ["annotations": ["sim.modelops.io/ready-after-seconds": "0.1"]],
        "spec": ["containers": [["name": "server", "image": .string(servingImage)]]],
    ]

    /// A canary ModelDeployment of model `churn` pinned to `version` (or, with `fromPolicy`,
    /// following a RetrainPolicy), on `replicas` pods, with `steps` and an optional analysis.
    static func modelDeployment(_ name: String, version: String? = nil, fromPolicy: String? = nil, replicas: Int = 2,
                                steps: [JSON], analysis: JSON? = nil) -> JSON {
        let model: JSON = fromPolicy.map { ["fromPolicy": .string($0)] }
            ?? ["name": "churn", "version": .string(version ?? "v1"), "uri": .string("s3://models/churn/\(version ?? "v1")")]
        var spec: JSON = [
            "model": model,
            "replicas": .int(Int64(replicas)),
            "template": servingTemplate,
            "strategy": ["type": "Canary", "canary": ["steps": .array(steps)]],
        ]
        if let analysis { spec["analysis"] = analysis }
        return ["apiVersion": "modelops.io/v1alpha1", "kind": "ModelDeployment", "metadata": ["name": .string(name)], "spec": spec]
    }

    /// Two measurements, a second apart, of each version's error ratio from `prometheus`.
    static func analysis(prometheus: String) -> JSON {
        ["provider": ["prometheus": ["address": .string(prometheus)]], "interval": "1s", "count": 2,
         "metrics": [["name": "error-rate", "query": #"max(model_request_error_ratio{version="{{version}}"})"#,
                      "successCondition": "result < 0.05"]]]
    }

    /// A TrainingJob of model `fraud` on dataset version 2026-11-17 with two hyperparameters.
    static func trainingJob(_ name: String, trainer: E2ETrainer, gates: [JSON] = [], backoffLimit: Int? = nil,
                            labels: [String: String] = [:]) -> JSON {
        var spec = trainingSpec(trainer: trainer, gates: gates)
        spec["dataset"] = ["uri": "s3://datasets/transactions/", "version": "2026-11-17"]
        if let backoffLimit { spec["backoffLimit"] = .int(Int64(backoffLimit)) }
        var metadata: JSON = ["name": .string(name)]
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
        return ["apiVersion": "modelops.io/v1alpha1", "kind": "TrainingJob", "metadata": metadata, "spec": spec]
    }

    static let hyperparameters = ["learning_rate": "0.05", "max_depth": "8"]

    private static func trainingSpec(trainer: E2ETrainer, gates: [JSON]) -> JSON {
        var spec: JSON = [
            "model": ["name": "fraud"],
            "outputURI": "s3://models/fraud/",
            "dataset": ["uri": "s3://datasets/transactions/"],
            "hyperparameters": .object(hyperparameters.mapValues { .string($0) }),
            "template": trainer.template,
        ]
        if !gates.isEmpty { spec["validation"] = ["gates": .array(gates)] }
        return spec
    }

    /// A RetrainPolicy for the ModelDeployment `deployment`, whose runs train with `trainer`.
    static func retrainPolicy(_ name: String, deployment: String, schedule: String, timeZone: String = "UTC",
                              promotion: String = "Manual", triggers: [JSON] = [], trainer: E2ETrainer, gates: [JSON] = []) -> JSON {
        var spec: JSON = [
            "modelDeploymentRef": ["name": .string(deployment)],
            "schedule": .string(schedule),
            "timeZone": .string(timeZone),
            "promotion": .string(promotion),
            "concurrencyPolicy": "Forbid",
            "trainingJobTemplate": ["spec": trainingSpec(trainer: trainer, gates: gates)],
        ]
        if !triggers.isEmpty { spec["triggers"] = .array(triggers) }
        return ["apiVersion": "modelops.io/v1alpha1", "kind": "RetrainPolicy", "metadata": ["name": .string(name)], "spec": spec]
    }

    static func gate(_ metric: String, min: Double) -> JSON {
        ["metric": .string(metric), "min": .double(min)]
    }

    /// The result a trainer writes: metrics and the model's URI, as JSON.
    static func result(_ metrics: [String: Double], uri: String) -> String {
        let values = metrics.keys.sorted().map { "\"\($0)\": \(metrics[$0]!)" }
        return "{\"metrics\": {\(values.joined(separator: ", "))}, \"modelURI\": \"\(uri)\"}"
    }
}

/// A trainer container that writes `result` to its termination-message path and exits with
/// `exitCode`: busybox on a real kubelet; for the test server's simulated kubelet, the same
/// outcome in its annotations. `@NAME@` in `result` is replaced, in the container, by the
/// trainer's environment variable `NAME` (the operator's contract: `MODEL_VERSION`,
/// `DATASET_VERSION`, `HP_<NAME>` …), so a real run shows that the contract reached the
/// container; `expected` gives the simulator the same values.
struct E2ETrainer: Sendable {
    var result: String
    var exitCode = 0
    var expected: [String: String] = [:]

    /// Variables the container substitutes.
    static let variables = ["MODEL_NAME", "MODEL_VERSION", "TRAINING_JOB", "OUTPUT_URI", "DATASET_URI", "DATASET_VERSION",
                            "HP_LEARNING_RATE", "HP_MAX_DEPTH"]

    var template: JSON {
        let simulated = expected.reduce(result) { $0.replacingOccurrences(of: "@\($1.key)@", with: $1.value) }
        let substitutions = Self.variables.map { "-e \"s|@\($0)@|$\($0)|g\"" }.joined(separator: " ")
        let script = "printf '%s' \"$RESULT\" | sed \(substitutions) > /dev/termination-log; exit \(exitCode)"
        return [
            "metadata": ["annotations": [
                "sim.modelops.io/termination-message": .string(simulated),
                "sim.modelops.io/exit-code": .string(String(exitCode)),
                "sim.modelops.io/run-seconds": "0.1",
            ]],
            "spec": [
                "restartPolicy": "Never",
                "containers": [[
                    "name": "trainer",
                    "image": .string(E2EManifests.trainerImage),
                    "command": ["sh", "-c", .string(script)],
                    "env": [["name": "RESULT", "value": .string(result)]],
                ]],
            ],
        ]
    }
}
