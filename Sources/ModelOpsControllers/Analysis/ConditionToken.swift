/// One lexical token of a success condition, with the column (1-based, in characters) it starts at
/// so that error messages can point at it.
struct ConditionToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case number(Double)
        case name(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var column: Int

    /// How the token reads in an error message.
    var quoted: String {
        switch kind {
        case let .number(value): return "number \(ConditionFormat.number(value))"
        case let .name(name): return "\"\(name)\""
        case let .symbol(symbol): return "\"\(symbol)\""
        case .end: return "the end of the condition"
        }
    }

    /// Splits `source` into tokens; the last one is `.end`.
    static func tokenize(_ source: String) throws(ConditionExpression.ParseError) -> [ConditionToken] {
        let chars = Array(source)
        var tokens: [ConditionToken] = []
        var i = 0
        func fail(_ message: String) -> ConditionExpression.ParseError {
            ConditionExpression.ParseError(message: message)
        }
        while i < chars.count {
            let c = chars[i]
            let column = i + 1
            if c.isWhitespace {
                i += 1
            } else if c.isASCII && c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isASCII && chars[i + 1].isNumber) {
                var j = i
                while j < chars.count, chars[j].isASCII, chars[j].isNumber || chars[j] == "." { j += 1 }
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                    if k < chars.count, chars[k].isASCII, chars[k].isNumber {
                        while k < chars.count, chars[k].isASCII, chars[k].isNumber { k += 1 }
                        j = k
                    }
                }
                let text = String(chars[i..<j])
                guard let value = Double(text) else { throw fail("invalid number \"\(text)\" at column \(column)") }
                tokens.append(ConditionToken(kind: .number(value), column: column))
                i = j
            } else if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                tokens.append(ConditionToken(kind: .name(String(chars[i..<j])), column: column))
                i = j
            } else {
                let pair = i + 1 < chars.count ? String(chars[i...i + 1]) : ""
                if ["&&", "||", "==", "!=", "<=", ">="].contains(pair) {
                    tokens.append(ConditionToken(kind: .symbol(pair), column: column))
                    i += 2
                } else if "()<>!+-*/".contains(c) {
                    tokens.append(ConditionToken(kind: .symbol(String(c)), column: column))
                    i += 1
                } else if c == "=" {
                    throw fail("\"=\" at column \(column) is not an operator; compare with \"==\"")
                } else if c == "&" || c == "|" {
                    throw fail("\"\(c)\" at column \(column) is not an operator; use \"\(c)\(c)\"")
                } else {
                    throw fail("unexpected character \"\(c)\" at column \(column)")
                }
            }
        }
        tokens.append(ConditionToken(kind: .end, column: chars.count + 1))
        return tokens
    }
}
