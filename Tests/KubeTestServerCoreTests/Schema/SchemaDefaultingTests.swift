import KubeCore
import KubeTestServerCore
import Testing

@Suite struct SchemaDefaultingTests {
    static let schemaText = #"""
    {
      "type": "object",
      "properties": {
        "spec": {
          "type": "object",
          "default": {},
          "properties": {
            "mode": {"type": "string", "default": "Slow"},
            "owner": {"type": "string"},
            "note": {"type": "string", "nullable": true},
            "resources": {
              "type": "object",
              "default": {"limits": {}},
              "properties": {
                "limits": {"type": "object", "properties": {"cpu": {"type": "string", "default": "1"}}}
              }
            },
            "steps": {
              "type": "array",
              "items": {"type": "object", "properties": {
                "weight": {"type": "integer", "default": 10},
                "name": {"type": "string"}
              }}
            },
            "ports": {
              "type": "object",
              "additionalProperties": {"type": "object", "properties": {"protocol": {"type": "string", "default": "TCP"}}}
            },
            "template": {
              "type": "object",
              "x-kubernetes-preserve-unknown-fields": true,
              "properties": {"replicas": {"type": "integer", "default": 1}}
            }
          }
        }
      }
    }
    """#

    func defaulted(_ object: JSON) throws -> JSON {
        let schema = try StructuralSchema(JSON.parse(Self.schemaText))
        var o = object
        schema.applyDefaults(&o)
        return o
    }

    @Test func missingParentGetsItsDefaultAndTheDefaultIsDefaulted() throws {
        let o = try defaulted(["kind": "Gizmo"])
        #expect(o["spec"] == ["mode": "Slow", "resources": ["limits": ["cpu": "1"]]])
        #expect(o["kind"] == "Gizmo")
    }

    @Test func existingValuesWin() throws {
        let o = try defaulted(["spec": ["mode": "Fast", "resources": ["limits": ["cpu": "4"]]]])
        #expect(o["spec"] == ["mode": "Fast", "resources": ["limits": ["cpu": "4"]]])
    }

    @Test func defaultsApplyInsideListItemsAndMapValues() throws {
        let o = try defaulted(["spec": [
            "steps": [["name": "a"], ["weight": 3]],
            "ports": ["http": [:], "dns": ["protocol": "UDP"]],
        ]])
        #expect(o[path: ["spec", "steps"]] == [["name": "a", "weight": 10], ["weight": 3]])
        #expect(o[path: ["spec", "ports"]] == ["http": ["protocol": "TCP"], "dns": ["protocol": "UDP"]])
    }

    @Test func nullsArePrunedOrDefaultedUnlessNullable() throws {
        let o = try defaulted(["spec": ["mode": nil, "owner": nil, "note": nil]])
        #expect(o["spec"]?["mode"] == "Slow")       // non-nullable null with a default: defaulted
        #expect(o["spec"]?["owner"] == nil)         // non-nullable null without one: removed
        #expect(o["spec"]?["note"] == .null)        // nullable: kept
    }

    @Test func preservedAreasKeepUnknownFieldsButKnownOnesAreDefaulted() throws {
        let o = try defaulted(["spec": ["template": ["anything": ["goes": nil], "x": 1]]])
        #expect(o[path: ["spec", "template"]] == ["anything": ["goes": nil], "x": 1, "replicas": 1])
    }

    @Test func defaultingIsIdempotent() throws {
        let once = try defaulted(["spec": ["steps": [[:]]]])
        #expect(try defaulted(once) == once)
    }
}
