import KubeCore

/// A compiled CEL expression, as used by CRD `x-kubernetes-validations` rules.
///
/// Parse once (at CRD registration), evaluate for every object. Evaluation is a tree walk over an
/// immutable AST, so one `CELExpression` can be shared across concurrent requests.
///
///     let rule = try CELExpression("self.replicas >= 2 || self.mode != 'Fast'")
///     let ok = try rule.evaluate(["self": spec])   // .bool(true)
///
/// Parsing alone does not type-check: ``CELChecker`` does that (and ``CELCostEstimator`` estimates
/// the cost) when a CRD is written, so a rule cel-go's checker would reject (`1 + 1.0`, an
/// unknown function) never reaches evaluation through a CRD.
public struct CELExpression: Sendable {
    public let source: String
    let root: CELNode
    /// Free variables the expression reads (`self`, `oldSelf`, ...), excluding macro variables.
    public let variables: Set<String>

    public init(_ source: String) throws(CELError) {
        self.source = source
        self.root = try CELParser.parse(source)
        var free = Set<String>()
        CELExpression.collectVariables(root, bound: [], into: &free)
        self.variables = free
    }

    /// Transition rules (those that read `oldSelf`) run only on update, when there is an old value.
    public var referencesOldSelf: Bool { variables.contains("oldSelf") }

    /// Evaluates with the given variables (e.g. `["self": x, "oldSelf": y]`) and converts the result
    /// back to JSON (uint → integer, bytes → base64, duration → `"1.5s"`, timestamp → RFC 3339).
    public func evaluate(_ bindings: [String: JSON]) throws(CELError) -> JSON {
        try evaluateValue(bindings).toJSON()
    }

    /// Evaluates a rule that must produce a boolean, the form validation rules take. A non-bool
    /// result is an error, as in Kubernetes ("rule did not evaluate to a boolean" style).
    public func evaluateBool(_ bindings: [String: JSON]) throws(CELError) -> Bool {
        guard case let .bool(b) = try evaluateValue(bindings) else {
            throw CELError("rule did not evaluate to a bool")
        }
        return b
    }

    /// Evaluates a validation rule over values of `schema` (`self`, `oldSelf`), typed as
    /// Kubernetes types them: a `format: date-time` string is a timestamp, a `type: number` 1 a
    /// double — what the rule was type-checked against.
    public func evaluateBool(_ bindings: [String: JSON], schema: StructuralSchema) throws(CELError) -> Bool {
        guard case let .bool(b) = try evaluateValue(bindings, schema: schema) else {
            throw CELError("rule did not evaluate to a bool")
        }
        return b
    }

    func evaluateValue(_ bindings: [String: JSON], schema: StructuralSchema? = nil, budget: CELBudget = CELBudget())
        throws(CELError) -> CELValue
    {
        var values: [String: CELValue] = [:]
        for (name, json) in bindings { values[name] = CELValue(json: json, schema: schema) }
        return try CELEvaluator(bindings: values, budget: budget).evaluate(root)
    }

    private static func collectVariables(_ node: CELNode, bound: Set<String>, into free: inout Set<String>) {
        func visit(_ n: CELNode, _ b: Set<String> = bound) { collectVariables(n, bound: b, into: &free) }
        switch node.kind {
        case .literal: break
        case let .identifier(name):
            if !bound.contains(name) && !CELEvaluator.typeNames.contains(name) { free.insert(name) }
        case let .select(operand, _, _), let .presence(operand, _), let .not(operand), let .negate(operand),
            let .matches(operand, _, _):
            visit(operand)
        case let .index(a, b, _), let .and(a, b), let .or(a, b), let .binary(_, a, b):
            visit(a)
            visit(b)
        case let .call(_, target, args):
            if let target { visit(target) }
            args.forEach { visit($0) }
        case let .list(elements): elements.forEach { visit($0.value) }
        case let .map(entries):
            for e in entries {
                visit(e.key)
                visit(e.value)
            }
        case let .conditional(a, b, c):
            visit(a)
            visit(b)
            visit(c)
        case let .comprehension(c):
            visit(c.range)
            var inner = bound
            inner.insert(c.variable)
            if let v = c.valueVariable { inner.insert(v) }
            if let p = c.predicate { visit(p, inner) }
            visit(c.body, inner)
        case let .bind(name, value, body):
            visit(value)
            visit(body, bound.union([name]))
        }
    }
}
