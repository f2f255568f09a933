/// Type conversion functions `int()`, `uint()`, `double()`, `string()`, `bool()`, `bytes()`,
/// `duration()`, `timestamp()`, with cel-go's range checks and error wording (Go's strconv
/// messages for unparsable strings).
enum CELConversions {
    static func toInt(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .int: return v
        case let .uint(u):
            guard u <= UInt64(Int64.max) else { throw .intOverflow }
            return .int(Int64(u))
        case let .double(d):
            guard d.isFinite, d > -9.223372036854775808e18, d < 9.223372036854775808e18 else { throw .intOverflow }
            return .int(Int64(d))
        case let .string(s):
            guard let i = Int64(s) else { throw CELError("strconv.ParseInt: parsing \(GoFormat.quote(s)): invalid syntax") }
            return .int(i)
        case let .timestamp(t): return .int(t.seconds)
        default: throw .noSuchOverload("int", [v])
        }
    }

    static func toUint(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .uint: return v
        case let .int(i):
            guard i >= 0 else { throw .uintOverflow }
            return .uint(UInt64(i))
        case let .double(d):
            guard d.isFinite, d >= 0, d < 1.8446744073709551616e19 else { throw .uintOverflow }
            return .uint(UInt64(d))
        case let .string(s):
            guard let u = UInt64(s) else { throw CELError("strconv.ParseUint: parsing \(GoFormat.quote(s)): invalid syntax") }
            return .uint(u)
        default: throw .noSuchOverload("uint", [v])
        }
    }

    static func toDouble(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .double: return v
        case let .int(i): return .double(Double(i))
        case let .uint(u): return .double(Double(u))
        case let .string(s):
            guard let d = parseDouble(s) else {
                throw CELError("strconv.ParseFloat: parsing \(GoFormat.quote(s)): invalid syntax")
            }
            return .double(d)
        default: throw .noSuchOverload("double", [v])
        }
    }

    /// Go's ParseFloat accepts "inf", "+Inf", "NaN" spelled any case; Swift's initialiser also
    /// accepts hex floats, which is close enough.
    private static func parseDouble(_ s: String) -> Double? {
        switch s.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return s.isEmpty || s.contains(where: { $0.isWhitespace }) ? nil : Double(s)
        }
    }

    static func toString(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .string: return v
        case let .int(i): return .string(String(i))
        case let .uint(u): return .string(String(u))
        case let .double(d): return .string(CELFormat.double(d))
        case let .bool(b): return .string(b ? "true" : "false")
        case let .bytes(b):
            guard let s = String(validating: b, as: UTF8.self) else { throw CELError("invalid UTF-8 in bytes, cannot convert to string") }
            return .string(s)
        case let .duration(d): return .string(CELFormat.duration(d))
        case let .timestamp(t): return .string(t.rfc3339)
        case let .type(name): return .string(name)
        default: throw .noSuchOverload("string", [v])
        }
    }

    static func toBool(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .bool: return v
        case let .string(s):
            switch s {
            case "1", "t", "T", "true", "TRUE", "True": return .bool(true)
            case "0", "f", "F", "false", "FALSE", "False": return .bool(false)
            default: throw CELError("type conversion error from 'string' to 'bool'")
            }
        default: throw .noSuchOverload("bool", [v])
        }
    }

    static func toBytes(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .bytes: return v
        case let .string(s): return .bytes(Array(s.utf8))
        default: throw .noSuchOverload("bytes", [v])
        }
    }

    static func toDuration(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .duration: return v
        case let .string(s): return .duration(try CELDuration.parse(s))
        default: throw .noSuchOverload("duration", [v])
        }
    }

    static func toTimestamp(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case .timestamp: return v
        case let .int(seconds): return .timestamp(try CELTimestamp.checked(seconds: seconds, nanos: 0))
        case let .string(s):
            guard let t = CELTimestamp(rfc3339: s) else {
                throw CELError("parsing time \(GoFormat.quote(s)) as \"2006-01-02T15:04:05Z07:00\": cannot parse \(GoFormat.quote(s))")
            }
            return .timestamp(t)
        default: throw .noSuchOverload("timestamp", [v])
        }
    }

}
