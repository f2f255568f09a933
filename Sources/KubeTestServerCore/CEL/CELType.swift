/// A static CEL type, as cel-go's checker reasons about them.
///
/// Kubernetes object schemas appear as `object` types named after where they sit
/// (`selfType123.spec`); their fields are looked up in the checker's ``CELDeclType`` registry,
/// as apiserver's `DeclTypeProvider` does. `typeParam` is an overload's `A` (or a fresh `_var0`
/// while checking); `opaque` covers `optional_type(T)`.
indirect enum CELType: Hashable, Sendable {
    case int, uint, double, bool, string, bytes, null, duration, timestamp
    case dyn
    /// The type of an expression that failed to check; assignable everywhere so one mistake is
    /// reported once.
    case error
    case list(CELType)
    case map(CELType, CELType)
    case object(String)
    case typeParam(String)
    /// A type value (`type(x)`, the identifier `int`); nil parameter for plain `type`.
    case type(CELType?)
    case opaque(String, [CELType])

    static func optional(_ t: CELType) -> CELType { .opaque("optional_type", [t]) }

    /// `optional_type(T)` unwrapped, or nil when this is not an optional.
    var optionalElement: CELType? {
        if case let .opaque("optional_type", params) = self, params.count == 1 { return params[0] }
        return nil
    }

    var isDynOrError: Bool { self == .dyn || self == .error }

    /// cel-go's `FormatCelType`, the spelling in `found no matching overload ... applied to '(int, string)'`.
    var description: String {
        switch self {
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .bool: return "bool"
        case .string: return "string"
        case .bytes: return "bytes"
        case .null: return "null"
        case .duration: return "duration"
        case .timestamp: return "timestamp"
        case .dyn: return "dyn"
        case .error: return "!error!"
        case let .list(e): return "list(\(e.description))"
        case let .map(k, v): return "map(\(k.description), \(v.description))"
        case let .object(name): return name
        case let .typeParam(name): return name
        case let .type(t): return t.map { "type(\($0.description))" } ?? "type"
        case let .opaque(name, params):
            return params.isEmpty ? name : "\(name)(\(params.map(\.description).joined(separator: ", ")))"
        }
    }

    /// Whether a value of this type has a size known before evaluation (cel-go's `isScalar`):
    /// strings, bytes and containers vary, `dyn` is unknown.
    var isScalar: Bool {
        switch self {
        case .bool, .double, .duration, .int, .timestamp, .uint: return true
        default: return optionalElement?.isScalar ?? false
        }
    }
}
