/// Walks a compiled `CELNode` tree against variable bindings.
///
/// Evaluation errors are thrown, and caught again only where CEL says an error can be absorbed:
/// `&&`/`||` (`false && error` is `false`, in either order) and the `all`/`exists` macros, which
/// are built from them. Everything else is strict, as in cel-go.
struct CELEvaluator {
    var bindings: [String: CELValue]
    /// Shared by the copies made for macro scopes, so the limit covers the whole evaluation.
    let budget: CELBudget

    init(bindings: [String: CELValue], budget: CELBudget = CELBudget()) {
        self.bindings = bindings
        self.budget = budget
    }

    /// Type names usable as values (`type(x) == string`) unless a variable shadows them.
    static let typeNames: Set<String> = [
        "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type",
    ]

    func evaluate(_ node: CELNode) throws(CELError) -> CELValue {
        switch node.kind {
        case let .literal(value):
            return value

        case let .identifier(name):
            if let value = bindings[name] { return value }
            if CELEvaluator.typeNames.contains(name) { return .type(name) }
            throw CELError("undeclared reference to '\(name)' (in container '')")

        case let .select(operand, field, optional):
            return try CELEvaluator.select(try evaluate(operand), field: field, optional: optional)

        case let .presence(operand, field):
            switch try evaluate(operand) {
            case let .map(m): return .bool(CELEvaluator.lookup(m, field: field) != nil)
            case let .optional(o):
                guard let v = o.value, case let .map(m) = v else { return .bool(false) }
                return .bool(CELEvaluator.lookup(m, field: field) != nil)
            default: throw .noSuchOverload
            }

        case let .index(operand, indexNode, optional):
            let container = try evaluate(operand)
            let index = try evaluate(indexNode)
            return try CELEvaluator.index(container, index, optional: optional)

        case let .call(name, targetNode, argNodes):
            let target = try targetNode.map { (n: CELNode) throws(CELError) in try evaluate(n) }
            var args: [CELValue] = []
            args.reserveCapacity(argNodes.count)
            for a in argNodes { args.append(try evaluate(a)) }
            return try CELFunctions.call(name, target: target, args: args)

        case let .matches(operand, regex, _):
            guard case let .string(s) = try evaluate(operand) else { throw .noSuchOverload }
            return .bool(regex.matches(s))

        case let .list(elements):
            var out: [CELValue] = []
            out.reserveCapacity(elements.count)
            for e in elements {
                let v = try evaluate(e.value)
                if e.optional {
                    guard case let .optional(o) = v else { throw .noSuchOverload }
                    if let inner = o.value { out.append(inner) }
                } else {
                    out.append(v)
                }
            }
            return .list(out)

        case let .map(entries):
            var map = CELMap()
            for e in entries {
                let key = try evaluate(e.key)
                switch key {
                case .bool, .int, .uint, .string: break
                default: throw CELError("unsupported key type: \(key.typeName)")
                }
                var value = try evaluate(e.value)
                if e.optional {
                    guard case let .optional(o) = value else { throw .noSuchOverload }
                    guard let inner = o.value else { continue }
                    value = inner
                }
                guard map.insert(key, value) else {
                    throw CELError("Failed with repeated key: \(key.plainDescription)")
                }
            }
            return .map(map)

        case let .conditional(condition, then, otherwise):
            switch try evaluate(condition) {
            case .bool(true): return try evaluate(then)
            case .bool(false): return try evaluate(otherwise)
            default: throw .noSuchOverload
            }

        case let .and(left, right):
            return try logical(left, right, absorbing: false)

        case let .or(left, right):
            return try logical(left, right, absorbing: true)

        case let .not(operand):
            guard case let .bool(b) = try evaluate(operand) else { throw .noSuchOverload }
            return .bool(!b)

        case let .negate(operand):
            return try CELOperators.negate(try evaluate(operand))

        case let .binary(op, left, right):
            return try CELOperators.apply(op, try evaluate(left), try evaluate(right))

        case let .comprehension(c):
            return try comprehension(c)

        case let .bind(name, valueNode, body):
            var inner = self
            inner.bindings[name] = try evaluate(valueNode)
            return try inner.evaluate(body)
        }
    }

    // MARK: Logic

    /// `&&` (absorbing `false`) and `||` (absorbing `true`) with CEL's commutative error
    /// semantics: the absorbing value on either side wins over an error on the other.
    private func logical(_ left: CELNode, _ right: CELNode, absorbing: Bool) throws(CELError) -> CELValue {
        var leftError: CELError?
        do {
            let l = try evaluate(left)
            if case let .bool(b) = l {
                if b == absorbing { return .bool(absorbing) }
            } else {
                leftError = .noSuchOverload
            }
        } catch {
            if budget.exhausted { throw error }
            leftError = error
        }
        let r: CELValue
        do {
            r = try evaluate(right)
        } catch {
            throw leftError ?? error
        }
        guard case let .bool(b) = r else { throw leftError ?? .noSuchOverload }
        if b == absorbing { return .bool(absorbing) }
        if let leftError { throw leftError }
        return .bool(!absorbing)
    }

    // MARK: Comprehensions

    private func comprehension(_ c: CELComprehension) throws(CELError) -> CELValue {
        // (first variable, second variable) per iteration: element or (index, element) for
        // lists, key or (key, value) for maps.
        let range = try evaluate(c.range)
        let items: [(CELValue, CELValue)]
        switch range {
        case let .list(l): items = l.enumerated().map { (.int(Int64($0.offset)), $0.element) }
        case let .map(m): items = m.entries.map { ($0.key, $0.value) }
        default: throw .noSuchOverload
        }
        var scope = self
        func bind(_ item: (CELValue, CELValue)) throws(CELError) {
            try budget.spend(1)
            if let valueVariable = c.valueVariable {
                scope.bindings[c.variable] = item.0
                scope.bindings[valueVariable] = item.1
            } else if case .list = range {
                scope.bindings[c.variable] = item.1
            } else {
                scope.bindings[c.variable] = item.0
            }
        }
        func test(_ node: CELNode) throws(CELError) -> Bool {
            guard case let .bool(b) = try scope.evaluate(node) else { throw .noSuchOverload }
            return b
        }

        switch c.kind {
        case .all, .exists:
            let absorbing = c.kind == .exists
            var firstError: CELError?
            for item in items {
                try bind(item)
                do {
                    if try test(c.body) == absorbing { return .bool(absorbing) }
                } catch {
                    if budget.exhausted { throw error }
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
            return .bool(!absorbing)

        case .existsOne:
            var count = 0
            for item in items {
                try bind(item)
                if try test(c.body) { count += 1 }
            }
            return .bool(count == 1)

        case .filter:
            var out: [CELValue] = []
            for item in items {
                try bind(item)
                if try test(c.body) {
                    if case .list = range { out.append(item.1) } else { out.append(item.0) }
                }
            }
            return .list(out)

        case .map, .transformList:
            var out: [CELValue] = []
            for item in items {
                try bind(item)
                if let predicate = c.predicate, try !test(predicate) { continue }
                out.append(try scope.evaluate(c.body))
            }
            return .list(out)

        case .transformMap:
            var out = CELMap()
            for item in items {
                try bind(item)
                if let predicate = c.predicate, try !test(predicate) { continue }
                out.insert(item.0, try scope.evaluate(c.body))
            }
            return .map(out)
        }
    }

    // MARK: Access

    /// Looks a field up in an object, honouring Kubernetes' escaping of property names that are
    /// not CEL identifiers (`foo-bar` is `foo__dash__bar`, `namespace` is `__namespace__`).
    static func lookup(_ map: CELMap, field: String) -> CELValue? {
        if let v = map[.string(field)] { return v }
        if field.contains("__"), let unescaped = CELEscaping.unescape(field) { return map[.string(unescaped)] }
        return nil
    }

    static func select(_ operand: CELValue, field: String, optional: Bool) throws(CELError) -> CELValue {
        switch operand {
        case let .map(m):
            if let v = lookup(m, field: field) { return optional ? .optional(CELOptional(v)) : v }
            if optional { return .optional(.none) }
            throw CELError("no such key: \(field)")
        case let .optional(o):
            // Selection on an optional stays optional: `a.?b.c` is none when `b` is absent.
            guard let inner = o.value else { return .optional(.none) }
            guard case let .map(m) = inner else { throw .noSuchOverload }
            return .optional(CELOptional(lookup(m, field: field)))
        default:
            throw .noSuchOverload
        }
    }

    static func index(_ container: CELValue, _ index: CELValue, optional: Bool) throws(CELError) -> CELValue {
        switch container {
        case let .list(l):
            let i: Int64
            switch index {
            case let .int(v): i = v
            case let .uint(v): i = v > UInt64(Int64.max) ? Int64.max : Int64(v)
            case let .double(d):
                guard d.rounded(.towardZero) == d, abs(d) < 9.2e18 else {
                    throw CELError("unsupported index value \(CELFormat.double(d)) in list")
                }
                i = Int64(d)
            default: throw CELError("unsupported index type '\(index.typeName)' in list")
            }
            guard i >= 0 && i < Int64(l.count) else {
                if optional { return .optional(.none) }
                throw CELError("index '\(i)' out of range in list size '\(l.count)'")
            }
            return optional ? .optional(CELOptional(l[Int(i)])) : l[Int(i)]
        case let .map(m):
            if let v = m[index] { return optional ? .optional(CELOptional(v)) : v }
            if optional { return .optional(.none) }
            throw CELError.noSuchKey(index)
        case let .optional(o):
            guard let inner = o.value else { return .optional(.none) }
            return .optional(CELOptional(try? CELEvaluator.index(inner, index, optional: false)))
        default:
            throw .noSuchOverload
        }
    }
}
