/// A metric's `successCondition`, e.g. `result >= 0.95` or `result < 0.01 && result >= 0`: an
/// expression over the measured value `result` that must come out true or false.
///
/// The language is the part of Argo Rollouts' conditions that applies to one number: comparisons
/// (`< <= > >= == !=`), `&& || !` (also spelled `and or not`), parentheses, `+ - * /`, numeric
/// literals (`0.5`, `1e-3`), `true`/`false`, and the functions `isNaN(x)`, `isInf(x)`, `abs(x)`.
/// Types are checked when parsing, so a condition that parses always evaluates to a Bool.
public struct ConditionExpression: Sendable, Hashable {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }

        public init(message: String) {
            self.message = message
        }
    }

    /// The condition as written.
    public let source: String
    let root: Node

    public init(_ source: String) throws(ParseError) {
        var parser = Parser(tokens: try ConditionToken.tokenize(source))
        guard parser.peek.kind != .end else { throw ParseError(message: "the condition is empty") }
        let (root, type) = try parser.parseOr()
        guard parser.peek.kind == .end else {
            throw ParseError(message: "unexpected \(parser.peek.quoted) at column \(parser.peek.column)")
        }
        guard type == .bool else {
            throw ParseError(message: "the condition is a number, not true or false; compare it, e.g. \"result >= 0.95\"")
        }
        self.source = source
        self.root = root
    }

    /// Whether `result` satisfies the condition.
    public func evaluate(result: Double) -> Bool {
        if case let .bool(value) = root.evaluate(result: result) { return value }
        return false  // unreachable: the parser only accepts boolean conditions
    }
}

extension ConditionExpression {
    enum ValueType: Sendable, Hashable {
        case number, bool

        var phrase: String { self == .number ? "a number" : "true/false" }
    }

    enum Value: Sendable, Hashable {
        case number(Double)
        case bool(Bool)

        var number: Double { if case let .number(n) = self { return n } else { return .nan } }
        var bool: Bool { if case let .bool(b) = self { return b } else { return false } }
    }

    enum Function: String, Sendable, Hashable, CaseIterable {
        case isNaN, isInf, abs

        var resultType: ValueType { self == .abs ? .number : .bool }
    }

    indirect enum Node: Sendable, Hashable {
        case literal(Value)
        case result
        case negate(Node)
        case not(Node)
        case arithmetic(String, Node, Node)
        case compare(String, Node, Node)
        case and(Node, Node)
        case or(Node, Node)
        case call(Function, Node)

        func evaluate(result: Double) -> Value {
            switch self {
            case let .literal(value): return value
            case .result: return .number(result)
            case let .negate(operand): return .number(-operand.evaluate(result: result).number)
            case let .not(operand): return .bool(!operand.evaluate(result: result).bool)
            case let .and(lhs, rhs): return .bool(lhs.evaluate(result: result).bool && rhs.evaluate(result: result).bool)
            case let .or(lhs, rhs): return .bool(lhs.evaluate(result: result).bool || rhs.evaluate(result: result).bool)
            case let .arithmetic(op, lhs, rhs):
                let a = lhs.evaluate(result: result).number, b = rhs.evaluate(result: result).number
                switch op {
                case "+": return .number(a + b)
                case "-": return .number(a - b)
                case "*": return .number(a * b)
                default: return .number(a / b)
                }
            case let .compare(op, lhs, rhs):
                let a = lhs.evaluate(result: result), b = rhs.evaluate(result: result)
                if case let .bool(x) = a, case let .bool(y) = b { return .bool(op == "==" ? x == y : x != y) }
                let x = a.number, y = b.number
                switch op {
                case "<": return .bool(x < y)
                case "<=": return .bool(x <= y)
                case ">": return .bool(x > y)
                case ">=": return .bool(x >= y)
                case "==": return .bool(x == y)
                default: return .bool(x != y)
                }
            case let .call(function, argument):
                let x = argument.evaluate(result: result).number
                switch function {
                case .isNaN: return .bool(x.isNaN)
                case .isInf: return .bool(x.isInfinite)
                case .abs: return .number(Swift.abs(x))
                }
            }
        }
    }

    /// Recursive descent, lowest precedence first: `||`, `&&`, `== !=`, `< <= > >=`, `+ -`, `* /`,
    /// unary `! -`, then literals, `result`, calls and parentheses.
    struct Parser {
        var tokens: [ConditionToken]
        var index = 0

        var peek: ConditionToken { tokens[index] }

        mutating func next() -> ConditionToken {
            defer { index = min(index + 1, tokens.count - 1) }
            return tokens[index]
        }

        /// Consumes the next token when it is one of `symbols` (or the word spelling of one).
        mutating func take(_ symbols: [String], words: [String: String] = [:]) -> (String, ConditionToken)? {
            let token = peek
            switch token.kind {
            case let .symbol(s) where symbols.contains(s):
                index += 1
                return (s, token)
            case let .name(n) where words[n] != nil:
                index += 1
                return (words[n]!, token)
            default:
                return nil
            }
        }

        func require(_ type: ValueType, _ actual: ValueType, operand: String, of op: ConditionToken) throws(ParseError) {
            guard type == actual else {
                throw ParseError(message: "\(op.quoted) at column \(op.column) needs \(type.phrase) on its \(operand) side, not \(actual.phrase)")
            }
        }

        mutating func parseOr() throws(ParseError) -> (Node, ValueType) {
            var (lhs, lt) = try parseAnd()
            while let (_, op) = take(["||"], words: ["or": "||"]) {
                let (rhs, rt) = try parseAnd()
                try require(.bool, lt, operand: "left", of: op)
                try require(.bool, rt, operand: "right", of: op)
                (lhs, lt) = (.or(lhs, rhs), .bool)
            }
            return (lhs, lt)
        }

        mutating func parseAnd() throws(ParseError) -> (Node, ValueType) {
            var (lhs, lt) = try parseEquality()
            while let (_, op) = take(["&&"], words: ["and": "&&"]) {
                let (rhs, rt) = try parseEquality()
                try require(.bool, lt, operand: "left", of: op)
                try require(.bool, rt, operand: "right", of: op)
                (lhs, lt) = (.and(lhs, rhs), .bool)
            }
            return (lhs, lt)
        }

        mutating func parseEquality() throws(ParseError) -> (Node, ValueType) {
            var (lhs, lt) = try parseComparison()
            while let (symbol, op) = take(["==", "!="]) {
                let (rhs, rt) = try parseComparison()
                guard lt == rt else {
                    throw ParseError(message: "\(op.quoted) at column \(op.column) compares \(lt.phrase) with \(rt.phrase)")
                }
                (lhs, lt) = (.compare(symbol, lhs, rhs), .bool)
            }
            return (lhs, lt)
        }

        mutating func parseComparison() throws(ParseError) -> (Node, ValueType) {
            var (lhs, lt) = try parseAdditive()
            while let (symbol, op) = take(["<", "<=", ">", ">="]) {
                let (rhs, rt) = try parseAdditive()
                try require(.number, lt, operand: "left", of: op)
                try require(.number, rt, operand: "right", of: op)
                (lhs, lt) = (.compare(symbol, lhs, rhs), .bool)
            }
            return (lhs, lt)
        }

        mutating func parseAdditive() throws(ParseError) -> (Node, ValueType) {
            var (lhs, lt) = try parseMultiplicative()
            while let (symbol, op) = take(["+", "-"]) {
                let (rhs, rt) = try parseMultiplicative()
                try require(.number, lt, operand: "left", of: op)
                try require(.number, rt, operand: "right", of: op)
                (lhs, lt) = (.arithmetic(symbol, lhs, rhs), .number)
            }
            return (lhs, lt)
        }

        mutating func parseMultiplicative() throws(ParseError) -> (Node, ValueType) {
            var (lhs, lt) = try parseUnary()
            while let (symbol, op) = take(["*", "/"]) {
                let (rhs, rt) = try parseUnary()
                try require(.number, lt, operand: "left", of: op)
                try require(.number, rt, operand: "right", of: op)
                (lhs, lt) = (.arithmetic(symbol, lhs, rhs), .number)
            }
            return (lhs, lt)
        }

        mutating func parseUnary() throws(ParseError) -> (Node, ValueType) {
            if let (symbol, op) = take(["!", "-", "+"], words: ["not": "!"]) {
                let (operand, type) = try parseUnary()
                if symbol == "!" {
                    try require(.bool, type, operand: "right", of: op)
                    return (.not(operand), .bool)
                }
                try require(.number, type, operand: "right", of: op)
                return (symbol == "-" ? .negate(operand) : operand, .number)
            }
            return try parsePrimary()
        }

        mutating func parsePrimary() throws(ParseError) -> (Node, ValueType) {
            let token = next()
            switch token.kind {
            case let .number(value):
                return (.literal(.number(value)), .number)
            case .name("result"):
                return (.result, .number)
            case .name("true"), .name("false"):
                return (.literal(.bool(token.kind == .name("true"))), .bool)
            case let .name(name):
                guard case .symbol("(") = peek.kind else {
                    throw ParseError(message: "unknown name \"\(name)\" at column \(token.column); the measured value is \"result\"")
                }
                guard let function = Function(rawValue: name) else {
                    let known = Function.allCases.map(\.rawValue).joined(separator: ", ")
                    throw ParseError(message: "unknown function \"\(name)\" at column \(token.column); functions: \(known)")
                }
                index += 1
                let (argument, type) = try parseOr()
                guard type == .number else {
                    throw ParseError(message: "\(name) at column \(token.column) needs a number as its argument, not \(type.phrase)")
                }
                try expectClose(opened: token)
                return (.call(function, argument), function.resultType)
            case .symbol("("):
                let inner = try parseOr()
                try expectClose(opened: token)
                return inner
            case .end:
                let previous = tokens.count >= 2 ? tokens[tokens.count - 2] : nil
                let after = previous.map { " after \($0.quoted)" } ?? ""
                throw ParseError(message: "the condition ends too early: expected a value\(after)")
            default:
                throw ParseError(message: "unexpected \(token.quoted) at column \(token.column); expected a value")
            }
        }

        mutating func expectClose(opened: ConditionToken) throws(ParseError) {
            guard case .symbol(")") = peek.kind else {
                throw ParseError(message: "missing \")\" for the \"(\" of column \(opened.column); found \(peek.quoted)")
            }
            index += 1
        }
    }
}
