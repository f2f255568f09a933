/// A label selector in its string form (`app=web,tier in (a,b),!legacy`), parsed as the API
/// server parses `labelSelector` query parameters.
public struct LabelSelector: Sendable, Equatable {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
        case greaterThan(String, Int64)
        case lessThan(String, Int64)
    }

    public var requirements: [Requirement]

    public static let everything = LabelSelector(requirements: [])

    public init(requirements: [Requirement]) { self.requirements = requirements }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case let .equals(k, v): return labels[k] == v
            case let .notEquals(k, v): return labels[k] != v
            case let .in(k, values): return labels[k].map(values.contains) ?? false
            case let .notIn(k, values): return !(labels[k].map(values.contains) ?? false)
            case let .exists(k): return labels[k] != nil
            case let .doesNotExist(k): return labels[k] == nil
            case let .greaterThan(k, n): return labels[k].flatMap { Int64($0) }.map { $0 > n } ?? false
            case let .lessThan(k, n): return labels[k].flatMap { Int64($0) }.map { $0 < n } ?? false
            }
        }
    }

    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
    }

    /// Parses the string form. Errors read like the real server's so a 400 is recognisable.
    public static func parse(_ text: String) throws(ParseError) -> LabelSelector {
        var lexer = Lexer(Array(text.unicodeScalars))
        var requirements: [Requirement] = []
        lexer.skipSpaces()
        if lexer.atEnd { return .everything }
        while true {
            requirements.append(try parseRequirement(&lexer, text: text))
            lexer.skipSpaces()
            if lexer.atEnd { break }
            guard lexer.consume(",") else {
                throw ParseError(message: "unable to parse requirement: found '\(lexer.rest)', expected: ','")
            }
        }
        return LabelSelector(requirements: requirements)
    }

    private static func parseRequirement(_ lexer: inout Lexer, text: String) throws(ParseError) -> Requirement {
        lexer.skipSpaces()
        if lexer.consume("!") {
            lexer.skipSpaces()
            let key = lexer.word()
            try validateKey(key)
            return .doesNotExist(key)
        }
        let key = lexer.word()
        guard !key.isEmpty else {
            throw ParseError(message: "unable to parse requirement: found '\(lexer.rest)', expected: identifier")
        }
        try validateKey(key)
        lexer.skipSpaces()
        if lexer.atEnd || lexer.peek(",") { return .exists(key) }
        if lexer.consume("==") || lexer.consume("=") {
            let value = lexer.skipSpacesThenWord()
            try validateValue(value)
            return .equals(key, value)
        }
        if lexer.consume("!=") {
            let value = lexer.skipSpacesThenWord()
            try validateValue(value)
            return .notEquals(key, value)
        }
        if lexer.consume(">") || lexer.consume("<") {
            let greater = lexer.previous == ">"
            let value = lexer.skipSpacesThenWord()
            guard let n = Int64(value) else {
                throw ParseError(message: "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer")
            }
            return greater ? .greaterThan(key, n) : .lessThan(key, n)
        }
        let op = lexer.word()
        guard op == "in" || op == "notin" else {
            throw ParseError(message: "unable to parse requirement: found '\(op.isEmpty ? lexer.rest : op)', expected: in, notin, =, ==, !=, gt, lt")
        }
        lexer.skipSpaces()
        guard lexer.consume("(") else {
            throw ParseError(message: "unable to parse requirement: found '\(lexer.rest)', expected: '('")
        }
        var values = Set<String>()
        while true {
            let value = lexer.skipSpacesThenWord()
            try validateValue(value)
            if !value.isEmpty { values.insert(value) }
            lexer.skipSpaces()
            if lexer.consume(",") { continue }
            if lexer.consume(")") { break }
            throw ParseError(message: "unable to parse requirement: found '\(lexer.rest)', expected: ',', ')' or identifier")
        }
        return op == "in" ? .in(key, values) : .notIn(key, values)
    }

    static func validateKey(_ key: String) throws(ParseError) {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name = String(parts.last ?? "")
        guard parts.count <= 2, isQualifiedNamePart(name) else {
            throw ParseError(message: "unable to parse requirement: invalid label key \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
        }
    }

    static func validateValue(_ value: String) throws(ParseError) {
        if value.isEmpty { return }
        guard value.count <= 63, isQualifiedNamePart(value) else {
            throw ParseError(message: "unable to parse requirement: invalid label value: \"\(value)\": at key: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
        }
    }

    static func isQualifiedNamePart(_ s: String) -> Bool {
        s.count <= 63 && matchesNamePartPattern(s)
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` without the length limit (checked apart, with
    /// its own message).
    static func matchesNamePartPattern(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        func alnum(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)) }
        return alnum(first) && alnum(last) && s.unicodeScalars.allSatisfy { alnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// A tiny scanner over the selector text.
    struct Lexer {
        let chars: [Unicode.Scalar]
        var index = 0
        var previous: Character = " "
        init(_ chars: [Unicode.Scalar]) { self.chars = chars }

        var atEnd: Bool { index >= chars.count }
        var rest: String { String(String.UnicodeScalarView(chars[min(index, chars.count)...])) }

        mutating func skipSpaces() { while index < chars.count, chars[index] == " " { index += 1 } }

        func peek(_ s: String) -> Bool {
            let scalars = Array(s.unicodeScalars)
            guard index + scalars.count <= chars.count else { return false }
            return Array(chars[index..<index + scalars.count]) == scalars
        }

        mutating func consume(_ s: String) -> Bool {
            guard peek(s) else { return false }
            index += s.unicodeScalars.count
            previous = Character(s.unicodeScalars.last!)
            return true
        }

        /// Characters up to a space, comma, parenthesis or operator.
        mutating func word() -> String {
            let start = index
            while index < chars.count, !" ,()=!<>".unicodeScalars.contains(chars[index]) { index += 1 }
            return String(String.UnicodeScalarView(chars[start..<index]))
        }

        mutating func skipSpacesThenWord() -> String {
            skipSpaces()
            return word()
        }
    }
}
