import KubeCore

extension APIServer {
    /// PUT or PATCH of `/scale`: the answer is an autoscaling/v1 Scale; the change lands in the
    /// object's replicas field (`kubectl scale` uses this).
    func updateScale(_ request: APIRequest, target: ResourceTarget, name: String) throws -> APIResponse {
        let resource = target.resource
        guard let scale = resource.scale else { throw APIError.notFoundPath() }
        let body: JSON
        do {
            body = try JSON.parse(request.body)
        } catch {
            throw APIError.badRequest("error decoding patch: \(error.message)")
        }
        let specPath = scale.specReplicasPath.dropFirst().split(separator: ".").map(String.init)
        var mainTarget = target
        mainTarget.subresource = nil
        let response = try write(request, target: mainTarget, name: name, operation: .patch) { current in
            guard var object = current else {
                throw APIError.notFound(resource: resource.plural, group: resource.group, name: name)
            }
            let currentScale = scaleObject(object, resource: resource, scale: scale)
            let desired: JSON
            switch request.method {
            case "PUT": desired = body
            default:
                let type = request.headers["content-type"] ?? ""
                desired = type.hasPrefix("application/json-patch+json")
                    ? try JSONPatch.apply(body, to: currentScale) : MergePatch.apply(body, to: currentScale)
            }
            guard let replicas = desired[path: ["spec", "replicas"]]?.intValue, replicas >= 0 else {
                throw APIError.invalid(kind: "Scale", group: "autoscaling", name: name,
                                       errors: [.invalid("spec.replicas", desired[path: ["spec", "replicas"]] ?? .null, "must be greater than or equal to 0")])
            }
            if let rv = desired[path: ["metadata", "resourceVersion"]]?.stringValue, request.method == "PUT",
               rv != object[path: ["metadata", "resourceVersion"]]?.stringValue {
                throw APIError.conflict(resource: resource.plural, group: resource.group, name: name)
            }
            object[path: specPath] = .int(replicas)
            object[path: ["metadata", "resourceVersion"]] = nil
            return Proposed(object: object)
        }
        guard case let .full(status, headers, bytes) = response, status < 300, let stored = try? JSON.parse(bytes) else { return response }
        return .full(status: status, headers: headers, body: scaleObject(stored, resource: resource, scale: scale).serialized())
    }
}
