import KubeCore

/// Rebuilds the writes behind a recorded object from its managedFields: what each field
/// manager set is the object projected onto that manager's fieldsV1. The replay uses it to
/// create what the recorder created between exchanges, and to write what other actors
/// (kube-controller-manager, the recorder's kubelet) wrote, exactly as recorded.
enum RecordedObject {
    /// The managers of the main resource (no subresource) or of one subresource.
    static func managers(of object: JSON, subresource: String? = nil) -> [String] {
        entries(of: object, subresource: subresource).compactMap { $0["manager"]?.stringValue }
    }

    /// What the managers of the main resource (or of `subresource`) set: the object projected
    /// onto the union of their fieldsV1, with its identity (apiVersion, kind, name, namespace,
    /// generateName) added for the main resource.
    static func written(_ object: JSON, subresource: String? = nil) -> JSON {
        var result: JSON = [:]
        for entry in entries(of: object, subresource: subresource) {
            result = merged(result, project(object, onto: entry["fieldsV1"] ?? [:]))
        }
        if subresource == nil {
            for key in ["apiVersion", "kind"] { result[key] = object[key] }
            // A generated name is the server's: the creator sent only the prefix.
            let identity = object[path: ["metadata", "generateName"]] == nil ? ["name", "namespace"] : ["generateName", "namespace"]
            for key in identity {
                if let value = object[path: ["metadata", key]] { result[path: ["metadata", key]] = value }
            }
        }
        return result
    }

    private static func entries(of object: JSON, subresource: String?) -> [JSON] {
        (object[path: ["metadata", "managedFields"]]?.arrayValue ?? []).filter { $0["subresource"]?.stringValue == subresource }
    }

    /// `value` restricted to a fieldsV1 set (`f:` members, `k:` list-map entries, `v:` set
    /// elements); a leaf (`{}` or only `"."`) keeps the whole value.
    static func project(_ value: JSON, onto fields: JSON) -> JSON {
        guard let set = fields.objectValue, set.keys.contains(where: { $0 != "." }) else { return value }
        switch value {
        case let .object(members):
            var out: [String: JSON] = [:]
            for (key, sub) in set where key.hasPrefix("f:") {
                let name = String(key.dropFirst(2))
                if let member = members[name] { out[name] = project(member, onto: sub) }
            }
            return .object(out)
        case let .array(elements):
            return .array(elements.compactMap { element in
                for (key, sub) in set {
                    guard let selector = try? JSON.parse(String(key.dropFirst(2))) else { continue }
                    if key.hasPrefix("k:"), let fields = selector.objectValue, fields.allSatisfy({ element[$0.key] == $0.value }) {
                        return project(element, onto: sub)
                    }
                    if key.hasPrefix("v:"), selector == element { return element }
                }
                return nil
            })
        default:
            return value
        }
    }

    /// Objects merged member by member; anything else: `b`.
    static func merged(_ a: JSON, _ b: JSON) -> JSON {
        guard case var .object(left) = a, case let .object(right) = b else { return b }
        for (key, value) in right { left[key] = left[key].map { merged($0, value) } ?? value }
        return .object(left)
    }

    /// The JSON merge patch (RFC 7386) that turns `old` into `new`; nil when they are equal.
    static func mergePatch(from old: JSON, to new: JSON) -> JSON? {
        // Not `old == new ? nil : new`: JSON is ExpressibleByNilLiteral, so that nil is JSON.null.
        guard case let .object(o) = old, case let .object(n) = new else {
            if old == new { return nil }
            return new
        }
        var patch: [String: JSON] = [:]
        for (key, value) in n {
            if let previous = o[key] {
                if let change = mergePatch(from: previous, to: value) { patch[key] = change }
            } else {
                patch[key] = value
            }
        }
        for key in o.keys where n[key] == nil { patch[key] = .null }
        if patch.isEmpty { return nil }
        return .object(patch)
    }
}
