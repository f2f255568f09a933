import Foundation
import KubeCore
import KubeTestServerCore
import Testing

/// The project's own CRDs (crds/*.yaml) through CRD admission: as written they are accepted (a
/// real v1.36 server accepted them, goldens 114–116), and each form of them a real server
/// refuses is refused with its message. The refused forms are the golden refusals (085–113)
/// applied to the ModelDeployment CRD; their messages follow the recorded formats.
@Suite struct ProjectCRDAdmissionTests {
    static let crdDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("crds")

    static func projectCRDs() throws -> [String: JSON] {
        var crds: [String: JSON] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: crdDirectory.path) where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: crdDirectory.appendingPathComponent(name), encoding: .utf8)
            for document in try JSON.parseYAMLDocuments(text) where document["kind"] == "CustomResourceDefinition" {
                crds[name] = document
            }
        }
        return crds
    }

    static func modelDeployments() throws -> JSON {
        let crd = try projectCRDs()["modelops.io_modeldeployments.yaml"]
        #expect(crd != nil, "crds/modelops.io_modeldeployments.yaml is missing")
        return crd ?? .null
    }

    static func post(_ crd: JSON) async -> GoldenAnswer {
        let api = APIServer()
        defer { api.shutdown() }
        let response = await api.handle(APIRequest(
            method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
            headers: ["content-type": "application/json"], body: crd.serialized(), user: GoldenAnswer.admin))
        return GoldenAnswer(status: response.status, body: (try? JSON.parse(response.body)) ?? .null)
    }

    @Test func projectCRDsAsWrittenAreAccepted() async throws {
        let crds = try Self.projectCRDs()
        #expect(crds.count == 3)
        for (file, crd) in crds.sorted(by: { $0.key < $1.key }) {
            let answer = await Self.post(crd)
            #expect(answer.status == 201, "\(file): \(answer.brief)")
        }
    }

    /// The test server installs this CRD itself at start; the real server accepts it.
    @Test func gatewayAPICRDTheServerInstallsIsAccepted() async throws {
        let answer = await Self.post(try JSON.parseYAML(GatewayAPI.httpRouteCRD))
        #expect(answer.status == 201, "\(answer.brief)")
    }

    /// `default: {}` put back on strategy and trafficRouting, whose rules read `type`: the CRD
    /// as golden 113 recorded it (later changes elsewhere in it leave the answer the same).
    @Test func emptyObjectDefaultsAreRefusedAsGolden113() async throws {
        let crd = try Self.withSchema(of: try Self.modelDeployments()) { schema in
            schema[path: Self.properties("spec", "strategy") + ["default"]] = [:]
            schema[path: Self.properties("spec", "trafficRouting") + ["default"]] = [:]
        }
        let golden = try GoldenExchange(113)
        let answer = await Self.post(crd)
        answer.expectSameStatus(as: golden)
    }

    // MARK: the golden refusals applied to ModelDeployment

    /// The CRD with its (only) version's openAPIV3Schema changed by `mutate`.
    static func withSchema(of crd: JSON, _ mutate: (inout JSON) -> Void) throws -> JSON {
        var crd = crd
        var versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        try #require(versions.count == 1)
        var schema = versions[0][path: ["schema", "openAPIV3Schema"]] ?? .null
        let before = schema
        mutate(&schema)
        try #require(schema != before, "the mutation changed nothing: the CRD no longer has that spot")
        versions[0][path: ["schema", "openAPIV3Schema"]] = schema
        crd[path: ["spec", "versions"]] = .array(versions)
        return crd
    }

    /// The schema keys of nested properties: `properties.spec.properties.port`.
    static func properties(_ names: String...) -> [String] { names.flatMap { ["properties", $0] } }
    /// The field path the real server names them by, under the hoisted single-version schema.
    static func field(_ names: String...) -> String {
        "spec.validation.openAPIV3Schema" + names.map { ".properties[\($0)]" }.joined()
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let golden: Int
        let name: String
        /// Changes the version's openAPIV3Schema.
        let mutate: @Sendable (inout JSON) -> Void
        let reason: String
        let field: String
        let message: String
        var testDescription: String { "\(name) (as golden \(golden))" }
    }

    static let refusals: [Refusal] = [
        Refusal(golden: 87, name: "object default its own rule rejects",
                mutate: { $0[path: properties("spec", "strategy") + ["default"]] = ["type": "Shadow"] },
                reason: "FieldValueInvalid", field: field("spec", "strategy") + ".default.shadow",
                message: "Invalid value: strategy.shadow (mirrorPercent) is required for the Shadow strategy"),
        Refusal(golden: 102, name: "default of the wrong type",
                mutate: { $0[path: properties("spec", "replicas") + ["default"]] = "one" },
                reason: "FieldValueTypeInvalid", field: field("spec", "replicas") + ".default",
                message: #"Invalid value: "string":  in body must be of type integer: "string""#),
        Refusal(golden: 103, name: "default outside the enum",
                mutate: { $0[path: properties("spec", "strategy", "type") + ["default"]] = "Linear" },
                reason: "FieldValueNotSupported", field: field("spec", "strategy", "type") + ".default",
                message: #"Unsupported value: "Linear": supported values: "Canary", "BlueGreen", "Shadow""#),
        Refusal(golden: 104, name: "default not matching the pattern",
                mutate: { $0[path: properties("spec", "analysis", "interval") + ["default"]] = "1 minute" },
                reason: "FieldValueInvalid", field: field("spec", "analysis", "interval") + ".default",
                message: #"Invalid value: "1 minute":  in body should match '^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$'"#),
        Refusal(golden: 105, name: "default above the maximum",
                mutate: { $0[path: properties("spec", "port") + ["default"]] = 70000 },
                reason: "FieldValueInvalid", field: field("spec", "port") + ".default",
                message: "Invalid value: 70000:  in body should be less than or equal to 65535"),
        Refusal(golden: 107, name: "a property without type",
                mutate: { $0[path: properties("spec", "paused") + ["type"]] = nil },
                reason: "FieldValueRequired", field: field("spec", "paused") + ".type",
                message: "Required value: must not be empty for specified object fields"),
        Refusal(golden: 110, name: "a list-map key neither required nor defaulted",
                mutate: { $0[path: properties("spec", "analysis", "metrics") + ["items", "required"]] = ["query"] },
                reason: "FieldValueRequired", field: field("spec", "analysis", "metrics") + ".items.properties[name].default",
                message: "Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"),
        Refusal(golden: 111, name: "a list-map key that is not an item property",
                mutate: { $0[path: properties("status", "conditions") + ["x-kubernetes-list-map-keys"]] = ["kind"] },
                reason: "FieldValueInvalid", field: field("status", "conditions") + ".x-kubernetes-list-map-keys",
                message: #"Invalid value: ["kind"]: entries must all be names of item properties"#),
        Refusal(golden: 98, name: "a rule whose fieldPath names no field",
                mutate: { schema in
                    let rules = properties("spec", "trafficRouting") + ["x-kubernetes-validations"]
                    var rule = schema[path: rules]?[0] ?? [:]
                    rule["fieldPath"] = ".gateway"
                    schema[path: rules] = [rule]
                },
                reason: "FieldValueInvalid", field: field("spec", "trafficRouting") + ".x-kubernetes-validations[0].fieldPath",
                message: #"Invalid value: ".gateway": must be a valid path"#),
        Refusal(golden: 97, name: "a transition rule on the items of an atomic list",
                mutate: { schema in
                    let rules = properties("spec", "strategy", "canary", "steps") + ["items", "x-kubernetes-validations"]
                    schema[path: rules] = .array((schema[path: rules]?.arrayValue ?? []) + [["rule": "self.setWeight >= oldSelf.setWeight"]])
                },
                reason: "FieldValueInvalid", field: field("spec", "strategy", "canary", "steps") + ".items.x-kubernetes-validations[1].rule",
                message: #"Invalid value: "self.setWeight >= oldSelf.setWeight": oldSelf cannot be used on the uncorrelatable portion of the schema within "#
                    + field("spec", "strategy", "canary", "steps")),
    ]

    @Test(arguments: refusals)
    func refusedFormOfModelDeployments(_ refusal: Refusal) async throws {
        let crd = try Self.withSchema(of: try Self.modelDeployments(), refusal.mutate)
        let answer = await Self.post(crd)
        #expect(answer.status == 422, "\(answer.brief)")
        #expect(answer.body["reason"] == "Invalid")
        #expect(GoldenAnswer.causes(answer.body) == ["\(refusal.reason)|\(refusal.field)|\(refusal.message)"])
        #expect(answer.body["message"]?.stringValue
                == #"CustomResourceDefinition.apiextensions.k8s.io "modeldeployments.modelops.io" is invalid: "# + "\(refusal.field): \(refusal.message)")
    }
}
