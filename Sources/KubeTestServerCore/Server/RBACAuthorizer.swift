import KubeCore

/// Authorises requests against the stored Roles, ClusterRoles and their bindings, as the RBAC
/// authorizer does: a request is allowed when any rule bound to the user or one of its groups
/// (or, for service accounts, `system:serviceaccounts[:ns]`) covers verb, group, resource and name.
struct RBACAuthorizer {
    let store: ObjectStore

    func allows(_ user: UserInfo, verb: String, group: String, resource: String, subresource: String,
                namespace: String, name: String) -> Bool {
        let fullResource = subresource.isEmpty ? resource : "\(resource)/\(subresource)"
        return store.withState { state in
            func subjectsMatch(_ binding: JSON, bindingNamespace: String) -> Bool {
                Self.subjects(binding, match: user, bindingNamespace: bindingNamespace)
            }
            func rules(_ roleRef: JSON, bindingNamespace: String) -> [JSON] {
                let kind = roleRef["kind"]?.stringValue ?? ""
                let roleName = roleRef["name"]?.stringValue ?? ""
                let role = kind == "ClusterRole"
                    ? state.get("clusterroles.rbac.authorization.k8s.io", ObjectKey(namespace: "", name: roleName))
                    : state.get("roles.rbac.authorization.k8s.io", ObjectKey(namespace: bindingNamespace, name: roleName))
                return role?.object["rules"]?.arrayValue ?? []
            }
            func covers(_ rule: JSON) -> Bool {
                func contains(_ field: String, _ value: String) -> Bool {
                    let values = (rule[field]?.arrayValue ?? []).compactMap(\.stringValue)
                    return values.contains("*") || values.contains(value)
                }
                guard contains("verbs", verb), contains("apiGroups", group) else { return false }
                let resources = (rule["resources"]?.arrayValue ?? []).compactMap(\.stringValue)
                guard resources.contains("*") || resources.contains(fullResource)
                        || (!subresource.isEmpty && resources.contains("*/\(subresource)")) else { return false }
                let names = (rule["resourceNames"]?.arrayValue ?? []).compactMap(\.stringValue)
                return names.isEmpty || names.contains(name)
            }
            for (_, binding) in state.all("clusterrolebindings.rbac.authorization.k8s.io")
            where subjectsMatch(binding.object, bindingNamespace: "") {
                if rules(binding.object["roleRef"] ?? [:], bindingNamespace: "").contains(where: covers) { return true }
            }
            if !namespace.isEmpty {
                for (key, binding) in state.all("rolebindings.rbac.authorization.k8s.io")
                where key.namespace == namespace && subjectsMatch(binding.object, bindingNamespace: namespace) {
                    if rules(binding.object["roleRef"] ?? [:], bindingNamespace: namespace).contains(where: covers) { return true }
                }
            }
            return false
        }
    }

    /// A request for a path outside the resource tree (`/metrics`, `/healthz`): allowed when a
    /// ClusterRole bound by a ClusterRoleBinding has a rule whose `nonResourceURLs` hold the path
    /// (or `*`, or a prefix ending in `*`) and whose verbs hold the verb. Roles cannot grant them,
    /// as in the real RBAC authorizer, which visits only cluster bindings for non-resource requests.
    func allowsNonResource(_ user: UserInfo, verb: String, path: String) -> Bool {
        for (groups, urls) in Self.bootstrapNonResource where verb == "get" && groups.contains(where: user.groups.contains) {
            if urls.contains(where: { Self.matches(rule: $0, path: path) }) { return true }
        }
        return store.withState { state in
            for (_, binding) in state.all("clusterrolebindings.rbac.authorization.k8s.io")
            where Self.subjects(binding.object, match: user, bindingNamespace: "") {
                guard binding.object[path: ["roleRef", "kind"]]?.stringValue == "ClusterRole",
                      let roleName = binding.object[path: ["roleRef", "name"]]?.stringValue,
                      let role = state.get("clusterroles.rbac.authorization.k8s.io", ObjectKey(namespace: "", name: roleName))
                else { continue }
                for rule in role.object["rules"]?.arrayValue ?? [] {
                    let verbs = (rule["verbs"]?.arrayValue ?? []).compactMap(\.stringValue)
                    guard verbs.contains("*") || verbs.contains(verb) else { continue }
                    let urls = (rule["nonResourceURLs"]?.arrayValue ?? []).compactMap(\.stringValue)
                    if urls.contains(where: { Self.matches(rule: $0, path: path) }) {
                        return true
                    }
                }
            }
            return false
        }
    }

    /// rbac/v1 `NonResourceURLMatches`: `*`, the path itself, or a prefix ending in `*` (every
    /// trailing `*` trimmed, as `strings.TrimRight` does).
    static func matches(rule: String, path: String) -> Bool {
        if rule == "*" || rule == path { return true }
        guard rule.hasSuffix("*") else { return false }
        var prefix = Substring(rule)
        while prefix.last == "*" { prefix = prefix.dropLast() }
        return path.hasPrefix(prefix)
    }

    /// The non-resource rules every cluster's bootstrap RBAC policy binds, which the test server
    /// holds as rules rather than stored objects: `system:public-info-viewer` (to everyone),
    /// `system:discovery` (to authenticated users) and `system:service-account-issuer-discovery`
    /// (to service accounts), all `get` (plugin/pkg/auth/authorizer/rbac/bootstrappolicy).
    static let bootstrapNonResource: [(groups: [String], urls: [String])] = [
        (["system:authenticated", "system:unauthenticated"], ["/healthz", "/livez", "/readyz", "/version", "/version/"]),
        (["system:authenticated"], ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
                                    "/readyz", "/version", "/version/"]),
        (["system:serviceaccounts"], ["/.well-known/openid-configuration", "/.well-known/openid-configuration/",
                                      "/openid/v1/jwks", "/openid/v1/jwks/"]),
    ]

    static func subjects(_ binding: JSON, match user: UserInfo, bindingNamespace: String) -> Bool {
        for subject in binding["subjects"]?.arrayValue ?? [] {
            let kind = subject["kind"]?.stringValue ?? ""
            let subjectName = subject["name"]?.stringValue ?? ""
            switch kind {
            case "User": if subjectName == user.name { return true }
            case "Group": if user.groups.contains(subjectName) { return true }
            case "ServiceAccount":
                let ns = subject["namespace"]?.stringValue ?? bindingNamespace
                if user.name == "system:serviceaccount:\(ns):\(subjectName)" { return true }
            default: break
            }
        }
        return false
    }
}

extension APIServer {
    func authorize(_ user: UserInfo, route: Route, target: ResourceTarget) throws {
        let r = target.resource
        // Everyone may review themselves, as the default system:basic-user role allows.
        if BuiltinResources.selfReviewKinds.contains(r.kind) { return }
        let namespace = r.namespaced ? (target.namespace ?? "") : ""
        let allowed = RBACAuthorizer(store: store).allows(
            user, verb: route.verb, group: r.group, resource: r.plural, subresource: target.subresource ?? "",
            namespace: namespace, name: target.name ?? "")
        if allowed { return }
        let resourceText = target.subresource.map { "\(r.plural)/\($0)" } ?? r.plural
        let scope = namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(namespace)\""
        let detail = "User \"\(user.name)\" cannot \(route.verb) resource \"\(resourceText)\" in API group \"\(r.group)\" \(scope)"
        throw APIError.forbidden(resource: r.plural, group: r.group, name: target.name, detail: detail)
    }
}
