import KubeCore
import ModelOpsAPI
import Testing

@Suite("manifests/examples")
struct ExampleTests {
    static let files = ["modeldeployment.yaml", "trainingjob.yaml", "retrainpolicy.yaml", "end-to-end.yaml"]

    static func documents(_ file: String) throws -> [JSON] {
        try JSON.parseYAMLDocuments(try Repository.text("manifests/examples/\(file)"))
    }

    @Test func everyExampleFileIsListed() throws {
        #expect(try Repository.files(in: "manifests/examples", suffix: ".yaml") == Self.files.sorted())
    }

    /// No field the schema lacks (the server would prune it silently), right types, enums,
    /// bounds, required fields. CEL rules are checked by the server tests.
    @Test(arguments: files)
    func validatesAgainstTheSchema(_ file: String) throws {
        let documents = try Self.documents(file)
        #expect(!documents.isEmpty)
        for document in documents {
            #expect(document["apiVersion"] == "modelops.io/v1alpha1")
            let kind = try #require(document["kind"]?.stringValue)
            let schema = CRDs.schema(kind: kind)
            #expect(schema != .null, "\(file): unknown kind \(kind)")
            #expect(SchemaChecker.check(document, against: schema).map(\.description) == [], "\(file) \(kind)")
            #expect(document[path: ["metadata", "name"]]?.stringValue != nil)
            #expect(document[path: ["metadata", "namespace"]] == "ml-serving")
        }
    }

    /// Each example decodes into its Swift type and encodes back to the same JSON, so the types
    /// carry everything the examples say.
    @Test(arguments: files)
    func decodesAndRoundTrips(_ file: String) throws {
        for document in try Self.documents(file) {
            let encoded: JSON
            switch document["kind"]?.stringValue {
            case "ModelDeployment": encoded = try JSON(encoding: try document.decode(as: ModelDeployment.self))
            case "TrainingJob": encoded = try JSON(encoding: try document.decode(as: TrainingJob.self))
            case "RetrainPolicy": encoded = try JSON(encoding: try document.decode(as: RetrainPolicy.self))
            default:
                Issue.record("\(file): unexpected kind \(document["kind"] ?? .null)")
                continue
            }
            #expect(SchemaAgreement.differences(document, encoded) == [], "\(file)")
        }
    }

    @Test func endToEndWiresPolicyToDeployment() throws {
        let documents = try Self.documents("end-to-end.yaml")
        let policy = try #require(documents.first { $0["kind"] == "RetrainPolicy" }).decode(as: RetrainPolicy.self)
        let deployment = try #require(documents.first { $0["kind"] == "ModelDeployment" }).decode(as: ModelDeployment.self)
        #expect(deployment.spec.model.fromPolicy == policy.metadata.name)
        #expect(deployment.spec.model.pinned == nil)
        #expect(policy.spec.modelDeploymentRef.name == deployment.metadata.name)
        #expect(policy.spec.schedule == "30 1 * * *")
        #expect(policy.spec.triggers?.contains { $0.type == .metric && $0.metric != nil } == true)
        #expect(policy.spec.promotion == .automatic)
        #expect(deployment.spec.strategy?.type == .canary)
        let steps = deployment.spec.strategy?.canary?.steps ?? []
        #expect(steps.contains { $0.analysis != nil })
        let names = Set(deployment.spec.analysis?.metrics.map(\.name) ?? [])
        for step in steps { for metric in step.analysis?.metrics ?? [] { #expect(names.contains(metric)) } }
        let weights = steps.compactMap(\.setWeight)
        #expect(weights == weights.sorted())
    }

    @Test func pinnedExampleIsPinned() throws {
        let deployment = try #require(try Self.documents("modeldeployment.yaml").first).decode(as: ModelDeployment.self)
        #expect(deployment.spec.model.pinned == ModelVersion(name: "fraud-detector", version: "v7", uri: "s3://models/fraud-detector/v7"))
        #expect(deployment.spec.strategy?.canary?.steps?.first == .setWeight(10))
        #expect(deployment.spec.strategy?.canary?.steps?[3] == .pause("10m"))
    }
}
