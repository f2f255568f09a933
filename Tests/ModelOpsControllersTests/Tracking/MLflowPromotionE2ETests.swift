import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import ModelOpsAPI
import ModelOpsControllers
import Testing
import TestSupport

/// The loop closed through MLflow's registry: a RetrainPolicy's run is tracked and registered,
/// the promotion moves the `champion` alias, the ModelDeployment that follows the alias rolls it
/// out as a canary, and a rollback tags the version and moves the alias back. All three
/// controllers run; a real MLflow server; what it holds is read with MLflow's Python client.
@Suite("Promotion into an MLflow alias, and back on rollback", .serialized)
struct MLflowPromotionE2ETests {
    static let deployment = """
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: fraud
          namespace: ml
        spec:
          model:
            registry:
              mlflow:
                name: fraud
                alias: champion
                pollInterval: 1s
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
              - setWeight: 50
              - pause: {}
        """

    static let policy = """
        apiVersion: modelops.io/v1alpha1
        kind: RetrainPolicy
        metadata:
          name: fraud
          namespace: ml
        spec:
          modelDeploymentRef:
            name: fraud
          schedule: "0 2 * * *"
          promotion: Automatic
          registry:
            mlflow:
              alias: champion
          trainingJobTemplate:
            spec:
              model:
                name: fraud
              outputURI: s3://models/fraud/
              dataset:
                uri: s3://data/tx/
              tracking:
                mlflow:
                  experiment: fraud-training
              template:
                metadata:
                  annotations:
                    sim.modelops.io/run-seconds: "0.2"
                    sim.modelops.io/termination-message: '{"metrics": {"accuracy": 0.93}, "modelURI": "s3://models/fraud/v2"}'
                spec:
                  restartPolicy: Never
                  containers:
                  - name: trainer
                    image: registry.example/fraud-trainer:2
              validation:
                gates:
                - metric: accuracy
                  min: 0.9
        """

    @Test("promotion moves champion to the new version, the ModelDeployment canaries it; its rollback tags the version and moves champion back")
    func promoteIntoAliasAndBack() async throws {
        try await MLflowFixture.with { mlflow in
            _ = try await mlflow.python("""
                from mlflow import MlflowClient
                c = MlflowClient()
                c.create_registered_model("fraud")
                c.create_model_version("fraud", "s3://models/fraud/v1")
                c.set_registered_model_alias("fraud", "champion", "1")
                """)
            let harness = try await OperatorHarness.start(configure: { $0.mlflowTrackingURI = mlflow.address })
            do {
                try await harness.create(Self.deployment)
                try await harness.waitFor(ModelDeployment.self, "fraud", "healthy on version 1") {
                    $0.status?.phase == .healthy && $0.status?.stable?.version == "1"
                }
                try await harness.create(Self.policy)
                let annotate: JSON = ["metadata": ["annotations": [WireContract.Annotations.retrain: "now"]]]
                _ = try await harness.resource(RetrainPolicy.self).patch("fraud", .merge(annotate.serialized()))

                let promoted = try await harness.waitFor(RetrainPolicy.self, "fraud", "alias moved") {
                    $0.status?.promoted?.registryVersion != nil
                }
                #expect(promoted.status?.promoted?.registryVersion == "2")
                let moved = try #require(promoted.status?.conditions?[type: "RegistryAliasSet"])
                #expect(moved.status == .true && moved.message == "alias \"champion\" of fraud points at version 2 (was 1)")
                _ = try await harness.events(about: "fraud", waitingFor: ["RegistryAliasMoved"])

                let canary = try await harness.waitFor(ModelDeployment.self, "fraud", "canary of version 2 paused at 50%") {
                    $0.status?.phase == .paused && $0.status?.canary?.version == "2"
                }
                #expect(canary.status?.canary?.uri == "s3://models/fraud/v2")

                let abort: JSON = ["metadata": ["annotations": [ManualAction.annotation: .string("abort/\(UUID().uuidString.prefix(8))")]]]
                _ = try await harness.resource(ModelDeployment.self).patch("fraud", .merge(abort.serialized()))
                let back = try await harness.waitFor(ModelDeployment.self, "fraud", "back on version 1, alias moved back") {
                    $0.status?.canary == nil && $0.status?.registry?.mlflow?.version == "1" && $0.status?.stable?.version == "1"
                }
                #expect(back.status?.rejectedVersions?.map(\.version) == ["2"])
                _ = try await harness.events(about: "fraud", waitingFor: ["RegistryVersionRejected", "RegistryAliasMovedBack"])

                let output = try await mlflow.python("""
                    import json
                    from mlflow import MlflowClient
                    c = MlflowClient()
                    v2 = c.get_model_version("fraud", "2")
                    print(json.dumps({"champion": c.get_model_version_by_alias("fraud", "champion").version,
                                      "source": v2.source, "tags": v2.tags}))
                    """)
                let read = try JSON.parse(output)
                #expect(read["champion"] == "1")
                #expect(read["source"] == "s3://models/fraud/v2")
                #expect(read[path: ["tags", "modelops.io/promoted-by"]] == "ml/fraud")
                #expect(read[path: ["tags", "modelops.io/promoted-alias"]] == nil,
                        "removed once the alias is back: a person pointing champion at 2 again is not undone")
                #expect(read[path: ["tags", "modelops.io/previous-version"]] == "1")
                #expect(read[path: ["tags", "modelops.io/rejected"]]?.stringValue?.hasPrefix("Aborted by ModelDeployment ml/fraud at ") == true,
                        "\(read)")
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    @Test("champion/challenger: promotion moves challenger, the ModelDeployment following it canaries the version, champion follows only when the canary finished")
    func challengerThenChampion() async throws {
        try await MLflowFixture.with { mlflow in
            _ = try await mlflow.python("""
                from mlflow import MlflowClient
                c = MlflowClient()
                c.create_registered_model("fraud")
                c.create_model_version("fraud", "s3://models/fraud/v1")
                c.set_registered_model_alias("fraud", "champion", "1")
                c.set_registered_model_alias("fraud", "challenger", "1")
                """)
            func aliases() async throws -> JSON {
                try JSON.parse(try await mlflow.python("""
                    import json
                    from mlflow import MlflowClient
                    c = MlflowClient()
                    print(json.dumps({a: c.get_model_version_by_alias("fraud", a).version for a in ["champion", "challenger"]}))
                    """))
            }
            let harness = try await OperatorHarness.start(configure: { $0.mlflowTrackingURI = mlflow.address })
            do {
                try await harness.create(Self.deployment.replacingOccurrences(of: "alias: champion", with: "alias: challenger"))
                try await harness.waitFor(ModelDeployment.self, "fraud", "healthy on version 1") {
                    $0.status?.phase == .healthy && $0.status?.stable?.version == "1"
                }
                try await harness.create(Self.policy.replacingOccurrences(of: "alias: champion", with: "alias: challenger\n      servedAlias: champion"))
                let annotate: JSON = ["metadata": ["annotations": [WireContract.Annotations.retrain: "now"]]]
                _ = try await harness.resource(RetrainPolicy.self).patch("fraud", .merge(annotate.serialized()))

                // The canary of version 2 pauses at 50%: challenger is on 2, champion still on 1.
                try await harness.waitFor(ModelDeployment.self, "fraud", "canary of version 2 paused at 50%") {
                    $0.status?.phase == .paused && $0.status?.canary?.version == "2"
                }
                let waiting = try await harness.waitFor(RetrainPolicy.self, "fraud", "served alias waiting for the rollout") {
                    $0.status?.conditions?[type: "RegistryServedAliasSet"]?.reason == "WaitingForRollout"
                }
                #expect(waiting.status?.promoted?.registryVersion == "2")
                #expect(waiting.status?.promoted?.servedAliasVersion == nil)
                #expect(try await aliases() == ["champion": "1", "challenger": "2"])

                // Promoted to all traffic: champion follows.
                let promote: JSON = ["metadata": ["annotations": [ManualAction.annotation: .string("promote/\(UUID().uuidString.prefix(8))")]]]
                _ = try await harness.resource(ModelDeployment.self).patch("fraud", .merge(promote.serialized()))
                let served = try await harness.waitFor(RetrainPolicy.self, "fraud", "champion moved to version 2") {
                    $0.status?.promoted?.servedAliasVersion != nil
                }
                #expect(served.status?.promoted?.servedAliasVersion == "2")
                let condition = try #require(served.status?.conditions?[type: "RegistryServedAliasSet"])
                #expect(condition.status == .true
                        && condition.message == "ModelDeployment fraud serves version 2: alias \"champion\" of fraud points at version 2 (was 1)",
                        "\(condition)")
                _ = try await harness.events(about: "fraud", waitingFor: ["RegistryServedAliasMoved"])
                let deployment = try await harness.resource(ModelDeployment.self).get("fraud")
                #expect(deployment.status?.phase == .healthy && deployment.status?.stable?.version == "2")
                #expect(try await aliases() == ["champion": "2", "challenger": "2"])
                #expect(served.status?.promoted?.servedAlias == "champion")

                // The served alias renamed: the new name is moved too.
                let rename: JSON = ["spec": ["registry": ["mlflow": ["servedAlias": "production"]]]]
                _ = try await harness.resource(RetrainPolicy.self).patch("fraud", .merge(rename.serialized()))
                let renamed = try await harness.waitFor(RetrainPolicy.self, "fraud", "production moved to version 2") {
                    $0.status?.promoted?.servedAlias == "production"
                }
                #expect(renamed.status?.promoted?.servedAliasVersion == "2")
                let production = try await mlflow.python("""
                    from mlflow import MlflowClient
                    print(MlflowClient().get_model_version_by_alias("fraud", "production").version)
                    """)
                #expect(production.trimmingCharacters(in: .whitespacesAndNewlines) == "2")
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }
}
