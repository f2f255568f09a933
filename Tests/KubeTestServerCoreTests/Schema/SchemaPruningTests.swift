import KubeCore
import KubeTestServerCore
import Testing

@Suite struct SchemaPruningTests {
    static let schemaText = #"""
    {
      "type": "object",
      "properties": {
        "spec": {
          "type": "object",
          "properties": {
            "replicas": {"type": "integer"},
            "steps": {"type": "array", "items": {"type": "object", "properties": {"weight": {"type": "integer"}}}},
            "ports": {"type": "object", "additionalProperties": {"type": "object", "properties": {"port": {"type": "integer"}}}},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "template": {
              "type": "object",
              "x-kubernetes-preserve-unknown-fields": true,
              "properties": {"metadata": {"type": "object", "properties": {"name": {"type": "string"}}}}
            },
            "raw": {"x-kubernetes-preserve-unknown-fields": true},
            "pod": {
              "type": "object",
              "x-kubernetes-embedded-resource": true,
              "properties": {"spec": {"type": "object", "properties": {"image": {"type": "string"}}}}
            }
          }
        }
      }
    }
    """#

    func pruned(_ object: JSON) throws -> (JSON, [String]) {
        let schema = try StructuralSchema(JSON.parse(Self.schemaText))
        var o = object
        let paths = schema.prune(&o)
        return (o, paths)
    }

    @Test func rootKeepsTypeAndMetadataButNotUnknownTopLevelFields() throws {
        let (o, paths) = try pruned(["apiVersion": "v1", "kind": "K", "metadata": ["name": "n", "anything": 1], "extra": true])
        #expect(o == ["apiVersion": "v1", "kind": "K", "metadata": ["name": "n", "anything": 1]])
        #expect(paths == ["extra"])
    }

    @Test func unknownNestedFieldsAreRemovedAndReported() throws {
        let (o, paths) = try pruned(["spec": [
            "replicas": 1, "colour": "red",
            "steps": [["weight": 1, "x": 1], ["y": ["z": 1]]],
            "ports": ["http": ["port": 80, "proto": "TCP"]],
            "labels": ["team": "ml"],
        ]])
        #expect(paths == ["spec.colour", "spec.ports.http.proto", "spec.steps[0].x", "spec.steps[1].y"])
        #expect(o["spec"] == [
            "replicas": 1, "steps": [["weight": 1], [:]],
            "ports": ["http": ["port": 80]], "labels": ["team": "ml"],
        ])
    }

    @Test func preservedAreasAreUntouchedExceptKnownFields() throws {
        let template: JSON = ["metadata": ["name": "t", "labels": ["a": "b"]], "spec": ["containers": [["name": "c"]]]]
        let (o, paths) = try pruned(["spec": ["template": template, "raw": ["anything": [1, ["deep": true]]]]])
        #expect(paths == ["spec.template.metadata.labels"])
        #expect(o[path: ["spec", "template"]] == ["metadata": ["name": "t"], "spec": ["containers": [["name": "c"]]]])
        #expect(o[path: ["spec", "raw"]] == ["anything": [1, ["deep": true]]])
    }

    @Test func embeddedResourcesKeepApiVersionKindAndMetadata() throws {
        let pod: JSON = ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "labels": ["a": "b"]],
                         "spec": ["image": "nginx", "command": ["x"]], "status": [:]]
        let (o, paths) = try pruned(["spec": ["pod": pod]])
        #expect(paths == ["spec.pod.spec.command", "spec.pod.status"])
        #expect(o[path: ["spec", "pod"]] == ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "labels": ["a": "b"]],
                                              "spec": ["image": "nginx"]])
    }

    @Test func nothingToPruneLeavesTheObjectAlone() throws {
        let object: JSON = ["spec": ["replicas": 2, "labels": [:]]]
        let (o, paths) = try pruned(object)
        #expect(o == object)
        #expect(paths.isEmpty)
    }
}
