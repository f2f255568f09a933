import Foundation
import KubeCore

extension APIServer {
    enum WriteOperation {
        case create
        case update
        case patch
        case apply
    }

    /// The result of a write before it is persisted.
    struct Proposed {
        var object: JSON
        /// Set when server-side apply already computed ownership.
        var managedFields: [ManagedFieldsEntry]? = nil
        var warnings: [String] = []
    }

    // MARK: - Body decoding

    func decodeBody(_ request: APIRequest, resource: ResourceType) throws -> JSON {
        let contentType = (request.headers["content-type"] ?? "application/json")
            .split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? "application/json"
        let text = String(decoding: request.body, as: UTF8.self)
        switch contentType {
        case "application/json", "":
            do {
                return try JSON.parse(request.body)
            } catch {
                let snippet = text.count > 50 ? String(text.prefix(50)) + "..." : text
                throw APIError.badRequest("the object provided is unrecognized (must be of type \(resource.kind)): couldn't get version/kind; json parse error: \(error.message) (\(snippet))")
            }
        case "application/yaml":
            do {
                return try JSON.parseYAML(text)
            } catch {
                throw APIError.badRequest("the object provided is unrecognized (must be of type \(resource.kind)): \(error.message)")
            }
        case Self.protobufMediaType:
            return try decodeProtobufBody(request, resource: resource)
        default:
            throw APIError.unsupportedMediaType(["application/json", "application/yaml", Self.protobufMediaType])
        }
    }

    /// Checks the body's apiVersion/kind against the endpoint, filling them when absent.
    func checkTypeMeta(_ object: inout JSON, resource: ResourceType) throws {
        guard object.objectValue != nil else {
            throw APIError.badRequest("the object provided is unrecognized (must be of type \(resource.kind)): couldn't get version/kind; json parse error: json: cannot unmarshal \(object.typeName) into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }")
        }
        let kind = object["kind"]?.stringValue ?? ""
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        if !kind.isEmpty, kind != resource.kind {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(resource.apiVersion))".replacingOccurrences(of: "API version in the data", with: "kind in the data (\(kind)) / API version in the data"))
        }
        if !apiVersion.isEmpty, apiVersion != resource.apiVersion {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(resource.apiVersion))")
        }
        object["apiVersion"] = .string(resource.apiVersion)
        object["kind"] = .string(resource.kind)
        if object["metadata"]?.objectValue == nil { object["metadata"] = [:] }
    }

    // MARK: - Verbs

    func create(_ request: APIRequest, target: ResourceTarget) throws -> APIResponse {
        let resource = target.resource
        var object = try decodeBody(request, resource: resource)
        try checkTypeMeta(&object, resource: resource)
        if resource.group == "events.k8s.io" { object = EventConversion.toCore(object) }
        if let ns = object[path: ["metadata", "namespace"]]?.stringValue, !ns.isEmpty, resource.namespaced,
           let urlNamespace = target.namespace, ns != urlNamespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        if let rv = object[path: ["metadata", "resourceVersion"]]?.stringValue, !rv.isEmpty {
            throw APIError(code: 500, reason: "", message: "resourceVersion should not be set on objects to be created")
        }
        if object[path: ["metadata", "managedFields"]] != nil {
            object[path: ["metadata", "managedFields"]] = nil
        }
        return try write(request, target: target, name: nil, operation: .create) { _ in Proposed(object: object) }
    }

    func update(_ request: APIRequest, target: ResourceTarget, name: String) throws -> APIResponse {
        let resource = target.resource
        var object = try decodeBody(request, resource: resource)
        try checkTypeMeta(&object, resource: resource)
        if resource.group == "events.k8s.io" { object = EventConversion.toCore(object) }
        if let bodyName = object[path: ["metadata", "name"]]?.stringValue, !bodyName.isEmpty, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        return try write(request, target: target, name: name, operation: .update) { current in
            guard let current else {
                throw APIError.notFound(resource: resource.plural, group: resource.group, name: name)
            }
            let rv = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            if rv.isEmpty {
                if !resource.isBuiltin {
                    throw APIError(code: 422, reason: "Invalid",
                                   message: "\(resource.qualifiedResource) \"\(name)\" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update",
                                   details: APIError.details(name: name, group: resource.group, kind: resource.plural, causes: [
                                       ["reason": "FieldValueInvalid", "message": "Invalid value: 0: must be specified for an update",
                                        "field": "metadata.resourceVersion"]]))
                }
            } else if rv != current[path: ["metadata", "resourceVersion"]]?.stringValue {
                throw APIError.conflict(resource: resource.plural, group: resource.group, name: name)
            }
            return Proposed(object: object)
        }
    }

    func patch(_ request: APIRequest, target: ResourceTarget, name: String) throws -> APIResponse {
        let resource = target.resource
        let contentType = (request.headers["content-type"] ?? "")
            .split(separator: ";").first.map { String($0).trimmingSpaces.lowercased() } ?? ""
        var accepted = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]
        if resource.isBuiltin { accepted.insert("application/strategic-merge-patch+json", at: 2) }
        guard accepted.contains(contentType) || (contentType == "application/apply-patch+cbor" && false) else {
            throw APIError.unsupportedMediaType(accepted)
        }
        let force = isTrue(request.query["force"])
        if contentType == "application/apply-patch+yaml" {
            guard let manager = request.query["fieldManager"], !manager.isEmpty else {
                throw APIError(code: 422, reason: "Invalid",
                               message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                               details: ["group": "meta.k8s.io", "kind": "PatchOptions", "causes": [
                                   ["reason": "FieldValueRequired", "message": "Required value: is required for apply patch", "field": "fieldManager"]]])
            }
            return try applyPatch(request, target: target, name: name, manager: manager, force: force)
        }
        if force {
            throw APIError(code: 422, reason: "Invalid",
                           message: "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch",
                           details: ["group": "meta.k8s.io", "kind": "PatchOptions", "causes": [
                               ["reason": "FieldValueForbidden", "message": "Forbidden: may not be specified for non-apply patch", "field": "force"]]])
        }
        let patchBody: JSON
        do {
            patchBody = try JSON.parse(request.body)
        } catch {
            throw APIError.badRequest("error decoding patch: \(error.message)")
        }
        let mergeSchema = self.mergeSchema(resource)
        return try write(request, target: target, name: name, operation: .patch) { current in
            guard let current else {
                throw APIError.notFound(resource: resource.plural, group: resource.group, name: name)
            }
            let base = resource.group == "events.k8s.io" ? EventConversion.toEventsV1(current) : current
            var patched: JSON
            switch contentType {
            case "application/json-patch+json":
                do {
                    patched = try JSONPatch.apply(patchBody, to: base)
                } catch let error as PatchError where error.kind == .badRequest {
                    throw APIError.badRequest(error.message)
                } catch {
                    throw APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request", details: [:])
                }
            case "application/merge-patch+json":
                guard patchBody.objectValue != nil else {
                    throw APIError.badRequest("error decoding patch: json: cannot unmarshal \(patchBody.typeName) into Go value of type map[string]interface {}")
                }
                patched = MergePatch.apply(patchBody, to: base)
            default:
                do {
                    patched = try StrategicMergePatch.apply(patchBody, to: base, schema: mergeSchema)
                } catch let error as PatchError {
                    throw APIError(code: 422, reason: "Invalid", message: error.message, details: [:])
                }
            }
            if resource.group == "events.k8s.io" { patched = EventConversion.toCore(patched) }
            // A resourceVersion in the patch is a precondition.
            if let rv = patchBody[path: ["metadata", "resourceVersion"]]?.stringValue,
               rv != current[path: ["metadata", "resourceVersion"]]?.stringValue {
                throw APIError.conflict(resource: resource.plural, group: resource.group, name: name)
            }
            patched[path: ["metadata", "resourceVersion"]] = nil
            return Proposed(object: patched)
        }
    }

    /// An apply body: YAML, of which JSON is a subset. Clients send JSON (kubectl, client-go's
    /// `ApplyConfiguration`s, our operator; golden 043 records one), and a JSON object is read by
    /// the JSON parser: the same tree as the YAML parser makes, at a fraction of the cost (the
    /// YAML parser was 7 % of the server's CPU under a first-deploy burst). What the two parsers
    /// would read differently goes to the YAML parser, whose answers are the ones a client sees:
    /// anything the JSON parser refuses, an object that repeats a key, bytes that are not UTF-8
    /// and `\u` escapes of surrogates (JSON makes U+FFFD of those; YAML refuses them).
    static func applyConfiguration(_ body: [UInt8]) throws(YAMLError) -> JSON {
        if body.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{"),
           readsAlikeAsJSONAndYAML(body), let json = try? JSON.parseWithUniqueKeys(body) {
            return json
        }
        return try JSON.parseYAML(String(decoding: body, as: UTF8.self))
    }

    /// Valid UTF-8 with no `\u` escape that could name a surrogate (`\uD800`–`\uDFFF`). An
    /// escaped backslash before a `u` may make this say no to a body that would do: that body
    /// only takes the slower parser.
    static func readsAlikeAsJSONAndYAML(_ body: [UInt8]) -> Bool {
        guard String(validating: body, as: UTF8.self) != nil else { return false }
        var i = 0
        while i + 3 < body.count {
            if body[i] == UInt8(ascii: "\\"), body[i + 1] == UInt8(ascii: "u"),
               body[i + 2] | 0x20 == UInt8(ascii: "d"), (UInt8(ascii: "8")...UInt8(ascii: "f")).contains(body[i + 3] | 0x20) {
                return false
            }
            i += 1
        }
        return true
    }

    func applyPatch(_ request: APIRequest, target: ResourceTarget, name: String, manager: String, force: Bool) throws -> APIResponse {
        let resource = target.resource
        var config: JSON
        do {
            config = try Self.applyConfiguration(request.body)
        } catch {
            throw APIError.badRequest("error decoding YAML: \(error.message)")
        }
        guard config.objectValue != nil else {
            throw APIError.badRequest("error decoding YAML: the object is not a map")
        }
        if config[path: ["metadata", "managedFields"]] != nil {
            throw APIError.badRequest("metadata.managedFields must be nil")
        }
        let applied = config
        try checkTypeMeta(&config, resource: resource)
        if let bodyName = config[path: ["metadata", "name"]]?.stringValue, bodyName != name {
            throw APIError.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        config[path: ["metadata", "name"]] = .string(name)
        if resource.namespaced, let ns = target.namespace { config[path: ["metadata", "namespace"]] = .string(ns) }
        // structured-merge-diff types the applied object first: a field the schema does not
        // declare fails the request with a plain error, which the server answers with 500.
        if let undeclared = resource.custom?.processor?.undeclaredFields(config), !undeclared.isEmpty {
            throw APIError(code: 500, reason: "", message: UndeclaredFields.message(
                undeclared, namespace: applied[path: ["metadata", "namespace"]]?.stringValue ?? "",
                name: applied[path: ["metadata", "name"]]?.stringValue ?? "",
                group: resource.group, version: resource.version, kind: resource.kind))
        }
        let schema = mergeSchema(resource)
        let time = now()
        return try write(request, target: target, name: name, operation: .apply) { current in
            let live = current.map { resource.group == "events.k8s.io" ? EventConversion.toEventsV1($0) : $0 }
            let existing = (current?[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap(ManagedFieldsEntry.init(json:))
            do {
                var (object, managed) = try FieldManager.apply(
                    live: live, config: config, managedFields: existing, manager: manager,
                    apiVersion: resource.apiVersion, force: force, subresource: target.subresource, time: time,
                    schema: schema, statusIsSubresource: resource.hasStatus)
                if resource.group == "events.k8s.io" { object = EventConversion.toCore(object) }
                if let rv = config[path: ["metadata", "resourceVersion"]]?.stringValue, let current,
                   rv != current[path: ["metadata", "resourceVersion"]]?.stringValue {
                    throw APIError.conflict(resource: resource.plural, group: resource.group, name: name)
                }
                object[path: ["metadata", "resourceVersion"]] = nil
                return Proposed(object: object, managedFields: managed)
            } catch let conflict as ApplyConflict {
                let causes: [JSON] = conflict.conflicts.map {
                    ["reason": "FieldManagerConflict", "message": .string($0.causeMessage), "field": .string($0.field)]
                }
                throw APIError(code: 409, reason: "Conflict", message: conflict.message, details: ["causes": .array(causes)])
            }
        }
    }

    func mergeSchema(_ resource: ResourceType) -> MergeSchema {
        resource.custom?.processor?.mergeSchema ?? MergeSchema.builtin(group: resource.group, kind: resource.kind)
    }

    // MARK: - The shared write path

    /// Reads the current object, lets `propose` build the new one, runs admission (system
    /// metadata, status split, defaulting, validation, generation, managedFields) and persists —
    /// all under the store's lock, so concurrent writers serialise like etcd transactions.
    func write(_ request: APIRequest, target: ResourceTarget, name: String?, operation: WriteOperation,
               propose: (JSON?) throws -> Proposed) throws -> APIResponse {
        let resource = target.resource
        let dryRun = request.query["dryRun"] == "All"
        if let dr = request.query["dryRun"], !dr.isEmpty, dr != "All" {
            throw APIError.badRequest("Invalid dry run value: \(dr)")
        }
        let validation = request.query["fieldValidation"] ?? "Warn"
        let manager = self.manager(request)
        let time = now()
        let subresource = target.subresource
        var afterCommit: [() -> Void] = []

        let response: APIResponse = try store.withState { state in
            let namespace = resource.namespaced ? (target.namespace ?? "") : ""
            let currentStored = name.map { state.get(resource.storageKey, ObjectKey(namespace: namespace, name: $0)) } ?? nil
            let current = currentStored?.object
            let isCreate = current == nil
            if isCreate, operation == .update || operation == .patch {
                throw APIError.notFound(resource: resource.plural, group: resource.group, name: name ?? "")
            }
            if isCreate, subresource != nil {
                throw APIError.notFound(resource: resource.plural, group: resource.group, name: name ?? "")
            }
            var proposed = try propose(current)
            var object = proposed.object
            if object.objectValue == nil { throw APIError.badRequest("the object is not a map") }
            object["apiVersion"] = .string(resource.apiVersion)
            object["kind"] = .string(resource.kind)

            // Names and namespaces.
            if isCreate {
                if resource.namespaced {
                    guard !namespace.isEmpty else { throw APIError.badRequest("the server could not find the requested resource") }
                    try checkNamespaceAcceptsContent(state, namespace: namespace, resource: resource,
                                                     name: object[path: ["metadata", "name"]]?.stringValue ?? "")
                    object[path: ["metadata", "namespace"]] = .string(namespace)
                } else {
                    object[path: ["metadata", "namespace"]] = nil
                }
                var objectName = object[path: ["metadata", "name"]]?.stringValue ?? ""
                if objectName.isEmpty, let prefix = object[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty {
                    repeat {
                        objectName = String(prefix.prefix(58)) + Self.randomSuffix()
                    } while state.get(resource.storageKey, ObjectKey(namespace: namespace, name: objectName)) != nil
                    object[path: ["metadata", "name"]] = .string(objectName)
                }
                if objectName.isEmpty {
                    throw APIError.invalid(kind: resource.kind, group: resource.group, name: "",
                                           errors: [.required("metadata.name", "name or generateName is required")])
                }
                if state.get(resource.storageKey, ObjectKey(namespace: namespace, name: objectName)) != nil {
                    throw APIError.alreadyExists(resource: resource.plural, group: resource.group, name: objectName)
                }
            }
            let objectName = object[path: ["metadata", "name"]]?.stringValue ?? ""
            let key = ObjectKey(namespace: namespace, name: objectName)

            // Status split and system metadata.
            if let current {
                if subresource == "status" {
                    var merged = current
                    merged["status"] = object["status"]
                    // The Deployment status strategy keeps the new object's metadata except labels:
                    // the deployment controller writes `deployment.kubernetes.io/revision` through
                    // /status, so the annotation change bumps no generation.
                    if resource.group == "apps", resource.kind == "Deployment" {
                        merged[path: ["metadata", "annotations"]] = object[path: ["metadata", "annotations"]]
                    }
                    // Preconditions in the body still apply; everything but status comes from storage.
                    object = merged
                } else if resource.hasStatus {
                    object["status"] = current["status"]
                }
                for field in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name"] {
                    object[path: ["metadata", field]] = current[path: ["metadata", field]]
                }
                if let uid = proposed.object[path: ["metadata", "uid"]]?.stringValue, !uid.isEmpty,
                   uid != current[path: ["metadata", "uid"]]?.stringValue {
                    throw APIError.invalid(kind: resource.kind, group: resource.group, name: objectName,
                                           errors: [.invalid("metadata.uid", .string(uid), "field is immutable")])
                }
            } else {
                if resource.hasStatus, resource.custom != nil || resource.kind != "Namespace" {
                    object["status"] = nil
                }
                object[path: ["metadata", "uid"]] = .string(UUID().uuidString.lowercased())
                object[path: ["metadata", "creationTimestamp"]] = .string(time)
                object[path: ["metadata", "deletionTimestamp"]] = nil
                object[path: ["metadata", "deletionGracePeriodSeconds"]] = nil
                if Self.tracksGeneration(resource) { object[path: ["metadata", "generation"]] = 1 }
                else { object[path: ["metadata", "generation"]] = nil }
            }
            object[path: ["metadata", "resourceVersion"]] = current?[path: ["metadata", "resourceVersion"]]
            object[path: ["metadata", "selfLink"]] = nil
            Self.dropEmptyMetadataMaps(&object)

            // Defaulting, pruning and validation.
            var errors: [FieldError] = metadataErrors(object, current: current, resource: resource)
            // The object as the field manager sees it: after decoding's defaults, before what the
            // strategy, allocation and admission add (nobody owns those).
            var ownedBasis: JSON? = nil
            if let processor = resource.custom?.processor {
                let unknown = processor.prune(&object)
                if !unknown.isEmpty {
                    if validation == "Strict" {
                        throw APIError.badRequest("\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): strict decoding error: " + unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", "))
                    }
                    if validation != "Ignore" { proposed.warnings += unknown.map { "unknown field \"\($0)\"" } }
                }
                processor.applyDefaults(&object)
                if errors.isEmpty { errors += processor.validate(object, current) }
            } else {
                BuiltinAdmission.applyDefaults(&object, resource: resource, isCreate: isCreate)
                ownedBasis = object
                BuiltinAdmission.completeAfterFieldManager(&object, old: current, resource: resource, isCreate: isCreate)
                if errors.isEmpty { errors += BuiltinAdmission.validate(object, old: current, resource: resource) }
            }
            if resource.kind == "CustomResourceDefinition", errors.isEmpty {
                errors += CustomResourceDefinitions.validate(object)
            }
            if !errors.isEmpty {
                // events.k8s.io Events are validated by the core Event registry, whose errors name
                // the core kind (golden 081: `Event "bad" is invalid`, no group).
                let group = resource.storageKey == "events" ? "" : resource.group
                throw APIError.invalid(kind: resource.kind, group: group, name: objectName, errors: errors)
            }

            // Generation rises when the spec (anything but metadata and status) changes.
            if let current, Self.tracksGeneration(resource) {
                var a = object, b = current
                a["metadata"] = nil; a["status"] = nil
                b["metadata"] = nil; b["status"] = nil
                var changed = a != b
                if resource.kind == "Deployment", subresource != "status",
                   object[path: ["metadata", "annotations"]] != current[path: ["metadata", "annotations"]] {
                    changed = true
                }
                if changed {
                    object[path: ["metadata", "generation"]] = .int((current[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
                }
            }

            // Field ownership.
            let existingManaged = (current?[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap(ManagedFieldsEntry.init(json:))
            // An events.k8s.io write is tracked in the fields it was written in, kept as written
            // even where the core API shows the Event (goldens 080, 082, 123).
            let eventsAPI = resource.group == "events.k8s.io"
            let trackedOld = eventsAPI ? current.map(EventConversion.toEventsV1) : current
            let trackedNew = eventsAPI ? EventConversion.toEventsV1(ownedBasis ?? object) : (ownedBasis ?? object)
            let managed = proposed.managedFields ?? FieldManager.update(
                old: trackedOld, new: trackedNew, managedFields: existingManaged, manager: manager,
                apiVersion: resource.apiVersion, subresource: subresource, time: time,
                schema: mergeSchema(resource), statusIsSubresource: resource.hasStatus)
            object[path: ["metadata", "managedFields"]] = managed.isEmpty ? nil : .array(managed.map(\.json))

            var headers: [(String, String)] = [("Content-Type", "application/json")]
            for warning in proposed.warnings {
                headers.append(("Warning", "299 - \(JSON.string(warning).serializedString())"))
            }

            // A write that changes nothing (managedFields included: a new owner is a change) keeps
            // the resourceVersion and emits no event.
            if let current, let currentStored, Self.sameIgnoringResourceVersion(object, current) {
                return .full(status: 200, headers: headers, body: presentBytes(currentStored, as: resource))
            }

            // Finalizers emptied on an object being deleted: the object goes away.
            if current?[path: ["metadata", "deletionTimestamp"]] != nil,
               (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty {
                if dryRun { return .json(200, present(object, as: resource), headers: Array(headers.dropFirst())) }
                let removed = state.remove(resource.storageKey, key, finalState: object)
                afterCommit.append { [gcWakeup] in gcWakeup.wake() }
                return .full(status: 200, headers: headers, body: removed.map { presentBytes($0, as: resource) } ?? [])
            }

            if dryRun {
                return .json(isCreate ? 201 : 200, present(object, as: resource), headers: Array(headers.dropFirst()))
            }
            let stored = state.put(resource.storageKey, key, object)
            // kube-controller-manager's garbage collector deletes a dependent whose owner is gone
            // when it sees the write (a controller acting on a stale cache can re-create a child
            // just after its owner was deleted): a dangling owner reference wakes it, as a
            // deletion does.
            let owners = object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
            if owners.contains(where: { state.locate(uid: $0["uid"]?.stringValue ?? "") == nil }) {
                afterCommit.append { [gcWakeup] in gcWakeup.wake() }
            }
            if resource.kind == "CustomResourceDefinition" {
                let crd = stored.object
                afterCommit.append { [self] in crdChanged(crd) }
            }
            return .full(status: isCreate ? 201 : 200, headers: headers, body: presentBytes(stored, as: resource))
        }
        for action in afterCommit { action() }
        return response
    }

    static func tracksGeneration(_ resource: ResourceType) -> Bool {
        if resource.custom != nil { return true }
        return ["Deployment", "Job", "Pod", "CustomResourceDefinition"].contains(resource.kind)
    }

    static func sameIgnoringResourceVersion(_ a: JSON, _ b: JSON) -> Bool {
        var a = a, b = b
        a[path: ["metadata", "resourceVersion"]] = nil
        b[path: ["metadata", "resourceVersion"]] = nil
        return a == b
    }

    /// Empty label/annotation maps and finalizer lists are not stored (Go's omitempty).
    static func dropEmptyMetadataMaps(_ object: inout JSON) {
        for field in ["labels", "annotations"] where object[path: ["metadata", field]]?.objectValue?.isEmpty == true {
            object[path: ["metadata", field]] = nil
        }
        for field in ["finalizers", "ownerReferences"] where object[path: ["metadata", field]]?.arrayValue?.isEmpty == true {
            object[path: ["metadata", field]] = nil
        }
    }

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement()! })
    }

    func checkNamespaceAcceptsContent(_ state: ObjectStore.State, namespace: String, resource: ResourceType, name: String) throws {
        guard let ns = state.get("namespaces", ObjectKey(namespace: "", name: namespace)) else {
            throw APIError.notFound(resource: "namespaces", group: "", name: namespace)
        }
        if ns.object[path: ["metadata", "deletionTimestamp"]] != nil || ns.object[path: ["status", "phase"]]?.stringValue == "Terminating" {
            throw APIError.forbidden(resource: resource.plural, group: resource.group, name: name,
                                     detail: "unable to create new content in namespace \(namespace) because it is being terminated",
                                     causes: [["reason": "NamespaceTerminating",
                                               "message": .string("namespace \(namespace) is being terminated"),
                                               "field": "metadata.namespace"]])
        }
    }

    /// Validation of metadata every kind shares: name syntax, labels, finalizers during deletion,
    /// owner references.
    func metadataErrors(_ object: JSON, current: JSON?, resource: ResourceType) -> [FieldError] {
        var errors: [FieldError] = []
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if current == nil, resource.kind != "Event" {
            let isLabel = resource.kind == "Namespace"
            if !Names.isDNSSubdomain(name) || (isLabel && !Names.isDNSLabel(name)) {
                errors.append(.invalid("metadata.name", .string(name), isLabel ? Names.labelMessage : Names.subdomainMessage))
            }
        }
        for (key, value) in object[path: ["metadata", "labels"]]?.objectValue ?? [:] {
            if (try? LabelSelector.validateKey(key)) == nil {
                errors.append(.invalid("metadata.labels", .string(key), "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"))
            }
            // apimachinery's IsValidLabelValue: one error per broken rule, the length first. No
            // recorded exchange pins the long-value message; it is validation.MaxLenError's.
            let text = value.stringValue ?? ""
            if value.stringValue != nil, text.count > 63 {
                errors.append(.invalid("metadata.labels", value, "must be no more than 63 characters"))
            }
            if value.stringValue == nil || (!text.isEmpty && !LabelSelector.matchesNamePartPattern(text)) {
                errors.append(.invalid("metadata.labels", value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"))
            }
        }
        if let current, current[path: ["metadata", "deletionTimestamp"]] != nil {
            let old = Set((current[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue))
            let new = (object[path: ["metadata", "finalizers"]]?.arrayValue ?? []).compactMap(\.stringValue)
            let added = new.filter { !old.contains($0) }
            if !added.isEmpty {
                // Twice: the real server validates a metadata update once for every kind
                // (rest.BeforeUpdate) and once more in the kind's own ValidateUpdate (golden 065).
                let error = FieldError.forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted, found new finalizers []string{" + added.map { "\"\($0)\"" }.joined(separator: ", ") + "}")
                errors += [error, error]
            }
        }
        let owners = object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
        var controllers = 0
        for (i, owner) in owners.enumerated() {
            for field in ["apiVersion", "kind", "name", "uid"] where (owner[field]?.stringValue ?? "").isEmpty {
                errors.append(.invalid("metadata.ownerReferences[\(i)].\(field)", .string(""), "\(field) must not be empty"))
            }
            if owner["controller"]?.boolValue == true { controllers += 1 }
        }
        if controllers > 1 {
            errors.append(.invalid("metadata.ownerReferences", .array(owners), "Only one reference can have Controller set to true. Found \"true\" in references for \(owners.filter { $0["controller"]?.boolValue == true }.map { "\($0["kind"]?.stringValue ?? "")/\($0["name"]?.stringValue ?? "")" }.joined(separator: " and "))"))
        }
        return errors
    }
}

/// DNS name rules of the API.
enum Names {
    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    static func isDNSLabel(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 63, let f = s.utf8.first, let l = s.utf8.last else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
        return alnum(f) && alnum(l) && s.utf8.allSatisfy { alnum($0) || $0 == 45 }
    }

    static func isDNSSubdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
    }
}
