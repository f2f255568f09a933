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

    /// The informer caches pack typed objects through the tree coders (`JSONTreeEncoder`,
    /// `JSONTreeDecoder`) instead of Foundation's: on every example they must write the same
    /// tree Foundation's coders write, and read back a value Foundation encodes the same.
    @Test(arguments: files)
    func treeCodersAgreeWithFoundation(_ file: String) throws {
        func check<T: Codable>(_ document: JSON, _ type: T.Type) throws {
            let value = try document.decode(as: T.self)
            let foundation = try JSON(encoding: value)
            #expect(try JSON(treeEncoding: value) == foundation, "\(file) \(T.self)")
            let back = try CompactJSON(try JSON(treeEncoding: value)).json.decodeTree(as: T.self)
            #expect(try JSON(encoding: back) == foundation, "\(file) \(T.self)")
            #expect(try JSON(encoding: try document.decodeTree(as: T.self)) == foundation, "\(file) \(T.self)")
        }
        for document in try Self.documents(file) {
            switch document["kind"]?.stringValue {
            case "ModelDeployment": try check(document, ModelDeployment.self)
            case "TrainingJob": try check(document, TrainingJob.self)
            case "RetrainPolicy": try check(document, RetrainPolicy.self)
            default: Issue.record("\(file): unexpected kind \(document["kind"] ?? .null)")
            }
        }
        // Wrong types are refused naming the field, as Foundation refuses them.
        #expect(throws: DecodingError.self) {
            let bad: JSON = ["metadata": ["name": 7]]
            _ = try bad.decodeTree(as: ModelDeployment.self)
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
