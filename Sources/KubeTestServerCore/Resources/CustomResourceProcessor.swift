import KubeCore
import Synchronization

/// Schema-driven processing of one custom resource version: pruning, defaulting, validation
/// (structural schema + CEL), and how its lists merge for patches and server-side apply.
public struct CustomResourceProcessor: Sendable {
    /// Removes unknown fields; returns their paths for warnings or a strict refusal.
    public var prune: @Sendable (inout JSON) -> [String]
    public var applyDefaults: @Sendable (inout JSON) -> Void
    /// Validates the new object against the old one (nil on create).
    public var validate: @Sendable (JSON, JSON?) -> [FieldError]
    public var mergeSchema: MergeSchema
    /// The fields of an applied configuration the schema does not declare (server-side apply
    /// refuses them; see ``UndeclaredFields``).
    public var undeclaredFields: @Sendable (JSON) -> [String] = { _ in [] }
}

extension CustomResourceProcessor {
    /// The real thing: a structural schema with CEL rules, compiled once per CRD version.
    /// Returns nil (no processing) for a schema the server cannot read, as a real server would
    /// have refused such a CRD.
    public static func make(openAPIV3Schema: JSON) -> CustomResourceProcessor? {
        memo.value(for: openAPIV3Schema) { build(openAPIV3Schema) }
    }

    /// Processors are immutable (their rule cache is thread-safe), so test servers installing the
    /// same CRDs share them.
    private static let memo = SchemaMemo<CustomResourceProcessor?>()

    private static func build(_ openAPIV3Schema: JSON) -> CustomResourceProcessor? {
        guard let schema = try? StructuralSchema(openAPIV3Schema) else { return nil }
        let cel = CELCache().ruleEvaluator()
        return CustomResourceProcessor(
            prune: { schema.prune(&$0) },
            applyDefaults: { schema.applyDefaults(&$0) },
            validate: { schema.validate($0, old: $1, cel: cel) },
            mergeSchema: MergeSchema(openAPIV3Schema: openAPIV3Schema),
            undeclaredFields: { UndeclaredFields.paths($0, schema: schema) })
    }
}

/// Compiled CEL rules by source text.
final class CELCache: Sendable {
    private let compiled = Mutex<[String: CELExpression]>([:])

    func expression(_ source: String) throws(CELError) -> CELExpression {
        if let hit = compiled.withLock({ $0[source] }) { return hit }
        let expression = try CELExpression(source)
        compiled.withLock { $0[source] = expression }
        return expression
    }

    /// Evaluates rules compiled through this cache, with `self` and (when given) `oldSelf`.
    func ruleEvaluator() -> CELRuleEvaluator {
        { rule, value, old, schema in
            do {
                let expression = try self.expression(rule)
                var bindings: [String: JSON] = ["self": value]
                if let old { bindings["oldSelf"] = old }
                return .success(try expression.evaluateBool(bindings, schema: schema))
            } catch let error as CELError {
                return .failure(CELRuleFailure(message: error.message))
            } catch {
                return .failure(CELRuleFailure(message: "\(error)"))
            }
        }
    }
}
