/// List methods: `join` from cel-go's strings extension and the Kubernetes list library
/// (`isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`).
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
        default:
            return nil
        }
    }
}
