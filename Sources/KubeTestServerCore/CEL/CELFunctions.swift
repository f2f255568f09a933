/// Dispatch of CEL function and method calls: the standard library (size, conversions, string
/// predicates, type), plus the extension libraries Kubernetes enables (strings, lists, regex,
/// sets, optionals, time accessors).
///
/// Calls are strict: arguments are evaluated before dispatch, and an argument error propagates.
enum CELFunctions {
    static func call(_ name: String, target: CELValue?, args: [CELValue]) throws(CELError) -> CELValue {
        if let target { return try method(name, target, args) }
        return try global(name, args)
    }

    // MARK: Global functions

    private static func global(_ name: String, _ args: [CELValue]) throws(CELError) -> CELValue {
        switch (name, args.count) {
        case ("size", 1): return try size(args[0], name: name)
        case ("int", 1): return try CELConversions.toInt(args[0])
        case ("uint", 1): return try CELConversions.toUint(args[0])
        case ("double", 1): return try CELConversions.toDouble(args[0])
        case ("string", 1): return try CELConversions.toString(args[0])
        case ("bool", 1): return try CELConversions.toBool(args[0])
        case ("bytes", 1): return try CELConversions.toBytes(args[0])
        case ("duration", 1): return try CELConversions.toDuration(args[0])
        case ("timestamp", 1): return try CELConversions.toTimestamp(args[0])
        case ("type", 1): return .type(args[0].typeName)
        case ("dyn", 1): return args[0]
        case ("matches", 2): return try method("matches", args[0], [args[1]])
        case ("optional.of", 1): return .optional(CELOptional(args[0]))
        case ("optional.none", 0): return .optional(.none)
        case ("optional.ofNonZeroValue", 1):
            return .optional(CELOptional(isZero(args[0]) ? nil : args[0]))
        case ("lists.range", 1):
            guard case let .int(n) = args[0] else { throw .noSuchOverload(name, args) }
            return .list(n > 0 ? (0..<n).map(CELValue.int) : [])
        case ("strings.quote", 1):
            guard case let .string(s) = args[0] else { throw .noSuchOverload(name, args) }
            return .string(CELStrings.quote(s))
        case ("sets.contains", 2), ("sets.equivalent", 2), ("sets.intersects", 2):
            guard case let .list(a) = args[0], case let .list(b) = args[1] else { throw .noSuchOverload(name, args) }
            func has(_ list: [CELValue], _ x: CELValue) -> Bool { list.contains { CELValue.equals($0, x) } }
            switch name {
            case "sets.contains": return .bool(b.allSatisfy { has(a, $0) })
            case "sets.equivalent": return .bool(b.allSatisfy { has(a, $0) } && a.allSatisfy { has(b, $0) })
            default: return .bool(b.contains { has(a, $0) })
            }
        default:
            if knownGlobals.contains(name) { throw .noSuchOverload(name, args) }
            throw CELError("undeclared reference to '\(name)' (in container '')")
        }
    }

    private static let knownGlobals: Set<String> = [
        "size", "int", "uint", "double", "string", "bool", "bytes", "duration", "timestamp", "type", "dyn",
        "matches", "optional.of", "optional.none", "optional.ofNonZeroValue", "strings.quote", "lists.range", "sets.contains",
        "sets.equivalent", "sets.intersects",
    ]

    static func size(_ v: CELValue, name: String) throws(CELError) -> CELValue {
        switch v {
        case let .string(s): return .int(Int64(s.unicodeScalars.count))
        case let .bytes(b): return .int(Int64(b.count))
        case let .list(l): return .int(Int64(l.count))
        case let .map(m): return .int(Int64(m.count))
        default: throw .noSuchOverload(name, [v])
        }
    }

    /// The zero value test behind `optional.ofNonZeroValue`.
    private static func isZero(_ v: CELValue) -> Bool {
        switch v {
        case .null: return true
        case let .bool(b): return !b
        case let .int(i): return i == 0
        case let .uint(u): return u == 0
        case let .double(d): return d == 0
        case let .string(s): return s.isEmpty
        case let .bytes(b): return b.isEmpty
        case let .list(l): return l.isEmpty
        case let .map(m): return m.count == 0
        case let .duration(d): return d == 0
        case let .timestamp(t): return t.seconds == 0 && t.nanos == 0
        case let .optional(o): return o.value == nil
        case .type: return false
        }
    }

    // MARK: Methods

    private static func method(_ name: String, _ target: CELValue, _ args: [CELValue]) throws(CELError) -> CELValue {
        if name == "size" && args.isEmpty { return try size(target, name: name) }
        switch target {
        case let .string(s):
            if let result = try CELStrings.call(name, s, args) { return result }
        case let .list(l):
            if let result = try CELLists.call(name, l, args) { return result }
        case let .timestamp(t):
            if let result = try CELTime.call(name, t, args) { return result }
        case let .duration(d):
            if let result = try CELTime.call(name, d, args) { return result }
        case let .optional(o):
            switch (name, args.count) {
            case ("hasValue", 0): return .bool(o.value != nil)
            case ("value", 0):
                guard let v = o.value else { throw CELError("optional.none() dereference") }
                return v
            case ("orValue", 1): return o.value ?? args[0]
            case ("or", 1):
                guard case .optional = args[0] else { throw .noSuchOverload(name, [target] + args) }
                return o.value != nil ? target : args[0]
            default: break
            }
        default:
            break
        }
        if knownMethods.contains(name) { throw .noSuchOverload(name, [target] + args) }
        throw CELError("undeclared reference to '\(name)' (in container '')")
    }

    private static let knownMethods: Set<String> = [
        "size", "contains", "startsWith", "endsWith", "matches", "lowerAscii", "upperAscii", "trim", "split", "join",
        "indexOf", "lastIndexOf", "replace", "substring", "charAt", "reverse", "format", "find", "findAll", "isSorted", "sum",
        "min", "max", "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear",
        "getHours", "getMinutes", "getSeconds", "getMilliseconds", "hasValue", "value", "orValue", "or", "distinct", "first",
        "last", "slice", "flatten", "sort",
    ]
}
