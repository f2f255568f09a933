import KubeCore
import Testing
@testable import KubeTestServerCore

struct StrategicMergePatchTests {
    let deployment = MergeSchema.builtin(group: "apps", kind: "Deployment")
    let pod = MergeSchema.builtin(group: "", kind: "Pod")

    /// The Deployment the real server stored (golden: create with defaults).
    static let storedDeployment = #"""
    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"serve","labels":{"app":"serve"},
     "finalizers":["a","b"]},
     "spec":{"replicas":1,"selector":{"matchLabels":{"app":"serve"}},
      "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
      "template":{"metadata":{"labels":{"app":"serve"}},"spec":{
       "containers":[{"name":"model","image":"registry.example/model:1","args":["--a"],
         "ports":[{"containerPort":8080,"protocol":"TCP"}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
         "resources":{},"imagePullPolicy":"IfNotPresent"},
        {"name":"sidecar","image":"proxy:1"}],
       "restartPolicy":"Always"}}}}
    """#

    func patched(_ patch: String, schema: MergeSchema? = nil) throws -> JSON {
        try StrategicMergePatch.apply(try JSON.parse(patch), to: try JSON.parse(Self.storedDeployment), schema: schema ?? deployment)
    }

    @Test func containerByNameKeepsEverythingElse() throws {
        // Golden 072: only the image of the named container changes.
        let result = try patched(#"{"spec":{"template":{"spec":{"containers":[{"name":"model","image":"registry.example/model:2"}]}}}}"#)
        var expected = try JSON.parse(Self.storedDeployment)
        expected[path: ["spec", "template", "spec", "containers"]] = .array([
            try JSON.parse(#"""
            {"name":"model","image":"registry.example/model:2","args":["--a"],
             "ports":[{"containerPort":8080,"protocol":"TCP"}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
             "resources":{},"imagePullPolicy":"IfNotPresent"}
            """#),
            ["name": "sidecar", "image": "proxy:1"],
        ])
        #expect(result == expected)
    }

    @Test func newItemsAreAppendedAndNestedListsMergeByKey() throws {
        let result = try patched(#"""
        {"spec":{"template":{"spec":{"containers":[
          {"name":"model","env":[{"name":"B","value":"3"},{"name":"C","value":"4"}]},
          {"name":"extra","image":"x:1"}]}}}}
        """#)
        let containers = result[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        // apimachinery's normalizeElementOrder: patched items keep the patch's order, and a
        // server-only item is only placed before a patched one it preceded in the stored list.
        #expect(containers.map { $0["name"] } == ["model", "extra", "sidecar"])
        #expect(containers.first?["env"] == (try JSON.parse(#"[{"name":"A","value":"1"},{"name":"B","value":"3"},{"name":"C","value":"4"}]"#)))
    }

    @Test func listsWithoutMergeKeyAreReplaced() throws {
        let result = try patched(#"{"spec":{"template":{"spec":{"containers":[{"name":"model","args":["--b"]}]}}}}"#)
        #expect(result[path: ["spec", "template", "spec", "containers"]]?[0]?["args"] == ["--b"])
    }

    @Test func nullDeletesAMember() throws {
        let result = try patched(#"{"metadata":{"labels":{"app":null}},"spec":{"strategy":{"rollingUpdate":null}}}"#)
        #expect(result[path: ["metadata", "labels"]] == [:])
        #expect(result[path: ["spec", "strategy"]] == ["type": "RollingUpdate"])
    }

    @Test func deleteDirectiveRemovesAListItem() throws {
        let result = try patched(#"{"spec":{"template":{"spec":{"containers":[{"$patch":"delete","name":"sidecar"}]}}}}"#)
        #expect(result[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.map { $0["name"] } == ["model"])
    }

    @Test func replaceDirectiveInAList() throws {
        let result = try patched(#"{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"o:1"},{"$patch":"replace"}]}}}}"#)
        #expect(result[path: ["spec", "template", "spec", "containers"]] == [["name": "only", "image": "o:1"]])
    }

    @Test func replaceAndDeleteDirectivesInAMap() throws {
        let replaced = try patched(#"{"metadata":{"labels":{"$patch":"replace","tier":"web"}}}"#)
        #expect(replaced[path: ["metadata", "labels"]] == ["tier": "web"])
        let deleted = try patched(#"{"spec":{"strategy":{"$patch":"delete"}}}"#)
        #expect(deleted[path: ["spec", "strategy"]] == nil)
    }

    @Test func retainKeysDropsUnlistedMembers() throws {
        // `kubectl apply` switching a Deployment to Recreate sends exactly this.
        let result = try patched(#"{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#)
        #expect(result[path: ["spec", "strategy"]] == ["type": "Recreate"])
    }

    @Test func setElementOrderReordersItems() throws {
        let result = try patched(#"""
        {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"model"}],
          "containers":[{"name":"model","image":"m:2"}]}}}}
        """#)
        let containers = result[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.map { $0["name"] } == ["sidecar", "model"])
        #expect(containers.last?["image"] == "m:2")
    }

    @Test func primitiveMergeListsAreUnionsAndSupportDeletion() throws {
        let added = try patched(#"{"metadata":{"finalizers":["b","c"]}}"#)
        #expect(added[path: ["metadata", "finalizers"]] == ["a", "b", "c"])
        let removed = try patched(#"{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"#)
        #expect(removed[path: ["metadata", "finalizers"]] == ["b"])
    }

    @Test func atomicSelectorIsReplacedNotMerged() throws {
        let result = try patched(#"{"spec":{"selector":{"matchLabels":{"tier":"web"}}}}"#)
        #expect(result[path: ["spec", "selector"]] == ["matchLabels": ["tier": "web"]])
    }

    @Test func podPortsMergeByContainerPort() throws {
        let stored = try JSON.parse(#"{"spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"protocol":"TCP"}]}]}}"#)
        let patch = try JSON.parse(#"{"spec":{"containers":[{"name":"c","ports":[{"containerPort":80,"name":"http"},{"containerPort":9090}]}]}}"#)
        let result = try StrategicMergePatch.apply(patch, to: stored, schema: pod)
        #expect(result[path: ["spec", "containers"]]?[0]?["ports"]
            == (try JSON.parse(#"[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":9090}]"#)))
    }

    @Test func errors() throws {
        #expect(throws: PatchError(.invalid, #"map: {"image":"x"} does not contain declared merge key: name"#)) {
            try patched(#"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#)
        }
        #expect(throws: PatchError.self) { try patched(#"{"spec":{"$patch":"explode"}}"#) }
        #expect(throws: PatchError.self) { try patched(#"[1]"#) }
    }
}
