import KubeCore

/// The fields of an applied object that its schema does not declare, as structured-merge-diff
/// finds them when server-side apply converts the patch to a typed value. A real server then
/// refuses the apply (500, "failed to create typed patch object (...): .spec.x: field not
/// declared in schema") where a create or update would only prune the field with a warning.
///
/// Paths are structured-merge-diff's: `.field`, `[3]` in atomic lists, `[name="web"]` in list
/// maps, `[="x"]` in sets. Objects that preserve unknown fields, `additionalProperties: true`
/// and int-or-string values accept anything below them.
enum UndeclaredFields {
    static func paths(_ object: JSON, schema: StructuralSchema) -> [String] {
        var out: [String] = []
        visit(object, schema, path: "", isResource: true, into: &out)
        return out
    }

    /// `failed to create typed patch object (<ns>/<name>; <group>/<version>, Kind=<kind>): ...`,
    /// one path inline, several as an indented list, as `ValidationErrors.Error()` joins them.
    static func message(_ paths: [String], namespace: String, name: String, group: String, version: String, kind: String) -> String {
        let errors = paths.map { "\($0): field not declared in schema" }
        let detail = errors.count == 1 ? errors[0] : (["errors:"] + errors.map { "  " + $0 }).joined(separator: "\n")
        return "failed to create typed patch object (\(namespace)/\(name); \(group)/\(version), Kind=\(kind)): \(detail)"
    }

    private static func visit(_ value: JSON, _ s: StructuralSchema, path: String, isResource: Bool, into out: inout [String]) {
        if s.intOrString { return }
        switch value {
        case let .object(fields):
            if let additional = s.additionalProperties?.schema {
                for key in fields.keys.sorted() {
                    visit(fields[key] ?? .null, additional, path: "\(path).\(key)", isResource: additional.embeddedResource, into: &out)
                }
                return
            }
            let open = s.preserveUnknownFields || { if case .allows(true)? = s.additionalProperties { return true }; return false }()
            for key in fields.keys.sorted() {
                let child = fields[key] ?? .null
                if isResource, key == "apiVersion" || key == "kind" { continue }
                if isResource, key == "metadata" {
                    visitObjectMeta(child, path: "\(path).metadata", into: &out)
                    continue
                }
                if let property = s.properties[key] {
                    visit(child, property, path: "\(path).\(key)", isResource: property.embeddedResource, into: &out)
                } else if !open {
                    out.append("\(path).\(key)")
                }
            }
        case let .array(items):
            guard let itemSchema = s.items else { return }
            for (i, item) in items.enumerated() {
                visit(item, itemSchema, path: path + element(item, index: i, s), isResource: itemSchema.embeddedResource, into: &out)
            }
        default:
            return
        }
    }

    private static func element(_ item: JSON, index: Int, _ list: StructuralSchema) -> String {
        switch list.listType {
        case "map":
            let keys = list.listMapKeys.sorted().compactMap { key in item[key].map { "\(key)=\($0.serializedString())" } }
            return "[" + keys.joined(separator: ",") + "]"
        case "set":
            return "[=\(item.serializedString())]"
        default:
            return "[\(index)]"
        }
    }

    /// `metav1.ObjectMeta`, which every resource's `metadata` is, whatever its schema says.
    private static let objectMetaFields: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ]
    private static let ownerReferenceFields: Set<String> = ["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"]

    private static func visitObjectMeta(_ value: JSON, path: String, into out: inout [String]) {
        guard case let .object(fields) = value else { return }
        for key in fields.keys.sorted() where !objectMetaFields.contains(key) {
            out.append("\(path).\(key)")
        }
        for reference in fields["ownerReferences"]?.arrayValue ?? [] {
            guard case let .object(r) = reference else { continue }
            let element = "[uid=\((r["uid"] ?? .null).serializedString())]"
            for key in r.keys.sorted() where !ownerReferenceFields.contains(key) {
                out.append("\(path).ownerReferences\(element).\(key)")
            }
        }
    }
}
