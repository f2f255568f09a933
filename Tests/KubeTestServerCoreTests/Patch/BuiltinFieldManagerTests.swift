import KubeCore
import Testing
@testable import KubeTestServerCore

/// Built-in kinds: list-maps from the Go types' tags and the zero-value comparison of creates.
struct BuiltinFieldManagerTests {
    static let deployment = MergeSchema.builtin(group: "apps", kind: "Deployment")
    static let time = "2026-11-23T03:52:12Z"

    /// The Deployment as the real server stored it after defaulting (golden 069).
    static let defaulted = #"""
    {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"serve","namespace":"golden","labels":{"app":"serve"}},
     "spec":{"replicas":1,"selector":{"matchLabels":{"app":"serve"}},"template":{"metadata":{"labels":{"app":"serve"}},
      "spec":{"containers":[{"name":"model","image":"registry.example/model:1","ports":[{"containerPort":8080,"protocol":"TCP"}],
       "resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],
       "restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},
       "schedulerName":"default-scheduler"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},
      "revisionHistoryLimit":10,"progressDeadlineSeconds":600},"status":{}}
    """#

    @Test func createOfADeploymentMatchesTheRealServer() throws {
        let entries = FieldManager.update(old: nil, new: try JSON.parse(Self.defaulted), managedFields: [],
                                          manager: "python-requests", apiVersion: "apps/v1", subresource: nil,
                                          time: Self.time, schema: Self.deployment, statusIsSubresource: true)
        // Structs the Go zero value already has (spec, template, strategy, containers: null) get no ".".
        #expect(entries.map(\.fieldsV1) == [try JSON.parse(#"""
        {"f:metadata":{"f:labels":{".":{},"f:app":{}}},
         "f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},
          "f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},
          "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
           "f:spec":{"f:containers":{"k:{\"name\":\"model\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},
             "f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},
             "f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},
            "f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}
        """#)])
    }

    @Test func strategicPatchOfTheImageKeepsOwnership() throws {
        // Golden 072: the image was already python-requests' field; only the time moves.
        let stored = try JSON.parse(Self.defaulted)
        let created = FieldManager.update(old: nil, new: stored, managedFields: [], manager: "python-requests",
                                          apiVersion: "apps/v1", subresource: nil, time: Self.time,
                                          schema: Self.deployment, statusIsSubresource: true)
        let patch = try JSON.parse(#"{"spec":{"template":{"spec":{"containers":[{"name":"model","image":"registry.example/model:2"}]}}}}"#)
        let patched = try StrategicMergePatch.apply(patch, to: stored, schema: Self.deployment)
        let entries = FieldManager.update(old: stored, new: patched, managedFields: created, manager: "python-requests",
                                          apiVersion: "apps/v1", subresource: nil, time: "2026-11-23T03:52:15Z",
                                          schema: Self.deployment, statusIsSubresource: true)
        #expect(entries.map(\.fieldsV1) == created.map(\.fieldsV1))
        #expect(entries.map(\.time) == ["2026-11-23T03:52:15Z"])
    }

    @Test func applyOfADeploymentMatchesTheRealServer() throws {
        // Golden 073.
        let config = try JSON.parse(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"serve-canary","namespace":"golden"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"serve","track":"canary"}},
          "template":{"metadata":{"labels":{"app":"serve","track":"canary"}},
           "spec":{"containers":[{"name":"model","image":"registry.example/model:3","env":[{"name":"MODEL_VERSION","value":"3"}]}]}}}}
        """#)
        let (object, entries) = try FieldManager.apply(live: nil, config: config, managedFields: [], manager: "modelops",
                                                       apiVersion: "apps/v1", force: true, subresource: nil, time: Self.time,
                                                       schema: Self.deployment, statusIsSubresource: true)
        #expect(object["spec"] == config["spec"])
        #expect(entries == [ManagedFieldsEntry(manager: "modelops", operation: "Apply", apiVersion: "apps/v1", time: Self.time,
                                                fieldsV1: try JSON.parse(#"""
        {"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{},"f:track":{}}},
          "f:spec":{"f:containers":{"k:{\"name\":\"model\"}":{".":{},
            "f:env":{"k:{\"name\":\"MODEL_VERSION\"}":{".":{},"f:name":{},"f:value":{}}},"f:image":{},"f:name":{}}}}}}}
        """#))])
    }

    @Test func containersMergeByNameAndPortsByPortAndProtocol() throws {
        let stored = try JSON.parse(Self.defaulted)
        let created = FieldManager.update(old: nil, new: stored, managedFields: [], manager: "creator",
                                          apiVersion: "apps/v1", subresource: nil, time: Self.time,
                                          schema: Self.deployment, statusIsSubresource: true)
        // A sidecar applier adds its own container and a port on the model container; the port
        // key gets protocol TCP by default, so it finds nothing to clash with.
        let config = try JSON.parse(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"serve"},
         "spec":{"template":{"spec":{"containers":[
           {"name":"model","ports":[{"containerPort":9090}]},
           {"name":"proxy","image":"envoy:1"}]}}}}
        """#)
        let (object, entries) = try FieldManager.apply(live: stored, config: config, managedFields: created, manager: "mesh",
                                                       apiVersion: "apps/v1", force: false, subresource: nil, time: Self.time,
                                                       schema: Self.deployment, statusIsSubresource: true)
        let containers = object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.map { $0["name"] } == ["model", "proxy"])
        #expect(containers.first?["ports"] == [["containerPort": 8080, "protocol": "TCP"], ["containerPort": 9090]])
        #expect(containers.first?["image"] == "registry.example/model:1")
        #expect(entries.map(\.manager) == ["mesh", "creator"])

        // Changing the model image, owned by the creator, conflicts and names the container.
        let image = try JSON.parse(#"""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"serve"},
         "spec":{"template":{"spec":{"containers":[{"name":"model","image":"registry.example/model:9"}]}}}}
        """#)
        #expect(throws: ApplyConflict(conflicts: [.init(manager: #""creator" using apps/v1"#,
                                                       field: #".spec.template.spec.containers[name="model"].image"#)])) {
            try FieldManager.apply(live: object, config: image, managedFields: entries, manager: "mesh",
                                   apiVersion: "apps/v1", force: false, subresource: nil, time: Self.time,
                                   schema: Self.deployment, statusIsSubresource: true)
        }
    }
}
