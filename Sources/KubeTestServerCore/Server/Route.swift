import KubeCore

/// What a request path addresses.
struct Route {
    enum Target {
        case version
        case health
        case discovery(String)
        case openAPI(String)
        case resource(ResourceTarget)
        case unknown
    }

    var target: Target
    /// The Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection.
    var verb: String
    /// `deployments`, `deployments/status`, or the non-resource path.
    var resourceName: String

    init(request: APIRequest, registry: ResourceRegistry) {
        let segments = request.path.split(separator: "/").map(String.init)
        verb = request.method.lowercased()
        resourceName = request.path
        target = .unknown
        switch segments.first {
        case "version"?:
            target = .version
        case "healthz"?, "readyz"?, "livez"?:
            target = .health
        case "openapi"?:
            target = .openAPI(request.path)
        case "api"?, "apis"?:
            let legacy = segments[0] == "api"
            let gvCount = legacy ? 2 : 3
            if segments.count <= gvCount {
                target = .discovery(request.path)
                return
            }
            let groupVersion = legacy ? segments[1] : "\(segments[1])/\(segments[2])"
            var rest = Array(segments[gvCount...])
            var namespace: String? = nil
            if rest.count >= 3, rest[0] == "namespaces",
               let candidate = registry.resource(groupVersion: groupVersion, plural: rest[2]), candidate.namespaced {
                namespace = rest[1]
                rest = Array(rest[2...])
            }
            guard let resource = registry.resource(groupVersion: groupVersion, plural: rest[0]),
                  rest.count <= 3 else { return }
            if resource.namespaced, namespace == nil, rest.count > 1 { return }
            let name = rest.count > 1 ? rest[1] : nil
            let sub = rest.count > 2 ? rest[2] : nil
            target = .resource(ResourceTarget(resource: resource, namespace: namespace, name: name, subresource: sub))
            resourceName = sub.map { "\(resource.plural)/\($0)" } ?? resource.plural
            switch request.method {
            case "GET":
                if name == nil {
                    let watch = request.query["watch"].map { $0 == "1" || $0 == "true" } ?? false
                    verb = watch ? "watch" : "list"
                } else {
                    verb = "get"
                }
            case "POST": verb = "create"
            case "PUT": verb = "update"
            case "PATCH": verb = "patch"
            case "DELETE": verb = name == nil ? "deletecollection" : "delete"
            default: break
            }
        default:
            break
        }
    }
}

/// A request for objects of one resource.
struct ResourceTarget {
    var resource: ResourceType
    /// The namespace in the path (nil for cluster-scoped kinds and all-namespace lists).
    var namespace: String?
    var name: String?
    var subresource: String?

    func key(_ name: String) -> ObjectKey {
        ObjectKey(namespace: resource.namespaced ? (namespace ?? "") : "", name: name)
    }
}
