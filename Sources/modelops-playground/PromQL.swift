import Foundation

/// The part of PromQL the simulated Prometheus understands: numbers, vector selectors with the
/// four label matchers and a range, function calls, aggregations with `by`/`without`, and the
/// arithmetic operators. That covers the analysis and trigger queries people write for canary
/// analysis (ratios of summed rates, `histogram_quantile`, `max` of a gauge). Anything else
/// (`offset`, `@`, comparisons, `on`/`ignoring`, subqueries) is refused with a message naming it,
/// rather than answered wrongly.
indirect enum PromQL: Sendable, Equatable {
    case number(Double)
    case selector(Selector)
    case call(String, [PromQL])
    case aggregate(String, Grouping?, parameter: PromQL?, PromQL)
    case binary(Character, PromQL, PromQL)

    struct Matcher: Sendable, Equatable {
        enum Op: String, Sendable { case equal = "=", notEqual = "!=", matches = "=~", notMatches = "!~" }
        var label: String
        var op: Op
        var value: String

        /// Prometheus anchors regular expressions at both ends.
        func matches(_ actual: String?) -> Bool {
            let actual = actual ?? ""
            switch op {
            case .equal: return actual == value
            case .notEqual: return actual != value
            case .matches: return Self.fullMatch(value, actual)
            case .notMatches: return !Self.fullMatch(value, actual)
            }
        }

        static func fullMatch(_ pattern: String, _ text: String) -> Bool {
            guard let regex = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$") else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }

    struct Selector: Sendable, Equatable {
        var name: String?
        var matchers: [Matcher]
        /// The range in seconds (`[2m]` is 120); nil for an instant selector.
        var range: Double?
    }

    struct Grouping: Sendable, Equatable {
        var without: Bool
        var labels: [String]
    }

    static let aggregations: Set<String> = ["sum", "avg", "min", "max", "count"]

    struct ParseError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> PromQL {
        var parser = Parser(text: Array(text.unicodeScalars))
        let expression = try parser.expression(minPrecedence: 1)
        parser.skipSpace()
        if !parser.atEnd { throw parser.error("unexpected \(parser.rest)") }
        return expression
    }
}

private struct Parser {
    let text: [Unicode.Scalar]
    var position = 0

    init(text: [Unicode.Scalar]) { self.text = text }

    var atEnd: Bool { position >= text.count }
    var peek: Unicode.Scalar? { atEnd ? nil : text[position] }
    var rest: String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: text[position..<min(text.count, position + 20)])
        return "\"" + String(s) + "\""
    }

    func error(_ message: String) -> PromQL.ParseError {
        PromQL.ParseError(description: "parse error at character \(position + 1): \(message)")
    }

    mutating func skipSpace() {
        while let c = peek, c.properties.isWhitespace { position += 1 }
        if peek == "#" {  // a comment runs to the end of the line
            while let c = peek, c != "\n" { position += 1 }
            skipSpace()
        }
    }

    mutating func take(_ literal: String) -> Bool {
        skipSpace()
        let scalars = Array(literal.unicodeScalars)
        guard position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars else { return false }
        position += scalars.count
        return true
    }

    mutating func expect(_ literal: String) throws {
        guard take(literal) else { throw error("expected \"\(literal)\", found \(atEnd ? "the end" : rest)") }
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c == ":" || (c.isASCII && c.properties.isAlphabetic)
    }

    static func isIdentifier(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || (c.isASCII && c.properties.numericType != nil)
    }

    mutating func identifier() -> String? {
        skipSpace()
        guard let c = peek, Self.isIdentifierStart(c) else { return nil }
        var name = String.UnicodeScalarView()
        while let c = peek, Self.isIdentifier(c) {
            name.append(c)
            position += 1
        }
        return String(name)
    }

    /// Binary operators and their precedence (higher binds tighter).
    static let precedence: [Character: Int] = ["+": 1, "-": 1, "*": 2, "/": 2, "%": 2, "^": 3]

    mutating func expression(minPrecedence: Int) throws -> PromQL {
        var lhs = try unary()
        while true {
            skipSpace()
            guard let c = peek else { return lhs }
            if "<>=!".unicodeScalars.contains(c) {
                throw error("comparison operators are not supported by the simulated Prometheus")
            }
            guard let op = Optional(Character(c)), let precedence = Self.precedence[op], precedence >= minPrecedence else {
                if let word = lookaheadWord(), ["and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool"].contains(word) {
                    throw error("\"\(word)\" is not supported by the simulated Prometheus")
                }
                return lhs
            }
            position += 1
            // ^ is right-associative, the others left-associative.
            let rhs = try expression(minPrecedence: op == "^" ? precedence : precedence + 1)
            lhs = .binary(op, lhs, rhs)
        }
    }

    func lookaheadWord() -> String? {
        var copy = self
        return copy.identifier()
    }

    mutating func unary() throws -> PromQL {
        skipSpace()
        if take("-") { return .binary("-", .number(0), try unary()) }
        if take("+") { return try unary() }
        let primary = try self.primary()
        skipSpace()
        if let word = lookaheadWord(), word == "offset" {
            throw error("\"offset\" is not supported by the simulated Prometheus")
        }
        if peek == "@" { throw error("\"@\" is not supported by the simulated Prometheus") }
        if peek == "[" { throw error("subqueries are not supported by the simulated Prometheus") }
        return primary
    }

    mutating func primary() throws -> PromQL {
        skipSpace()
        guard let c = peek else { throw error("expected an expression, found the end") }
        if c == "(" {
            position += 1
            let inner = try expression(minPrecedence: 1)
            try expect(")")
            return inner
        }
        if c == "{" { return .selector(try selector(name: nil)) }
        if c.isASCII, c.properties.numericType != nil || c == "." { return .number(try number()) }
        guard let name = identifier() else { throw error("unexpected \(rest)") }
        switch name.lowercased() {
        case "inf": return .number(.infinity)
        case "nan": return .number(.nan)
        default: break
        }
        if PromQL.aggregations.contains(name) {
            var grouping = try groupingClause()
            try expect("(")
            let first = try expression(minPrecedence: 1)
            var parameter: PromQL?
            var operand = first
            if take(",") {
                parameter = first
                operand = try expression(minPrecedence: 1)
            }
            try expect(")")
            if grouping == nil { grouping = try groupingClause() }
            return .aggregate(name, grouping, parameter: parameter, operand)
        }
        skipSpace()
        if peek == "(" {
            position += 1
            var arguments: [PromQL] = []
            if !take(")") {
                repeat { arguments.append(try expression(minPrecedence: 1)) } while take(",")
                try expect(")")
            }
            return .call(name, arguments)
        }
        return .selector(try selector(name: name))
    }

    mutating func groupingClause() throws -> PromQL.Grouping? {
        guard let word = lookaheadWord(), word == "by" || word == "without" else { return nil }
        _ = identifier()
        try expect("(")
        var labels: [String] = []
        if !take(")") {
            repeat {
                guard let label = identifier() else { throw error("expected a label name") }
                labels.append(label)
            } while take(",")
            try expect(")")
        }
        return PromQL.Grouping(without: word == "without", labels: labels)
    }

    mutating func selector(name: String?) throws -> PromQL.Selector {
        var matchers: [PromQL.Matcher] = []
        if take("{") {
            if !take("}") {
                repeat {
                    skipSpace()
                    if peek == "}" { break }  // a trailing comma
                    guard let label = identifier() else { throw error("expected a label name") }
                    let op: PromQL.Matcher.Op
                    if take("=~") { op = .matches } else if take("!~") { op = .notMatches } else if take("!=") { op = .notEqual }
                    else if take("=") { op = .equal } else { throw error("expected a label matcher (=, !=, =~, !~) after \(label)") }
                    matchers.append(.init(label: label, op: op, value: try string()))
                } while take(",")
                try expect("}")
            }
        }
        var range: Double?
        if take("[") {
            var raw = String.UnicodeScalarView()
            while let c = peek, c != "]" {
                raw.append(c)
                position += 1
            }
            try expect("]")
            range = try Self.duration(String(raw).trimmingCharacters(in: .whitespaces), parser: self)
        }
        if name == nil && matchers.allSatisfy({ $0.label != "__name__" }) {
            throw error("a selector needs a metric name")
        }
        return PromQL.Selector(name: name, matchers: matchers, range: range)
    }

    mutating func string() throws -> String {
        skipSpace()
        guard let quote = peek, quote == "\"" || quote == "'" || quote == "`" else { throw error("expected a quoted string") }
        position += 1
        var value = String.UnicodeScalarView()
        while let c = peek {
            position += 1
            if c == quote { return String(value) }
            if c == "\\", quote != "`", let next = peek {
                position += 1
                switch next {
                case "n": value.append("\n")
                case "t": value.append("\t")
                default: value.append(next)
                }
                continue
            }
            value.append(c)
        }
        throw error("unterminated string")
    }

    mutating func number() throws -> Double {
        var raw = String.UnicodeScalarView()
        while let c = peek, c.isASCII, c.properties.numericType != nil || c == "." || c == "e" || c == "E"
            || ((c == "+" || c == "-") && (raw.last == "e" || raw.last == "E")) {
            raw.append(c)
            position += 1
        }
        guard let value = Double(String(raw)) else { throw error("bad number \(String(raw))") }
        return value
    }

    /// `90s`, `5m`, `1h30m`, `250ms`, `1d` → seconds.
    static func duration(_ text: String, parser: Parser) throws -> Double {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800), ("y", 31_536_000)]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { throw parser.error("empty range") }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber }
            guard let value = Double(digits), !digits.isEmpty else { throw parser.error("bad range \"\(text)\"") }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else {
                throw parser.error("bad range \"\(text)\" (units: ms, s, m, h, d, w, y)")
            }
            total += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return total
    }
}
