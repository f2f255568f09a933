import KubeCore

/// The merge-relevant tags of the built-in Go types the test server serves: SSA `+listType` /
/// `+listMapKey` / `+structType=atomic` and SMP `patchMergeKey` / `patchStrategy`. Anything not
/// listed is a struct field or an atomic list, which is what the Go types leave unmarked.
extension MergeSchema {
    public static func builtin(group: String, kind: String) -> MergeSchema {
        switch (group, kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"):
            return MergeSchema(
                root: object([
                    "spec": struct_([
                        "selector": atomicStruct,
                        "template": podTemplate,
                        "volumeClaimTemplates": .list(ListSchema(kind: .atomic)),
                    ]),
                    "status": struct_(["conditions": conditions()]),
                ]),
                emptyObject: kind == "Deployment"
                    ? ["metadata": [:], "spec": ["selector": nil, "template": emptyPodTemplate, "strategy": [:]], "status": [:]]
                    : ["metadata": [:], "spec": ["selector": nil, "template": emptyPodTemplate], "status": [:]])
        case ("batch", "Job"):
            return MergeSchema(
                root: object([
                    "spec": struct_(["selector": atomicStruct, "template": podTemplate]),
                    "status": struct_(["conditions": conditions(ssa: .atomic)]),
                ]),
                emptyObject: ["metadata": [:], "spec": ["template": emptyPodTemplate], "status": [:]])
        case ("batch", "CronJob"):
            return MergeSchema(
                root: object([
                    "spec": struct_(["jobTemplate": struct_(["spec": struct_(["selector": atomicStruct, "template": podTemplate])])]),
                ]),
                emptyObject: ["metadata": [:], "spec": ["jobTemplate": ["metadata": [:], "spec": ["template": emptyPodTemplate]]], "status": [:]])
        case ("", "Pod"):
            return MergeSchema(
                root: object([
                    "spec": podSpec,
                    "status": struct_([
                        "conditions": conditions(),
                        "podIPs": .list(ListSchema(kind: .map(keys: ["ip"]), patchMergeKey: "ip")),
                        "hostIPs": .list(ListSchema(kind: .map(keys: ["ip"]), patchMergeKey: "ip")),
                    ]),
                ]),
                emptyObject: ["metadata": [:], "spec": ["containers": nil], "status": [:]])
        case ("", "PodTemplate"):
            return MergeSchema(root: object(["template": podTemplate]),
                               emptyObject: ["metadata": [:], "template": emptyPodTemplate])
        case ("", "Service"):
            return MergeSchema(
                root: object([
                    "spec": struct_([
                        "ports": .list(ListSchema(kind: .map(keys: ["port", "protocol"]), element: .loose,
                                                  keyDefaults: ["protocol": "TCP"], patchMergeKey: "port")),
                        "selector": .map(MapSchema(elements: .scalar, elementsAreFields: false, atomic: true)),
                    ]),
                    "status": struct_(["conditions": conditions()]),
                ]),
                emptyObject: ["metadata": [:], "spec": [:], "status": ["loadBalancer": [:]]])
        case ("apiextensions.k8s.io", "CustomResourceDefinition"):
            // spec.names is a value struct (no "." entry when set, golden 012); spec.conversion a
            // pointer; versions an atomic list; status.conditions a list-map by type (golden 013).
            return MergeSchema(root: object(["status": struct_(["conditions": conditions()])]),
                               emptyObject: ["metadata": [:], "spec": ["names": [:]], "status": ["acceptedNames": [:]]])
        case ("", "Namespace"):
            return MergeSchema(root: object(["status": struct_(["conditions": conditions()])]),
                               emptyObject: ["metadata": [:], "spec": [:], "status": [:]])
        case ("", "ServiceAccount"):
            return MergeSchema(root: object([
                "secrets": .list(ListSchema(kind: .map(keys: ["name"]), patchMergeKey: "name")),
            ]), emptyObject: ["metadata": [:]])
        case ("", "ConfigMap"), ("", "Secret"):
            return MergeSchema(root: object([
                "data": MergeSchema.stringMap, "stringData": MergeSchema.stringMap, "binaryData": MergeSchema.stringMap,
            ]), emptyObject: ["metadata": [:]])
        case ("coordination.k8s.io", "Lease"):
            return MergeSchema(root: object([:]), emptyObject: ["metadata": [:], "spec": [:]])
        case ("", "Event"):
            // ObjectReference is `+structType=atomic` (golden 080: `f:regarding: {}`).
            return MergeSchema(root: object(["involvedObject": atomicStruct, "related": atomicStruct]), emptyObject: [
                "metadata": [:], "involvedObject": [:], "source": [:], "firstTimestamp": nil, "lastTimestamp": nil,
                "eventTime": nil, "reportingComponent": "", "reportingInstance": "",
            ])
        case ("events.k8s.io", "Event"):
            return MergeSchema(root: object(["regarding": atomicStruct, "related": atomicStruct]), emptyObject: [
                "metadata": [:], "eventTime": nil, "deprecatedSource": [:], "deprecatedFirstTimestamp": nil,
                "deprecatedLastTimestamp": nil,
            ])
        case ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"):
            return MergeSchema(root: object(["rules": .list(ListSchema(kind: .atomic))]),
                               emptyObject: ["metadata": [:], "rules": nil])
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            return MergeSchema(root: object(["subjects": .list(ListSchema(kind: .atomic)), "roleRef": atomicStruct]),
                               emptyObject: ["metadata": [:], "roleRef": ["apiGroup": "", "kind": "", "name": ""]])
        default:
            return MergeSchema(root: object([:]), emptyObject: ["metadata": [:]])
        }
    }

    // MARK: building blocks

    private static func object(_ fields: [String: SchemaNode]) -> SchemaNode {
        var all = fields
        all["metadata"] = objectMeta
        all["apiVersion"] = .scalar
        all["kind"] = .scalar
        return .map(MapSchema(fields: all))
    }

    private static func struct_(_ fields: [String: SchemaNode]) -> SchemaNode { .map(MapSchema(fields: fields)) }

    /// `+structType=atomic` (LabelSelector, RoleRef): replaced and owned whole.
    private static let atomicStruct: SchemaNode = .map(MapSchema(atomic: true))

    /// `metav1.Condition`-style lists: SMP merges by type; SSA keys by type unless the type says atomic.
    private static func conditions(ssa: ListSchema.Kind = .map(keys: ["type"])) -> SchemaNode {
        .list(ListSchema(kind: ssa, patchMergeKey: "type"))
    }

    private static func keyed(_ key: String, _ element: SchemaNode = .loose) -> SchemaNode {
        .list(ListSchema(kind: .map(keys: [key]), element: element, patchMergeKey: key))
    }

    private static let emptyPodTemplate: JSON = ["metadata": [:], "spec": ["containers": nil]]

    private static let podTemplate: SchemaNode = struct_(["metadata": objectMeta, "spec": podSpec])

    private static let container: SchemaNode = struct_([
        "ports": .list(ListSchema(kind: .map(keys: ["containerPort", "protocol"]), element: .loose,
                                  keyDefaults: ["protocol": "TCP"], patchMergeKey: "containerPort")),
        "env": keyed("name"),
        "volumeMounts": keyed("mountPath"),
        "volumeDevices": keyed("devicePath"),
        "resizePolicy": .list(ListSchema(kind: .atomic)),
        "resources": struct_(["limits": stringMap, "requests": stringMap, "claims": keyed("name")]),
    ])

    private static let podSpec: SchemaNode = struct_([
        "containers": keyed("name", container),
        "initContainers": keyed("name", container),
        "ephemeralContainers": keyed("name", container),
        "volumes": keyed("name"),
        "imagePullSecrets": keyed("name"),
        "hostAliases": keyed("ip"),
        "nodeSelector": .map(MapSchema(elements: .scalar, elementsAreFields: false, atomic: true)),
        "topologySpreadConstraints": .list(ListSchema(kind: .map(keys: ["topologyKey", "whenUnsatisfiable"]),
                                                      patchMergeKey: "topologyKey")),
        "resourceClaims": keyed("name"),
        "schedulingGates": keyed("name"),
        "readinessGates": .list(ListSchema(kind: .atomic)),
        "tolerations": .list(ListSchema(kind: .atomic)),
    ])
}
