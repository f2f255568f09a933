import Foundation
import KubeCore

/// Manifests of the user-action tests: a canary ModelDeployment, a RetrainPolicy whose simulated
/// trainer reports metrics, a model URI and an image digest.
enum ActionFixtures {
    static let digest = "sha256:" + String(repeating: "5e", count: 32)

    /// A canary ModelDeployment serving `version` of model churn on 4 pods; `analysis` is a
    /// spec.analysis block (indented as under spec) or empty.
    static func modelDeployment(_ name: String, version: String, steps: String, analysis: String = "") -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: \(name)
          namespace: \(ActionStack.namespace)
        spec:
          model:
            name: churn
            version: "\(version)"
            uri: s3://models/churn/\(version)
          replicas: 4
          template:
            spec:
              containers:
              - name: server
                image: ghcr.io/example/model-server:1.4
          strategy:
            type: Canary
            canary:
              steps:
        \(steps.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
        \(analysis.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        """
    }

    /// setWeight 25, an analysis, a pause until promoted, setWeight 50, a pause until promoted.
    static let analysedSteps = """
        - setWeight: 25
        - analysis: {}
        - pause: {}
        - setWeight: 50
        - pause: {}
        """

    /// Two measurements a second apart of a Prometheus query per version.
    static func analysis(prometheus: String) -> String {
        """
        analysis:
          provider:
            prometheus:
              address: \(prometheus)
          interval: 1s
          count: 2
          metrics:
          - name: error-rate
            query: 'max(model_request_error_ratio{version="{{version}}"})'
            successCondition: result < 0.05
        """
    }

    /// A RetrainPolicy whose runs train model `fraud` in about 0.2 s: the simulated trainer
    /// reports accuracy 0.94 and auc 0.97, the model URI, and runs the image with `digest`.
    static func retrainPolicy(_ name: String, deployment: String, promotion: String = "Manual") -> String {
        let message = #"{"metrics": {"accuracy": 0.94, "auc": 0.97}, "modelURI": "s3://models/fraud/trained"}"#
        return """
            apiVersion: modelops.io/v1alpha1
            kind: RetrainPolicy
            metadata:
              name: \(name)
              namespace: \(ActionStack.namespace)
            spec:
              modelDeploymentRef:
                name: \(deployment)
              schedule: "0 2 * * *"
              timeZone: Europe/Paris
              promotion: \(promotion)
              trainingJobTemplate:
                spec:
                  model:
                    name: fraud
                  outputURI: s3://models/fraud/
                  dataset:
                    uri: s3://datasets/transactions/
                    version: "2026-11-17"
                  hyperparameters:
                    learning_rate: "0.05"
                    max_depth: "8"
                  template:
                    metadata:
                      annotations:
                        sim.modelops.io/run-seconds: "0.2"
                        sim.modelops.io/image-digest: "\(digest)"
                        sim.modelops.io/termination-message: '\(message)'
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: trainer
                        image: ghcr.io/example/fraud-trainer:2.1.0
                  validation:
                    gates:
                    - metric: accuracy
                      min: 0.9
            """
    }

    /// A ModelDeployment serving whatever `policy` promotes, on 2 pods; by default with a pause
    /// at 25%.
    static func following(_ name: String, policy: String, steps: String = "- setWeight: 25\n- pause: {}") -> String {
        """
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: \(name)
          namespace: \(ActionStack.namespace)
        spec:
          model:
            fromPolicy: \(policy)
          replicas: 2
          template:
            spec:
              containers:
              - name: server
                image: ghcr.io/example/model-server:1.4
          strategy:
            type: Canary
            canary:
              steps:
        \(steps.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
        """
    }
}
