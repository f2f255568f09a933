import KubeCore

/// Tools for "the Swift types and the CRD schemas agree".
///
/// Schema → Swift: `maximalInstance` builds an object that sets every property the schema has
/// (one element per list, one key per map); decoding it into the Swift type and encoding it
/// again must give the same JSON, so every schema field has a Swift property of a compatible
/// type. Swift → schema: after that decode, `unsetProperties` walks the Swift value by
/// reflection; an optional property still nil had no schema field to fill it (and a
/// non-optional one would have failed the decode), so every Swift property is in the schema.
enum SchemaAgreement {
    /// An instance of `schema` with every property set. Values are the least interesting valid
    /// ones: first enum value, minimum (but at least 1) for integers, 0.5 for numbers (so a
    /// Swift `Int` for a schema number fails to decode), RFC 3339 for date-times.
    static func maximalInstance(_ schema: JSON) -> JSON {
        if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true, schema["properties"] == nil {
            return ["unknownField": ["nested": [1, "two", 3.5, nil]], "spec": ["containers": [["name": "c"]]]]
        }
        if let first = schema["enum"]?[0] { return first }
        switch schema["type"]?.stringValue {
        case "object":
            if let properties = schema["properties"]?.objectValue {
                return .object(properties.mapValues(maximalInstance))
            }
            if let additional = schema["additionalProperties"], additional.objectValue != nil {
                return ["someKey": maximalInstance(additional)]
            }
            return [:]
        case "array":
            return [maximalInstance(schema["items"] ?? [:])]
        case "string":
            return schema["format"]?.stringValue == "date-time" ? "2024-05-01T02:00:00Z" : "text"
        case "integer":
            var value = max(schema["minimum"]?.intValue ?? 3, 1)
            if let maximum = schema["maximum"]?.intValue { value = min(value, maximum) }
            return .int(value)
        case "number":
            return 0.5
        case "boolean":
            return true
        default:
            return .null
        }
    }

    /// Paths of optional stored properties that are nil, anywhere in `value`. JSON values (pod
    /// templates) and the root `metadata` (ObjectMeta, not part of the CRD schema) are skipped.
    static func unsetProperties(_ value: Any, path: String = "") -> [String] {
        if value is JSON || value is KubeTime { return [] }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return [path] }
            return unsetProperties(wrapped, path: path)
        case .struct:
            var result: [String] = []
            for child in mirror.children {
                guard let label = child.label else { continue }
                if path.isEmpty, label == "metadata" { continue }
                result += unsetProperties(child.value, path: path.isEmpty ? label : "\(path).\(label)")
            }
            return result
        case .collection:
            return mirror.children.enumerated().flatMap { index, child in
                unsetProperties(child.value, path: "\(path)[\(index)]")
            }
        case .dictionary:
            return mirror.children.flatMap { child -> [String] in
                let pair = Mirror(reflecting: child.value).children.map(\.value)
                guard pair.count == 2 else { return [] }
                return unsetProperties(pair[1], path: "\(path)[\(pair[0])]")
            }
        default:
            return []
        }
    }

    /// Where two JSON values differ, as paths with both sides, for readable failures.
    static func differences(_ expected: JSON, _ actual: JSON, path: String = "") -> [String] {
        switch (expected, actual) {
        case let (.object(a), .object(b)):
            var result: [String] = []
            for key in Set(a.keys).union(b.keys).sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                switch (a[key], b[key]) {
                case let (x?, y?): result += differences(x, y, path: child)
                case (_?, nil): result.append("\(child): in the schema, lost by the Swift type")
                case (nil, _?): result.append("\(child): written by the Swift type, not in the schema")
                default: break
                }
            }
            return result
        case let (.array(a), .array(b)) where a.count == b.count:
            return zip(a, b).enumerated().flatMap { index, pair in
                differences(pair.0, pair.1, path: "\(path)[\(index)]")
            }
        default:
            return expected == actual ? [] : ["\(path): expected \(expected), got \(actual)"]
        }
    }
}
