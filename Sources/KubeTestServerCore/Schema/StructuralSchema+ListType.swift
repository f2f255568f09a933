import KubeCore

/// How a list merges in patches and server-side apply (`x-kubernetes-list-type`).
public enum SchemaListType: Sendable, Equatable {
    /// Replaced as a whole (also the default for unmarked CRD lists).
    case atomic
    /// Scalars, merged by value.
    case set
    /// Objects, merged by the values of these keys.
    case map(keys: [String])
}

extension StructuralSchema {
    /// The schema at a path of property names / map keys from this node. A component written
    /// `[]` or `[<index>]` steps into list items: `["spec", "steps", "[]", "weight"]`.
    /// Nil when the schema does not specify that path.
    public func schema(at path: [String]) -> StructuralSchema? {
        var node = self
        for component in path {
            if component.hasPrefix("[") && component.hasSuffix("]") {
                guard let items = node.items else { return nil }
                node = items
            } else {
                guard let next = node.schema(forKey: component) else { return nil }
                node = next
            }
        }
        return node
    }

    /// The list type of the array at `path` (see ``schema(at:)``); nil if that is not a list
    /// the schema specifies. Unmarked lists are atomic, as for every CRD list.
    public func listType(at path: [String]) -> SchemaListType? {
        guard let node = schema(at: path), node.type == "array" else { return nil }
        switch node.listType {
        case "set": return .set
        case "map": return .map(keys: node.listMapKeys)
        default: return .atomic
        }
    }

    /// Whether the object at `path` is replaced as a whole (`x-kubernetes-map-type: atomic`, or
    /// an embedded resource's metadata does not count). Nil if the path is not an object.
    public func isAtomicMap(at path: [String]) -> Bool? {
        guard let node = schema(at: path), node.type == "object" else { return nil }
        return node.mapType == "atomic"
    }

    /// `listtype.ValidateListSetsAndMaps`: duplicates in set lists, duplicate keys in map lists.
    func listSetAndMapErrors(_ object: JSON) -> [FieldError] {
        Self.listErrors(object, schema: self, path: "")
    }

    private static func listErrors(_ value: JSON, schema s: StructuralSchema?, path: String) -> [FieldError] {
        guard let s else { return [] }
        var errs: [FieldError] = []
        switch value {
        case let .object(o):
            let keys = o.keys.sorted()
            if let additional = s.additionalProperties?.schema {
                for key in keys { errs += listErrors(o[key] ?? .null, schema: additional, path: SchemaFieldPath.key(path, key)) }
            }
            for key in keys {
                if let property = s.properties[key] {
                    errs += listErrors(o[key] ?? .null, schema: property, path: SchemaFieldPath.child(path, key))
                }
            }
        case let .array(items):
            switch s.listType {
            case "set":
                for i in duplicateIndices(items) {
                    errs.append(.init(reason: .duplicate, field: SchemaFieldPath.index(path, i),
                                      message: "Duplicate value: \(ValueRendering.render(items[i]))"))
                }
            case "map":
                errs += mapListErrors(items, keys: s.listMapKeys, path: path)
            default:
                break
            }
            for (i, item) in items.enumerated() {
                errs += listErrors(item, schema: s.items, path: SchemaFieldPath.index(path, i))
            }
        default:
            break
        }
        return errs
    }

    /// Indices of second appearances (a value seen three times is reported once). Integers and
    /// floats never equal each other here, as in Go's map of interface values.
    private static func duplicateIndices(_ values: [JSON?]) -> [Int] {
        var seen: [String: Int] = [:]
        var out: [Int] = []
        for (i, v) in values.enumerated() {
            let key = v.map { $0.typeName + ":" + $0.serializedString() } ?? "<unspecified>"
            let times = seen[key, default: 0]
            seen[key] = times + 1
            if times == 1 { out.append(i) }
        }
        return out
    }

    private static func duplicateIndices(_ values: [JSON]) -> [Int] {
        duplicateIndices(values.map { Optional($0) })
    }

    private static func mapListErrors(_ items: [JSON], keys: [String], path: String) -> [FieldError] {
        for (i, item) in items.enumerated() {
            switch item {
            case .object, .null: continue
            default:
                return [.invalid(SchemaFieldPath.index(path, i), item, "must be an object for an array of list-type map")]
            }
        }
        guard items.count > 1 else { return [] }
        if keys.count == 1, let keyField = keys.first {
            let keyValues: [JSON?] = items.map { $0[keyField] }
            return duplicateIndices(keyValues).map { i in
                let shown: JSON = keyValues[i].map { .object([keyField: $0]) } ?? .object([:])
                return FieldError(reason: .duplicate, field: SchemaFieldPath.index(path, i), message: "Duplicate value: \(ValueRendering.render(shown))")
            }
        }
        let keyObjects: [JSON] = items.map { item in
            var key: [String: JSON] = [:]
            for k in keys { if let v = item[k] { key[k] = v } }
            return .object(key)
        }
        return duplicateIndices(keyObjects).map { i in
            FieldError(reason: .duplicate, field: SchemaFieldPath.index(path, i), message: "Duplicate value: \(ValueRendering.render(keyObjects[i]))")
        }
    }
}
