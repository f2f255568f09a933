import Foundation
import KubeCore
import ModelOpsAPI

/// ModelDeployment manifests for the rollout tests.
enum RolloutFixtures {
    /// A ModelDeployment named `name` serving `version` with `replicas` pods; `strategy` and
    /// `extra` are YAML blocks indented under `spec:`; `podAnnotations` steer the simulator.
    static func modelDeployment(_ name: String, version: String, replicas: Int = 4, strategy: String = "",
                                extra: String = "", podAnnotations: [String: String] = [:]) -> String {
        let annotations = podAnnotations.isEmpty ? "" : "\n      annotations:\n" + podAnnotations.sorted { $0.key < $1.key }
            .map { "        \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
        return """
            apiVersion: modelops.io/v1alpha1
            kind: ModelDeployment
            metadata:
              name: \(name)
              namespace: ml
            spec:
              model:
                name: churn
                version: "\(version)"
                uri: s3://models/churn/\(version)
              replicas: \(replicas)
              port: 8080
              template:
                metadata:
                  labels:
                    app: \(name)\(annotations)
                spec:
                  containers:
                  - name: server
                    image: ghcr.io/example/model-server:1.4
                    env:
                    - name: LOG_LEVEL
                      value: info
            \(indent(strategy, by: 2))
            \(indent(extra, by: 2))
            """
    }

    static func indent(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }

    static let canarySteps = """
        strategy:
          type: Canary
          canary:
            steps:
            - setWeight: 25
            - pause: {}
            - setWeight: 50
            - pause: {duration: 10m}
            - setWeight: 100
        """
}
