import Foundation
import KubeCore

/// The verbs on one resource (in one namespace, or across all): get, list, watch, create,
/// update, patch, delete, and the status subresource. One implementation serves typed kinds
/// (`Object` = a `KubeResource`) and dynamic ones (`Object` = `JSON`) through its two coders.
public struct ResourceClient<Object: Sendable>: Sendable {
    public let client: KubeClient
    public let resource: ResourceInfo
    /// nil: all namespaces (lists and watches) or a cluster-scoped kind.
    public let namespace: String?
    let decodeObject: @Sendable ([UInt8]) throws -> Object
    /// A list's body, parsed with or without its items' managedFields (`dropsManagedFields`).
    let decodeListBody: @Sendable ([UInt8], _ dropsManagedFields: Bool) throws -> ObjectList<Object>
    let encodeObject: @Sendable (Object) throws -> [UInt8]
    let fromJSON: @Sendable (JSON) throws -> Object
    /// Typed kinds: the tree a watched object is read from, as `fromJSON` reads it (with the
    /// kind's apiVersion and kind where the event leaves them out). `watchWithSources` hands it
    /// over beside the object. nil for dynamic kinds, whose object is the tree.
    var watchSource: (@Sendable (JSON) -> JSON)? = nil
    /// Lists and watches skip the objects' `metadata.managedFields` while parsing (they come
    /// back without them): for a reader that drops them anyway, as an informer's cache does.
    /// Gets and writes are not affected. True from the start for typed clients, whose
    /// `ObjectMeta` has no place for them (their gets and writes skip them too).
    public var dropsManagedFields = false

    // MARK: Reads

    public func get(_ name: String) async throws(KubeError) -> Object {
        try decode(try await client.send("GET", resource.path(namespace: namespace, name: name)).body, decodeObject)
    }

    /// One page (`options.limit`/`continueToken`) or everything the server returns at once.
    public func list(_ options: ListOptions = ListOptions()) async throws(KubeError) -> ObjectList<Object> {
        try decodeList(body: try await client.send("GET", resource.path(namespace: namespace), query: options.query(watch: false)).body)
    }

    /// Every page, following continue tokens; the result carries the first page's resourceVersion.
    public func listAll(_ options: ListOptions = ListOptions(), pageSize: Int = 500) async throws(KubeError) -> ObjectList<Object> {
        var options = options
        options.limit = pageSize
        var page = try await list(options)
        var items = page.items
        var undecodable = page.undecodable
        let resourceVersion = page.resourceVersion
        while let next = page.continueToken, !next.isEmpty {
            options.continueToken = next
            page = try await list(options)
            items += page.items
            undecodable += page.undecodable
        }
        return ObjectList(items: items, resourceVersion: resourceVersion, continueToken: nil, remainingItemCount: nil,
                          undecodable: undecodable)
    }

    /// A list answer's body as `list` reads it: for tools that have the bytes already (a
    /// benchmark, a recorded exchange).
    public func decodeList(body: [UInt8]) throws(KubeError) -> ObjectList<Object> {
        try decode(body) { try decodeListBody($0, dropsManagedFields) }
    }

    /// Events as their lines arrive. The stream ends when the server ends the watch
    /// (timeoutSeconds) and throws `KubeError` for an ERROR event (410: relist) or a broken or
    /// silent connection. An object our type cannot represent arrives as `.undecodable` and the
    /// watch goes on. Cancelling the consuming task aborts the transfer.
    public func watch(_ options: ListOptions = ListOptions()) -> AsyncThrowingStream<WatchEvent<Object>, any Error> {
        events(options) { $0.event }
    }

    /// `watch`, each event with the tree its object was read from (typed kinds): a cache that
    /// packs trees packs that one instead of writing the typed object out again.
    public func watchWithSources(_ options: ListOptions = ListOptions()) -> AsyncThrowingStream<SourcedWatchEvent<Object>, any Error> {
        events(options) { $0 }
    }

    private func events<Element: Sendable>(_ options: ListOptions,
                                           _ element: @escaping @Sendable (SourcedWatchEvent<Object>) -> Element) -> AsyncThrowingStream<Element, any Error> {
        let client = self.client
        let path = resource.path(namespace: namespace)
        let fromJSON = self.fromJSON
        let watchSource = self.watchSource
        let kind = resource.kind
        let dropsManagedFields = self.dropsManagedFields
        return AsyncThrowingStream { continuation in
            let task = Task {
                func decode(_ line: ArraySlice<UInt8>) throws(KubeError) -> Element {
                    element(try WatchLineDecoder.decode(line, kind: kind, object: fromJSON, source: watchSource,
                                                        dropsManagedFields: dropsManagedFields))
                }
                do {
                    let response = try await client.stream(path, query: options.query(watch: true))
                    var splitter = LineSplitter()
                    for try await chunk in response.body {
                        for line in splitter.append(chunk) {
                            continuation.yield(try decode(line))
                        }
                    }
                    if let last = splitter.finish() {
                        continuation.yield(try decode(last))
                    }
                    continuation.finish()
                } catch let error as TransportError {
                    continuation.finish(throwing: KubeError.transport(error))
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: Writes

    public func create(_ object: Object, options: WriteOptions = WriteOptions()) async throws(KubeError) -> Object {
        let body = try encode(object)
        return try decode(try await client.send("POST", resource.path(namespace: namespace), query: options.query(),
                                                body: body, contentType: "application/json").body, decodeObject)
    }

    /// PUT: replaces the object (its metadata.resourceVersion is the precondition).
    public func update(_ object: Object, name: String, options: WriteOptions = WriteOptions()) async throws(KubeError) -> Object {
        try await put(object, name: name, subresource: nil, options: options)
    }

    public func updateStatus(_ object: Object, name: String, options: WriteOptions = WriteOptions()) async throws(KubeError) -> Object {
        try await put(object, name: name, subresource: "status", options: options)
    }

    /// A status write whose answer is read for its metadata only (the resourceVersion it made),
    /// for a writer that keeps no copy of what it wrote, as `StatusWriter`: reading the whole
    /// typed object back was 4 % of the operator's CPU on a burst of 1,000 first versions. The
    /// answer is still parsed whole, so a body that is not JSON is still a decoding error.
    public func updateStatusMetadata(_ object: Object, name: String, options: WriteOptions = WriteOptions()) async throws(KubeError) -> ObjectMeta {
        try await put(object, name: name, subresource: "status", options: options) { bytes in
            try (JSON.parse(bytes, droppingManagedFieldsOf: .document)["metadata"] ?? .null).decodeTree(as: ObjectMeta.self)
        }
    }

    public func patch(_ name: String, _ patch: Patch, options: WriteOptions = WriteOptions()) async throws(KubeError) -> Object {
        try await sendPatch(name, patch, subresource: nil, options: options)
    }

    public func patchStatus(_ name: String, _ patch: Patch, options: WriteOptions = WriteOptions()) async throws(KubeError) -> Object {
        try await sendPatch(name, patch, subresource: "status", options: options)
    }

    /// Server-side apply of `object` as `fieldManager`.
    public func apply(_ object: Object, name: String, fieldManager: String, force: Bool = false,
                      subresource: String? = nil, dryRun: Bool = false) async throws(KubeError) -> Object {
        let body = try encode(object)
        return try await sendPatch(name, .apply(body), subresource: subresource,
                               options: WriteOptions(fieldManager: fieldManager, force: force, dryRun: dryRun))
    }

    /// DELETE. Returns the object when deletion is pending (finalizers), nil when it is gone.
    @discardableResult
    public func delete(_ name: String, options: DeleteOptions = DeleteOptions()) async throws(KubeError) -> Object? {
        var body: JSON = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let propagation = options.propagation { body["propagationPolicy"] = .string(propagation.rawValue) }
        if let uid = options.preconditionUID { body[path: ["preconditions", "uid"]] = .string(uid) }
        if let rv = options.preconditionResourceVersion { body[path: ["preconditions", "resourceVersion"]] = .string(rv) }
        if let grace = options.gracePeriodSeconds { body["gracePeriodSeconds"] = .int(Int64(grace)) }
        if options.dryRun { body["dryRun"] = ["All"] }
        let response = try await client.send("DELETE", resource.path(namespace: namespace, name: name),
                                             body: body.serialized(), contentType: "application/json")
        if let json = try? JSON.parse(response.body), json["kind"]?.stringValue == "Status" { return nil }
        return try decode(response.body, decodeObject)
    }

    // MARK: Helpers

    private func put(_ object: Object, name: String, subresource: String?, options: WriteOptions) async throws(KubeError) -> Object {
        try await put(object, name: name, subresource: subresource, options: options, answer: decodeObject)
    }

    /// A PUT whose answer is read by `answer`.
    private func put<T>(_ object: Object, name: String, subresource: String?, options: WriteOptions,
                        answer: ([UInt8]) throws -> T) async throws(KubeError) -> T {
        let body = try encode(object)
        return try decode(try await client.send("PUT", resource.path(namespace: namespace, name: name, subresource: subresource),
                                                query: options.query(), body: body, contentType: "application/json").body, answer)
    }

    private func sendPatch(_ name: String, _ patch: Patch, subresource: String?, options: WriteOptions) async throws(KubeError) -> Object {
        try decode(try await client.send("PATCH", resource.path(namespace: namespace, name: name, subresource: subresource),
                                         query: options.query(), body: patch.body, contentType: patch.contentType).body, decodeObject)
    }

    private func encode(_ object: Object) throws(KubeError) -> [UInt8] {
        do {
            return try encodeObject(object)
        } catch {
            throw KubeError.decoding("cannot encode \(resource.kind): \(error)")
        }
    }

    private func decode<T>(_ bytes: [UInt8], _ decoder: ([UInt8]) throws -> T) throws(KubeError) -> T {
        do {
            return try decoder(bytes)
        } catch {
            throw KubeError.decoding("\(resource.kind): \(error)")
        }
    }
}

/// A page of a list.
public struct ObjectList<Object: Sendable>: Sendable {
    public var items: [Object]
    public var resourceVersion: String
    public var continueToken: String?
    public var remainingItemCount: Int?
    /// Items our type could not represent, left out of `items` (the caller reports them).
    public var undecodable: [UndecodableObject] = []
    /// Typed lists: the tree each item was read from, in the order of `items`. A cache that
    /// packs objects as trees (`ObjectPacking.packSource`) packs these instead of writing each
    /// item out again: that writing was a tenth of the operator's CPU while it listed.
    public var sources: [JSON]? = nil
}

extension KubeClient {
    /// Verbs on a typed kind; `namespace` nil means all namespaces (or a cluster-scoped kind).
    ///
    /// Liberal in what it accepts: apiVersion and kind are never required of an object (the
    /// server leaves them out of built-in kinds' list items; they are filled from `K`), and a list
    /// item that does not decode is left out and named in `ObjectList.undecodable` instead of
    /// failing the whole list.
    public func resource<K: KubeResource>(_ type: K.Type, namespace: String? = nil) -> ResourceClient<K> {
        var resource = ResourceClient(
            client: self, resource: ResourceInfo(K.self), namespace: K.namespaced ? namespace : nil,
            // One object (a get, or the answer to a write) is read the way list items are: parsed
            // into a tree, then read from it. Foundation's coders took a tenth of the operator's
            // CPU on 1,000 first versions, most of it in the answers to status writes.
            // managedFields are skipped while parsing: `ObjectMeta` has no place for them.
            decodeObject: {
                try JSON.parse($0, droppingManagedFieldsOf: .document).withTypeMeta(apiVersion: K.apiVersion, kind: K.kind).decodeTree(as: K.self)
            },
            decodeListBody: { bytes, dropsManagedFields in
                // Parsed once into a tree, each item then read from its subtree (`JSONTreeDecoder`):
                // half the work of Foundation's coders on a list of typed objects, and a `JSON`
                // field (a pod template) is taken whole instead of rebuilt by trial.
                let list = try dropsManagedFields ? JSON.parse(bytes, droppingManagedFieldsOf: .listItems) : JSON.parse(bytes)
                let elements = list["items"]?.arrayValue ?? []
                var items: [K] = []
                var sources: [JSON] = []
                var undecodable: [UndecodableObject] = []
                items.reserveCapacity(elements.count)
                sources.reserveCapacity(elements.count)
                for element in elements {
                    do {
                        let source = element.withTypeMeta(apiVersion: K.apiVersion, kind: K.kind)
                        items.append(try source.decodeTree(as: K.self))
                        sources.append(source)
                    } catch {
                        let identity = ObjectIdentity(json: element)
                        undecodable.append(UndecodableObject(
                            kind: K.kind, namespace: identity.metadata?.namespace ?? "", name: identity.metadata?.name ?? "",
                            resourceVersion: identity.metadata?.resourceVersion ?? "", reason: UndecodableObject.reason(error)))
                    }
                }
                return ObjectList(items: items, resourceVersion: list[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
                                  continueToken: list[path: ["metadata", "continue"]]?.stringValue,
                                  remainingItemCount: list[path: ["metadata", "remainingItemCount"]]?.intValue.map { Int($0) },
                                  undecodable: undecodable, sources: sources)
            },
            encodeObject: { try JSON(treeEncoding: $0).serialized() },
            fromJSON: { try $0.withTypeMeta(apiVersion: K.apiVersion, kind: K.kind).decodeTree(as: K.self) })
        resource.watchSource = { $0.withTypeMeta(apiVersion: K.apiVersion, kind: K.kind) }
        resource.dropsManagedFields = true
        return resource
    }

    /// Verbs on any resource, with objects as `JSON`. List items without apiVersion and kind get
    /// the list's (its kind without `List`), as client-go's unstructured lists do.
    public func dynamic(_ resource: ResourceInfo, namespace: String? = nil) -> ResourceClient<JSON> {
        ResourceClient(
            client: self, resource: resource, namespace: resource.namespaced ? namespace : nil,
            decodeObject: { try JSON.parse($0) },
            decodeListBody: { bytes, dropsManagedFields in
                let list = try dropsManagedFields ? JSON.parse(bytes, droppingManagedFieldsOf: .listItems) : JSON.parse(bytes)
                var items = list["items"]?.arrayValue ?? []
                if let apiVersion = list["apiVersion"]?.stringValue, let listKind = list["kind"]?.stringValue {
                    let kind = listKind.hasSuffix("List") ? String(listKind.dropLast(4)) : listKind
                    for i in items.indices where items[i]["apiVersion"] == nil && items[i]["kind"] == nil {
                        items[i] = items[i].withTypeMeta(apiVersion: apiVersion, kind: kind)
                    }
                }
                return ObjectList(items: items,
                                  resourceVersion: list[path: ["metadata", "resourceVersion"]]?.stringValue ?? "",
                                  continueToken: list[path: ["metadata", "continue"]]?.stringValue,
                                  remainingItemCount: list[path: ["metadata", "remainingItemCount"]]?.intValue.map { Int($0) })
            },
            encodeObject: { $0.serialized() },
            fromJSON: { $0 })
    }
}

extension JSON {
    /// The object with apiVersion and kind set where it has none.
    func withTypeMeta(apiVersion: String, kind: String) -> JSON {
        guard case var .object(members) = self else { return self }
        if members["apiVersion"]?.stringValue == nil { members["apiVersion"] = .string(apiVersion) }
        if members["kind"]?.stringValue == nil { members["kind"] = .string(kind) }
        return .object(members)
    }
}
