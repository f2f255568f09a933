import Foundation
import KubeCore

/// A small structural-schema checker for tests: types, required, enums, bounds, lengths,
/// patterns, list-map key uniqueness, and unknown fields. It is not the API server's validator
/// (that lives in KubeTestServerCore and also runs CEL); it lets the API tests say "this example
/// has no field the schema lacks" and "this bad manifest fails at that field" before the server
/// exists. Field paths are written the way the API server writes them.
struct SchemaChecker {
    struct Problem: Equatable, CustomStringConvertible {
        var field: String
        var reason: String
        var message: String
        var description: String { "\(field): \(reason): \(message)" }
    }

    var problems: [Problem] = []

    static func check(_ value: JSON, against schema: JSON) -> [Problem] {
        var checker = SchemaChecker()
        // The root: apiVersion, kind and metadata are the server's business.
        guard case let .object(object) = value else {
            return [Problem(field: "<root>", reason: "FieldValueTypeInvalid", message: "not an object")]
        }
        checker.checkObject(object, schema: schema, path: "", skipMetadata: true)
        return checker.problems
    }

    private mutating func report(_ path: String, _ reason: String, _ message: String) {
        problems.append(Problem(field: path, reason: reason, message: message))
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    mutating func check(_ value: JSON, schema: JSON, path: String) {
        let type = schema["type"]?.stringValue
        if value.isNull {
            report(path, "FieldValueTypeInvalid", "\(path) in body must be of type \(type ?? "any"): \"null\"")
            return
        }
        switch type {
        case "object":
            guard case let .object(object) = value else {
                return report(path, "FieldValueTypeInvalid", "\(path) in body must be of type object: \"\(value.typeName)\"")
            }
            checkObject(object, schema: schema, path: path, skipMetadata: false)
        case "array":
            guard case let .array(array) = value else {
                return report(path, "FieldValueTypeInvalid", "\(path) in body must be of type array: \"\(value.typeName)\"")
            }
            checkArray(array, schema: schema, path: path)
        case "string":
            guard case let .string(string) = value else {
                return report(path, "FieldValueTypeInvalid", "\(path) in body must be of type string: \"\(value.typeName)\"")
            }
            checkString(string, schema: schema, path: path)
        case "integer":
            guard case .int = value else {
                return report(path, "FieldValueTypeInvalid", "\(path) in body must be of type integer: \"\(value.typeName)\"")
            }
            checkNumber(value, schema: schema, path: path)
        case "number":
            guard value.isNumber else {
                return report(path, "FieldValueTypeInvalid", "\(path) in body must be of type number: \"\(value.typeName)\"")
            }
            checkNumber(value, schema: schema, path: path)
        case "boolean":
            guard case .bool = value else {
                return report(path, "FieldValueTypeInvalid", "\(path) in body must be of type boolean: \"\(value.typeName)\"")
            }
        default:
            break
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map { $0.serializedString() }.joined(separator: ", ")
            report(path, "FieldValueNotSupported", "Unsupported value: \(value.serializedString()): supported values: \(list)")
        }
    }

    private mutating func checkObject(_ object: [String: JSON], schema: JSON, path: String, skipMetadata: Bool) {
        let properties = schema["properties"]?.objectValue ?? [:]
        let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
        for key in object.keys.sorted() {
            let child = join(path, key)
            if skipMetadata, ["apiVersion", "kind", "metadata"].contains(key) { continue }
            if let propertySchema = properties[key] {
                check(object[key]!, schema: propertySchema, path: child)
            } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                check(object[key]!, schema: additional, path: child)
            } else if !preserve {
                report(child, "UnknownField", "unknown field \"\(child)\"")
            }
        }
        for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
            report(join(path, required), "FieldValueRequired", "Required value")
        }
        if let max = schema["maxProperties"]?.intValue, object.count > max {
            report(path, "FieldValueTooMany", "Too many: \(object.count): must have at most \(max) items")
        }
    }

    private mutating func checkArray(_ array: [JSON], schema: JSON, path: String) {
        if let max = schema["maxItems"]?.intValue, array.count > max {
            report(path, "FieldValueTooMany", "Too many: \(array.count): must have at most \(max) items")
        }
        if let min = schema["minItems"]?.intValue, array.count < min {
            report(path, "FieldValueInvalid", "\(path) in body should have at least \(min) items")
        }
        if let items = schema["items"] {
            for (index, element) in array.enumerated() {
                check(element, schema: items, path: "\(path)[\(index)]")
            }
        }
        if schema["x-kubernetes-list-type"]?.stringValue == "map",
           let keys = schema["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue)
        {
            var seen: Set<[JSON]> = []
            for (index, element) in array.enumerated() {
                let key = keys.map { element[$0] ?? .null }
                if !seen.insert(key).inserted {
                    report("\(path)[\(index)]", "FieldValueDuplicate", "Duplicate value")
                }
            }
        }
    }

    private mutating func checkString(_ string: String, schema: JSON, path: String) {
        let length = string.count
        if let max = schema["maxLength"]?.intValue, length > max {
            report(path, "FieldValueTooLong", "Too long: may not be more than \(max) bytes")
        }
        if let min = schema["minLength"]?.intValue, length < min {
            report(path, "FieldValueInvalid", "\(path) in body should be at least \(min) chars long")
        }
        if let pattern = schema["pattern"]?.stringValue, !Self.matches(string, pattern) {
            report(path, "FieldValueInvalid", "\(path) in body should match '\(pattern)'")
        }
        if schema["format"]?.stringValue == "date-time", KubeTime(rfc3339: string) == nil {
            report(path, "FieldValueInvalid", "\(path) in body must be of type date-time")
        }
    }

    private mutating func checkNumber(_ value: JSON, schema: JSON, path: String) {
        guard let number = value.doubleValue else { return }
        if let min = schema["minimum"]?.doubleValue, number < min {
            report(path, "FieldValueInvalid", "\(path) in body should be greater than or equal to \(schema["minimum"]!)")
        }
        if let max = schema["maximum"]?.doubleValue, number > max {
            report(path, "FieldValueInvalid", "\(path) in body should be less than or equal to \(schema["maximum"]!)")
        }
    }

    /// Whole-string search as Go's regexp.MatchString does (patterns carry their own anchors).
    static func matches(_ string: String, _ pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        let range = NSRange(string.startIndex..., in: string)
        return regex.firstMatch(in: string, range: range) != nil
    }
}
