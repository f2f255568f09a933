import Foundation
import KubeCore

extension APIServer {
    /// Legacy discovery (APIVersions, APIGroupList, APIResourceList), served with a plain JSON
    /// content type so client-go uses it for both `/api` and `/apis` (it never mixes formats).
    func discovery(path: String, request: APIRequest) throws -> APIResponse {
        let registry = self.registry
        let segments = path.split(separator: "/").map(String.init)
        switch segments.count {
        case 1 where segments[0] == "api":
            return .json(200, ["kind": "APIVersions", "versions": ["v1"],
                               "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(request.headers["host"] ?? "127.0.0.1")]]])
        case 1:
            return .json(200, ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups(registry).map(\.1))])
        case 2 where segments[0] == "api":
            guard segments[1] == "v1" else { throw APIError.notFoundPath() }
            return .json(200, resourceList("v1", registry))
        case 2:
            guard let group = groups(registry).first(where: { $0.0 == segments[1] }) else { throw APIError.notFoundPath() }
            var g = group.1
            g["kind"] = "APIGroup"
            g["apiVersion"] = "v1"
            return .json(200, g)
        case 3 where segments[0] == "apis":
            let gv = "\(segments[1])/\(segments[2])"
            guard !registry.resources(in: gv).isEmpty else { throw APIError.notFoundPath() }
            return .json(200, resourceList(gv, registry))
        default:
            throw APIError.notFoundPath()
        }
    }

    private func groups(_ registry: ResourceRegistry) -> [(String, JSON)] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for r in registry.resources where !r.group.isEmpty {
            if versions[r.group] == nil { order.append(r.group) }
            if !(versions[r.group] ?? []).contains(r.version) { versions[r.group, default: []].append(r.version) }
        }
        return order.map { group in
            let vs = versions[group] ?? []
            let entries: [JSON] = vs.map { ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)] }
            return (group, ["name": .string(group), "versions": .array(entries), "preferredVersion": entries[0]])
        }
    }

    private func resourceList(_ gv: String, _ registry: ResourceRegistry) -> JSON {
        var resources: [JSON] = []
        for r in registry.resources(in: gv) {
            var entry: JSON = ["name": .string(r.plural), "singularName": .string(r.singular), "namespaced": .bool(r.namespaced),
                               "kind": .string(r.kind), "verbs": .array(r.verbs.map(JSON.string))]
            if !r.shortNames.isEmpty { entry["shortNames"] = .array(r.shortNames.map(JSON.string)) }
            if !r.categories.isEmpty { entry["categories"] = .array(r.categories.map(JSON.string)) }
            entry["storageVersionHash"] = .string(storageVersionHash(r, registry))
            resources.append(entry)
            if r.hasStatus {
                resources.append(["name": .string("\(r.plural)/status"), "singularName": "", "namespaced": .bool(r.namespaced),
                                  "kind": .string(r.kind), "verbs": ["get", "patch", "update"]])
            }
            if r.scale != nil {
                resources.append(["name": .string("\(r.plural)/scale"), "singularName": "", "namespaced": .bool(r.namespaced),
                                  "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]])
            }
            if r.kind == "ServiceAccount", r.group.isEmpty {
                // Golden 004: the TokenRequest subresource (`kubectl create token`).
                let token = Self.tokenRequestType
                resources.append(["name": "serviceaccounts/token", "singularName": "", "namespaced": true,
                                  "group": .string(token.group), "version": .string(token.version), "kind": .string(token.kind),
                                  "verbs": ["create"]])
            }
        }
        // The core group's list has no apiVersion; the named groups' lists do (golden 004, 005).
        var list: JSON = ["kind": "APIResourceList", "groupVersion": .string(gv), "resources": .array(resources)]
        if gv.contains("/") { list["apiVersion"] = "v1" }
        return list
    }

    /// What the real server publishes so that clients notice a change of storage version: the
    /// first 8 bytes of SHA-256 of "group/version/Kind" of the version objects are stored in,
    /// base64 (apiserver's discovery.StorageVersionHash; golden 004-008, 015). events.k8s.io
    /// Events are stored as core v1 Events; a custom resource in its CRD's storage version.
    func storageVersionHash(_ r: ResourceType, _ registry: ResourceRegistry) -> String {
        var (group, version) = (r.group, r.version)
        if let custom = r.custom {
            let crd = store.withState { $0.get("customresourcedefinitions.apiextensions.k8s.io", ObjectKey(namespace: "", name: custom.crdName)) }
            let stored = (crd?.object[path: ["spec", "versions"]]?.arrayValue ?? []).first { $0["storage"]?.boolValue == true }
            version = stored?["name"]?.stringValue ?? version
        } else if let owner = registry.resources.first(where: { $0.storageKey == r.storageKey && $0.qualifiedResource == $0.storageKey }) {
            (group, version) = (owner.group, owner.version)
        }
        return Data(SHA256.digest(Array("\(group)/\(version)/\(r.kind)".utf8)).prefix(8)).base64EncodedString()
    }

    // MARK: - OpenAPI v3

    /// OpenAPI v3 as kubectl needs it: the root maps group-versions to documents; each document
    /// has, per kind, a `patch` operation tagged with the GVK and a `fieldValidation` parameter (so
    /// kubectl sends server-side field validation), and schemas under `components` for `explain`.
    func openAPI(path: String) throws -> APIResponse {
        let registry = self.registry
        let segments = path.split(separator: "/").map(String.init)
        if segments.count == 2 {
            var paths: [String: JSON] = [:]
            for gv in registry.groupVersions {
                let key = gv.contains("/") ? "apis/\(gv)" : "api/\(gv)"
                paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(documentHash(gv, registry))")]
            }
            // The real server answers the root with this content type although the body is JSON (golden 010).
            return .full(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")],
                         body: JSON.object(["paths": .object(paths)]).serialized())
        }
        let rest = segments.dropFirst(2)
        let gv: String
        if rest.first == "api", rest.count == 2 { gv = rest.last! }
        else if rest.first == "apis", rest.count == 3 { gv = "\(rest[rest.startIndex + 1])/\(rest[rest.startIndex + 2])" }
        else { throw APIError.notFoundPath() }
        let resources = registry.resources(in: gv)
        guard !resources.isEmpty else { throw APIError.notFoundPath() }
        return .json(200, openAPIDocument(gv, resources))
    }

    private func documentHash(_ gv: String, _ registry: ResourceRegistry) -> String {
        var hasher = Hasher()
        for r in registry.resources(in: gv) {
            hasher.combine(r.kind)
            hasher.combine(r.custom?.schema)
        }
        return String(UInt64(bitPattern: Int64(hasher.finalize())), radix: 16, uppercase: true)
    }

    static func schemaName(_ r: ResourceType) -> String {
        let group = r.group.isEmpty ? "core" : r.group
        let reversed = group.split(separator: ".").reversed().joined(separator: ".")
        return r.isBuiltin ? "io.k8s.api.\(group.split(separator: ".").first ?? "core").\(r.version).\(r.kind)" : "\(reversed).\(r.version).\(r.kind)"
    }

    private func openAPIDocument(_ gv: String, _ resources: [ResourceType]) -> JSON {
        var paths: [String: JSON] = [:]
        var schemas: [String: JSON] = [
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": [
                "description": "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
                "type": "object",
                "properties": [
                    "name": ["description": "Name must be unique within a namespace.", "type": "string"],
                    "namespace": ["description": "Namespace defines the space within which each name must be unique.", "type": "string"],
                    "labels": ["description": "Map of string keys and values that can be used to organize and categorize objects.", "type": "object", "additionalProperties": ["type": "string"]],
                    "annotations": ["description": "Annotations is an unstructured key value map stored with a resource.", "type": "object", "additionalProperties": ["type": "string"]],
                    "uid": ["description": "UID is the unique in time and space value for this object.", "type": "string"],
                    "resourceVersion": ["description": "An opaque value that represents the internal version of this object.", "type": "string"],
                    "generation": ["description": "A sequence number representing a specific generation of the desired state.", "type": "integer", "format": "int64"],
                    "creationTimestamp": ["description": "CreationTimestamp is a timestamp representing the server time when this object was created.", "type": "string", "format": "date-time"],
                    "finalizers": ["description": "Must be empty before the object is deleted from the registry.", "type": "array", "items": ["type": "string"]],
                ],
            ],
            "io.k8s.apimachinery.pkg.apis.meta.v1.Patch": ["description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", "type": "object"],
        ]
        let parameters: [JSON] = ["dryRun", "fieldManager", "fieldValidation", "force"].map {
            ["name": .string($0), "in": "query", "description": .string($0), "schema": ["type": .string($0 == "force" ? "boolean" : "string"), "uniqueItems": true]]
        }
        for r in resources where !r.plural.contains("/") {
            let name = Self.schemaName(r)
            let gvk: JSON = [["group": .string(r.group), "version": .string(r.version), "kind": .string(r.kind)]]
            var schema: JSON = r.custom?.schema ?? ["type": "object", "x-kubernetes-preserve-unknown-fields": true]
            schema["description"] = schema["description"] ?? .string("\(r.kind) is a \(r.isBuiltin ? "Kubernetes" : "custom") resource.")
            var props = schema["properties"]?.objectValue ?? [:]
            props["apiVersion"] = ["description": "APIVersion defines the versioned schema of this representation of an object.", "type": "string"]
            props["kind"] = ["description": "Kind is a string value representing the REST resource this object represents.", "type": "string"]
            props["metadata"] = ["description": "Standard object's metadata.", "allOf": [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]]]
            schema["properties"] = .object(props)
            schema["type"] = "object"
            schema["x-kubernetes-group-version-kind"] = gvk
            schemas[name] = schema
            let base = (r.group.isEmpty ? "/api/\(r.version)" : "/apis/\(r.group)/\(r.version)")
                + (r.namespaced ? "/namespaces/{namespace}/\(r.plural)/{name}" : "/\(r.plural)/{name}")
            let response: JSON = ["200": ["description": "OK", "content": ["application/json": ["schema": ["$ref": .string("#/components/schemas/\(name)")]]]]]
            let operation: JSON = [
                "description": .string("partially update the specified \(r.kind)"),
                "operationId": .string("patch\(r.kind)"),
                "parameters": .array(parameters),
                "requestBody": ["content": [
                    "application/apply-patch+yaml": ["schema": ["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"]],
                    "application/json-patch+json": ["schema": ["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"]],
                    "application/merge-patch+json": ["schema": ["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"]],
                ], "required": true],
                "responses": response,
                "x-kubernetes-action": "patch",
                "x-kubernetes-group-version-kind": ["group": .string(r.group), "version": .string(r.version), "kind": .string(r.kind)],
            ]
            paths[base] = [
                "get": ["operationId": .string("read\(r.kind)"), "responses": response,
                        "x-kubernetes-action": "get",
                        "x-kubernetes-group-version-kind": ["group": .string(r.group), "version": .string(r.version), "kind": .string(r.kind)]],
                "patch": operation,
            ]
        }
        return ["openapi": "3.0.0", "info": ["title": "Kubernetes", "version": .string(configuration.gitVersion)],
                "paths": .object(paths), "components": ["schemas": .object(schemas)]]
    }
}
