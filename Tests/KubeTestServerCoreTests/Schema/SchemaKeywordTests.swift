import KubeCore
import KubeTestServerCore
import Testing

/// One validation keyword at a time, on `spec.x`, with the real server's wording.
@Suite struct SchemaKeywordTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var schema: String
        var value: JSON
        var expected: [String]
        var testDescription: String { name }
    }

    static func summaries(_ property: String, _ value: JSON) throws -> [String] {
        let root = try JSON.parse(#"{"type":"object","properties":{"spec":{"type":"object","properties":{"x":"# + property + "}}}}")
        let schema = try StructuralSchema(root)
        return schema.validate(["spec": ["x": value]], old: nil, cel: nil).map(\.summary)
    }

    static let cases: [Case] = [
        Case(name: "minLength", schema: #"{"type":"string","minLength":3}"#, value: "ab",
             expected: [#"spec.x: Invalid value: "ab": spec.x in body should be at least 3 chars long"#]),
        Case(name: "maxLength counts characters, not bytes", schema: #"{"type":"string","maxLength":3}"#, value: "äöü", expected: []),
        Case(name: "maxLength", schema: #"{"type":"string","maxLength":3}"#, value: "abcd",
             expected: ["spec.x: Too long: may not be more than 3 bytes"]),
        Case(name: "pattern is a search, not a full match", schema: #"{"type":"string","pattern":"b+"}"#, value: "abc", expected: []),
        Case(name: "maximum", schema: #"{"type":"integer","maximum":10}"#, value: 11,
             expected: ["spec.x: Invalid value: 11: spec.x in body should be less than or equal to 10"]),
        Case(name: "exclusiveMaximum", schema: #"{"type":"integer","maximum":10,"exclusiveMaximum":true}"#, value: 10,
             expected: ["spec.x: Invalid value: 10: spec.x in body should be less than 10"]),
        Case(name: "minimum", schema: #"{"type":"number","minimum":0.5}"#, value: 0.25,
             expected: ["spec.x: Invalid value: 0.25: spec.x in body should be greater than or equal to 0.5"]),
        Case(name: "exclusiveMinimum", schema: #"{"type":"integer","minimum":5,"exclusiveMinimum":true}"#, value: 5,
             expected: ["spec.x: Invalid value: 5: spec.x in body should be greater than 5"]),
        Case(name: "float bound printed as Go does", schema: #"{"type":"number","maximum":1000000}"#, value: 2000000.5,
             expected: ["spec.x: Invalid value: 2.0000005e+06: spec.x in body should be less than or equal to 1e+06"]),
        Case(name: "multipleOf integer", schema: #"{"type":"integer","multipleOf":3}"#, value: 7,
             expected: ["spec.x: Invalid value: 7: spec.x in body should be a multiple of 3"]),
        Case(name: "multipleOf fraction", schema: #"{"type":"number","multipleOf":0.5}"#, value: 1.3,
             expected: ["spec.x: Invalid value: 1.3: spec.x in body should be a multiple of 0.5"]),
        Case(name: "multipleOf fraction accepts a multiple", schema: #"{"type":"number","multipleOf":0.5}"#, value: 1.5, expected: []),
        Case(name: "minimum and maximum are reported minimum first", schema: #"{"type":"integer","minimum":5,"multipleOf":2}"#, value: 3,
             expected: ["spec.x: Invalid value: 3: spec.x in body should be a multiple of 2",
                        "spec.x: Invalid value: 3: spec.x in body should be greater than or equal to 5"]),
        Case(name: "minItems", schema: #"{"type":"array","items":{"type":"string"},"minItems":2}"#, value: ["a"],
             expected: ["spec.x: Invalid value: 1: spec.x in body should have at least 2 items"]),
        Case(name: "maxItems", schema: #"{"type":"array","items":{"type":"string"},"maxItems":1}"#, value: ["a", "b"],
             expected: ["spec.x: Too many: 2: must have at most 1 items"]),
        Case(name: "items are checked before the list", schema: #"{"type":"array","items":{"type":"integer"},"maxItems":1}"#, value: ["a", 2],
             expected: [#"spec.x[0]: Invalid value: "string": spec.x[0] in body must be of type integer: "string""#,
                        "spec.x: Too many: 2: must have at most 1 items"]),
        Case(name: "minProperties", schema: #"{"type":"object","additionalProperties":{"type":"string"},"minProperties":1}"#, value: [:],
             expected: ["spec.x: Invalid value: 0: spec.x in body should have at least 1 properties"]),
        Case(name: "maxProperties", schema: #"{"type":"object","additionalProperties":{"type":"string"},"maxProperties":1}"#, value: ["a": "1", "b": "2"],
             expected: ["spec.x: Too many: 2: must have at most 1 items"]),
        Case(name: "map values use dotted paths", schema: #"{"type":"object","additionalProperties":{"type":"string"}}"#, value: ["team": 5],
             expected: [#"spec.x.team: Invalid value: "integer": spec.x.team in body must be of type string: "integer""#]),
        Case(name: "required inside list items", schema: #"{"type":"array","items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}}"#,
             value: [[:]], expected: ["spec.x[0].name: Required value"]),
        Case(name: "integer rejects a fraction", schema: #"{"type":"integer"}"#, value: 1.5,
             expected: [#"spec.x: Invalid value: "number": spec.x in body must be of type integer: "number""#]),
        Case(name: "integer accepts 2.0", schema: #"{"type":"integer"}"#, value: 2.0, expected: []),
        Case(name: "number accepts an integer", schema: #"{"type":"number"}"#, value: 2, expected: []),
        Case(name: "boolean", schema: #"{"type":"boolean"}"#, value: "true",
             expected: [#"spec.x: Invalid value: "string": spec.x in body must be of type boolean: "string""#]),
        Case(name: "object", schema: #"{"type":"object"}"#, value: [1],
             expected: [#"spec.x: Invalid value: "array": spec.x in body must be of type object: "array""#]),
        Case(name: "int-or-string accepts an int", schema: #"{"x-kubernetes-int-or-string":true}"#, value: 8080, expected: []),
        Case(name: "int-or-string accepts a string", schema: #"{"x-kubernetes-int-or-string":true}"#, value: "50%", expected: []),
        Case(name: "int-or-string rejects a boolean", schema: #"{"x-kubernetes-int-or-string":true}"#, value: true,
             expected: [#"spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean""#]),
        Case(name: "null is not a string", schema: #"{"type":"string"}"#, value: nil,
             expected: [#"spec.x: Invalid value: "null": spec.x in body must be of type string: "null""#]),
        Case(name: "nullable accepts null", schema: #"{"type":"string","nullable":true}"#, value: nil, expected: []),
        Case(name: "enum of numbers", schema: #"{"type":"integer","enum":[1,2]}"#, value: 3,
             expected: [#"spec.x: Unsupported value: 3: supported values: "1", "2""#]),
        Case(name: "int32 format is not enforced", schema: #"{"type":"integer","format":"int32"}"#, value: 99_999_999_999, expected: []),
        Case(name: "date-time", schema: #"{"type":"string","format":"date-time"}"#, value: "yesterday",
             expected: [#"spec.x: Invalid value: "yesterday": spec.x in body must be of type date-time: "yesterday""#]),
        Case(name: "date-time accepts RFC 3339", schema: #"{"type":"string","format":"date-time"}"#, value: "2026-01-01T00:00:00Z", expected: []),
        Case(name: "date-time accepts fractions and offsets", schema: #"{"type":"string","format":"date-time"}"#, value: "2026-01-01T10:20:30.5+02:00", expected: []),
        Case(name: "date-time with a number", schema: #"{"type":"string","format":"date-time"}"#, value: 5,
             expected: [#"spec.x: Invalid value: "int64": spec.x in body must be of type date-time: "int64""#]),
        Case(name: "date checks the calendar", schema: #"{"type":"string","format":"date"}"#, value: "2026-02-30",
             expected: [#"spec.x: Invalid value: "2026-02-30": spec.x in body must be of type date: "2026-02-30""#]),
        Case(name: "date in a leap year", schema: #"{"type":"string","format":"date"}"#, value: "2024-02-29", expected: []),
        Case(name: "uuid", schema: #"{"type":"string","format":"uuid"}"#, value: "not-a-uuid",
             expected: [#"spec.x: Invalid value: "not-a-uuid": spec.x in body must be of type uuid: "not-a-uuid""#]),
        Case(name: "uuid accepts upper case", schema: #"{"type":"string","format":"uuid"}"#, value: "6D408EF6-6D75-4A67-A693-EBADA1AD2F56", expected: []),
        Case(name: "byte is base64", schema: #"{"type":"string","format":"byte"}"#, value: "aGVsbG8=", expected: []),
        Case(name: "byte rejects other text", schema: #"{"type":"string","format":"byte"}"#, value: "hello!",
             expected: [#"spec.x: Invalid value: "hello!": spec.x in body must be of type byte: "hello!""#]),
        Case(name: "duration in Go syntax", schema: #"{"type":"string","format":"duration"}"#, value: "1h30m", expected: []),
        Case(name: "duration in words", schema: #"{"type":"string","format":"duration"}"#, value: "3 days", expected: []),
        Case(name: "duration rejects nonsense", schema: #"{"type":"string","format":"duration"}"#, value: "soon",
             expected: [#"spec.x: Invalid value: "soon": spec.x in body must be of type duration: "soon""#]),
        Case(name: "ipv4", schema: #"{"type":"string","format":"ipv4"}"#, value: "10.0.0.256",
             expected: [#"spec.x: Invalid value: "10.0.0.256": spec.x in body must be of type ipv4: "10.0.0.256""#]),
        Case(name: "ipv6", schema: #"{"type":"string","format":"ipv6"}"#, value: "fe80::1", expected: []),
        Case(name: "cidr", schema: #"{"type":"string","format":"cidr"}"#, value: "10.0.0.0/8", expected: []),
        Case(name: "unknown format is ignored", schema: #"{"type":"string","format":"k8s-whatever"}"#, value: "anything", expected: []),
        Case(name: "quotes like Go, without JSON's HTML escaping", schema: #"{"type":"string","pattern":"^[a-z]+$"}"#, value: "a<b",
             expected: [#"spec.x: Invalid value: "a<b": spec.x in body should match '^[a-z]+$'"#]),
        Case(name: "anyOf", schema: #"{"type":"integer","anyOf":[{"minimum":10},{"maximum":1}]}"#, value: 5,
             expected: [#"<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)"#,
                        "spec.x: Invalid value: 5: spec.x in body should be greater than or equal to 10"]),
        Case(name: "oneOf with two matches", schema: #"{"type":"integer","oneOf":[{"minimum":1},{"maximum":10}]}"#, value: 5,
             expected: [#"<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found 2 valid alternatives"#]),
        Case(name: "not", schema: #"{"type":"string","not":{"enum":["root"]}}"#, value: "root",
             expected: [#"<nil>: Invalid value: "": "spec.x" must not validate the schema (not)"#]),
        Case(name: "allOf", schema: #"{"type":"string","allOf":[{"minLength":2},{"maxLength":3}]}"#, value: "abcd",
             expected: ["spec.x: Too long: may not be more than 3 bytes",
                        #"<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf)"#]),
        Case(name: "set duplicates", schema: #"{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}}"#, value: ["a", "b", "a", "a"],
             expected: [#"spec.x[2]: Duplicate value: "a""#]),
        Case(name: "map list duplicate keys",
             schema: #"{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["type"],"items":{"type":"object","required":["type"],"properties":{"type":{"type":"string"}}}}"#,
             value: [["type": "Ready"], ["type": "Ready"]],
             // Maps and lists show as JSON, as a v1.36 server shows them (golden 111: `["proto"]`).
             expected: [#"spec.x[1]: Duplicate value: {"type":"Ready"}"#]),
        Case(name: "embedded resource needs apiVersion and kind",
             schema: #"{"type":"object","x-kubernetes-embedded-resource":true,"x-kubernetes-preserve-unknown-fields":true}"#,
             value: ["metadata": ["name": "x"]],
             expected: ["spec.x.apiVersion: Required value: must not be empty", "spec.x.kind: Required value: must not be empty"]),
    ]

    @Test(arguments: cases)
    func keyword(_ c: Case) throws {
        #expect(try Self.summaries(c.schema, c.value) == c.expected)
    }

    @Test func typeErrorReasonIsTypeInvalid() throws {
        let root = try JSON.parse(#"{"type":"object","properties":{"n":{"type":"integer"}}}"#)
        let errors = try StructuralSchema(root).validate(["n": "1"], old: nil, cel: nil)
        #expect(errors.map(\.reason) == [.typeInvalid])
    }

    @Test func unchangedInvalidValuesAreRatchetedOnUpdate() throws {
        let root = try JSON.parse(#"{"type":"object","properties":{"a":{"type":"string","maxLength":2},"b":{"type":"string","maxLength":2}}}"#)
        let schema = try StructuralSchema(root)
        let stored: JSON = ["a": "long", "b": "ok"]
        // Only b changes: a's old, too-long value is let through.
        #expect(schema.validate(["a": "long", "b": "no"], old: stored, cel: nil) == [])
        #expect(schema.validate(["a": "long", "b": "way too long"], old: stored, cel: nil).map(\.field) == ["b"])
        #expect(schema.validate(["a": "longer", "b": "ok"], old: stored, cel: nil).map(\.field) == ["a"])
    }
}
