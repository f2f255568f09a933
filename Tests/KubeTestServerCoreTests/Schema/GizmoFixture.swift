import KubeCore
import KubeTestServerCore

/// The `gizmos.golden.example.com` v1 schema the real server was tested with: defaults, an
/// enum, bounds, a pattern, a list with maxItems, a string map, a preserved area, CEL rules
/// (one with fieldPath, one transition rule) and a list-type map of conditions.
enum Gizmo {
    static let openAPIV3Schema = #"""
    {
      "type": "object",
      "properties": {
        "spec": {
          "type": "object",
          "required": ["replicas"],
          "x-kubernetes-validations": [
            {"rule": "self.mode != 'Fast' || self.replicas >= 2", "message": "Fast mode needs at least 2 replicas", "fieldPath": ".replicas"},
            {"rule": "!has(self.steps) || self.steps.all(s, s.weight >= 0 && s.weight <= 100)", "message": "weights must be between 0 and 100"}
          ],
          "properties": {
            "replicas": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 50},
            "mode": {"type": "string", "enum": ["Slow", "Fast"], "default": "Slow"},
            "owner": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 10},
            "steps": {
              "type": "array", "maxItems": 5,
              "items": {"type": "object", "required": ["weight"],
                        "properties": {"weight": {"type": "integer"}, "pause": {"type": "string"}}}
            },
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "template": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
            "immutable": {
              "type": "string",
              "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "immutable is immutable"}]
            }
          }
        },
        "status": {
          "type": "object",
          "properties": {
            "phase": {"type": "string"},
            "message": {"type": "string"},
            "observedGeneration": {"type": "integer", "format": "int64"},
            "conditions": {
              "type": "array",
              "x-kubernetes-list-type": "map",
              "x-kubernetes-list-map-keys": ["type"],
              "items": {
                "type": "object",
                "required": ["type", "status"],
                "properties": {
                  "type": {"type": "string"},
                  "status": {"type": "string"},
                  "reason": {"type": "string"},
                  "message": {"type": "string"},
                  "lastTransitionTime": {"type": "string", "format": "date-time"},
                  "observedGeneration": {"type": "integer"}
                }
              }
            }
          }
        }
      }
    }
    """#

    static func schema() throws -> StructuralSchema {
        try StructuralSchema(JSON.parse(openAPIV3Schema))
    }

    /// A Gizmo as a client would send it.
    static func object(name: String = "g", spec: JSON, status: JSON? = nil) -> JSON {
        var o: JSON = [
            "apiVersion": "golden.example.com/v1",
            "kind": "Gizmo",
            "metadata": ["name": .string(name), "namespace": "golden"],
            "spec": spec,
        ]
        if let status { o["status"] = status }
        return o
    }

    /// The server's create path for a body: defaults, prune, validate.
    static func create(_ body: JSON, cel: CELRuleEvaluator? = Gizmo.cel) throws -> [FieldError] {
        let schema = try schema()
        var object = body
        schema.applyDefaults(&object)
        _ = schema.prune(&object)
        return schema.validate(object, old: nil, cel: cel)
    }

    /// A stand-in for the CEL engine that knows exactly the Gizmo rules (and says so for others).
    static let cel: CELRuleEvaluator = { rule, value, oldSelf, _ in
        switch rule {
        case "self.mode != 'Fast' || self.replicas >= 2":
            return .success(value["mode"]?.stringValue != "Fast" || (value["replicas"]?.intValue ?? 0) >= 2)
        case "!has(self.steps) || self.steps.all(s, s.weight >= 0 && s.weight <= 100)":
            let steps = value["steps"]?.arrayValue ?? []
            return .success(steps.allSatisfy { (0...100).contains($0["weight"]?.intValue ?? -1) })
        case "self == oldSelf":
            return .success(value == oldSelf)
        default:
            return .failure(CELRuleFailure(message: "fake evaluator does not know \(rule)"))
        }
    }
}
