import Foundation
import KubeCore

/// What apiextensions-apiserver does with a CRD's `x-kubernetes-validations` when the CRD is
/// written (`cel.Compile` from `ValidateCustomResourceDefinitionOpenAPISchema`): every rule and
/// messageExpression is compiled and type-checked against the CEL type of its schema node, and
/// its worst-case cost is estimated and held against the budgets — 10,000,000 per expression
/// (a rule's times how often its node can occur) and 100,000,000 for the whole schema.
/// Golden 094-096 (compile errors) and 099-101 (cost) pin the messages.
///
/// ``OpenAPISchemaChecks`` drives it node by node, where the real walk compiles, and asks for
/// the whole-schema total at the end.
struct CRDRuleCompilation {
    static let perExpressionCostLimit: UInt64 = 10_000_000
    static let perCRDCostLimit: UInt64 = 100_000_000

    /// The schema's cost so far (`TotalCost.Total`).
    private(set) var total: UInt64 = 0
    /// The four costliest expressions of at least 1% of the CRD budget, costliest first.
    private var mostExpensive: [(path: String, cost: UInt64)] = []

    /// The errors of each of the node's rules (rule `i`'s at index `i`, in the real server's
    /// order: cost, compilation, messageExpression); or, for a node that has no CEL type, the one
    /// error the real server reports instead. `cardinality` is how often the node can occur
    /// (nil: under a list or map without maxItems/maxProperties).
    mutating func compileRules(of s: StructuralSchema, path: String, cardinality: UInt64?,
                               isResourceRoot: Bool) -> Result<[[FieldError]], FieldError> {
        guard let declType = s.celDeclType(isResourceRoot: isResourceRoot || s.embeddedResource) else {
            return .failure(FieldError(reason: .internal, field: SchemaFieldPath.child(path, "x-kubernetes-validations"),
                                       message: "Internal error: internal error: failed to construct type information for x-kubernetes-validations rules: unable to convert structural schema to CEL declarations"))
        }
        let selfType = declType.named("selfType\(Int.random(in: 0..<1_000_000_000))")
        var objectTypes: [String: CELDeclType] = [:]
        selfType.objectTypes(into: &objectTypes)
        // Unbounded: as often as its smallest JSON and a comma fit into a 3 MiB request.
        let repeats = cardinality ?? UInt64(CELSizes.maxRequestSizeBytes / (selfType.minSerializedSize + 1))
        let rulesPath = SchemaFieldPath.child(path, "x-kubernetes-validations")
        return .success(s.validations.enumerated().map { i, rule in
            var env = CELEnvironment(variables: ["self": selfType.celType, "oldSelf": selfType.celType], objectTypes: objectTypes)
            if rule.optionalOldSelf { env.variables["oldSelf"] = .optional(selfType.celType) }
            return compile(rule, path: SchemaFieldPath.index(rulesPath, i), env: env, selfType: selfType, cardinality: repeats)
        })
    }

    /// How often the children of a node can occur (`childContext`): objects pass their own
    /// count on, lists and maps multiply it by maxItems/maxProperties or make it unbounded.
    static func childCardinality(_ s: StructuralSchema, _ cardinality: UInt64?) -> UInt64? {
        let factor: UInt64?
        switch s.type {
        case "object": factor = s.additionalProperties == nil ? 1 : s.maxProperties.map { UInt64(max(0, $0)) }
        case "array": factor = s.maxItems.map { UInt64(max(0, $0)) }
        default: factor = 1
        }
        guard let cardinality, let factor else { return nil }
        return CELEstimate.multiply(cardinality, factor)
    }

    /// After the walk: the expressions that made the schema exceed its budget, then the schema.
    func totalCostErrors(schemaPath: String) -> [FieldError] {
        guard total > Self.perCRDCostLimit else { return [] }
        return mostExpensive.map {
            .forbidden($0.path, "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema")
        } + [.forbidden(schemaPath, Self.costMessage("x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
                                                     total, Self.perCRDCostLimit))]
    }

    /// `getCostErrorMessage`: the factor as `more than 100x`, `%.1fx`, or, below 1.5, `%fx`.
    static func costMessage(_ name: String, _ cost: UInt64, _ limit: UInt64) -> String {
        let factor = Double(cost) / Double(limit)
        let shown: String
        if factor > 100 {
            shown = "more than 100x"
        } else if factor < 1.5 {
            shown = String(format: "%fx", factor)
        } else {
            shown = String(format: "%.1fx", factor)
        }
        return "\(name) exceeds budget by factor of \(shown) (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)"
    }

    // MARK: One rule

    private mutating func compile(_ rule: ValidationRule, path: String, env: CELEnvironment, selfType: CELDeclType,
                                  cardinality: UInt64) -> [FieldError] {
        guard !rule.rule.trimmingSpaces.isEmpty else { return [] }
        var errors: [FieldError] = []
        let shown = Self.goStruct(rule)
        guard compile(rule.rule, as: .rule, path: path, shown: shown, env: env, selfType: selfType, cardinality: cardinality,
                      into: &errors),
              let messageExpression = rule.messageExpression, !messageExpression.isEmpty else { return errors }
        // The message expression's cost is not multiplied by the cardinality.
        _ = compile(messageExpression, as: .messageExpression, path: path, shown: shown, env: env, selfType: selfType,
                    cardinality: 1, into: &errors)
        return errors
    }

    /// What differs between compiling a rule and its messageExpression.
    private struct Role {
        var field: String
        var failed: String
        var type: CELType
        var wrongType: String
        var costName: String

        static let rule = Role(field: "rule", failed: "compilation failed", type: .bool,
                               wrongType: "cel expression must evaluate to a bool", costName: "estimated rule cost")
        static let messageExpression = Role(field: "messageExpression", failed: "messageExpression compilation failed",
                                            type: .string, wrongType: "messageExpression must evaluate to a string",
                                            costName: "estimated messageExpression cost")
    }

    /// Compiles, type-checks and costs one expression; false when it does not compile (a rule
    /// that does not compile leaves its messageExpression unchecked, as on the real server).
    private mutating func compile(_ source: String, as role: Role, path: String, shown: String, env: CELEnvironment,
                                  selfType: CELDeclType, cardinality: UInt64, into errors: inout [FieldError]) -> Bool {
        let field = SchemaFieldPath.child(path, role.field)
        let checked: CELCheckedExpression
        do {
            checked = try CELChecker.check(try CELExpression(source), env: env)
        } catch {
            errors.append(.invalid(field, nil, "\(shown): \(role.failed): \(error.message)"))
            return false
        }
        guard checked.type == role.type else {
            errors.append(.invalid(field, nil, "\(shown): \(role.wrongType)"))
            return false
        }
        let cost = CELEstimate.multiply(CELCostEstimator.estimate(checked, root: selfType).max, cardinality)
        if cost > Self.perExpressionCostLimit {
            errors.append(.forbidden(field, Self.costMessage(role.costName, cost, Self.perExpressionCostLimit)))
        }
        observe(field, cost)
        return true
    }

    /// `TotalCost.ObserveExpressionCost`.
    private mutating func observe(_ path: String, _ cost: UInt64) {
        total = CELEstimate.add(total, cost)
        guard cost >= Self.perCRDCostLimit / 100 else { return }
        mostExpensive.append((path, cost))
        mostExpensive.sort { $0.cost > $1.cost }
        if mostExpensive.count > 4 { mostExpensive.removeLast(mostExpensive.count - 4) }
    }

    /// The rule as apimachinery shows the internal `ValidationRule` struct in a field error:
    /// Go's JSON of it, every field present (golden 094).
    static func goStruct(_ rule: ValidationRule) -> String {
        let optionalOldSelf = rule.optionalOldSelfIsSet ? (rule.optionalOldSelf ? "true" : "false") : "null"
        return "{\"Rule\":\(GoFormat.jsonString(rule.rule)),\"Message\":\(GoFormat.jsonString(rule.message ?? "")),"
            + "\"MessageExpression\":\(GoFormat.jsonString(rule.messageExpression ?? "")),"
            + "\"Reason\":\(rule.reason.map(GoFormat.jsonString) ?? "null"),"
            + "\"FieldPath\":\(GoFormat.jsonString(rule.fieldPath ?? "")),\"OptionalOldSelf\":\(optionalOldSelf)}"
    }
}
