/// RBAC that lets a ServiceAccount create TokenReviews and SubjectAccessReviews, as the
/// `system:auth-delegator` ClusterRole of a real cluster does (the test server stores no default
/// roles), for the tests of delegated authentication.
public enum AuthDelegatorRBAC {
    public static func yaml(binding: String, serviceAccount: String, namespace: String) -> String {
        """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: auth-delegator}
        rules:
        - {apiGroups: [authentication.k8s.io], resources: [tokenreviews], verbs: [create]}
        - {apiGroups: [authorization.k8s.io], resources: [subjectaccessreviews], verbs: [create]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: \(binding)}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: auth-delegator}
        subjects:
        - {kind: ServiceAccount, name: \(serviceAccount), namespace: \(namespace)}
        """
    }
}
