import KubeCore
import ModelOpsAPI
import Testing

@Suite("Swift types and CRD schemas agree")
struct SchemaAgreementTests {
    /// Decodes the maximal instance of the kind's schema into `T`, re-encodes it, and reports
    /// every field either side lacks.
    func agreement<T: Codable>(_ type: T.Type, kind: String) throws -> (lost: [String], unset: [String]) {
        let schema = CRDs.schema(kind: kind)
        #expect(schema != .null, "no CRD for \(kind)")
        var instance = SchemaAgreement.maximalInstance(schema)
        instance["apiVersion"] = "modelops.io/v1alpha1"
        instance["kind"] = .string(kind)
        instance["metadata"] = ["name": "maximal", "namespace": "default"]
        let decoded: T = try instance.decode()
        let encoded = try JSON(encoding: decoded)
        return (SchemaAgreement.differences(instance, encoded), SchemaAgreement.unsetProperties(decoded))
    }

    @Test func modelDeployment() throws {
        let result = try agreement(ModelDeployment.self, kind: "ModelDeployment")
        #expect(result.lost == [])
        #expect(result.unset == [], "Swift properties the schema does not have")
    }

    @Test func trainingJob() throws {
        let result = try agreement(TrainingJob.self, kind: "TrainingJob")
        #expect(result.lost == [])
        #expect(result.unset == [], "Swift properties the schema does not have")
    }

    @Test func retrainPolicy() throws {
        let result = try agreement(RetrainPolicy.self, kind: "RetrainPolicy")
        #expect(result.lost == [])
        #expect(result.unset == [], "Swift properties the schema does not have")
    }

    /// The checker itself must notice a disagreement, or the tests above prove nothing.
    @Test func detectsAMissingAndAnExtraField() throws {
        struct Narrow: Codable { var kept: String?; var extra: String? }
        let schema: JSON = ["type": "object", "properties": ["kept": ["type": "string"], "dropped": ["type": "string"]]]
        let instance = SchemaAgreement.maximalInstance(schema)
        let decoded: Narrow = try instance.decode()
        #expect(SchemaAgreement.differences(instance, try JSON(encoding: decoded))
            == ["dropped: in the schema, lost by the Swift type"])
        #expect(SchemaAgreement.unsetProperties(decoded) == ["extra"])
    }

    /// An integer in Swift where the schema says number loses fractions: the maximal instance
    /// uses 0.5 so that the decode fails.
    @Test func detectsIntegerForNumber() {
        struct Wrong: Codable { var value: Int? }
        let schema: JSON = ["type": "object", "properties": ["value": ["type": "number"]]]
        #expect(throws: (any Error).self) { let _: Wrong = try SchemaAgreement.maximalInstance(schema).decode() }
    }
}
