/// What an expression may refer to: its variables (`self`, `oldSelf`) and the object types of
/// the schema, by the names the types carry.
struct CELEnvironment: Sendable {
    var variables: [String: CELType]
    var objectTypes: [String: CELDeclType] = [:]
}

/// A type-checked expression: the type of every node (type parameters resolved, unbound ones
/// `dyn`) and the overloads each call can resolve to, by node id.
struct CELCheckedExpression: Sendable {
    let root: CELNode
    let type: CELType
    let types: [Int: CELType]
    let overloads: [Int: [String]]

    func type(of node: CELNode) -> CELType { types[node.id] ?? .dyn }
}

/// cel-go's type checker over our AST: infers every node's type bottom-up, resolves each call
/// against the declared overloads (binding type parameters), and reports the errors cel-go
/// reports, at the positions it reports them, sorted by position:
///
///     ERROR: <input>:1:15: found no matching overload for '_>_' applied to '(int, string)'
///      | self.replicas > 'a'
///      | ..............^
///
/// Macros are checked as their cel-go expansions behave: `all`/`exists` combine the predicate
/// with `&&`/`||` (a non-bool predicate is "expected type 'bool' but found ..."), `exists_one`,
/// `filter` and the filtering `map` feed it to `_?_:_`.
struct CELChecker {
    private let env: CELEnvironment
    private var mapping = CELTypeMapping()
    private var types: [Int: CELType] = [:]
    private var overloads: [Int: [String]] = [:]
    private var errors: [(offset: Int, message: String)] = []
    private var scopes: [[String: CELType]] = []
    private var freeTypeVarCounter = 0

    private init(env: CELEnvironment) {
        self.env = env
    }

    /// The checked expression, or the errors as one `CELError` (newline-separated, sorted).
    static func check(_ expression: CELExpression, env: CELEnvironment) throws(CELError) -> CELCheckedExpression {
        var checker = CELChecker(env: env)
        _ = checker.check(expression.root)
        if !checker.errors.isEmpty {
            let sorted = checker.errors.enumerated().sorted { l, r in
                l.element.offset != r.element.offset ? l.element.offset < r.element.offset : l.offset < r.offset
            }
            throw CELError(sorted.map { CELSyntax.format($0.element.message, source: expression.source, offset: $0.element.offset) }
                .joined(separator: "\n"))
        }
        var resolved: [Int: CELType] = [:]
        for (id, type) in checker.types { resolved[id] = checker.mapping.substitute(type, typeParamToDyn: true) }
        return CELCheckedExpression(root: expression.root, type: resolved[expression.root.id] ?? .dyn, types: resolved,
                                    overloads: checker.overloads)
    }

    // MARK: Walk

    private mutating func check(_ node: CELNode) -> CELType {
        let type = infer(node)
        types[node.id] = type
        return type
    }

    private mutating func infer(_ node: CELNode) -> CELType {
        switch node.kind {
        case let .literal(value):
            switch value {
            case .int: return .int
            case .uint: return .uint
            case .double: return .double
            case .string: return .string
            case .bytes: return .bytes
            case .bool: return .bool
            case .null: return .null
            default: return .dyn
            }

        case let .identifier(name):
            if let t = lookup(name) { return t }
            report(node, "undeclared reference to '\(name)' (in container '')")
            return .error

        case let .select(operand, field, optional):
            return selectField(node, operand, field, optional: optional)

        case let .presence(operand, field):
            _ = selectField(node, operand, field, optional: false)
            return .bool

        case let .index(operand, index, optional):
            return call(node, optional ? "_[?_]" : "_[_]", target: nil, args: [operand, index])

        case let .call(name, target, args):
            return call(node, name, target: target, args: args)

        case let .matches(operand, _, pattern):
            return call(node, "matches", target: operand, args: [pattern])

        case let .list(elements):
            var joined: CELType?
            for element in elements {
                var t = check(element.value)
                if element.optional { t = unwrapOptionalEntry(element.value, t) }
                joined = join(element.value, joined, t)
            }
            return .list(joined ?? freshTypeVar())

        case let .map(entries):
            var keyType: CELType?
            var valueType: CELType?
            for entry in entries {
                keyType = join(entry.key, keyType, check(entry.key))
                var t = check(entry.value)
                if entry.optional { t = unwrapOptionalEntry(entry.value, t) }
                valueType = join(entry.value, valueType, t)
            }
            guard let keyType, let valueType else { return .map(freshTypeVar(), freshTypeVar()) }
            return .map(keyType, valueType)

        case let .conditional(condition, then, otherwise):
            return call(node, "_?_:_", target: nil, args: [condition, then, otherwise])

        case let .and(left, right):
            return logical(left, right)

        case let .or(left, right):
            return logical(left, right)

        case let .not(operand):
            return call(node, "!_", target: nil, args: [operand])

        case let .negate(operand):
            return call(node, "-_", target: nil, args: [operand])

        case let .binary(op, left, right):
            return call(node, op.functionName, target: nil, args: [left, right])

        case let .comprehension(c):
            return comprehension(node, c)

        case let .bind(name, value, body):
            let valueType = check(value)
            scopes.append([name: valueType])
            defer { scopes.removeLast() }
            return check(body)
        }
    }

    private func lookup(_ name: String) -> CELType? {
        for scope in scopes.reversed() {
            if let t = scope[name] { return t }
        }
        return env.variables[name] ?? CELFunctionDeclarations.typeIdentifiers[name]
    }

    private mutating func report(_ node: CELNode, _ message: String) {
        errors.append((node.offset, message))
    }

    private mutating func freshTypeVar() -> CELType {
        defer { freeTypeVarCounter += 1 }
        return .typeParam("_var\(freeTypeVarCounter)")
    }

    // MARK: Fields

    /// Field selection: a map yields its value type, an object its declared field (or "undefined
    /// field"), `dyn` stays `dyn`; anything else "does not support field selection". Selecting
    /// through an optional, or with `.?`, gives an optional.
    private mutating func selectField(_ node: CELNode, _ operand: CELNode, _ field: String, optional: Bool) -> CELType {
        let operandType = mapping.substitute(check(operand), typeParamToDyn: false)
        let target = operandType.optionalElement ?? operandType
        var result: CELType
        switch target {
        case let .map(_, value):
            result = value
        case let .object(name):
            if let fieldType = fieldType(name, field) {
                result = fieldType
            } else {
                report(node, "undefined field '\(field)'")
                result = .error
            }
        case .typeParam:
            _ = mapping.isAssignable(.dyn, target)
            result = .dyn
        default:
            if !target.isDynOrError { report(node, "type '\(target.description)' does not support field selection") }
            result = .dyn
        }
        return operandType.optionalElement != nil || optional ? .optional(result) : result
    }

    /// A declared field, by its escaped name: a property named after a CEL keyword is only
    /// `__namespace__` (the CRD compiler does not switch on apiserver's keyword-as-field-name).
    private func fieldType(_ typeName: String, _ field: String) -> CELType? {
        env.objectTypes[typeName]?.fields?[field]?.celType
    }

    // MARK: Calls

    private mutating func call(_ node: CELNode, _ name: String, target: CELNode?, args: [CELNode]) -> CELType {
        let argTypes = args.map { check($0) }
        let targetType = target.map { check($0) }
        guard let declared = CELFunctionDeclarations.overloads(name) else {
            report(node, "undeclared reference to '\(name)' (in container '')")
            return .error
        }
        return resolve(node, name, declared, targetType: targetType, argTypes: argTypes)
    }

    private mutating func resolve(_ node: CELNode, _ name: String, _ declared: [CELOverload], targetType: CELType?,
                                  argTypes: [CELType]) -> CELType {
        let all = (targetType.map { [$0] } ?? []) + argTypes
        var result: CELType?
        var matched: [String] = []
        for overload in declared where overload.member == (targetType != nil) {
            let (params, overloadResult) = instantiate(overload)
            guard mapping.isAssignable(all, params) else { continue }
            matched.append(overload.id)
            let t = mapping.substitute(overloadResult, typeParamToDyn: false)
            if let current = result {
                if current != .dyn && t != current { result = .dyn }
            } else {
                result = t
            }
        }
        guard let result else {
            let shown = all.map { mapping.substitute($0, typeParamToDyn: true).description }
            let signature = targetType != nil
                ? "\(shown[0]).(\(shown.dropFirst().joined(separator: ", ")))"
                : "(\(shown.joined(separator: ", ")))"
            report(node, "found no matching overload for '\(name)' applied to '\(signature)'")
            return .error
        }
        overloads[node.id] = matched
        return result
    }

    /// The overload's parameter and result types with fresh type variables for its `A`, `B`.
    private mutating func instantiate(_ overload: CELOverload) -> ([CELType], CELType) {
        var fresh: [String: CELType] = [:]
        func replace(_ t: CELType) -> CELType {
            switch t {
            case let .typeParam(name):
                if let v = fresh[name] { return v }
                let v = freshTypeVar()
                fresh[name] = v
                return v
            case let .list(e): return .list(replace(e))
            case let .map(k, v): return .map(replace(k), replace(v))
            case let .type(inner): return .type(inner.map(replace))
            case let .opaque(n, params): return .opaque(n, params.map(replace))
            default: return t
            }
        }
        let params = overload.params.map(replace)
        return (params, replace(overload.result))
    }

    /// `&&` and `||`: each side must be a bool; a side that is not is reported where it stands.
    private mutating func logical(_ left: CELNode, _ right: CELNode) -> CELType {
        var ok = true
        for side in [left, right] {
            let t = check(side)
            if !mapping.isAssignable(t, .bool) {
                report(side, "expected type 'bool' but found '\(mapping.substitute(t, typeParamToDyn: true).description)'")
                ok = false
            }
        }
        return ok ? .bool : .error
    }

    // MARK: Aggregates

    private mutating func join(_ node: CELNode, _ previous: CELType?, _ current: CELType) -> CELType {
        guard let previous else { return current }
        if mapping.isAssignable(previous, current) { return CELTypeMapping.mostGeneral(previous, current) }
        report(node, "expected type '\(previous.description)' but found '\(current.description)'")
        return .error
    }

    private mutating func unwrapOptionalEntry(_ node: CELNode, _ t: CELType) -> CELType {
        if let inner = t.optionalElement { return inner }
        if t != .dyn { report(node, "expected type '\(CELType.optional(t).description)' but found '\(t.description)'") }
        return t
    }

    // MARK: Macros

    private mutating func comprehension(_ node: CELNode, _ c: CELComprehension) -> CELType {
        let rangeType = mapping.substitute(check(c.range), typeParamToDyn: false)
        var first: CELType
        var second: CELType
        switch rangeType {
        case let .list(element):
            (first, second) = c.valueVariable == nil ? (element, element) : (.int, element)
        case let .map(key, value):
            (first, second) = (key, value)
        case .dyn, .error, .typeParam:
            _ = mapping.isAssignable(.dyn, rangeType)
            (first, second) = (.dyn, .dyn)
        default:
            report(c.range, "expression of type '\(rangeType.description)' cannot be range of a comprehension (must be list, map, or dynamic)")
            (first, second) = (.error, .error)
        }
        var scope = [c.variable: first]
        if let v = c.valueVariable { scope[v] = second }
        scopes.append(scope)
        defer { scopes.removeLast() }

        switch c.kind {
        case .all, .exists:
            let t = check(c.body)
            if !mapping.isAssignable(t, .bool) {
                report(c.body, "expected type 'bool' but found '\(mapping.substitute(t, typeParamToDyn: true).description)'")
            }
            return .bool
        case .existsOne:
            let t = check(c.body)
            _ = conditional(node, t, .int)
            return .bool
        case .filter:
            let t = check(c.body)
            return conditional(node, t, .list(first))
        case .map, .transformList, .transformMap:
            let predicate = c.predicate.map { check($0) }
            let value = mapping.substitute(check(c.body), typeParamToDyn: false)
            let accumulated: CELType = c.kind == .transformMap ? .map(first, value) : .list(value)
            guard let predicate else { return accumulated }
            return conditional(node, predicate, accumulated)
        }
    }

    /// The `predicate ? step : @result` of an expansion, resolved like a written conditional.
    private mutating func conditional(_ node: CELNode, _ predicate: CELType, _ accumulated: CELType) -> CELType {
        let declared = CELFunctionDeclarations.overloads("_?_:_") ?? []
        let saved = overloads[node.id]
        defer { overloads[node.id] = saved }
        let t = resolve(node, "_?_:_", declared, targetType: nil, argTypes: [predicate, accumulated, accumulated])
        return t == .error ? .error : accumulated
    }
}
