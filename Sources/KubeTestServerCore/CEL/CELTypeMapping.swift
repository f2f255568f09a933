/// The type-parameter bindings made while checking one expression, and the unification rules
/// of cel-go's checker (`isAssignable`, `substitute`, `mostGeneral`): an overload's `A` binds to
/// the first argument type it meets and may widen to `dyn`; `dyn` and error types are assignable
/// both ways; `null` is assignable to objects, durations and timestamps.
struct CELTypeMapping {
    private var bindings: [String: CELType] = [:]

    /// Whether a value of type `t1` may be passed where `t2` is expected, recording the bindings
    /// that makes true; on `false` nothing is recorded.
    mutating func isAssignable(_ t1: CELType, _ t2: CELType) -> Bool {
        var copy = self
        guard copy.assign(t1, t2) else { return false }
        self = copy
        return true
    }

    mutating func isAssignable(_ l1: [CELType], _ l2: [CELType]) -> Bool {
        var copy = self
        guard l1.count == l2.count else { return false }
        for (a, b) in zip(l1, l2) where !copy.assign(a, b) { return false }
        self = copy
        return true
    }

    /// `t` with bound parameters replaced; unbound ones become `dyn` when `typeParamToDyn`.
    func substitute(_ t: CELType, typeParamToDyn: Bool) -> CELType {
        if case let .typeParam(name) = t, let bound = bindings[name] {
            return substitute(bound, typeParamToDyn: typeParamToDyn)
        }
        switch t {
        case .typeParam: return typeParamToDyn ? .dyn : t
        case let .type(inner): return .type(inner.map { substitute($0, typeParamToDyn: typeParamToDyn) })
        case let .list(e): return .list(substitute(e, typeParamToDyn: typeParamToDyn))
        case let .map(k, v):
            return .map(substitute(k, typeParamToDyn: typeParamToDyn), substitute(v, typeParamToDyn: typeParamToDyn))
        case let .opaque(name, params): return .opaque(name, params.map { substitute($0, typeParamToDyn: typeParamToDyn) })
        default: return t
        }
    }

    /// The more general of two types known to unify.
    static func mostGeneral(_ t1: CELType, _ t2: CELType) -> CELType {
        isEqualOrLessSpecific(t1, t2) ? t1 : t2
    }

    // MARK: Rules

    private mutating func assign(_ t1: CELType, _ t2: CELType) -> Bool {
        if case let .typeParam(name) = t2 {
            if let bound = bindings[name] {
                // Widen an earlier binding (A -> int, now dyn) when that is sound.
                if Self.isEqualOrLessSpecific(t1, bound) && notReferenced(t2, in: t1) {
                    bindings[name] = t1
                    return true
                }
                return assign(t1, bound)
            }
            if notReferenced(t2, in: t1) {
                bindings[name] = t1
                return true
            }
        }
        if case let .typeParam(name) = t1 {
            if let bound = bindings[name] { return assign(bound, t2) }
            if notReferenced(t1, in: t2) {
                bindings[name] = t2
                return true
            }
        }
        if t1.isDynOrError || t2.isDynOrError { return true }
        if t1 == .null {
            switch t2 {
            case .object, .duration, .timestamp, .null: return true
            default: return false
            }
        }
        switch (t1, t2) {
        case let (.list(a), .list(b)): return assign(a, b)
        case let (.map(k1, v1), .map(k2, v2)): return assign(k1, k2) && assign(v1, v2)
        case let (.opaque(n1, p1), .opaque(n2, p2)):
            guard n1 == n2, p1.count == p2.count else { return false }
            for (a, b) in zip(p1, p2) where !assign(a, b) { return false }
            return true
        case (.type, .type): return true
        default: return t1 == t2
        }
    }

    private func notReferenced(_ t: CELType, in within: CELType) -> Bool {
        if t == within { return false }
        switch within {
        case let .typeParam(name):
            if let bound = bindings[name] { return notReferenced(t, in: bound) }
            return true
        case let .list(e): return notReferenced(t, in: e)
        case let .map(k, v): return notReferenced(t, in: k) && notReferenced(t, in: v)
        case let .opaque(_, params): return params.allSatisfy { notReferenced(t, in: $0) }
        case let .type(inner): return inner.map { notReferenced(t, in: $0) } ?? true
        default: return true
        }
    }

    /// Whether `t1` equals `t2` or is less specific through `dyn` / type parameters.
    static func isEqualOrLessSpecific(_ t1: CELType, _ t2: CELType) -> Bool {
        if case .typeParam = t1 { return true }
        if t1 == .dyn { return true }
        if case .typeParam = t2 { return false }
        if t2 == .dyn { return false }
        switch (t1, t2) {
        case let (.list(a), .list(b)): return isEqualOrLessSpecific(a, b)
        case let (.map(k1, v1), .map(k2, v2)): return isEqualOrLessSpecific(k1, k2) && isEqualOrLessSpecific(v1, v2)
        case let (.opaque(n1, p1), .opaque(n2, p2)):
            return n1 == n2 && p1.count == p2.count && zip(p1, p2).allSatisfy { isEqualOrLessSpecific($0, $1) }
        case (.type, .type): return true
        default: return t1 == t2
        }
    }
}
