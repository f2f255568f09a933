import Foundation
import KubeCore

/// The objects the scenarios create. Pod templates run on a real cluster too (small public
/// images whose containers do what the simulator's `sim.modelops.io/*` annotations make the
/// simulated ones do), so `--kubeconfig` runs the same manifests.
enum BenchObjects {
    static let label = "modelops.io/bench"

    static func name(_ prefix: String, _ index: Int) -> String { "\(prefix)-\(index)" }

    /// A canary ModelDeployment: two replicas, steps setWeight 50 then 100, no pauses and no
    /// analysis, so a version change goes to 100% as fast as Deployments become available.
    static func modelDeployment(_ name: String, version: String) -> JSON {
        [
            "apiVersion": "modelops.io/v1alpha1", "kind": "ModelDeployment",
            "metadata": ["name": .string(name), "labels": [label: "true"]],
            "spec": [
                "model": model(name, version),
                "replicas": 2,
                "port": 8080,
                "template": [
                    "metadata": ["labels": ["app": .string(name)]],
                    "spec": ["containers": [[
                        "name": "server", "image": "registry.k8s.io/pause:3.10",
                        "resources": ["requests": ["cpu": "1m", "memory": "8Mi"]],
                    ]]],
                ],
                "strategy": ["type": "Canary", "canary": ["steps": [["setWeight": 50], ["setWeight": 100]]]],
            ],
        ]
    }

    /// A ModelDeployment pinned to its first version, as manifests/examples/modeldeployment.yaml
    /// but with one replica and no analysis: the operator deploys it directly (no canary) and
    /// calls it Healthy once its Deployment is available.
    static func firstVersion(_ name: String, version: String = "v1") -> JSON {
        [
            "apiVersion": "modelops.io/v1alpha1", "kind": "ModelDeployment",
            "metadata": ["name": .string(name), "labels": [label: "true", "app.kubernetes.io/name": .string(name)]],
            "spec": [
                "model": model(name, version),
                "replicas": 1,
                "port": 8080,
                "template": [
                    "metadata": ["labels": ["app.kubernetes.io/name": .string(name)]],
                    "spec": ["containers": [[
                        "name": "server", "image": "registry.k8s.io/pause:3.10",
                        "ports": [["name": "http", "containerPort": 8080]],
                        "resources": ["requests": ["cpu": "1m", "memory": "8Mi"]],
                    ]]],
                ],
                "strategy": ["type": "Canary", "canary": ["steps": [["setWeight": 10], ["setWeight": 50], ["setWeight": 100]]]],
                "trafficRouting": ["type": "Replicas"],
            ],
        ]
    }

    static func model(_ name: String, _ version: String) -> JSON {
        ["name": .string(name), "version": .string(version), "uri": .string("s3://models/\(name)/\(version)")]
    }

    /// The trainer: the simulator runs it `runSeconds` and ends it with a result; on a real
    /// cluster busybox writes the same result to its termination-message path.
    static func trainerTemplate(runSeconds: Double) -> JSON {
        let result = #"{"metrics":{"accuracy":0.93,"auc":0.97}}"#
        return [
            "metadata": ["annotations": [
                "sim.modelops.io/run-seconds": .string(String(runSeconds)),
                "sim.modelops.io/termination-message": .string(result),
            ]],
            "spec": [
                "restartPolicy": "Never",
                "containers": [[
                    "name": "trainer", "image": "busybox:1.36",
                    "command": ["sh", "-c", .string("sleep \(runSeconds); echo '\(result)' > /dev/termination-log")],
                    "resources": ["requests": ["cpu": "1m", "memory": "8Mi"]],
                ]],
            ],
        ]
    }

    static func trainingSpec(model: String, version: String?, runSeconds: Double) -> JSON {
        var modelRef: JSON = ["name": .string(model)]
        if let version { modelRef["version"] = .string(version) }
        return [
            "model": modelRef,
            "outputURI": .string("s3://models/\(model)/"),
            "dataset": ["uri": "s3://datasets/bench/", "version": "2026-11-01"],
            "hyperparameters": ["learning_rate": "0.05"],
            "backoffLimit": 0,
            "template": trainerTemplate(runSeconds: runSeconds),
        ]
    }

    static func trainingJob(_ name: String, runSeconds: Double) -> JSON {
        [
            "apiVersion": "modelops.io/v1alpha1", "kind": "TrainingJob",
            "metadata": ["name": .string(name), "labels": [label: "true"]],
            "spec": trainingSpec(model: name, version: "v1", runSeconds: runSeconds),
        ]
    }

    /// A RetrainPolicy for `modelDeployment` with a cron schedule (UTC) and manual promotion.
    static func retrainPolicy(_ name: String, modelDeployment: String, schedule: String, runSeconds: Double = 0.1) -> JSON {
        [
            "apiVersion": "modelops.io/v1alpha1", "kind": "RetrainPolicy",
            "metadata": ["name": .string(name), "labels": [label: "true"]],
            "spec": [
                "modelDeploymentRef": ["name": .string(modelDeployment)],
                "schedule": .string(schedule),
                "timeZone": "UTC",
                "promotion": "Manual",
                "trainingJobTemplate": ["spec": trainingSpec(model: modelDeployment, version: nil, runSeconds: runSeconds)],
            ],
        ]
    }
}
