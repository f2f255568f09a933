/// A CEL map: insertion-ordered entries plus a hash index.
///
/// Order is kept so that comprehensions over a map (`self.map(k, ...)`) give the same list every
/// time; lookup goes through `CELMapKey`, which folds numeric keys together so that `m[1]`,
/// `m[1u]` and `m[1.0]` find the same entry, as cel-go's heterogeneous equality does.
struct CELMap: Sendable {
    private(set) var entries: [(key: CELValue, value: CELValue)] = []
    private var index: [CELMapKey: Int] = [:]

    var count: Int { entries.count }
    var keys: [CELValue] { entries.map(\.key) }

    subscript(key: CELValue) -> CELValue? {
        guard let k = CELMapKey(key), let i = index[k] else { return nil }
        return entries[i].value
    }

    /// Adds an entry; `false` when the key already exists or cannot be a map key.
    @discardableResult
    mutating func insert(_ key: CELValue, _ value: CELValue) -> Bool {
        guard let k = CELMapKey(key), index[k] == nil else { return false }
        index[k] = entries.count
        entries.append((key, value))
        return true
    }
}

/// The hashable identity of a map key. Only bool, int, uint and string may be keys; a uint that
/// fits in an int, and an integral double, fold into the int form.
enum CELMapKey: Hashable, Sendable {
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case string(String)

    init?(_ value: CELValue) {
        switch value {
        case let .bool(b): self = .bool(b)
        case let .int(i): self = .int(i)
        case let .uint(u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case let .string(s): self = .string(s)
        case let .double(d):
            if d.rounded(.towardZero) != d { return nil }
            if d >= -9.223372036854775808e18 && d < 9.223372036854775808e18 {
                self = .int(Int64(d))
            } else if d >= 0 && d < 1.8446744073709551616e19 {
                self = .uint(UInt64(d))
            } else {
                return nil
            }
        default: return nil
        }
    }
}
