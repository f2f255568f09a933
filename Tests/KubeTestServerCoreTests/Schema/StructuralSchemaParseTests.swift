import KubeCore
import KubeTestServerCore
import Testing

@Suite struct StructuralSchemaParseTests {
    func problems(_ text: String) throws -> [String] {
        let json = try JSON.parse(text)
        do {
            _ = try StructuralSchema(json)
            return []
        } catch {
            return error.causes.map(\.summary)
        }
    }

    @Test func goldenGizmoSchemaIsStructural() throws {
        let schema = try Gizmo.schema()
        #expect(schema.type == "object")
        #expect(schema.properties["spec"]?.required == ["replicas"])
        #expect(schema.properties["spec"]?.properties["mode"]?.defaultValue == "Slow")
        #expect(schema.properties["spec"]?.validations.first?.fieldPath == ".replicas")
        #expect(schema.properties["spec"]?.properties["immutable"]?.validations.first?.usesOldSelf == true)
        #expect(schema.properties["spec"]?.properties["template"]?.preserveUnknownFields == true)
        #expect(schema.hasValidationRules)
    }

    @Test(arguments: [
        (#"{"type":"object","properties":{"a":{}}}"#,
         ["openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields"]),
        (#"{"type":"object","properties":{"a":{"type":"array"}}}"#,
         ["openAPIV3Schema.properties[a].items: Required value: must be specified"]),
        (#"{"type":"array","items":{"type":"string"}}"#,
         [#"openAPIV3Schema.type: Invalid value: "array": must be object at the root"#]),
        (#"{"type":"object","additionalProperties":{"type":"string"}}"#,
         ["openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root"]),
        (#"{"type":"object","properties":{"a":{"type":"string","anyOf":[{"type":"string"}]}}}"#,
         ["openAPIV3Schema.properties[a].anyOf[0].type: Forbidden: must be empty to be structural"]),
        (#"{"type":"object","properties":{"a":{"type":"object","anyOf":[{"properties":{"b":{"minLength":1}}}]}}}"#,
         ["openAPIV3Schema.properties[a].properties[b]: Required value: because it is defined in openAPIV3Schema.properties[a].anyOf[0].properties[b]"]),
        (#"{"type":"object","properties":{"a":{"type":"text"}}}"#,
         [#"openAPIV3Schema.properties[a].type: Unsupported value: "text": supported values: "array", "boolean", "integer", "number", "object", "string""#]),
        (#"{"type":"object","properties":{"a":{"type":"string","pattern":"("}}}"#,
         []),  // checked below: the message carries the regex engine's own text
        (#"{"type":"object","properties":{"c":{"type":"array","x-kubernetes-list-type":"map","items":{"type":"object","properties":{"k":{"type":"string"}}}}}}"#,
         ["openAPIV3Schema.properties[c].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map"]),
        (#"{"type":"object","properties":{"e":{"type":"object","x-kubernetes-embedded-resource":true}}}"#,
         ["openAPIV3Schema.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"]),
        (#"{"type":"object","properties":{"i":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]}}}"#,
         []),
    ])
    func nonStructuralSchemasAreRefused(_ text: String, _ expected: [String]) throws {
        let found = try problems(text)
        if text.contains(#""pattern":"(""#) {
            #expect(found.count == 1)
            #expect(found.first?.hasPrefix(#"openAPIV3Schema.properties[a].pattern: Invalid value: "(": must be a valid regular expression, but isn't: "#) == true)
        } else {
            #expect(found == expected)
        }
    }

    @Test func errorMessageJoinsCausesAndCanNameTheCRDField() throws {
        let json = try JSON.parse(#"{"properties":{"a":{}}}"#)
        do {
            _ = try StructuralSchema(json, fieldPath: "spec.versions[0].schema.openAPIV3Schema")
            Issue.record("expected a SchemaError")
        } catch {
            #expect(error.message == "[spec.versions[0].schema.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields, spec.versions[0].schema.openAPIV3Schema.type: Required value: must not be empty at the root]")
        }
    }

    @Test func listTypesForPatchAndApply() throws {
        let schema = try Gizmo.schema()
        #expect(schema.listType(at: ["status", "conditions"]) == .map(keys: ["type"]))
        #expect(schema.listType(at: ["spec", "steps"]) == .atomic)
        #expect(schema.listType(at: ["spec", "replicas"]) == nil)
        #expect(schema.listType(at: ["spec", "nope"]) == nil)
        #expect(schema.schema(at: ["spec", "steps", "[]", "weight"])?.type == "integer")
        #expect(schema.schema(at: ["spec", "labels", "anyKey"])?.type == "string")
    }
}

@Suite struct GoFormatRenderingTests {
    @Test(arguments: [
        (JSON.double(1e6), "1e+06"), (.double(123456), "123456"), (.double(0.0001), "0.0001"),
        (.double(0.00001), "1e-05"), (.double(2.5), "2.5"), (.double(-1234567.5), "-1.2345675e+06"),
        (.int(99), "99"), (.bool(true), "true"), (.null, "null"),
        (.string("a\"b\n<"), #""a\"b\n<""#), (.string("héllo"), #""héllo""#),
        // json.Marshal for maps and lists (golden 111 `["proto"]`, golden 094 `{"Rule":…}`).
        (["a": 1, "b": ["x", nil], "c": "<&>"], #"{"a":1,"b":["x",null],"c":"\u003c\u0026\u003e"}"#),
    ] as [(JSON, String)])
    func valuesRenderAsGoDoes(_ value: JSON, _ expected: String) {
        #expect(FieldError.render(value) == expected)
    }
}
