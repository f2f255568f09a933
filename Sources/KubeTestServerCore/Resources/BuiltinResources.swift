import KubeCore

/// The built-in kinds an operator touches, with the names, scopes and subresources the real
/// server serves them under.
public enum BuiltinResources {
    public static let all: [ResourceType] = {
        var list: [ResourceType] = []
        func add(_ r: ResourceType) { list.append(r) }
        add(ResourceType(group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false, hasStatus: true,
                         shortNames: ["ns"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"]))
        add(ResourceType(group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"]))
        add(ResourceType(group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true))
        add(ResourceType(group: "", version: "v1", kind: "Service", plural: "services", namespaced: true, hasStatus: true,
                         shortNames: ["svc"], categories: ["all"],
                         verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]))
        add(ResourceType(group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, hasStatus: true,
                         shortNames: ["po"], categories: ["all"]))
        add(ResourceType(group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"],
                         storageKey: "events"))
        add(ResourceType(group: "", version: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true,
                         shortNames: ["sa"]))
        var deployments = ResourceType(group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true,
                                       hasStatus: true, shortNames: ["deploy"], categories: ["all"])
        deployments.scale = ScaleSubresource(specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas", labelSelectorPath: nil)
        add(deployments)
        add(ResourceType(group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true, hasStatus: true,
                         categories: ["all"]))
        add(ResourceType(group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true))
        add(ResourceType(group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true,
                         shortNames: ["ev"], storageKey: "events"))
        add(ResourceType(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition",
                         plural: "customresourcedefinitions", namespaced: false, hasStatus: true,
                         shortNames: ["crd", "crds"], categories: ["api-extensions"]))
        for (kind, plural, namespaced) in [("Role", "roles", true), ("ClusterRole", "clusterroles", false),
                                           ("RoleBinding", "rolebindings", true), ("ClusterRoleBinding", "clusterrolebindings", false)] {
            add(ResourceType(group: "rbac.authorization.k8s.io", version: "v1", kind: kind, plural: plural, namespaced: namespaced))
        }
        add(ResourceType(group: "authorization.k8s.io", version: "v1", kind: "SelfSubjectAccessReview",
                         plural: "selfsubjectaccessreviews", namespaced: false, verbs: ["create"]))
        add(ResourceType(group: "authentication.k8s.io", version: "v1", kind: "SelfSubjectReview",
                         plural: "selfsubjectreviews", namespaced: false, verbs: ["create"]))
        // Golden 014 lists both (cluster scope, verb create): what delegated authentication and
        // authorization (a secure metrics endpoint, an aggregated API server) call.
        add(ResourceType(group: "authentication.k8s.io", version: "v1", kind: "TokenReview",
                         plural: "tokenreviews", namespaced: false, verbs: ["create"]))
        add(ResourceType(group: "authorization.k8s.io", version: "v1", kind: "SubjectAccessReview",
                         plural: "subjectaccessreviews", namespaced: false, verbs: ["create"]))
        return list
    }()

    /// Kinds answered by the server without storing anything (reviews).
    static let virtualKinds: Set<String> = ["SelfSubjectAccessReview", "SelfSubjectReview", "TokenReview", "SubjectAccessReview"]
    /// Reviews of oneself, which everyone may create (the default `system:basic-user` role);
    /// TokenReview and SubjectAccessReview need RBAC (`system:auth-delegator` grants both).
    static let selfReviewKinds: Set<String> = ["SelfSubjectAccessReview", "SelfSubjectReview"]
}
