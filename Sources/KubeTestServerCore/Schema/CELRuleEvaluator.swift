import KubeCore

/// Evaluates one CEL rule; injected so the schema code does not depend on the CEL engine.
/// `self` is the value at the rule's node; `oldSelf` the correlated old value on update (nil on
/// create, or for `optionalOldSelf` rules without one); `schema` the node's schema, which types
/// both as Kubernetes does (durations, timestamps, bytes, doubles).
/// Return `.success(true/false)`, or `.failure` for an evaluation error (its message is used as
/// Go's error text: "no such key: x").
public typealias CELRuleEvaluator = @Sendable (_ rule: String, _ self: JSON, _ oldSelf: JSON?, _ schema: StructuralSchema)
    -> Result<Bool, CELRuleFailure>

/// Evaluates a rule's `messageExpression` to the string reported instead of `message`.
public typealias CELMessageEvaluator = @Sendable (_ expression: String, _ self: JSON, _ oldSelf: JSON?) -> Result<String, CELRuleFailure>

/// A CEL evaluation error (not a rule that evaluated to false).
public struct CELRuleFailure: Error, Sendable, Equatable {
    public var message: String
    public init(message: String) { self.message = message }
}
