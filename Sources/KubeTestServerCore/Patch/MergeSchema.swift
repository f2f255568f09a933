import KubeCore

/// How lists and maps of one kind merge: the `x-kubernetes-list-type` / `list-map-keys` /
/// `map-type` markers of a CRD's structural schema, or, for built-in kinds, the SSA list types
/// and SMP `patchMergeKey`/`patchStrategy` tags of the Go types (see `builtin(group:kind:)`).
public struct MergeSchema: Sendable {
    public var root: SchemaNode
    /// The object kube-apiserver compares a create against: the zero value of the Go type, whose
    /// non-`omitempty` members (`spec.template`, `containers: null`, ...) already exist and so are
    /// not recorded as added by the creating manager (no `"."` for them in its fieldsV1).
    public var emptyObject: JSON

    public init(root: SchemaNode, emptyObject: JSON = [:]) {
        self.root = root
        self.emptyObject = emptyObject
    }

    /// A CRD's merge schema from its version's `openAPIV3Schema`. `metadata` always gets the
    /// ObjectMeta shape (finalizers a set, ownerReferences keyed by uid), whatever the CRD says.
    public init(openAPIV3Schema: JSON) {
        var root = Self.node(from: openAPIV3Schema)
        if case var .map(m) = root {
            m.fields["metadata"] = Self.objectMeta
            m.fields["apiVersion"] = .scalar
            m.fields["kind"] = .scalar
            root = .map(m)
        } else {
            root = .map(MapSchema(fields: ["metadata": Self.objectMeta, "apiVersion": .scalar, "kind": .scalar],
                                  elements: .deduced, elementsAreFields: false))
        }
        self.init(root: root)
    }

    /// Everything atomic lists and granular maps, for kinds with no schema at all.
    public static let unstructured = MergeSchema(
        root: .map(MapSchema(fields: ["metadata": objectMeta], elements: .deduced, elementsAreFields: false)))

    /// One structural-schema node. Unmarked lists are atomic, as the apiextensions server treats them.
    static func node(from schema: JSON) -> SchemaNode {
        let type = schema["type"]?.stringValue
        let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        if schema["x-kubernetes-int-or-string"]?.boolValue == true { return .scalar }
        if type == "array" {
            let items = schema["items"].map(node(from:)) ?? .deduced
            switch schema["x-kubernetes-list-type"]?.stringValue {
            case "set":
                return .list(ListSchema(kind: .set, element: items))
            case "map":
                let keys = schema["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
                var defaults: [String: JSON] = [:]
                for key in keys {
                    if let d = schema["items"]?["properties"]?[key]?["default"] { defaults[key] = d }
                }
                return .list(ListSchema(kind: .map(keys: keys), element: items, keyDefaults: defaults))
            default:
                return .list(ListSchema(kind: .atomic, element: items))
            }
        }
        let properties = schema["properties"]?.objectValue
        let additional = schema["additionalProperties"]
        if type == "object" || properties != nil || additional != nil || preserve {
            var fields: [String: SchemaNode] = [:]
            for (key, sub) in properties ?? [:] { fields[key] = node(from: sub) }
            var elements: SchemaNode = .deduced
            if let additional, additional.objectValue != nil { elements = node(from: additional) }
            let atomic = schema["x-kubernetes-map-type"]?.stringValue == "atomic"
            if preserve, properties == nil, additional == nil { return atomic ? .map(MapSchema(atomic: true)) : .deduced }
            return .map(MapSchema(fields: fields, elements: elements, elementsAreFields: false, atomic: atomic))
        }
        return .scalar
    }

    /// `metav1.ObjectMeta` as server-side apply sees it.
    public static let objectMeta: SchemaNode = .map(MapSchema(fields: [
        "labels": stringMap,
        "annotations": stringMap,
        "finalizers": .list(ListSchema(kind: .set, element: .scalar, patchMergesScalars: true)),
        "ownerReferences": .list(ListSchema(kind: .map(keys: ["uid"]), element: .loose, patchMergeKey: "uid")),
    ]))

    /// `map[string]string`: each key is an element, owned on its own.
    static let stringMap: SchemaNode = .map(MapSchema(elements: .scalar, elementsAreFields: false))
}
