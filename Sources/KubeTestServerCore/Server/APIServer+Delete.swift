import Foundation
import KubeCore

extension APIServer {
    struct DeleteOptions {
        var propagationPolicy: String?
        var preconditionUID: String?
        var preconditionRV: String?
        var dryRun = false

        init(_ request: APIRequest) throws {
            if !request.body.isEmpty, let body = try? JSON.parse(request.body) {
                propagationPolicy = body["propagationPolicy"]?.stringValue
                preconditionUID = body[path: ["preconditions", "uid"]]?.stringValue
                preconditionRV = body[path: ["preconditions", "resourceVersion"]]?.stringValue
                if let dr = body["dryRun"]?.arrayValue, dr.contains("All") { dryRun = true }
                if body["orphanDependents"]?.boolValue == true, propagationPolicy == nil { propagationPolicy = "Orphan" }
            }
            if let p = request.query["propagationPolicy"] { propagationPolicy = p }
            if request.query["dryRun"] == "All" { dryRun = true }
            if let p = propagationPolicy, !["Foreground", "Background", "Orphan"].contains(p) {
                throw APIError(code: 422, reason: "Invalid",
                               message: "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(p)\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"",
                               details: ["group": "meta.k8s.io", "kind": "DeleteOptions"])
            }
        }
    }

    func delete(_ request: APIRequest, target: ResourceTarget, name: String) throws -> APIResponse {
        let resource = target.resource
        let options = try DeleteOptions(request)
        if resource.kind == "Namespace", ["default", "kube-system", "kube-public"].contains(name) {
            throw APIError.forbidden(resource: "namespaces", group: "", name: name, detail: "this namespace may not be deleted")
        }
        let time = now()
        let response: APIResponse = try store.withState { state in
            let key = target.key(name)
            guard let stored = state.get(resource.storageKey, key) else {
                throw APIError.notFound(resource: resource.plural, group: resource.group, name: name)
            }
            var object = stored.object
            if let uid = options.preconditionUID, uid != stored.uid {
                throw APIError.conflict(resource: resource.plural, group: resource.group, name: name,
                                        detail: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(stored.uid)")
            }
            if let rv = options.preconditionRV, rv != String(stored.resourceVersion) {
                throw APIError.conflict(resource: resource.plural, group: resource.group, name: name,
                                        detail: "Precondition failed: ResourceVersion in precondition: \(rv), ResourceVersion in object meta: \(stored.resourceVersion)")
            }
            var finalizers = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
            switch options.propagationPolicy {
            case "Foreground"?: if !finalizers.contains("foregroundDeletion") { finalizers.append("foregroundDeletion") }
            case "Orphan"?: if !finalizers.contains("orphan") { finalizers.append("orphan") }
            default: break
            }
            let isNamespace = resource.kind == "Namespace"
            if !finalizers.isEmpty || isNamespace {
                // Graceful: mark for deletion; finalizers (or the namespace controller) finish it.
                let alreadyDeleting = object[path: ["metadata", "deletionTimestamp"]] != nil
                if !alreadyDeleting {
                    object[path: ["metadata", "deletionTimestamp"]] = .string(time)
                    object[path: ["metadata", "deletionGracePeriodSeconds"]] = isNamespace ? nil : 0
                    if Self.tracksGeneration(resource) {
                        object[path: ["metadata", "generation"]] = .int((object[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
                    }
                }
                object[path: ["metadata", "finalizers"]] = finalizers.isEmpty ? nil : .array(finalizers.map(JSON.string))
                if isNamespace { object[path: ["status", "phase"]] = "Terminating" }
                if options.dryRun || (alreadyDeleting && object == stored.object) {
                    return .json(200, present(object, as: resource))
                }
                let updated = state.put(resource.storageKey, key, object)
                return .full(status: 200, headers: [("Content-Type", "application/json")], body: presentBytes(updated, as: resource))
            }
            if !options.dryRun {
                state.remove(resource.storageKey, key)
                if resource.kind == "CustomResourceDefinition" {
                    // The CRD's objects go with it.
                    for r in registry.resources where r.custom?.crdName == name {
                        for (k, _) in state.all(r.storageKey) { state.remove(r.storageKey, k) }
                    }
                }
            }
            return .json(200, ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                               "details": APIError.details(name: name, group: resource.group, kind: resource.plural, uid: stored.uid)])
        }
        if resource.kind == "CustomResourceDefinition" {
            registryState.withLock { $0.removeCustom(crdName: name) }
        }
        gcWakeup.wake()
        return response
    }

    func deleteCollection(_ request: APIRequest, target: ResourceTarget) throws -> APIResponse {
        let resource = target.resource
        let filter = try filter(request, target: target)
        let names = store.withState { state in
            state.all(resource.storageKey).filter { filter.matches($0.value) }.map(\.key.name)
        }
        var items: [JSON] = []
        for name in names.sorted() {
            var t = target
            t.name = name
            if case let .full(200, _, body) = try delete(request, target: t, name: name), let json = try? JSON.parse(body),
               json["kind"]?.stringValue != "Status" {
                items.append(json)
            }
        }
        return .json(200, ["kind": .string(resource.listKind), "apiVersion": .string(resource.apiVersion),
                           "metadata": ["resourceVersion": .string(String(store.resourceVersion))], "items": .array(items)])
    }
}
