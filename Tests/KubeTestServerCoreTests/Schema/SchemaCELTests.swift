import KubeCore
import KubeTestServerCore
import Testing

/// How rules are walked, correlated and reported; the engine is a fake that knows a few rules.
@Suite struct SchemaCELTests {
    static let schemaText = #"""
    {
      "type": "object",
      "properties": {
        "spec": {
          "type": "object",
          "x-kubernetes-validations": [
            {"rule": "self.size > 0"},
            {"rule": "has(self.missing)"},
            {"rule": "self.forbidden != true", "reason": "FieldValueForbidden", "message": "forbidden is set"},
            {"rule": "self.size < 100", "messageExpression": "'size ' + string(self.size) + ' is too big'"},
            {"rule": "self.size != 42", "fieldPath": ".labels['a.b']", "message": "no answers"}
          ],
          "properties": {
            "size": {"type": "integer", "x-kubernetes-validations": [{"rule": "self != 13", "message": "unlucky"}]},
            "forbidden": {"type": "boolean"},
            "missing": {"type": "string"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "note": {"type": "string", "nullable": true, "x-kubernetes-validations": [{"rule": "self != ''"}]},
            "byKey": {
              "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
              "items": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "value": {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "value is immutable"}]}
              }}
            },
            "atomic": {
              "type": "array",
              "items": {"type": "object", "properties": {
                "value": {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "value is immutable"}]}
              }}
            },
            "created": {"type": "string", "x-kubernetes-validations": [
              {"rule": "!has(oldSelf) || self == oldSelf", "optionalOldSelf": true, "message": "set once"}
            ]}
          }
        }
      }
    }
    """#

    static let fake: CELRuleEvaluator = { rule, value, oldSelf, _ in
        switch rule {
        case "self.size > 0": return .success((value["size"]?.intValue ?? 1) > 0)
        case "has(self.missing)":
            // Stands for an evaluation error; the fake raises it when the key is absent.
            return value["missing"] == nil ? .failure(CELRuleFailure(message: "no such key: missing")) : .success(true)
        case "self.forbidden != true": return .success(value["forbidden"] != true)
        case "self.size < 100": return .success((value["size"]?.intValue ?? 0) < 100)
        case "self.size != 42": return .success(value["size"]?.intValue != 42)
        case "self != 13": return .success(value.intValue != 13)
        case "self != ''": return .success(value != "")
        case "self == oldSelf": return .success(value == oldSelf)
        case "!has(oldSelf) || self == oldSelf": return .success(oldSelf == nil || value == oldSelf)
        default: return .failure(CELRuleFailure(message: "unknown rule"))
        }
    }

    static let messages: CELMessageEvaluator = { expression, value, _ in
        .success("size \(value["size"]?.intValue ?? 0) is too big")
    }

    func run(_ spec: JSON, old: JSON? = nil) throws -> SchemaValidationResult {
        let schema = try StructuralSchema(JSON.parse(Self.schemaText))
        return schema.validation(of: ["spec": spec], old: old.map { ["spec": $0] }, cel: Self.fake, messageExpression: Self.messages)
    }

    /// Every spec here has `missing` so that rule stays quiet unless a test wants it.
    @Test func evaluationErrorsAndDefaultMessages() throws {
        let result = try run(["size": 0])
        #expect(result.errors.map(\.summary) == [
            "spec: Invalid value: failed rule: self.size > 0",
            #"spec: Invalid value: "object": no such key: missing evaluating rule: has(self.missing)"#,
        ])
    }

    @Test func reasonMessageExpressionAndFieldPath() throws {
        let result = try run(["missing": "", "size": 420, "forbidden": true])
        #expect(result.errors.map(\.summary) == [
            "spec: Forbidden: forbidden is set",
            "spec: Invalid value: size 420 is too big",
        ])
        let answer = try run(["missing": "", "size": 42])
        #expect(answer.errors.map(\.summary) == ["spec.labels[a.b]: Invalid value: no answers"])
    }

    @Test func scalarValuesAreShownAndNullsSkipped() throws {
        let result = try run(["missing": "", "size": 13, "note": nil])
        #expect(result.errors.map(\.summary) == [#"spec.size: Invalid value: 13: unlucky"#])
    }

    @Test func transitionRulesCorrelateMapListItemsByKey() throws {
        let old: JSON = ["missing": "", "byKey": [["name": "a", "value": "1"], ["name": "b", "value": "2"]]]
        // Reordered, b changed, c new (no old value: its rule does not run).
        let new: JSON = ["missing": "", "byKey": [["name": "b", "value": "changed"], ["name": "a", "value": "1"], ["name": "c", "value": "3"]]]
        let result = try run(new, old: old)
        #expect(result.errors.map(\.summary) == [#"spec.byKey[0].value: Invalid value: "changed": value is immutable"#])
    }

    @Test func transitionRulesDoNotRunInsideAtomicLists() throws {
        let old: JSON = ["missing": "", "atomic": [["value": "1"]]]
        let result = try run(["missing": "", "atomic": [["value": "2"]]], old: old)
        #expect(result.errors == [])
    }

    @Test func optionalOldSelfRulesRunOnCreateToo() throws {
        #expect(try run(["missing": "", "created": "x"]).errors == [])
        let result = try run(["missing": "", "created": "y"], old: ["missing": "", "created": "x"])
        #expect(result.errors.map(\.summary) == [#"spec.created: Invalid value: "y": set once"#])
    }

    @Test func unchangedFailuresAreRatchetedToWarnings() throws {
        let old: JSON = ["missing": "", "size": 13, "labels": ["a": "b"]]
        let result = try run(["missing": "", "size": 13, "labels": ["a": "c"]], old: old)
        #expect(result.errors == [])
        #expect(result.warnings == [#"spec.size: Invalid value: 13: unlucky"#])
        let changed = try run(["missing": "", "size": 13], old: ["missing": "", "size": 12])
        #expect(changed.errors.map(\.summary) == [#"spec.size: Invalid value: 13: unlucky"#])
    }
}
