import KubeCore
import Testing
@testable import KubeTestServerCore

/// A test server must answer bad input with an error, never crash: values of the wrong type
/// where the schema expects a list or map, odd managedFields, duplicate list keys.
struct OddInputTests {
    static let odd: [JSON] = [
        [:], ["spec": "string"], ["spec": ["containers": "nope"]], ["spec": ["template": ["spec": ["containers": [1, nil, "x"]]]]],
        ["spec": ["template": ["spec": ["containers": [["name": "a"], ["name": "a", "image": "dup"]]]]]],
        ["metadata": ["finalizers": [["x": 1]], "labels": [1, 2]]], ["status": nil], ["spec": nil],
    ]

    @Test func fieldManagerSurvivesTypeMismatches() {
        let schema = MergeSchema.builtin(group: "apps", kind: "Deployment")
        let junk = [ManagedFieldsEntry(json: ["manager": 5, "fieldsV1": "junk"]),
                    ManagedFieldsEntry(manager: "x", operation: "Apply", apiVersion: "v1", time: nil,
                                       fieldsV1: ["f:spec": ["k:{bad": [:], "f:replicas": "notanobject"]])]
        for old in Self.odd {
            for new in Self.odd {
                _ = FieldManager.update(old: old, new: new, managedFields: junk, manager: "m", apiVersion: "apps/v1",
                                        subresource: nil, time: "t", schema: schema, statusIsSubresource: true)
                _ = try? FieldManager.apply(live: old, config: new, managedFields: junk, manager: "x", apiVersion: "apps/v1",
                                            force: true, subresource: nil, time: "t", schema: schema, statusIsSubresource: true)
                _ = try? StrategicMergePatch.apply(new, to: old, schema: schema)
                _ = MergePatch.apply(new, to: old)
            }
        }
    }

    @Test func crdSchemaOddities() throws {
        let schema = MergeSchema(openAPIV3Schema: try JSON.parse(#"""
        {"type":"object","properties":{"spec":{"type":"object","properties":{
          "m":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"],"items":{"type":"object"}},
          "s":{"type":"array","x-kubernetes-list-type":"set"},
          "a":{"type":"object","x-kubernetes-map-type":"atomic","properties":{"x":{"type":"string"}}}}}}}
        """#))
        let (object, entries) = try FieldManager.apply(
            live: nil, config: ["spec": ["m": [["v": 1], ["k": "a"], "scalar"], "s": [["o": 1], 1, 1], "a": ["x": "y"]]],
            managedFields: [], manager: "m", apiVersion: "v1", force: false, subresource: nil, time: "t",
            schema: schema, statusIsSubresource: false)
        #expect(object[path: ["spec", "a"]] == ["x": "y"])
        #expect(entries.first?.fieldsV1[path: ["f:spec", "f:a"]] == [:])
    }
}
