import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import ModelOpsControllers
import TestSupport
import Testing

/// TrainingJob manifests steered by the simulator's annotations, and the zero-writes check.
enum TrainingE2E {
    static let digest = "sha256:" + String(repeating: "5e", count: 32)

    /// A TrainingJob whose trainer pod runs `runSeconds` and ends as `annotations` say.
    static func trainingJob(_ name: String, annotations: [String: String] = [:], runSeconds: String = "0.05",
                            labels: [String: String] = [:], spec extra: String = "", resources: String = "") -> String {
        var pod = ["sim.modelops.io/run-seconds": runSeconds]
        for (key, value) in annotations { pod[key] = value }
        let podAnnotations = pod.keys.sorted().map { "        \($0): \(JSON.string(pod[$0]!).serializedString())" }.joined(separator: "\n")
        let labelLines = labels.isEmpty ? "" : "  labels:\n" + labels.keys.sorted().map { "    \($0): \(JSON.string(labels[$0]!).serializedString())" }.joined(separator: "\n") + "\n"
        return """
            apiVersion: modelops.io/v1alpha1
            kind: TrainingJob
            metadata:
              name: \(name)
              namespace: \(OperatorHarness.namespace)
            \(labelLines)spec:
              model:
                name: fraud
              outputURI: s3://models/fraud/
              dataset:
                uri: s3://data/tx/
                version: "2026-11-17"
              hyperparameters:
                learning-rate: "0.05"
                epochs: "10"
            \(extra)
              template:
                metadata:
                  annotations:
            \(podAnnotations)
                spec:
                  containers:
                  - name: trainer
                    image: registry.example/train:1
            \(resources)
            """
    }

    static func result(_ metrics: [String: Double], uri: String? = nil) -> String {
        var object: JSON = ["metrics": .object(metrics.mapValues { .double($0) })]
        if let uri { object["modelURI"] = .string(uri) }
        return object.serializedString()
    }

    static func finished(_ job: TrainingJob) -> Bool {
        job.status?.phase == .succeeded || job.status?.phase == .failed
    }

    /// `controller_runtime_reconcile_total` of the TrainingJob controller, all results.
    static func reconciles(_ metrics: RuntimeMetrics) -> Int {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        return text.split(separator: "\n").reduce(0) { sum, line in
            guard line.hasPrefix("controller_runtime_reconcile_total{"), line.contains("controller=\"\(TrainingJobController.name)\""),
                  let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { return sum }
            return sum + Int(value)
        }
    }

    /// Settled TrainingJobs cost nothing: time passes, each is touched (one metadata write each,
    /// which wakes its reconcile) and the operator restarts (every key reconciled from fresh
    /// caches); the only writes the server counts are the touches.
    static func expectZeroWrites(_ harness: OperatorHarness, metrics: RuntimeMetrics, names: [String]) async throws {
        // Settled includes the `modelops.io/training-results` finalizer let go (one write per
        // Job and pod, right after the final status).
        try await eventually(timeout: .seconds(20), "the results finalizers released") {
            for name in names {
                let selector = "modelops.io/training-job=\(name)"
                let held = try await harness.list("batch", "v1", "jobs", labelSelector: selector)
                    + harness.list("", "v1", "pods", labelSelector: selector)
                if held.contains(where: { $0[path: ["metadata", "finalizers"]]?.arrayValue?.contains("modelops.io/training-results") == true }) {
                    return false
                }
            }
            return true
        }
        await harness.server.simulator?.settle()
        await harness.events.flush()
        let before = harness.writes
        let counts = harness.api.counter.snapshot
        harness.clock.advance(by: .seconds(3 * 3600))
        var seen = reconciles(metrics)
        for (index, name) in names.enumerated() {
            let touch: JSON = ["metadata": ["annotations": ["test.modelops.io/touch": .string("\(index)")]]]
            _ = try await harness.resource(TrainingJob.self).patch(name, .merge(touch.serialized()))
        }
        try await eventually(timeout: .seconds(20), "reconciles after the touches") { reconciles(metrics) >= seen + names.count }
        seen = reconciles(metrics)
        await harness.restartOperator()
        try await eventually(timeout: .seconds(20), "reconciles after the restart") { reconciles(metrics) >= seen + names.count }
        await harness.server.simulator?.settle()
        await harness.events.flush()
        let after = harness.api.counter.snapshot
        let changed = after.keys.sorted().filter { after[$0] != counts[$0] }.map { "\($0): \(counts[$0] ?? 0) → \(after[$0] ?? 0)" }
        #expect(harness.writes == before + names.count, "requests since settled: \(changed)")
    }
}
