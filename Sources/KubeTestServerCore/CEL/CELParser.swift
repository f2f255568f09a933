/// Recursive-descent parser for CEL's grammar (spec precedence, lowest first):
/// `?:`, `||`, `&&`, relations (`== != < <= > >= in`), `+ -`, `* / %`, unary `! -`, member
/// access (`.f`, `.f()`, `[i]`), primaries. Macros are expanded as they are recognised.
struct CELParser {
    /// cel-go's default limits: deeper nesting or longer input is rejected at compile time, so
    /// that a hostile rule cannot overflow the stack of the evaluator.
    static let maxRecursionDepth = 250
    static let maxCodePoints = 100_000

    private static let reserved: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop",
        "package", "namespace", "return", "var", "void", "while",
    ]
    /// Receivers that name a function namespace rather than a variable: `optional.of(x)`.
    private static let namespaces: Set<String> = ["optional", "cel", "strings", "math", "sets", "base64", "lists"]

    private let source: String
    private let tokens: [CELToken]
    private var pos = 0
    private var depth = 0
    private var nextID = 1

    static func parse(_ source: String) throws(CELError) -> CELNode {
        let size = source.unicodeScalars.count
        if size > maxCodePoints {
            throw CELError("expression code point size exceeds limit: size: \(size), limit \(maxCodePoints)")
        }
        var parser = CELParser(source: source, tokens: try CELLexer.tokenize(source))
        let node = try parser.parseExpression()
        guard parser.current.isEOF else {
            throw parser.syntaxError("extraneous input '\(parser.current.text)' expecting <EOF>")
        }
        return node
    }

    private init(source: String, tokens: [CELToken]) {
        self.source = source
        self.tokens = tokens
    }

    // MARK: Token helpers

    /// A node with a fresh id, attributed to `offset` (see `CELNode` for which token that is).
    private mutating func node(_ offset: Int, _ kind: CELNode.Kind) -> CELNode {
        defer { nextID += 1 }
        return CELNode(id: nextID, offset: offset, kind: kind)
    }

    private var current: CELToken { tokens[min(pos, tokens.count - 1)] }

    private func peekToken(_ ahead: Int) -> CELToken { tokens[min(pos + ahead, tokens.count - 1)] }

    private mutating func advance() -> CELToken {
        let t = current
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private mutating func accept(_ punct: String) -> Bool {
        if current.isPunct(punct) {
            pos += 1
            return true
        }
        return false
    }

    private mutating func expect(_ punct: String) throws(CELError) {
        guard accept(punct) else {
            throw syntaxError("mismatched input '\(current.text)' expecting '\(punct)'")
        }
    }

    private func syntaxError(_ message: String, at token: CELToken? = nil) -> CELError {
        CELSyntax.error("Syntax error: \(message)", source: source, offset: (token ?? current).offset)
    }

    private func error(_ message: String, at token: CELToken) -> CELError {
        CELSyntax.error(message, source: source, offset: token.offset)
    }

    /// Counts one level of nesting; pair with `depth -= n` when the level is left.
    private mutating func nest() throws(CELError) {
        depth += 1
        if depth > CELParser.maxRecursionDepth {
            throw syntaxError("expression recursion limit exceeded: \(CELParser.maxRecursionDepth)")
        }
    }

    // MARK: Expressions

    private mutating func parseExpression() throws(CELError) -> CELNode {
        try nest()
        defer { depth -= 1 }
        let condition = try parseOr()
        let question = current.offset
        guard accept("?") else { return condition }
        let then = try parseOr()
        try expect(":")
        let otherwise = try parseExpression()
        return node(question, .conditional(condition, then, otherwise))
    }

    private mutating func parseOr() throws(CELError) -> CELNode {
        var terms = [try parseAnd()]
        var operators: [Int] = []
        while current.isPunct("||") {
            operators.append(advance().offset)
            terms.append(try parseAnd())
        }
        return balance(terms, operators, 0, operators.count - 1) { .or($0, $1) }
    }

    private mutating func parseAnd() throws(CELError) -> CELNode {
        var terms = [try parseRelation()]
        var operators: [Int] = []
        while current.isPunct("&&") {
            operators.append(advance().offset)
            terms.append(try parseRelation())
        }
        return balance(terms, operators, 0, operators.count - 1) { .and($0, $1) }
    }

    /// Long `&&`/`||` chains become balanced trees exactly as cel-go's balancer builds them (the
    /// middle operator at the top, `(a && b) && c` for three terms), so that errors and costs
    /// come out in the same places; the operators are commutative, so results do not change.
    private mutating func balance(_ terms: [CELNode], _ operators: [Int], _ lo: Int, _ hi: Int,
                                  _ make: (CELNode, CELNode) -> CELNode.Kind) -> CELNode {
        guard hi >= lo else { return terms[0] }
        let mid = (lo + hi + 1) / 2
        let left = mid == lo ? terms[mid] : balance(terms, operators, lo, mid - 1, make)
        let right = mid == hi ? terms[mid + 1] : balance(terms, operators, mid + 1, hi, make)
        return node(operators[mid], make(left, right))
    }

    private mutating func parseRelation() throws(CELError) -> CELNode {
        var left = try parseAdditive()
        let start = depth
        defer { depth = start }
        while true {
            let op: CELBinaryOperator
            switch current.kind {
            case .punct("=="): op = .equal
            case .punct("!="): op = .notEqual
            case .punct("<"): op = .less
            case .punct("<="): op = .lessEqual
            case .punct(">"): op = .greater
            case .punct(">="): op = .greaterEqual
            case .identifier("in"): op = .in
            default: return left
            }
            let offset = advance().offset
            try nest()
            left = node(offset, .binary(op, left, try parseAdditive()))
        }
    }

    private mutating func parseAdditive() throws(CELError) -> CELNode {
        var left = try parseMultiplicative()
        let start = depth
        defer { depth = start }
        while true {
            let op: CELBinaryOperator
            switch current.kind {
            case .punct("+"): op = .add
            case .punct("-"): op = .subtract
            default: return left
            }
            let offset = advance().offset
            try nest()
            left = node(offset, .binary(op, left, try parseMultiplicative()))
        }
    }

    private mutating func parseMultiplicative() throws(CELError) -> CELNode {
        var left = try parseUnary()
        let start = depth
        defer { depth = start }
        while true {
            let op: CELBinaryOperator
            switch current.kind {
            case .punct("*"): op = .multiply
            case .punct("/"): op = .divide
            case .punct("%"): op = .modulo
            default: return left
            }
            let offset = advance().offset
            try nest()
            left = node(offset, .binary(op, left, try parseUnary()))
        }
    }

    private mutating func parseUnary() throws(CELError) -> CELNode {
        if current.isPunct("!") {
            let first = current.offset
            var count = 0
            while accept("!") { count += 1 }
            let operand = try parseMember()
            // cel-go drops an even number of negations entirely.
            return count % 2 == 0 ? operand : node(first, .not(operand))
        }
        if current.isPunct("-") {
            let first = current.offset
            var count = 0
            while current.isPunct("-") {
                // `-` directly before a number literal is part of the literal (so that
                // -9223372036854775808 is representable).
                switch peekToken(1).kind {
                case .int, .double:
                    let sign = advance().offset
                    let literal = try parseNumber(negative: true, at: sign)
                    let operand = try parseMemberSuffixes(literal)
                    return count % 2 == 0 ? operand : node(first, .negate(operand))
                default:
                    break
                }
                pos += 1
                count += 1
            }
            let operand = try parseMember()
            return count % 2 == 0 ? operand : node(first, .negate(operand))
        }
        return try parseMember()
    }

    /// A number literal; `at` is the offset of its minus sign when it has one.
    private mutating func parseNumber(negative: Bool, at sign: Int? = nil) throws(CELError) -> CELNode {
        let token = advance()
        let offset = sign ?? token.offset
        switch token.kind {
        case let .int(magnitude):
            if negative {
                if magnitude == UInt64(Int64.max) + 1 { return node(offset, .literal(.int(Int64.min))) }
                if magnitude <= UInt64(Int64.max) { return node(offset, .literal(.int(-Int64(magnitude)))) }
            } else if magnitude <= UInt64(Int64.max) {
                return node(offset, .literal(.int(Int64(magnitude))))
            }
            throw error("invalid int literal", at: token)
        case let .double(d):
            return node(offset, .literal(.double(negative ? -d : d)))
        default:
            throw syntaxError("mismatched input '\(token.text)'", at: token)
        }
    }

    private mutating func parseMember() throws(CELError) -> CELNode {
        try parseMemberSuffixes(try parsePrimary())
    }

    private mutating func parseMemberSuffixes(_ start: CELNode) throws(CELError) -> CELNode {
        var result = start
        let startDepth = depth
        defer { depth = startDepth }
        while true {
            let dot = current.offset
            if accept(".") {
                try nest()
                let optional = accept("?")
                let nameToken = advance()
                let name: String
                switch nameToken.kind {
                case let .identifier(n):
                    // Only the grammar's keywords; reserved words such as `namespace` are
                    // identifiers to the lexer and may name fields.
                    if ["true", "false", "null", "in"].contains(n) {
                        throw syntaxError("mismatched input '\(n)' expecting IDENTIFIER", at: nameToken)
                    }
                    name = n
                case let .quotedIdentifier(n): name = n
                default:
                    throw syntaxError(
                        "mismatched input '\(nameToken.text)' expecting {IDENTIFIER, ESC_IDENTIFIER}", at: nameToken)
                }
                if !optional, case .identifier = nameToken.kind, current.isPunct("(") {
                    let open = advance()
                    let args = try parseArguments(closing: ")")
                    result = try makeCall(name, target: result, args: args, at: nameToken, open: open.offset)
                } else {
                    result = self.node(dot, .select(result, field: name, optional: optional))
                }
            } else if accept("[") {
                try nest()
                let optional = accept("?")
                let index = try parseExpression()
                try expect("]")
                result = self.node(dot, .index(result, index, optional: optional))
            } else {
                return result
            }
        }
    }

    private mutating func parseArguments(closing: String) throws(CELError) -> [CELNode] {
        var args: [CELNode] = []
        if accept(closing) { return args }
        repeat {
            args.append(try parseExpression())
        } while accept(",")
        try expect(closing)
        return args
    }

    private mutating func parsePrimary() throws(CELError) -> CELNode {
        let token = current
        switch token.kind {
        case .int, .double:
            return try parseNumber(negative: false)
        case let .uint(u):
            pos += 1
            return node(token.offset, .literal(.uint(u)))
        case let .string(s):
            pos += 1
            return node(token.offset, .literal(.string(s)))
        case let .bytes(b):
            pos += 1
            return node(token.offset, .literal(.bytes(b)))
        case let .identifier(name):
            pos += 1
            switch name {
            case "true": return node(token.offset, .literal(.bool(true)))
            case "false": return node(token.offset, .literal(.bool(false)))
            case "null": return node(token.offset, .literal(.null))
            case "in": throw syntaxError("mismatched input 'in'", at: token)
            default: break
            }
            if CELParser.reserved.contains(name) {
                throw error("reserved identifier: \(name)", at: token)
            }
            if current.isPunct("(") {
                let open = advance()
                let args = try parseArguments(closing: ")")
                return try makeCall(name, target: nil, args: args, at: token, open: open.offset)
            }
            return node(token.offset, .identifier(name))
        case .punct("."):
            // A leading dot names the root scope: `.self` is `self`.
            pos += 1
            guard case .identifier = current.kind else {
                throw syntaxError("mismatched input '\(current.text)' expecting IDENTIFIER")
            }
            return try parsePrimary()
        case .punct("("):
            pos += 1
            let inner = try parseExpression()
            try expect(")")
            return inner
        case .punct("["):
            pos += 1
            try nest()
            defer { depth -= 1 }
            var elements: [CELListElement] = []
            while !current.isPunct("]") {
                let optional = accept("?")
                elements.append(CELListElement(value: try parseExpression(), optional: optional))
                if !accept(",") { break }
            }
            try expect("]")
            return node(token.offset, .list(elements))
        case .punct("{"):
            pos += 1
            try nest()
            defer { depth -= 1 }
            var entries: [CELMapEntry] = []
            while !current.isPunct("}") {
                let optional = accept("?")
                let key = try parseExpression()
                try expect(":")
                let value = try parseExpression()
                entries.append(CELMapEntry(key: key, value: value, optional: optional))
                if !accept(",") { break }
            }
            try expect("}")
            return node(token.offset, .map(entries))
        case .eof:
            throw syntaxError("mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}")
        default:
            throw syntaxError("mismatched input '\(token.text)' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}")
        }
    }

    // MARK: Calls and macros

    private func simpleName(_ node: CELNode, at token: CELToken) throws(CELError) -> String {
        guard case let .identifier(name) = node.kind else {
            throw error("argument must be a simple name", at: token)
        }
        return name
    }

    /// A call or the macro it spells. `token` is the function name (where macro errors point);
    /// the node sits at `open`, the `(`, as cel-go places calls and macro expansions.
    private mutating func makeCall(_ name: String, target: CELNode?, args: [CELNode], at token: CELToken, open: Int)
        throws(CELError) -> CELNode
    {
        guard let target else {
            switch (name, args.count) {
            case ("has", 1):
                guard case let .select(operand, field, false) = args[0].kind else {
                    throw error("invalid argument to has() macro", at: token)
                }
                return node(open, .presence(operand, field: field))
            case ("matches", 2):
                if case let .literal(.string(pattern)) = args[1].kind {
                    return node(open, .matches(args[0], try compileRegex(pattern, at: token), pattern: args[1]))
                }
            default: break
            }
            return node(open, .call(name, target: nil, args: args))
        }
        if case let .identifier(namespace) = target.kind, CELParser.namespaces.contains(namespace) {
            if namespace == "cel" && name == "bind" {
                guard args.count == 3 else { throw error("cel.bind() expects 3 arguments", at: token) }
                return node(open, .bind(try simpleName(args[0], at: token), args[1], args[2]))
            }
            return node(open, .call("\(namespace).\(name)", target: nil, args: args))
        }
        func comprehension(_ kind: CELComprehension.Kind, twoVariables: Bool, predicate: CELNode? = nil, body: CELNode)
            throws(CELError) -> CELNode.Kind
        {
            .comprehension(
                CELComprehension(
                    kind: kind, range: target, variable: try simpleName(args[0], at: token),
                    valueVariable: twoVariables ? try simpleName(args[1], at: token) : nil,
                    predicate: predicate, body: body))
        }
        let expanded: CELNode.Kind?
        switch (name, args.count) {
        case ("all", 2): expanded = try comprehension(.all, twoVariables: false, body: args[1])
        case ("all", 3): expanded = try comprehension(.all, twoVariables: true, body: args[2])
        case ("exists", 2): expanded = try comprehension(.exists, twoVariables: false, body: args[1])
        case ("exists", 3): expanded = try comprehension(.exists, twoVariables: true, body: args[2])
        case ("exists_one", 2), ("existsOne", 2): expanded = try comprehension(.existsOne, twoVariables: false, body: args[1])
        case ("exists_one", 3), ("existsOne", 3): expanded = try comprehension(.existsOne, twoVariables: true, body: args[2])
        case ("map", 2): expanded = try comprehension(.map, twoVariables: false, body: args[1])
        case ("map", 3): expanded = try comprehension(.map, twoVariables: false, predicate: args[1], body: args[2])
        case ("filter", 2): expanded = try comprehension(.filter, twoVariables: false, predicate: args[1], body: args[1])
        case ("transformList", 3): expanded = try comprehension(.transformList, twoVariables: true, body: args[2])
        case ("transformList", 4):
            expanded = try comprehension(.transformList, twoVariables: true, predicate: args[2], body: args[3])
        case ("transformMap", 3): expanded = try comprehension(.transformMap, twoVariables: true, body: args[2])
        case ("transformMap", 4):
            expanded = try comprehension(.transformMap, twoVariables: true, predicate: args[2], body: args[3])
        case ("matches", 1):
            if case let .literal(.string(pattern)) = args[0].kind {
                expanded = .matches(target, try compileRegex(pattern, at: token), pattern: args[0])
            } else {
                expanded = nil
            }
        default: expanded = nil
        }
        return node(open, expanded ?? .call(name, target: target, args: args))
    }

    /// A literal pattern is compiled once here; a bad one fails compilation, as with the regex
    /// precompilation Kubernetes enables.
    private func compileRegex(_ pattern: String, at token: CELToken) throws(CELError) -> CELRegex {
        do {
            return try CELRegex(pattern)
        } catch {
            throw self.error(error.message, at: token)
        }
    }
}
