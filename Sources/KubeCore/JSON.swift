/// A JSON value as the Kubernetes API sees it.
///
/// Integers and floating-point numbers are kept apart (`int` vs `double`) because the API does:
/// an OpenAPI `integer` field rejects `1.5`, and `3` must be written back as `3`, not `3.0`.
/// Two numbers compare equal when their values are equal (`.int(1) == .double(1)`), so a client
/// that writes `1.0` into an integer field does not look like a change.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
}

extension JSON: Equatable {
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.int(a), .double(b)), let (.double(b), .int(a)): return Double(a) == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        default: return false
        }
    }
}

extension JSON: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(b): hasher.combine(b)
        case let .int(i): hasher.combine(Double(i))
        case let .double(d): hasher.combine(d)
        case let .string(s): hasher.combine(s)
        case let .array(a): hasher.combine(a)
        case let .object(o): hasher.combine(o)
        }
    }
}

// MARK: - Literals

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

// MARK: - Access

extension JSON {
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case let .string(s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case let .array(a) = self { return a } else { return nil } }
    public var objectValue: [String: JSON]? { if case let .object(o) = self { return o } else { return nil } }

    /// The value as an integer: an `int`, or a `double` with no fractional part.
    public var intValue: Int64? {
        switch self {
        case let .int(i): return i
        case let .double(d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }

    /// Any number as a Double.
    public var doubleValue: Double? {
        switch self {
        case let .int(i): return Double(i)
        case let .double(d): return d
        default: return nil
        }
    }

    public var isNumber: Bool {
        switch self {
        case .int, .double: return true
        default: return false
        }
    }

    /// The JSON type name as OpenAPI says it ("object", "array", "string", "integer", "number",
    /// "boolean", "null").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Member of an object; `nil` for missing members and for non-objects.
    public subscript(key: String) -> JSON? {
        get {
            guard case let .object(o) = self else { return nil }
            return o[key]
        }
        set {
            guard case var .object(o) = self else {
                if let newValue { self = .object([key: newValue]) }
                return
            }
            self = .null  // release the storage so the dictionary is mutated in place
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Element of an array; `nil` when out of range or not an array.
    public subscript(index: Int) -> JSON? {
        guard case let .array(a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }

    /// The value at a path of object keys, e.g. `["metadata", "name"]`.
    public subscript(path path: [String]) -> JSON? {
        get {
            var current: JSON? = self
            for key in path {
                guard let c = current else { return nil }
                current = c[key]
            }
            return current
        }
        set {
            guard let first = path.first else {
                self = newValue ?? .null
                return
            }
            if path.count == 1 {
                self[first] = newValue
                return
            }
            var child = self[first] ?? .object([:])
            if child.objectValue == nil { child = .object([:]) }
            child[path: Array(path.dropFirst())] = newValue
            self[first] = child
        }
    }

    /// Convenience for dotted paths: `json[dotted: "metadata.name"]`.
    public subscript(dotted path: String) -> JSON? {
        get { self[path: path.split(separator: ".").map(String.init)] }
        set { self[path: path.split(separator: ".").map(String.init)] = newValue }
    }
}

extension JSON: CustomStringConvertible {
    public var description: String { serializedString() }
}

extension JSON {
    /// This object with only the members named (itself when not an object).
    public func keeping(_ keys: [String]) -> JSON {
        guard case let .object(members) = self else { return self }
        var kept: [String: JSON] = [:]
        kept.reserveCapacity(keys.count)
        for key in keys { if let value = members[key] { kept[key] = value } }
        return .object(kept)
    }
}
