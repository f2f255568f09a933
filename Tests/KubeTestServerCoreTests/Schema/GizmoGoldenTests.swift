import KubeCore
import KubeTestServerCore
import Testing

/// The real server's answers for the Gizmo CRD (create, invalid creates, CEL, unknown fields,
/// immutable field), reproduced by the schema code alone.
@Suite struct GizmoGoldenTests {
    private let notChecked = "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"

    @Test func createAppliesDefaultAndKeepsPreservedTemplate() throws {
        let schema = try Gizmo.schema()
        var object = Gizmo.object(name: "alpha",
                                  spec: ["replicas": 3, "labels": ["team": "ml"], "template": ["anything": ["goes": [1, 2]]]],
                                  status: ["phase": "Ignored"])
        schema.applyDefaults(&object)
        let pruned = schema.prune(&object)
        #expect(pruned == [])
        #expect(object["spec"] == ["labels": ["team": "ml"], "mode": "Slow", "replicas": 3,
                                   "template": ["anything": ["goes": [1, 2]]]])
        #expect(schema.validate(object, old: nil, cel: Gizmo.cel) == [])
    }

    @Test func severalViolationsAtOnce() throws {
        let errors = try Gizmo.create(Gizmo.object(name: "bad", spec: [
            "replicas": 99, "mode": "Turbo", "owner": "NOT-LOWER",
            "steps": [["weight": 1], ["weight": 1], ["weight": 1], ["weight": 1], ["weight": 1], ["weight": 1]],
        ]))
        let real: [FieldError] = [
            FieldError(reason: .invalid, field: "spec.owner", message: #"Invalid value: "NOT-LOWER": spec.owner in body should match '^[a-z]+$'"#),
            FieldError(reason: .invalid, field: "spec.replicas", message: "Invalid value: 99: spec.replicas in body should be less than or equal to 50"),
            FieldError(reason: .tooMany, field: "spec.steps", message: "Too many: 6: must have at most 5 items"),
            FieldError(reason: .notSupported, field: "spec.mode", message: #"Unsupported value: "Turbo": supported values: "Slow", "Fast""#),
        ]
        // The real server visits sibling properties in Go map order, a rotation of the
        // alphabetical order; the recorded answer is one rotation, ours is the alphabetical one.
        #expect(errors.dropLast() == real[3...] + real[..<3])
        #expect(errors.last == FieldError(reason: .invalid, field: "<nil>", message: notChecked))
    }

    @Test func stringWhereIntegerBelongs() throws {
        let errors = try Gizmo.create(Gizmo.object(spec: ["replicas": "three"]))
        #expect(errors == [
            FieldError(reason: .typeInvalid, field: "spec.replicas", message: #"Invalid value: "string": spec.replicas in body must be of type integer: "string""#),
            FieldError(reason: .invalid, field: "<nil>", message: notChecked),
        ])
        #expect(errors.map(\.summary).joined(separator: ", ")
            == #"spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", <nil>: Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"#)
    }

    @Test func missingRequiredField() throws {
        let errors = try Gizmo.create(Gizmo.object(spec: ["mode": "Slow"]))
        #expect(errors == [
            FieldError(reason: .required, field: "spec.replicas", message: "Required value"),
            FieldError(reason: .invalid, field: "<nil>", message: notChecked),
        ])
    }

    @Test func celRulesFailAtTheirNodeOrFieldPath() throws {
        let errors = try Gizmo.create(Gizmo.object(spec: ["replicas": 1, "mode": "Fast", "steps": [["weight": 150]]]))
        #expect(errors == [
            FieldError(reason: .invalid, field: "spec.replicas", message: "Invalid value: Fast mode needs at least 2 replicas"),
            FieldError(reason: .invalid, field: "spec", message: "Invalid value: weights must be between 0 and 100"),
        ])
    }

    @Test func nonBlockingSchemaErrorsStillLetCELRun() throws {
        let errors = try Gizmo.create(Gizmo.object(spec: ["replicas": 1, "mode": "Fast", "owner": "UPPER"]))
        #expect(errors.map(\.summary) == [
            #"spec.owner: Invalid value: "UPPER": spec.owner in body should match '^[a-z]+$'"#,
            "spec.replicas: Invalid value: Fast mode needs at least 2 replicas",
        ])
    }

    @Test func unknownFieldIsPrunedAndReported() throws {
        let schema = try Gizmo.schema()
        var object = Gizmo.object(name: "beta", spec: ["replicas": 1, "colour": "red"])
        schema.applyDefaults(&object)
        #expect(schema.prune(&object) == ["spec.colour"])
        #expect(object["spec"] == ["mode": "Slow", "replicas": 1])
        #expect(schema.validate(object, old: nil, cel: Gizmo.cel) == [])
    }

    @Test func immutableFieldMayBeSetOnceButNotChanged() throws {
        let schema = try Gizmo.schema()
        let stored = Gizmo.object(name: "alpha", spec: ["replicas": 6, "mode": "Slow", "labels": ["team": "ml"]])
        var first = stored
        first["spec"]?["immutable"] = "a"
        #expect(schema.validate(first, old: stored, cel: Gizmo.cel) == [])

        var second = first
        second["spec"]?["immutable"] = "b"
        #expect(schema.validate(second, old: first, cel: Gizmo.cel) == [
            FieldError(reason: .invalid, field: "spec.immutable", message: #"Invalid value: "b": immutable is immutable"#),
        ])
        // On create there is no old value: the transition rule does not run.
        #expect(schema.validate(second, old: nil, cel: Gizmo.cel) == [])
    }

    @Test func withoutAnEvaluatorOnlyTheNotCheckedNoteRemains() throws {
        let errors = try Gizmo.create(Gizmo.object(spec: ["replicas": 1, "mode": "Fast"]), cel: nil)
        #expect(errors == [])
        let blocked = try Gizmo.create(Gizmo.object(spec: ["mode": "Slow"]), cel: nil)
        #expect(blocked.last?.field == "<nil>")
    }
}
