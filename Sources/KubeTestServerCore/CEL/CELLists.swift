/// List methods: `join` from cel-go's strings extension, the Kubernetes list library (`isSorted`,
/// `sum`, `min`, `max`, `indexOf`, `lastIndexOf`) and cel-go's lists extension at the version
/// Kubernetes 1.34+ enables (`distinct`, `reverse`, `slice`, `flatten`, `sort`, `first`, `last`).
enum CELLists {
    /// The result, or nil when `name` with these arguments is not a list method.
    static func call(_ name: String, _ list: [CELValue], _ args: [CELValue]) throws(CELError) -> CELValue? {
        switch (name, args.count) {
        case ("join", 0), ("join", 1):
            var separator = ""
            if args.count == 1 {
                guard case let .string(s) = args[0] else { throw .noSuchOverload(name, [.list(list)] + args) }
                separator = s
            }
            var parts: [String] = []
            for item in list {
                guard case let .string(s) = item else { throw .noSuchOverload(name, [.list(list)] + args) }
                parts.append(s)
            }
            return .string(parts.joined(separator: separator))
        case ("isSorted", 0):
            for i in list.indices.dropFirst() {
                guard let order = try CELValue.compare(list[i - 1], list[i]) else { continue }
                if order > 0 { return .bool(false) }
            }
            return .bool(true)
        case ("sum", 0):
            // The zero of the element type; an empty list sums to int 0 (we have no static type).
            guard var total = list.first else { return .int(0) }
            for item in list.dropFirst() { total = try CELOperators.add(total, item) }
            switch total {
            case .int, .uint, .double, .duration: return total
            default: throw .noSuchOverload
            }
        case ("min", 0), ("max", 0):
            guard var best = list.first else { throw CELError("\(name) called on empty list") }
            _ = try CELValue.compare(best, best)  // rejects lists, maps, ...
            for item in list.dropFirst() {
                guard let order = try CELValue.compare(best, item) else { continue }
                if (name == "min" && order > 0) || (name == "max" && order < 0) { best = item }
            }
            return best
        case ("indexOf", 1):
            return .int(Int64(list.firstIndex { CELValue.equals($0, args[0]) } ?? -1))
        case ("lastIndexOf", 1):
            return .int(Int64(list.lastIndex { CELValue.equals($0, args[0]) } ?? -1))
        case ("distinct", 0):
            var out: [CELValue] = []
            for item in list where !out.contains(where: { CELValue.equals($0, item) }) { out.append(item) }
            return .list(out)
        case ("reverse", 0):
            return .list(list.reversed())
        case ("first", 0):
            return .optional(CELOptional(list.first))
        case ("last", 0):
            return .optional(CELOptional(list.last))
        case ("slice", 2):
            guard case let .int(start) = args[0], case let .int(end) = args[1] else { throw .noSuchOverload(name, [.list(list)] + args) }
            guard start >= 0, end >= 0 else { throw CELError("cannot slice(\(start), \(end)), negative indexes not supported") }
            guard start <= end else { throw CELError("cannot slice(\(start), \(end)), start index must be less than or equal to end index") }
            guard end <= Int64(list.count) else { throw CELError("cannot slice(\(start), \(end)), list is length \(list.count)") }
            return .list(Array(list[Int(start)..<Int(end)]))
        case ("flatten", 0), ("flatten", 1):
            var depth: Int64 = 1
            if args.count == 1 {
                guard case let .int(d) = args[0] else { throw .noSuchOverload(name, [.list(list)] + args) }
                guard d >= 0 else { throw CELError("level must be non-negative") }
                depth = d
            }
            return .list(flatten(list, depth: depth))
        case ("sort", 0):
            var failure: CELError?
            let sorted = list.sorted { a, b in
                do { return try (CELValue.compare(a, b) ?? 0) < 0 } catch { failure = (error as? CELError) ?? .noSuchOverload; return false }
            }
            if let failure { throw failure }
            return .list(sorted)
        default:
            return nil
        }
    }

    private static func flatten(_ list: [CELValue], depth: Int64) -> [CELValue] {
        guard depth > 0 else { return list }
        var out: [CELValue] = []
        for item in list {
            if case let .list(inner) = item { out += flatten(inner, depth: depth - 1) } else { out.append(item) }
        }
        return out
    }
}
