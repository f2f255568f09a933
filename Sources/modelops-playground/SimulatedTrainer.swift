import Foundation
import KubeCore
import KubeTestServerCore
import ModelOpsAPI

/// The playground's trainer: what a simulated training pod writes to its termination message
/// when it succeeds, so the examples' TrainingJobs report results without simulator annotations
/// in their YAML. It reads the pod's TrainingJob and reports every metric its validation looks
/// at, comfortably inside the gates (`min` 0.9 gives 0.94), and a little better (+0.002) than
/// the best earlier run of the same model in the namespace, as retraining on fresher data
/// usually is; the model URI is the output URI (plus the version when it ends in `/`).
/// Pods that are not trainers (no `modelops.io/training-job` label) write nothing.
enum SimulatedTrainer {
    static let trainingJobsKey = "trainingjobs.modelops.io"
    static let improvement = 0.002

    static func terminationMessage(pod: JSON, api: APIServer) -> String? {
        guard let name = pod[path: ["metadata", "labels", TrainingJobLabels.trainingJob]]?.stringValue,
              let namespace = pod[path: ["metadata", "namespace"]]?.stringValue else { return nil }
        let (job, others) = api.store.withState { state -> (JSON?, [JSON]) in
            let job = state.get(trainingJobsKey, ObjectKey(namespace: namespace, name: name))?.object
            let model = job?[path: ["spec", "model", "name"]]
            let others = state.all(trainingJobsKey).compactMap { key, stored -> JSON? in
                key.namespace == namespace && key.name != name && stored.object[path: ["spec", "model", "name"]] == model ? stored.object : nil
            }
            return (job, others)
        }
        guard let job else { return nil }
        var metrics: [String: Double] = [:]
        for gate in job[path: ["spec", "validation", "gates"]]?.arrayValue ?? [] {
            guard let metric = gate["metric"]?.stringValue else { continue }
            metrics[metric] = passing(min: gate["min"]?.doubleValue, max: gate["max"]?.doubleValue)
        }
        if let compared = job[path: ["spec", "validation", "compareTo", "metric"]]?.stringValue, metrics[compared] == nil {
            metrics[compared] = 0.9
        }
        if metrics.isEmpty { metrics = ["accuracy": 0.93, "loss": 0.21] }
        for (metric, value) in metrics {
            let best = others.compactMap { $0[path: ["status", "metrics", metric]]?.doubleValue }.max()
            if let best, best + improvement > value {
                let better = best + improvement
                metrics[metric] = (value <= 1 && better >= 1) ? 0.999 : better
            }
        }
        let env = pod[path: ["spec", "containers"]]?[0]?["env"]?.arrayValue ?? []
        func variable(_ name: String) -> String? { env.first { $0["name"]?.stringValue == name }?["value"]?.stringValue }
        var result: JSON = ["metrics": .object(metrics.mapValues { JSON.double(($0 * 10_000).rounded() / 10_000) })]
        if let output = variable("OUTPUT_URI"), !output.isEmpty {
            let version = variable("MODEL_VERSION") ?? ""
            result["modelURI"] = .string(output.hasSuffix("/") && !version.isEmpty ? output + version : output)
        }
        return result.serializedString()
    }

    /// A value that passes a gate with room to spare.
    static func passing(min: Double?, max: Double?) -> Double {
        switch (min, max) {
        case let (low?, high?): return (low + high) / 2
        case let (low?, nil): return low < 1 ? low + (1 - low) * 0.4 : low * 1.1
        case let (nil, high?): return high * 0.6
        case (nil, nil): return 0.9
        }
    }
}
