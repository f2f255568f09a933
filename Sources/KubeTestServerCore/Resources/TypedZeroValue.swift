import KubeCore

/// A built-in kind's object with nothing set, as Go's encoding/json writes the zero value of
/// its type: the members without `omitempty`, and structs, which `omitempty` never drops. A
/// BOOKMARK's object is this with only metadata.resourceVersion set: a Deployment's carries
/// `spec {replicas: 0, selector: null, template: {metadata: {}, spec: {containers: null}},
/// strategy: {}}` and `status {}` (golden 127), a ConfigMap's nothing more (126, 128, 129).
/// Custom resources are unstructured on the real server: only apiVersion, kind and metadata
/// (057, 130). The other kinds' values follow from their types in k8s.io/api (no golden shows them).
enum TypedZeroValue {
    static let podTemplate: JSON = ["metadata": [:], "spec": ["containers": nil]]
    static let names: JSON = ["plural": "", "kind": ""]

    static func members(group: String, kind: String) -> [String: JSON] {
        switch (group, kind) {
        case ("apps", "Deployment"):
            return ["spec": ["replicas": 0, "selector": nil, "template": podTemplate, "strategy": [:]], "status": [:]]
        case ("batch", "Job"):
            return ["spec": ["template": podTemplate], "status": [:]]
        case ("", "Pod"):
            return ["spec": ["containers": nil], "status": [:]]
        case ("", "Service"):
            return ["spec": [:], "status": ["loadBalancer": [:]]]
        case ("", "Namespace"):
            return ["spec": [:], "status": [:]]
        case ("coordination.k8s.io", "Lease"):
            return ["spec": [:]]
        case ("", "Event"):
            return ["involvedObject": [:], "source": [:], "firstTimestamp": nil, "lastTimestamp": nil, "eventTime": nil,
                    "reportingComponent": "", "reportingInstance": ""]
        case ("events.k8s.io", "Event"):
            return ["eventTime": nil, "regarding": [:], "deprecatedSource": [:], "deprecatedFirstTimestamp": nil,
                    "deprecatedLastTimestamp": nil]
        case ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"):
            return ["rules": nil]
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            return ["roleRef": ["apiGroup": "", "kind": "", "name": ""]]
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            return ["spec": ["group": "", "names": names, "scope": "", "versions": nil],
                    "status": ["acceptedNames": names, "storedVersions": nil]]
        default:
            return [:]
        }
    }
}
