import Foundation
import KubeClient
import KubeCore
import ModelOpsAPI
import ModelOpsControllers
import Testing
import TestSupport

/// ModelDeployments that serve what an MLflow alias points at, against a real MLflow server whose
/// registry is edited with MLflow's own Python client, as an ML team would move `champion`.
@Suite("ModelDeployment following an MLflow alias", .serialized)
struct MLflowRegistryServingTests {
    static let deployment = """
        apiVersion: modelops.io/v1alpha1
        kind: ModelDeployment
        metadata:
          name: churn
          namespace: ml
        spec:
          model:
            registry:
              mlflow:
                name: churn
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

    func act(_ harness: OperatorHarness, _ action: String) async throws {
        let patch: JSON = ["metadata": ["annotations": [ManualAction.annotation: .string("\(action)/\(UUID().uuidString.prefix(8))")]]]
        _ = try await harness.resource(ModelDeployment.self).patch("churn", .merge(patch.serialized()))
    }

    @Test("serves the alias's version, rolls out a canary when the alias moves, keeps serving when MLflow goes away")
    func followAlias() async throws {
        try await MLflowFixture.with { mlflow in
            _ = try await mlflow.python("""
                from mlflow import MlflowClient
                c = MlflowClient()
                c.create_registered_model("churn")
                for v in ("v1", "v2"):
                    c.create_model_version("churn", f"s3://models/churn/{v}")
                c.set_registered_model_alias("churn", "champion", "1")
                """)
            let harness = try await OperatorHarness.start(configure: { $0.mlflowTrackingURI = mlflow.address })
            do {
                try await harness.create(Self.deployment)
                let first = try await harness.waitFor(ModelDeployment.self, "churn", "healthy on version 1") {
                    $0.status?.phase == .healthy && $0.status?.stable?.version == "1"
                }
                #expect(first.status?.stable?.uri == "s3://models/churn/v1" && first.status?.stable?.name == "churn")
                #expect(first.status?.registry?.mlflow == MLflowAliasRecord(trackingURI: mlflow.address, name: "churn", alias: "champion",
                                                                             version: "1", source: "s3://models/churn/v1"))
                let reachable = try #require(first.status?.conditions?[type: "RegistryReachable"])
                #expect(reachable.status == .true && reachable.reason == "AliasResolved")
                #expect(reachable.message == "alias \"champion\" of churn is version 1 (s3://models/churn/v1)")
                #expect(first.spec.model.version == nil && first.spec.model.uri == nil, "the spec is never written")

                // The team moves champion: the new version goes out as a canary, with the strategy.
                _ = try await mlflow.python("""
                    from mlflow import MlflowClient
                    MlflowClient().set_registered_model_alias("churn", "champion", "2")
                    """)
                let canary = try await harness.waitFor(ModelDeployment.self, "churn", "canary of version 2 paused at 50%") {
                    $0.status?.phase == .paused && $0.status?.canary?.version == "2" && $0.status?.canary?.weight == 50
                }
                #expect(canary.status?.canary?.uri == "s3://models/churn/v2")
                #expect(canary.status?.stable?.version == "1")
                #expect(canary.status?.registry?.mlflow?.version == "2")
                try await act(harness, "promote")
                let promoted = try await harness.waitFor(ModelDeployment.self, "churn", "healthy on version 2") {
                    $0.status?.phase == .healthy && $0.status?.stable?.version == "2"
                }
                #expect(promoted.status?.history?.map(\.version) == ["1", "2"])

                // MLflow goes away: the condition says so, and what serves stays as it is.
                await mlflow.stop(keepingData: true, crash: true)
                let away = try await harness.waitFor(ModelDeployment.self, "churn", "registry unreachable") {
                    $0.status?.conditions?[type: "RegistryReachable"]?.status == .false
                }
                let condition = try #require(away.status?.conditions?[type: "RegistryReachable"])
                #expect(condition.reason == "RegistryUnreachable")
                #expect(condition.message.hasPrefix("reading alias \"champion\" of churn: MLflow UNREACHABLE: \(mlflow.address)"),
                        "\(condition.message)")
                #expect(condition.message.hasSuffix("; serving version 2 as last read"), "\(condition.message)")
                #expect(away.status?.phase == .healthy && away.status?.stable?.version == "2" && away.status?.canary == nil)
                #expect(away.status?.registry?.mlflow?.version == "2")
                _ = try await harness.events(about: "churn", waitingFor: ["RegistryUnreachable"])
                let served = try await harness.list("apps", "v1", "deployments", labelSelector: "modelops.io/deployment=churn")
                #expect(served.compactMap { $0[path: ["metadata", "annotations", "modelops.io/model-version"]]?.stringValue } == ["2"])
            } catch {
                await harness.stop()
                throw error
            }
            await harness.stop()
        }
    }

    @Test("no tracking server anywhere: nothing is deployed, and RegistryReachable=False names the field")
    func noTrackingServer() async throws {
        try await OperatorHarness.with { harness in
            try await harness.create(Self.deployment)
            let object = try await harness.waitFor(ModelDeployment.self, "churn", "registry condition") {
                $0.status?.conditions?[type: "RegistryReachable"] != nil
            }
            let condition = try #require(object.status?.conditions?[type: "RegistryReachable"])
            #expect(condition.status == .false && condition.reason == "NoTrackingServer")
            #expect(condition.message == "spec.model.registry.mlflow.trackingURI is not set and the operator has no --mlflow-tracking-uri")
            #expect(object.status?.stable == nil && object.status?.phase == .pending)
            #expect(try await harness.list("apps", "v1", "deployments", labelSelector: "modelops.io/deployment=churn").isEmpty)
        }
    }
}
