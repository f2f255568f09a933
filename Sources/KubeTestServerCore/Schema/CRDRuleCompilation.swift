import Foundation
import KubeCore

/// What apiextensions-apiserver does with a CRD's `x-kubernetes-validations` when the CRD is
/// written: every rule and messageExpression is compiled and type-checked against the type of
/// its schema node, and its worst-case cost is estimated and held against the budgets —
/// 10,000,000 per expression (times how often the node can repeat) and 100,000,000 for the
/// whole schema. Golden 094-096 (compile errors) and 099-101 (cost) pin the messages.
enum CRDRuleCompilation {
    static let perExpressionCostLimit: UInt64 = 10_000_000
    static let perCRDCostLimit: UInt64 = 100_000_000

    /// The errors for a CRD (a `apiextensions.k8s.io/v1` object). Versions that all carry the
    /// same schema are checked once as `spec.validation.openAPIV3Schema`, as the real server
    /// does after converting to its internal version; otherwise each version on its own.
    static func validate(_ crd: JSON) -> [FieldError] {
        let versions = crd[path: ["spec", "versions"]]?.arrayValue ?? []
        let schemas = versions.map { $0[path: ["schema", "openAPIV3Schema"]] }
        if let first = schemas.first, let shared = first, schemas.allSatisfy({ $0 == shared }) {
            return validate(schema: shared, path: "spec.validation.openAPIV3Schema")
        }
        var errors: [FieldError] = []
        for (i, schema) in schemas.enumerated() {
            guard let schema else { continue }
            errors += validate(schema: schema, path: "spec.versions[\(i)].schema.openAPIV3Schema")
        }
        return errors
    }

    private static let memo = SchemaMemo<[FieldError]>()

    private static func validate(schema json: JSON, path: String) -> [FieldError] {
        memo.value(for: [.string(path), json]) { compile(schema: json, path: path) }
    }

    private static func compile(schema json: JSON, path: String) -> [FieldError] {
        // A schema that is not structural is refused for that reason, before any rule compiles.
        guard let schema = try? StructuralSchema(json) else { return [] }
        var walk = Walk()
        walk.visit(schema, json, path: path, cardinality: 1, isResourceRoot: true)
        var errors = walk.errors
        if walk.total > perCRDCostLimit {
            for expensive in walk.mostExpensive {
                errors.append(.forbidden(expensive.path, "contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema"))
            }
            errors.append(.forbidden(path, costMessage("x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema",
                                                       walk.total, perCRDCostLimit)))
        }
        return errors
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

    /// The schema walk with what it carries down: how many times a node can occur (the product
    /// of maxItems/maxProperties above it; nil once a list or map above is unbounded) and the
    /// cost total.
    private struct Walk {
        var errors: [FieldError] = []
        var total: UInt64 = 0
        /// The four most expensive expressions of at least 1% of the CRD budget, costliest first.
        var mostExpensive: [(path: String, cost: UInt64)] = []

        mutating func visit(_ s: StructuralSchema, _ json: JSON, path: String, cardinality: UInt64?, isResourceRoot: Bool) {
            if !s.validations.isEmpty {
                compileRules(s, json, path: path, cardinality: cardinality, isResourceRoot: isResourceRoot || s.embeddedResource)
            }
            let factor = Self.maxElements(s)
            let childCardinality = cardinality.flatMap { c in factor.map { CELEstimate.multiply(c, $0) } }
            if let additional = s.additionalProperties?.schema {
                visit(additional, json["additionalProperties"] ?? [:], path: path + ".additionalProperties",
                      cardinality: childCardinality, isResourceRoot: false)
            }
            for name in s.properties.keys.sorted() {
                guard let property = s.properties[name] else { continue }
                visit(property, json[path: ["properties", name]] ?? [:], path: "\(path).properties[\(name)]",
                      cardinality: childCardinality, isResourceRoot: false)
            }
            if let items = s.items {
                visit(items, json["items"] ?? [:], path: path + ".items", cardinality: childCardinality, isResourceRoot: false)
            }
        }

        /// `extractMaxElements`: how many children one value of this schema can have.
        static func maxElements(_ s: StructuralSchema) -> UInt64? {
            switch s.type {
            case "object":
                guard s.additionalProperties != nil else { return 1 }
                return s.maxProperties.map { UInt64(max(0, $0)) }
            case "array":
                return s.maxItems.map { UInt64(max(0, $0)) }
            default:
                return 1
            }
        }

        mutating func compileRules(_ s: StructuralSchema, _ json: JSON, path: String, cardinality: UInt64?, isResourceRoot: Bool) {
            let rulesPath = path + ".x-kubernetes-validations"
            guard let declType = s.celDeclType(isResourceRoot: isResourceRoot) else {
                errors.append(FieldError(reason: .internal, field: rulesPath,
                                         message: "Internal error: internal error: failed to construct type information for x-kubernetes-validations rules: unable to convert structural schema to CEL declarations"))
                return
            }
            let selfType = declType.named("selfType\(Int.random(in: 0..<1_000_000_000))")
            var objectTypes: [String: CELDeclType] = [:]
            selfType.objectTypes(into: &objectTypes)
            // Each element needs its own bytes plus a comma in a request of at most 3 MiB.
            let ruleCardinality = UInt64(CELSizes.maxRequestSizeBytes / (selfType.minSerializedSize + 1))
            let rawRules = json["x-kubernetes-validations"]?.arrayValue ?? []
            for (i, rule) in s.validations.enumerated() {
                let rulePath = "\(rulesPath)[\(i)]"
                let raw = i < rawRules.count ? rawRules[i] : [:]
                var env = CELEnvironment(variables: ["self": selfType.celType, "oldSelf": selfType.celType], objectTypes: objectTypes)
                if rule.optionalOldSelf { env.variables["oldSelf"] = .optional(selfType.celType) }
                compile(rule, raw: raw, path: rulePath, env: env, selfType: selfType,
                        cardinality: cardinality ?? ruleCardinality)
            }
        }

        mutating func compile(_ rule: ValidationRule, raw: JSON, path: String, env: CELEnvironment, selfType: CELDeclType,
                              cardinality: UInt64) {
            guard !rule.rule.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            let shown = Self.goStruct(raw)
            guard compile(rule.rule, as: .rule, path: path, shown: shown, env: env, selfType: selfType, cardinality: cardinality),
                  let messageExpression = rule.messageExpression, !messageExpression.isEmpty else { return }
            // The message expression's cost is not multiplied by the cardinality.
            _ = compile(messageExpression, as: .messageExpression, path: path, shown: shown, env: env, selfType: selfType, cardinality: 1)
        }

        /// What differs between compiling a rule and its messageExpression.
        struct Role {
            var field: String
            var failed: String
            var type: CELType
            var wrongType: String
            var costName: String

            static let rule = Role(field: "rule", failed: "compilation failed", type: .bool,
                                   wrongType: "cel expression must evaluate to a bool", costName: "estimated rule cost")
            static let messageExpression = Role(field: "messageExpression", failed: "messageExpression compilation failed", type: .string,
                                                wrongType: "messageExpression must evaluate to a string",
                                                costName: "estimated messageExpression cost")
        }

        /// Compiles, type-checks and costs one expression; false when it does not compile (a rule
        /// that does not compile leaves its messageExpression unchecked, as on the real server).
        mutating func compile(_ source: String, as role: Role, path: String, shown: String, env: CELEnvironment,
                              selfType: CELDeclType, cardinality: UInt64) -> Bool {
            let field = "\(path).\(role.field)"
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
            if cost > CRDRuleCompilation.perExpressionCostLimit {
                errors.append(.forbidden(field, CRDRuleCompilation.costMessage(role.costName, cost, CRDRuleCompilation.perExpressionCostLimit)))
            }
            observe(field, cost)
            return true
        }

        /// `TotalCost.ObserveExpressionCost`.
        mutating func observe(_ path: String, _ cost: UInt64) {
            total = CELEstimate.add(total, cost)
            guard cost >= CRDRuleCompilation.perCRDCostLimit / 100 else { return }
            mostExpensive.append((path, cost))
            mostExpensive.sort { $0.cost > $1.cost }
            if mostExpensive.count > 4 { mostExpensive.removeLast(mostExpensive.count - 4) }
        }

        /// The rule as apimachinery shows the internal `ValidationRule` struct in a field error:
        /// Go's JSON of it, every field present.
        static func goStruct(_ raw: JSON) -> String {
            func string(_ key: String) -> String { GoFormat.jsonString(raw[key]?.stringValue ?? "") }
            let reason = raw["reason"]?.stringValue.map(GoFormat.jsonString) ?? "null"
            let optionalOldSelf = raw["optionalOldSelf"]?.boolValue.map { $0 ? "true" : "false" } ?? "null"
            return "{\"Rule\":\(string("rule")),\"Message\":\(string("message")),\"MessageExpression\":\(string("messageExpression")),"
                + "\"Reason\":\(reason),\"FieldPath\":\(string("fieldPath")),\"OptionalOldSelf\":\(optionalOldSelf)}"
        }
    }
}
