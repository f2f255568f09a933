import Foundation
import KubeCore

extension APIServer {
    /// `POST pods/<name>/binding`, what a scheduler sends: sets spec.nodeName and answers 201
    /// with a Status Success (golden 117).
    ///
    /// As the real BindingREST (pkg/registry/core/pod/storage), it writes storage directly: no
    /// field manager (121: nobody owns spec.nodeName after it), no generation bump (121:
    /// generation 1); the binding's annotations go onto the pod and PodScheduled turns True. Its
    /// refusals, not in the goldens, are the real ones: a body naming another pod is a 400, a
    /// missing pod 404, a pod already bound or being deleted a 409 on pods/binding.
    func bind(_ request: APIRequest, target: ResourceTarget, name: String) throws -> APIResponse {
        let binding = try decodeBody(request, resource: target.resource)
        guard binding[path: ["metadata", "name"]]?.stringValue == name else {
            throw APIError.badRequest("name in URL does not match name in Binding object")
        }
        let node = binding[path: ["target", "name"]]?.stringValue ?? ""
        let annotations = binding[path: ["metadata", "annotations"]]?.objectValue ?? [:]
        let time = now()
        let dryRun = request.query["dryRun"] == "All"
        try store.withState { state in
            let key = target.key(name)
            guard var pod = state.get(target.resource.storageKey, key)?.object else {
                throw APIError.notFound(resource: "pods", group: "", name: name)
            }
            func refuse(_ detail: String) -> APIError {
                APIError.conflict(resource: "pods/binding", group: "", name: name, detail: detail)
            }
            if pod[path: ["metadata", "deletionTimestamp"]] != nil {
                throw refuse("pod \(name) is being deleted, cannot be assigned to a host")
            }
            if let bound = pod[path: ["spec", "nodeName"]]?.stringValue, !bound.isEmpty {
                throw refuse("pod \(name) is already assigned to node \(GoFormat.quote(bound))")
            }
            if !(pod[path: ["spec", "schedulingGates"]]?.arrayValue ?? []).isEmpty {
                throw refuse("pod \(name) has non-empty .spec.schedulingGates")
            }
            pod[path: ["spec", "nodeName"]] = .string(node)
            if !annotations.isEmpty {
                var merged = pod[path: ["metadata", "annotations"]]?.objectValue ?? [:]
                merged.merge(annotations) { _, new in new }
                pod[path: ["metadata", "annotations"]] = .object(merged)
            }
            var conditions = pod[path: ["status", "conditions"]]?.arrayValue ?? []
            let scheduled: JSON = ["type": "PodScheduled", "status": "True", "lastProbeTime": nil, "lastTransitionTime": .string(time)]
            if let i = conditions.firstIndex(where: { $0["type"]?.stringValue == "PodScheduled" }) {
                if conditions[i]["status"]?.stringValue != "True" { conditions[i] = scheduled }
            } else {
                conditions.append(scheduled)
            }
            pod[path: ["status", "conditions"]] = .array(conditions)
            if !dryRun { state.put(target.resource.storageKey, key, pod) }
        }
        return .json(201, ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201])
    }
}
