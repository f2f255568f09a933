import Foundation
import KubeCore

extension APIServer {
    /// How the client wants objects: plain JSON or a meta.k8s.io Table.
    enum OutputFormat {
        case json
        case table(includeObject: String)
    }

    func outputFormat(_ request: APIRequest) throws -> OutputFormat {
        let accept = request.headers["accept"] ?? "application/json"
        var jsonAcceptable = accept.isEmpty
        for part in accept.split(separator: ",") {
            let fields = part.split(separator: ";").map { String($0).trimmingSpaces }
            guard let media = fields.first else { continue }
            let params = Dictionary(fields.dropFirst().compactMap { field -> (String, String)? in
                let kv = field.split(separator: "=", maxSplits: 1)
                return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
            }, uniquingKeysWith: { a, _ in a })
            if media == "application/json" || media == "*/*" || media == "application/*" {
                if params["as"] == "Table" {
                    return .table(includeObject: request.query["includeObject"] ?? "Metadata")
                }
                if params["as"] == nil { jsonAcceptable = true }
            }
            if media == "application/yaml" { jsonAcceptable = true }
        }
        guard jsonAcceptable else {
            throw APIError.notAcceptable(["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"])
        }
        return .json
    }

    /// The object as this resource's API shows it (events.k8s.io sees core Events converted).
    func present(_ object: JSON, as resource: ResourceType) -> JSON {
        if resource.group == "events.k8s.io" { return EventConversion.toEventsV1(object) }
        return object
    }

    func presentBytes(_ stored: StoredObject, as resource: ResourceType) -> [UInt8] {
        if resource.group == "events.k8s.io" { return StoredObject.serialize(EventConversion.toEventsV1(stored.object)).bytes }
        return stored.bytes
    }

    /// An item of a list: built-in kinds without kind and apiVersion, which the list carries
    /// (goldens 054, 118–125); custom resources with them, as every unstructured object (093).
    func appendListItem(_ stored: StoredObject, as resource: ResourceType, to body: inout [UInt8]) {
        if resource.group == "events.k8s.io" {
            var event = EventConversion.toEventsV1(stored.object)
            event["kind"] = nil
            event["apiVersion"] = nil
            event.write(into: &body)
        } else if resource.isBuiltin {
            stored.appendWithoutTypeMeta(to: &body)
        } else {
            body.append(contentsOf: stored.bytes)
        }
    }

    func get(_ request: APIRequest, target: ResourceTarget, name: String) throws -> APIResponse {
        let resource = target.resource
        guard let stored = store.withState({ $0.get(resource.storageKey, target.key(name)) }) else {
            throw APIError.notFound(resource: resource.plural, group: resource.group, name: name)
        }
        switch try outputFormat(request) {
        case let .table(include):
            let table = TableBuilder(resource: resource, now: configuration.now())
                .table(objects: [present(stored.object, as: resource)], listMeta: ["resourceVersion": .string(String(stored.resourceVersion))], includeObject: include)
            return .json(200, table)
        case .json:
            if target.subresource == "scale", let scale = resource.scale {
                return .json(200, scaleObject(stored.object, resource: resource, scale: scale))
            }
            return .full(status: 200, headers: [("Content-Type", "application/json")], body: presentBytes(stored, as: resource))
        }
    }

    func scaleObject(_ object: JSON, resource: ResourceType, scale: ScaleSubresource) -> JSON {
        var meta: JSON = [:]
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            meta[key] = object[path: ["metadata", key]]
        }
        var result: JSON = ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": meta,
                            "spec": [:], "status": ["replicas": 0]]
        result[path: ["spec", "replicas"]] = object[dotted: String(scale.specReplicasPath.dropFirst())] ?? .int(0)
        result[path: ["status", "replicas"]] = object[dotted: String(scale.statusReplicasPath.dropFirst())] ?? .int(0)
        if let path = scale.labelSelectorPath, let selector = object[dotted: String(path.dropFirst())] {
            result[path: ["status", "selector"]] = selector
        }
        return result
    }

    func filter(_ request: APIRequest, target: ResourceTarget) throws -> ObjectFilter {
        var filter = ObjectFilter(namespace: target.resource.namespaced ? target.namespace : nil)
        if let text = request.query["labelSelector"], !text.isEmpty {
            do {
                filter.labels = try LabelSelector.parse(text)
            } catch {
                throw APIError.badRequest(error.message)
            }
        }
        if let text = request.query["fieldSelector"], !text.isEmpty {
            filter.fields = try FieldSelector.parse(text, fields: SelectableFields.of(target.resource))
        }
        return filter
    }

    func list(_ request: APIRequest, target: ResourceTarget) async throws -> APIResponse {
        let resource = target.resource
        let filter = try filter(request, target: target)
        let limit = request.query["limit"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        var start: ContinueToken? = nil
        if let token = request.query["continue"], !token.isEmpty {
            start = try ContinueToken.decode(token)
        }
        if let requested = request.query["resourceVersion"], let rv = Int64(requested), rv > 0, start == nil {
            try await waitForResourceVersion(rv)
        }
        let (current, later, keys, currentRV, compacted) = store.withState { state in
            (state.all(resource.storageKey), start.flatMap { state.events(resource.storageKey, after: $0.resourceVersion) } ?? [],
             state.keysInListOrder(resource.storageKey), state.resourceVersion, state.compactedRevision)
        }
        if let start, start.resourceVersion < compacted {
            throw APIError.gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
        }
        // A continued list reads the objects as they were at its first page (etcd serves every
        // page at that revision); when the history no longer reaches back that far, the current
        // objects stand in for them.
        let (objects, orderedKeys) = ListPage.undoing(later, objects: current, keys: keys)
        let page = ListPage(keys: orderedKeys, objects: objects, filter: filter, startAfter: start?.startAfter, limit: limit)
        let responseRV = start?.resourceVersion ?? currentRV
        var listMeta: JSON = ["resourceVersion": .string(String(responseRV))]
        if let key = page.continueKey {
            listMeta["continue"] = .string(ContinueToken(resourceVersion: responseRV, startAfter: key).encoded)
            if let remaining = page.remaining { listMeta["remainingItemCount"] = .int(Int64(remaining)) }
        }
        switch try outputFormat(request) {
        case let .table(include):
            let table = TableBuilder(resource: resource, now: configuration.now())
                .table(objects: page.items.map { present($0.object, as: resource) }, listMeta: listMeta, includeObject: include)
            return .json(200, table)
        case .json:
            // A custom resource list (unstructured on the real server) always carries `continue`,
            // empty on the last page; built-in lists omit it then (golden 048, 093 vs 118).
            if resource.custom != nil, listMeta["continue"] == nil { listMeta["continue"] = "" }
            // Assemble the list from each object's stored bytes: no re-encoding of thousands of
            // objects. Members in the real server's order for built-in lists (118).
            var body: [UInt8] = []
            body.reserveCapacity(page.items.reduce(128) { $0 + $1.bytes.count + 1 })
            body.append(contentsOf: "{\"kind\":".utf8)
            JSON.string(resource.listKind).write(into: &body)
            body.append(contentsOf: ",\"apiVersion\":".utf8)
            JSON.string(resource.apiVersion).write(into: &body)
            body.append(contentsOf: ",\"metadata\":".utf8)
            listMeta.write(into: &body)
            body.append(contentsOf: ",\"items\":[".utf8)
            var first = true
            for stored in page.items {
                if !first { body.append(UInt8(ascii: ",")) }
                first = false
                appendListItem(stored, as: resource, to: &body)
            }
            body.append(contentsOf: "]}".utf8)
            return .full(status: 200, headers: [("Content-Type", "application/json")], body: body)
        }
    }

    /// A list "not older than" a future resourceVersion waits for it, then answers 504 as the real server does.
    func waitForResourceVersion(_ rv: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(3)
        while store.resourceVersion < rv {
            if ContinuousClock.now >= deadline {
                throw APIError(code: 504, reason: "Timeout",
                               message: "Too large resource version: \(rv), current: \(store.resourceVersion)",
                               details: ["causes": [["reason": "ResourceVersionTooLarge", "message": "Too large resource version"]], "retryAfterSeconds": 1],
                               retryAfterSeconds: 1)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// The opaque `continue` token of a paged list, in the real server's format
/// (base64url of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key>\u0000"}`).
struct ContinueToken {
    var resourceVersion: Int64
    var startAfter: String

    var encoded: String {
        let json: JSON = ["v": "meta.k8s.io/v1", "rv": .int(resourceVersion), "start": .string(startAfter + "\u{0}")]
        return Data(json.serialized()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ token: String) throws -> ContinueToken {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else {
            throw APIError.badRequest("invalid continue token: illegal base64 data at input byte 4")
        }
        let json: JSON
        do {
            json = try JSON.parse(Array(data))
        } catch {
            throw APIError.badRequest("invalid continue token: continue key is not valid: \(error.message)")
        }
        guard json["v"]?.stringValue == "meta.k8s.io/v1", let rv = json["rv"]?.intValue,
              var start = json["start"]?.stringValue else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
        }
        // As the real server decodes it: a missing leading "/" is added, and a key that is not a
        // clean path (an empty, "." or ".." element) is refused, so a token cannot reach
        // outside the list's own prefix.
        let recorded = start
        if !start.hasPrefix("/") { start = "/" + start }
        guard Self.isCleanPath(start) else {
            throw APIError.badRequest("invalid continue token: continue key is not valid: \(recorded)")
        }
        if start.hasSuffix("\u{0}") { start.removeLast() }
        // The key sorts strictly after the last item returned.
        return ContinueToken(resourceVersion: rv, startAfter: start)
    }

    /// Whether Go's `path.Clean` leaves `path` (which starts with "/") as it is.
    static func isCleanPath(_ path: String) -> Bool {
        guard path != "/" else { return true }
        return !path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }
}
