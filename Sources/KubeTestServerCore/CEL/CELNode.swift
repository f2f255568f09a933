/// The compiled form of a CEL expression: parsed once, walked on every evaluation and, at CRD
/// creation, type-checked and cost-estimated.
///
/// Macros (`has`, `all`, `exists`, `exists_one`, `map`, `filter`, `cel.bind`) are expanded into
/// dedicated kinds at parse time, so evaluation never looks at names to decide control flow.
///
/// Every node carries the source offset cel-go's parser gives the same expression (the operator
/// token of `a > b`, the `.` of a selection, the `(` of a call or macro, the `[` of an index), so
/// that compile errors point where kube-apiserver's do, and an `id` unique within its expression
/// under which the checker records types and overloads.
struct CELNode: Sendable {
    var id: Int
    /// Offset in Unicode scalars from the start of the expression.
    var offset: Int
    var kind: Kind

    indirect enum Kind: Sendable {
        case literal(CELValue)
        case identifier(String)
        /// `operand.field`; `optional` for `operand.?field`.
        case select(CELNode, field: String, optional: Bool)
        /// `has(operand.field)`.
        case presence(CELNode, field: String)
        /// `operand[index]`; `optional` for `operand[?index]`.
        case index(CELNode, CELNode, optional: Bool)
        /// A function (`size(x)`) or method (`x.size()`) call; `target` is the receiver.
        case call(String, target: CELNode?, args: [CELNode])
        /// `x.matches('literal')`: the regex is compiled once, at parse time.
        case matches(CELNode, CELRegex, pattern: CELNode)
        case list([CELListElement])
        case map([CELMapEntry])
        case conditional(CELNode, CELNode, CELNode)
        case and(CELNode, CELNode)
        case or(CELNode, CELNode)
        case not(CELNode)
        case negate(CELNode)
        case binary(CELBinaryOperator, CELNode, CELNode)
        case comprehension(CELComprehension)
        /// `cel.bind(name, value, body)`.
        case bind(String, CELNode, CELNode)
    }
}

struct CELListElement: Sendable {
    var value: CELNode
    /// `[?x]`: included only when the optional `x` has a value.
    var optional: Bool
}

struct CELMapEntry: Sendable {
    var key: CELNode
    var value: CELNode
    /// `{?k: v}`: included only when the optional `v` has a value.
    var optional: Bool
}

enum CELBinaryOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"
    case `in` = "in"

    /// The function name cel-go gives the operator (`_>_`, `@in`), as overload errors spell it.
    var functionName: String {
        self == .in ? "@in" : "_\(rawValue)_"
    }
}

/// An expanded iteration macro.
struct CELComprehension: Sendable {
    enum Kind: Sendable {
        case all, exists, existsOne, filter, map
        /// Two-variable `transformList(i, v, expr)` and `transformMap(k, v, expr)`.
        case transformList, transformMap
    }

    var kind: Kind
    var range: CELNode
    /// The element (lists) or key (maps); with two variables, the index or key.
    var variable: String
    /// The second variable of two-variable forms (`all(k, v, pred)`): the value.
    var valueVariable: String?
    /// The predicate of `filter` and of the three-argument `map(x, pred, transform)`.
    var predicate: CELNode?
    /// The predicate of all/exists/exists_one, or the transform of map/transformList/transformMap.
    var body: CELNode
}
