/// The worst-case cost of a checked expression, as cel-go's `checker.Cost` computes it with
/// apiextensions' size estimator and Kubernetes' `library.CostEstimator` — the number the API
/// server compares with its per-rule and per-CRD budgets when a CRD is written.
///
/// Each node costs what cel-go charges it (identifiers and field selections 1, literals 0,
/// `has()` 0 as Kubernetes configures it, list/map literals 10/30 plus their parts, a call 1 plus
/// its arguments unless the function scales with its input); a macro costs its range, plus
/// range size × (loop condition + step) of its expansion. Sizes come from the literal, or from
/// the schema along the expression's field path (`self.items.@items`): maxItems, maxLength × 4,
/// maxProperties, or what fits in a 3 MiB request.
struct CELCostEstimator {
    private let checked: CELCheckedExpression
    /// The type of `self` (and `oldSelf`): where field paths start.
    private let root: CELDeclType
    private var paths: [Int: [String]] = [:]
    private var sizes: [Int: CELEstimate] = [:]
    private var entrySizes: [Int: EntrySize] = [:]
    private var locals: [String: [Local]] = [:]

    /// The size of a container's entries (list items: index 1, values), when known.
    private struct EntrySize {
        var isList: Bool
        var key: CELEstimate
        var value: CELEstimate

        func union(_ other: EntrySize?) -> EntrySize? {
            guard let other else { return nil }
            return EntrySize(isList: isList, key: key.union(other.key), value: value.union(other.value))
        }
    }

    private struct Local {
        var path: [String]
        var size: CELEstimate?
        var entrySize: EntrySize?
    }

    private static let stringTraversalCostFactor = 0.1
    private static let regexStringLengthCostFactor = 0.25

    static func estimate(_ checked: CELCheckedExpression, root: CELDeclType) -> CELEstimate {
        var estimator = CELCostEstimator(checked: checked, root: root)
        return estimator.cost(checked.root)
    }

    private init(checked: CELCheckedExpression, root: CELDeclType) {
        self.checked = checked
        self.root = root
    }

    // MARK: Nodes

    private mutating func cost(_ node: CELNode) -> CELEstimate {
        switch node.kind {
        case .literal:
            return .zero
        case let .identifier(name):
            paths[node.id] = locals[name]?.last?.path ?? [name]
            return .fixed(1)
        case let .select(operand, field, optional):
            if optional { return call(node, target: nil, args: [operand], function: "_?._", extraArgCost: .zero) }
            var sum = cost(operand)
            switch checked.type(of: operand) {
            case .map, .object, .typeParam: sum = sum.adding(.fixed(1))
            default: break
            }
            paths[node.id] = path(operand) + [field]
            return sum
        case let .presence(operand, _):
            return cost(operand)
        case let .index(operand, index, _):
            return call(node, target: nil, args: [operand, index], function: "_[_]")
        case let .call(name, target, args):
            if name == "dyn", target == nil, args.count == 1 {
                let argCost = cost(args[0])
                copySizes(node, from: args[0])
                return CELEstimate.fixed(1).adding(argCost)
            }
            return call(node, target: target, args: args, function: name)
        case let .matches(operand, _, pattern):
            return call(node, target: operand, args: [pattern], function: "matches")
        case let .list(elements):
            var sum = CELEstimate.zero
            var itemSize = CELEstimate(min: elements.isEmpty ? 0 : .max, max: 0)
            for element in elements {
                sum = sum.adding(cost(element.value))
                itemSize = itemSize.union(sizeOrUnknown(element.value))
            }
            entrySizes[node.id] = EntrySize(isList: true, key: .fixed(1), value: itemSize)
            return sum.adding(.fixed(10))
        case let .map(entries):
            var sum = CELEstimate.zero
            var keySize = CELEstimate(min: entries.isEmpty ? 0 : .max, max: 0)
            var valueSize = keySize
            for entry in entries {
                sum = sum.adding(cost(entry.key)).adding(cost(entry.value))
                keySize = keySize.union(sizeOrUnknown(entry.key))
                valueSize = valueSize.union(sizeOrUnknown(entry.value))
            }
            entrySizes[node.id] = EntrySize(isList: false, key: keySize, value: valueSize)
            return sum.adding(.fixed(30))
        case let .conditional(condition, then, otherwise):
            return call(node, target: nil, args: [condition, then, otherwise], function: "_?_:_")
        case let .and(left, right), let .or(left, right):
            let l = cost(left)
            let r = cost(right)
            return CELEstimate(min: l.min, max: l.adding(r).max)
        case let .not(operand):
            return call(node, target: nil, args: [operand], function: "!_")
        case let .negate(operand):
            return call(node, target: nil, args: [operand], function: "-_")
        case let .binary(op, left, right):
            return call(node, target: nil, args: [left, right], function: op.functionName)
        case let .comprehension(c):
            return comprehension(node, c)
        case let .bind(name, value, body):
            // cel.bind expands to a comprehension over an empty list literal (10).
            var sum = CELEstimate.fixed(10).adding(cost(value))
            locals[name, default: []].append(Local(path: path(value), size: computeSize(value), entrySize: entrySizes[value.id]))
            sum = sum.adding(cost(body))
            locals[name]?.removeLast()
            copySizes(node, from: body)
            return sum
        }
    }

    // MARK: Calls

    private mutating func call(_ node: CELNode, target: CELNode?, args: [CELNode], function: String,
                               extraArgCost: CELEstimate? = nil) -> CELEstimate {
        var argCosts = args.map { cost($0) }
        if let extraArgCost { argCosts.append(extraArgCost) }
        let ids = checked.overloads[node.id] ?? (function == "_?._" ? ["select_optional_field"] : [])
        guard !ids.isEmpty else { return .zero }
        var sum = CELEstimate.zero
        if let target { sum = sum.adding(cost(target)) }
        var total = CELEstimate(min: .max, max: 0)
        var resultSize: CELEstimate?
        for id in ids {
            let (c, size) = functionCost(node, function, id, target: target, args: args, argCosts: argCosts)
            total = total.union(c)
            if let size { resultSize = resultSize.map { $0.union(size) } ?? size }
            if id == "index_list" || id == "index_map", let container = args.first {
                resultSize = entrySize(container)?.value
                paths[node.id] = path(container) + [id == "index_list" ? "@items" : "@values"]
            }
            if resultSize == nil { resultSize = computeSize(node) }
        }
        if let resultSize { sizes[node.id] = resultSize }
        return sum.adding(total)
    }

    /// One overload's cost (without the receiver's) and result size: Kubernetes' estimates for its
    /// library functions first, then cel-go's for the built-ins that scale with their input.
    private mutating func functionCost(_ node: CELNode, _ function: String, _ id: String, target: CELNode?,
                                       args: [CELNode], argCosts: [CELEstimate]) -> (CELEstimate, CELEstimate?) {
        let argSum = argCosts.reduce(CELEstimate.zero) { $0.adding($1) }
        let factor = Self.stringTraversalCostFactor
        if let (estimate, size) = kubernetesCallCost(function, id, target: target, args: args) {
            return (estimate.adding(argSum), size)
        }
        switch id {
        case "string_format" where target != nil:
            return (sizeOrUnknown(target!).multiplied(byFactor: factor).adding(argSum), nil)
        case "string_to_bytes" where args.count == 1:
            let s = sizeOrUnknown(args[0])
            return (s.multiplied(byFactor: factor).adding(argSum), CELEstimate(min: s.min, max: CELEstimate.multiply(s.max, UInt64(4))))
        case "bytes_to_string" where args.count == 1:
            let s = sizeOrUnknown(args[0])
            return (s.multiplied(byFactor: factor).adding(argSum), CELEstimate(min: s.min / 4, max: s.max))
        case "strings_quote" where args.count == 1:
            let s = sizeOrUnknown(args[0])
            let size = CELEstimate(min: CELEstimate.add(s.min, 2), max: CELEstimate.add(CELEstimate.multiply(s.max, UInt64(2)), 2))
            return (s.multiplied(byFactor: factor).adding(argSum), size)
        case "starts_with_string", "ends_with_string":
            return (sizeOrUnknown(args[0]).multiplied(byFactor: factor).adding(argSum), nil)
        case "in_list":
            return (sizeOrUnknown(args[1]).multiplied(byFactor: 1).adding(argSum), nil)
        case "matches_string" where target != nil:
            let stringCost = sizeOrUnknown(target!).adding(.fixed(1)).multiplied(byFactor: factor)
            let regexCost = sizeOrUnknown(args[0]).multiplied(byFactor: Self.regexStringLengthCostFactor)
            return (stringCost.multiplied(by: regexCost).adding(argSum), nil)
        case "contains_string" where target != nil:
            let stringCost = sizeOrUnknown(target!).multiplied(byFactor: factor)
            let substringCost = sizeOrUnknown(args[0]).multiplied(byFactor: factor)
            return (stringCost.multiplied(by: substringCost).adding(argSum), nil)
        case "conditional":
            let size = sizeOrUnknown(args[1]).union(sizeOrUnknown(args[2]))
            if let entry = entrySize(args[1])?.union(entrySize(args[2])) { entrySizes[node.id] = entry }
            return (argCosts[0].adding(argCosts[1].union(argCosts[2])), size)
        case "add_string", "add_bytes", "add_list":
            let size = sizeOrUnknown(args[0]).adding(sizeOrUnknown(args[1]))
            if let entry = entrySize(args[0])?.union(entrySize(args[1])) { entrySizes[node.id] = entry }
            if id == "add_list" { return (CELEstimate.fixed(1).adding(argSum), size) }
            return (size.multiplied(byFactor: factor).adding(argSum), size)
        case "equals", "not_equals", "less_string", "greater_string", "less_equals_string", "greater_equals_string",
             "less_bytes", "greater_bytes", "less_equals_bytes", "greater_equals_bytes":
            let smallestMax = Swift.min(sizeOrUnknown(args[0]).max, sizeOrUnknown(args[1]).max)
            let estimate = CELEstimate(min: smallestMax > 0 ? 1 : 0, max: smallestMax)
            return (estimate.multiplied(byFactor: factor).adding(argSum), nil)
        default:
            return (CELEstimate.fixed(1).adding(argSum), nil)
        }
    }

    /// `library.CostEstimator.EstimateCallCost` for the functions this server declares.
    private mutating func kubernetesCallCost(_ function: String, _ id: String, target: CELNode?, args: [CELNode])
        -> (CELEstimate, CELEstimate?)?
    {
        guard let target else { return nil }
        let factor = Self.stringTraversalCostFactor
        let size = librarySize(target)
        switch function {
        case "isSorted", "sum", "max", "min", "indexOf", "lastIndexOf":
            guard case let .list(elementType) = checked.type(of: target) else {
                return (size.multiplied(byFactor: factor), nil)
            }
            var elementCost = CELEstimate.fixed(1)
            if elementType == .string || elementType == .bytes {
                elementCost = elementCost.adding(elementSize(target).multiplied(byFactor: factor))
            }
            return (size.multiplied(by: elementCost), nil)
        case "lowerAscii", "upperAscii", "substring", "trim":
            return (size.multiplied(byFactor: factor), size)
        case "replace" where args.count >= 2:
            return replaceCost(size, librarySize(args[0]), librarySize(args[1]))
        case "split":
            var max = size.max
            if args.count > 1, case let .literal(.int(limit)) = args[1].kind { max = UInt64(bitPattern: limit) }
            return (size.multiplied(byFactor: 2 * factor), CELEstimate(min: 0, max: max))
        case "join":
            var result = CELEstimate.zero
            if case .list = checked.type(of: target) { result = size.multiplied(by: elementSize(target)) }
            if let separator = args.first {
                let separators = CELEstimate(min: size.min > 0 ? size.min - 1 : 0, max: size.max > 0 ? size.max - 1 : 0)
                result = result.adding(librarySize(separator).multiplied(by: separators))
            }
            return (result.multiplied(byFactor: factor), result)
        case "find", "findAll" where !args.isEmpty:
            let stringCost = size.adding(.fixed(1)).multiplied(byFactor: factor)
            let regexCost = librarySize(args[0]).multiplied(byFactor: Self.regexStringLengthCostFactor)
            return (stringCost.multiplied(by: regexCost), CELEstimate(min: 0, max: size.max))
        default:
            return nil
        }
    }

    /// `replace`: the result is longest when the shortest substring is replaced by the longest
    /// replacement as often as it fits, shortest the other way round.
    private func replaceCost(_ size: CELEstimate, _ toReplace: CELEstimate, _ replaceWith: CELEstimate)
        -> (CELEstimate, CELEstimate?)
    {
        let longest = Self.replacements(size.max, replaced: toReplace.min, keepsLength: replaceWith.max <= toReplace.min)
        let shortest = Self.replacements(size.min, replaced: toReplace.max, keepsLength: toReplace.max <= replaceWith.min)
        let count = CELEstimate(min: shortest.count, max: longest.count)
        let retained = CELEstimate(min: shortest.retained, max: longest.retained)
        let result = count.multiplied(by: replaceWith).adding(retained)
        return (size.multiplied(byFactor: 2 * Self.stringTraversalCostFactor), result)
    }

    /// How many replacements a string of `length` takes and how much of it stays: an empty
    /// substring surrounds every character; a replacement that does not change the length
    /// leaves the length as it is.
    private static func replacements(_ length: UInt64, replaced: UInt64, keepsLength: Bool) -> (count: UInt64, retained: UInt64) {
        if replaced == 0 { return (length < .max ? length + 1 : length, length) }
        if keepsLength { return (0, length) }
        return (UInt64((Double(length) / Double(replaced)).rounded(.up)), 0)
    }

    // MARK: Macros

    private mutating func comprehension(_ node: CELNode, _ c: CELComprehension) -> CELEstimate {
        var sum = cost(c.range)
        let rangePath = path(c.range)
        let rangeEntry = entrySize(c.range)
        let isList: Bool
        switch checked.type(of: c.range) {
        case .list: isList = true
        default: isList = rangeEntry?.isList ?? false
        }
        if let second = c.valueVariable {
            push(c.variable, rangePath + [isList ? "@indices" : "@keys"], rangeEntry?.key)
            push(second, rangePath + [isList ? "@items" : "@values"], rangeEntry?.value)
        } else {
            push(c.variable, rangePath + [isList ? "@items" : "@keys"], isList ? rangeEntry?.value : rangeEntry?.key)
        }
        let loop: CELEstimate
        let step: CELEstimate
        let initial: CELEstimate
        let result: CELEstimate
        switch c.kind {
        case .all, .exists:
            // init true/false; condition @not_strictly_false(@result) (exists: of !@result);
            // step @result && pred (||); result @result.
            initial = .zero
            loop = .fixed(c.kind == .all ? 2 : 3)
            step = CELEstimate(min: 1, max: CELEstimate.add(1, cost(c.body).max))
            result = .fixed(1)
        case .existsOne:
            // init 0; condition true; step pred ? @result + 1 : @result; result @result == 1.
            initial = .zero
            loop = .zero
            step = cost(c.body).adding(CELEstimate(min: 1, max: 2))
            result = .fixed(2)
        case .filter:
            // init []; step pred ? @result + [x] : @result.
            initial = .fixed(10)
            loop = .zero
            step = cost(c.body).adding(CELEstimate(min: 1, max: 13))
            result = .fixed(1)
        case .map, .transformList, .transformMap:
            // init [] ({}); step @result + [transform] (a map insert), behind pred ? : when filtering.
            initial = .fixed(c.kind == .transformMap ? 30 : 10)
            loop = .zero
            let predicate = c.predicate.map { cost($0) }
            let transform = cost(c.body)
            let add = c.kind == .transformMap ? transform.adding(.fixed(3)) : transform.adding(.fixed(12))
            step = predicate.map { $0.adding(add.union(.fixed(1))) } ?? add
            result = .fixed(1)
        }
        locals[c.variable]?.removeLast()
        if let second = c.valueVariable { locals[second]?.removeLast() }
        sum = sum.adding(initial).adding(result)
        let count = sizeOrUnknown(c.range)
        sum = sum.adding(count.multiplied(by: step.adding(loop)))
        switch c.kind {
        case .filter, .map, .transformList, .transformMap:
            sizes[node.id] = count
            let value = c.kind == .filter ? (isList ? rangeEntry?.value : rangeEntry?.key) : computeSize(c.body)
            entrySizes[node.id] = EntrySize(isList: c.kind != .transformMap, key: .fixed(1),
                                            value: CELEstimate.zero.union(value ?? .unknown))
        case .all, .exists, .existsOne:
            sizes[node.id] = .fixed(1)
        }
        return sum
    }

    private mutating func push(_ name: String, _ path: [String], _ size: CELEstimate?) {
        locals[name, default: []].append(Local(path: path, size: size, entrySize: nil))
    }

    // MARK: Sizes

    private func path(_ node: CELNode) -> [String] {
        if case let .identifier(name) = node.kind, let local = locals[name]?.last { return local.path }
        return paths[node.id] ?? []
    }

    private func entrySize(_ node: CELNode) -> EntrySize? {
        if let e = entrySizes[node.id] { return e }
        if case let .identifier(name) = node.kind { return locals[name]?.last?.entrySize }
        return nil
    }

    private mutating func copySizes(_ node: CELNode, from source: CELNode) {
        if let s = computeSize(source) { sizes[node.id] = s }
        if let e = entrySize(source) { entrySizes[node.id] = e }
    }

    private mutating func sizeOrUnknown(_ node: CELNode) -> CELEstimate {
        computeSize(node) ?? .unknown
    }

    /// What the library estimator sees: a node's computed size, else unknown.
    private mutating func librarySize(_ node: CELNode) -> CELEstimate {
        sizeOrUnknown(node)
    }

    /// The size of a list's elements, looked up along `<path>.@items` (unknown without a path).
    private func elementSize(_ list: CELNode) -> CELEstimate {
        let p = path(list)
        guard !p.isEmpty else { return .unknown }
        return schemaSize(p + ["@items"]) ?? .unknown
    }

    /// cel-go's `computeSize`: a recorded size, a literal's, the schema's along the node's path,
    /// 1 for fixed-size types, or a local variable's.
    private mutating func computeSize(_ node: CELNode) -> CELEstimate? {
        if let s = sizes[node.id] { return s }
        switch node.kind {
        case let .literal(value):
            switch value {
            case let .string(s): return .fixed(UInt64(s.unicodeScalars.count))
            case let .bytes(b): return .fixed(UInt64(b.count))
            case .bool, .double, .int, .uint, .null, .duration, .timestamp: return .fixed(1)
            default: return nil
            }
        case let .list(elements): return .fixed(UInt64(elements.count))
        case let .map(entries): return .fixed(UInt64(entries.count))
        default: break
        }
        if let s = schemaSize(path(node)) {
            sizes[node.id] = s
            return s
        }
        if checked.type(of: node).isScalar { return .fixed(1) }
        if case let .identifier(name) = node.kind, let local = locals[name]?.last, let size = local.size { return size }
        return nil
    }

    /// apiextensions' `sizeEstimator`: walk the schema types from `self` along field names,
    /// `@items`/`@values` (elements) and `@keys`; `[0, maxElements]` of where it ends.
    private func schemaSize(_ path: [String]) -> CELEstimate? {
        guard !path.isEmpty else { return nil }
        var current = root
        for step in path.dropFirst() {
            switch step {
            case "@items", "@values":
                guard let e = current.elementType else { return nil }
                current = e
            case "@keys":
                guard let k = current.keyType else { return nil }
                current = k
            default:
                guard let f = current.fields?[step] else { return nil }
                current = f
            }
        }
        return CELEstimate(min: 0, max: UInt64(max(0, current.maxElements)))
    }
}
