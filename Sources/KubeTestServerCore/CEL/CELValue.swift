import KubeCore

/// A CEL runtime value.
///
/// Richer than `JSON` because CEL distinguishes `int` from `uint`, has bytes, types, durations,
/// timestamps and optionals, and allows non-string map keys. Values come in from `JSON` at the start
/// of an evaluation and go back out as `JSON` at the end.
enum CELValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([CELValue])
    case map(CELMap)
    /// A type value such as `int` or `list`, as returned by `type(x)`.
    case type(String)
    /// Nanoseconds, the range of Go's `time.Duration` that cel-go uses.
    case duration(Int64)
    case timestamp(CELTimestamp)
    /// `optional.of(x)` (`.some`) or `optional.none()` (`nil`).
    case optional(CELOptional)

    /// The CEL type name, as `type(x)` and overload errors spell it.
    var typeName: String {
        switch self {
        case .null: return "null_type"
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .list: return "list"
        case .map: return "map"
        case .type: return "type"
        case .duration: return "google.protobuf.Duration"
        case .timestamp: return "google.protobuf.Timestamp"
        case .optional: return "optional_type"
        }
    }

    /// How cel-go prints a value inside an error message (`no such key: foo`): strings bare.
    var plainDescription: String {
        switch self {
        case let .string(s): return s
        case let .int(i): return String(i)
        case let .uint(u): return String(u)
        case let .bool(b): return String(b)
        case let .double(d): return CELFormat.double(d)
        default: return toJSON().serializedString()
        }
    }
}

/// Box for an optional's payload: an enum cannot hold `CELValue?` of itself without indirection.
struct CELOptional: Sendable {
    private let storage: [CELValue]
    init(_ value: CELValue?) { storage = value.map { [$0] } ?? [] }
    var value: CELValue? { storage.first }
    static let none = CELOptional(nil)
}

// MARK: - JSON bridging

extension CELValue {
    /// JSON → CEL as Kubernetes does for schemaless values: integers are `int`, other numbers
    /// `double`, objects are maps with string keys. Object keys are sorted so that iteration order
    /// (and therefore `map()`/`filter()` results over maps) is deterministic.
    init(json: JSON) {
        switch json {
        case .null: self = .null
        case let .bool(b): self = .bool(b)
        case let .int(i): self = .int(i)
        case let .double(d): self = .double(d)
        case let .string(s): self = .string(s)
        case let .array(a): self = .list(a.map(CELValue.init(json:)))
        case let .object(o):
            var map = CELMap()
            for (key, value) in o.sorted(by: { $0.key < $1.key }) {
                map.insert(.string(key), CELValue(json: value))
            }
            self = .map(map)
        }
    }

    /// CEL → JSON the way cel-go's `ConvertToNative(structpb.Value)` does, loosely: uints that fit
    /// become integers, bytes become base64, durations `"1.5s"`, timestamps RFC 3339, types their
    /// name, an empty optional null.
    func toJSON() -> JSON {
        switch self {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .int(i): return .int(i)
        case let .uint(u): return u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
        case let .double(d): return .double(d)
        case let .string(s): return .string(s)
        case let .bytes(b): return .string(CELFormat.base64(b))
        case let .list(l): return .array(l.map { $0.toJSON() })
        case let .map(m):
            var object: [String: JSON] = [:]
            for (k, v) in m.entries { object[k.plainDescription] = v.toJSON() }
            return .object(object)
        case let .type(name): return .string(name)
        case let .duration(ns): return .string(CELFormat.duration(ns))
        case let .timestamp(t): return .string(t.rfc3339)
        case let .optional(o): return o.value?.toJSON() ?? .null
        }
    }
}

// MARK: - Equality and ordering

extension CELValue {
    /// CEL equality with heterogeneous numeric equality (`1 == 1.0 == 1u`), as cel-go implements
    /// it and Kubernetes enables. Values of unrelated types are unequal, never an error.
    static func equals(_ a: CELValue, _ b: CELValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.bytes(x), .bytes(y)): return x == y
        case let (.type(x), .type(y)): return x == y
        case let (.duration(x), .duration(y)): return x == y
        case let (.timestamp(x), .timestamp(y)): return x == y
        case let (.list(x), .list(y)):
            guard x.count == y.count else { return false }
            for (l, r) in zip(x, y) where !equals(l, r) { return false }
            return true
        case let (.map(x), .map(y)):
            guard x.count == y.count else { return false }
            for (k, v) in x.entries {
                guard let other = y[k], equals(v, other) else { return false }
            }
            return true
        case let (.optional(x), .optional(y)):
            switch (x.value, y.value) {
            case (nil, nil): return true
            case let (l?, r?): return equals(l, r)
            default: return false
            }
        default:
            if let order = numericOrder(a, b) { return order == 0 }
            return false
        }
    }

    /// Order of two numbers of any numeric types; nil when either is not a number or a NaN is
    /// involved (NaN is unordered).
    static func numericOrder(_ a: CELValue, _ b: CELValue) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.uint(x), .uint(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.double(x), .double(y)):
            if x.isNaN || y.isNaN { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        case let (.int(x), .uint(y)):
            if x < 0 { return -1 }
            let ux = UInt64(x)
            return ux < y ? -1 : (ux > y ? 1 : 0)
        case (.uint, .int): return numericOrder(b, a).map { -$0 }
        case let (.int(x), .double(y)):
            if y.isNaN { return nil }
            if y < -9.223372036854775808e18 { return 1 }
            if y >= 9.223372036854775808e18 { return -1 }
            let dx = Double(x)
            if dx != y { return dx < y ? -1 : 1 }
            // Same double image: compare exactly through the integer part of y.
            let iy = Int64(y)
            return x < iy ? -1 : (x > iy ? 1 : 0)
        case (.double, .int): return numericOrder(b, a).map { -$0 }
        case let (.uint(x), .double(y)):
            if y.isNaN { return nil }
            if y < 0 { return 1 }
            if y >= 1.8446744073709551616e19 { return -1 }
            let dx = Double(x)
            if dx != y { return dx < y ? -1 : 1 }
            let uy = UInt64(y)
            return x < uy ? -1 : (x > uy ? 1 : 0)
        case (.double, .uint): return numericOrder(b, a).map { -$0 }
        default: return nil
        }
    }

    /// The ordering behind `<`, `<=`, `>`, `>=`: numbers across types, strings by UTF-8 bytes
    /// (Go's string order), bools, bytes, durations, timestamps. `nil` result means "unordered"
    /// (NaN); a type mismatch is an error.
    static func compare(_ a: CELValue, _ b: CELValue) throws(CELError) -> Int? {
        switch (a, b) {
        case let (.string(x), .string(y)): return lexicographic(Array(x.utf8), Array(y.utf8))
        case let (.bytes(x), .bytes(y)): return lexicographic(x, y)
        case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
        case let (.duration(x), .duration(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.timestamp(x), .timestamp(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.int, _), (.uint, _), (.double, _):
            switch b {
            case .int, .uint, .double: return numericOrder(a, b)
            default: throw .noSuchOverload
            }
        default: throw .noSuchOverload
        }
    }

    private static func lexicographic(_ x: [UInt8], _ y: [UInt8]) -> Int {
        for (l, r) in zip(x, y) where l != r { return l < r ? -1 : 1 }
        return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
    }
}
