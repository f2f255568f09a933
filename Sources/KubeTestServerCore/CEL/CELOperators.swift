/// CEL's arithmetic, comparison and membership operators.
///
/// Arithmetic is homogeneous (`1 + 1.0` has no overload, exactly as in cel-go) and checked:
/// int and uint overflow, division and modulus by zero are errors rather than wrapping or trapping.
/// Equality and ordering are heterogeneous across int, uint and double.
enum CELOperators {
    static func negate(_ v: CELValue) throws(CELError) -> CELValue {
        switch v {
        case let .int(i):
            guard i != Int64.min else { throw .intOverflow }
            return .int(-i)
        case let .double(d): return .double(-d)
        case let .duration(d):
            guard d != Int64.min else { throw .intOverflow }
            return .duration(-d)
        default: throw .noSuchOverload
        }
    }

    static func apply(_ op: CELBinaryOperator, _ l: CELValue, _ r: CELValue) throws(CELError) -> CELValue {
        switch op {
        case .equal: return .bool(CELValue.equals(l, r))
        case .notEqual: return .bool(!CELValue.equals(l, r))
        case .less: return .bool(try CELValue.compare(l, r).map { $0 < 0 } ?? false)
        case .lessEqual: return .bool(try CELValue.compare(l, r).map { $0 <= 0 } ?? false)
        case .greater: return .bool(try CELValue.compare(l, r).map { $0 > 0 } ?? false)
        case .greaterEqual: return .bool(try CELValue.compare(l, r).map { $0 >= 0 } ?? false)
        case .add: return try add(l, r)
        case .subtract: return try subtract(l, r)
        case .multiply: return try multiply(l, r)
        case .divide: return try divide(l, r)
        case .modulo: return try modulo(l, r)
        case .in: return .bool(try contains(r, l))
        }
    }

    /// `element in container`: list membership by CEL equality, map membership by key.
    static func contains(_ container: CELValue, _ element: CELValue) throws(CELError) -> Bool {
        switch container {
        case let .list(l): return l.contains { CELValue.equals($0, element) }
        case let .map(m): return m[element] != nil
        default: throw .noSuchOverload
        }
    }

    static func add(_ l: CELValue, _ r: CELValue) throws(CELError) -> CELValue {
        switch (l, r) {
        case let (.int(a), .int(b)):
            let (v, o) = a.addingReportingOverflow(b)
            if o { throw .intOverflow }
            return .int(v)
        case let (.uint(a), .uint(b)):
            let (v, o) = a.addingReportingOverflow(b)
            if o { throw .uintOverflow }
            return .uint(v)
        case let (.double(a), .double(b)): return .double(a + b)
        case let (.string(a), .string(b)): return .string(a + b)
        case let (.bytes(a), .bytes(b)): return .bytes(a + b)
        case let (.list(a), .list(b)): return .list(a + b)
        case let (.duration(a), .duration(b)):
            let (v, o) = a.addingReportingOverflow(b)
            if o { throw .intOverflow }
            return .duration(v)
        case let (.timestamp(t), .duration(d)), let (.duration(d), .timestamp(t)):
            let (sec, ns) = d.quotientAndRemainder(dividingBy: 1_000_000_000)
            let (s, o) = t.seconds.addingReportingOverflow(sec)
            if o { throw CELError("timestamp overflow") }
            return .timestamp(try CELTimestamp.checked(seconds: s, nanos: Int64(t.nanos) + ns))
        default: throw .noSuchOverload
        }
    }

    static func subtract(_ l: CELValue, _ r: CELValue) throws(CELError) -> CELValue {
        switch (l, r) {
        case let (.int(a), .int(b)):
            let (v, o) = a.subtractingReportingOverflow(b)
            if o { throw .intOverflow }
            return .int(v)
        case let (.uint(a), .uint(b)):
            let (v, o) = a.subtractingReportingOverflow(b)
            if o { throw .uintOverflow }
            return .uint(v)
        case let (.double(a), .double(b)): return .double(a - b)
        case let (.duration(a), .duration(b)):
            let (v, o) = a.subtractingReportingOverflow(b)
            if o { throw .intOverflow }
            return .duration(v)
        case let (.timestamp(t), .duration(d)):
            guard d != Int64.min else { throw .intOverflow }
            return try add(.timestamp(t), .duration(-d))
        case let (.timestamp(a), .timestamp(b)):
            let (s, o1) = (a.seconds - b.seconds).multipliedReportingOverflow(by: 1_000_000_000)
            let (v, o2) = s.addingReportingOverflow(Int64(a.nanos) - Int64(b.nanos))
            if o1 || o2 { throw .intOverflow }
            return .duration(v)
        default: throw .noSuchOverload
        }
    }

    static func multiply(_ l: CELValue, _ r: CELValue) throws(CELError) -> CELValue {
        switch (l, r) {
        case let (.int(a), .int(b)):
            let (v, o) = a.multipliedReportingOverflow(by: b)
            if o { throw .intOverflow }
            return .int(v)
        case let (.uint(a), .uint(b)):
            let (v, o) = a.multipliedReportingOverflow(by: b)
            if o { throw .uintOverflow }
            return .uint(v)
        case let (.double(a), .double(b)): return .double(a * b)
        default: throw .noSuchOverload
        }
    }

    static func divide(_ l: CELValue, _ r: CELValue) throws(CELError) -> CELValue {
        switch (l, r) {
        case let (.int(a), .int(b)):
            if b == 0 { throw .divisionByZero }
            if a == Int64.min && b == -1 { throw .intOverflow }
            return .int(a / b)
        case let (.uint(a), .uint(b)):
            if b == 0 { throw .divisionByZero }
            return .uint(a / b)
        case let (.double(a), .double(b)): return .double(a / b)  // IEEE: x/0 is ±Inf or NaN
        default: throw .noSuchOverload
        }
    }

    static func modulo(_ l: CELValue, _ r: CELValue) throws(CELError) -> CELValue {
        switch (l, r) {
        case let (.int(a), .int(b)):
            if b == 0 { throw .modulusByZero }
            if a == Int64.min && b == -1 { throw .intOverflow }
            return .int(a % b)
        case let (.uint(a), .uint(b)):
            if b == 0 { throw .modulusByZero }
            return .uint(a % b)
        default: throw .noSuchOverload
        }
    }
}
