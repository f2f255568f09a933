/// Splits CEL source into tokens (the lexical grammar of the CEL spec: decimal and hex ints with
/// an optional `u` suffix, floats, single/double/triple-quoted and raw strings, bytes, comments).
struct CELLexer {
    private let scalars: [Unicode.Scalar]
    private let source: String
    private var pos = 0

    init(_ source: String) {
        self.source = source
        self.scalars = Array(source.unicodeScalars)
    }

    static func tokenize(_ source: String) throws(CELError) -> [CELToken] {
        var lexer = CELLexer(source)
        var tokens: [CELToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.isEOF { return tokens }
        }
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let i = pos + ahead
        return i < scalars.count ? scalars[i] : nil
    }

    private func text(from start: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<pos])
        return String(s)
    }

    private func error(_ message: String, at offset: Int) -> CELError {
        CELSyntax.error("Syntax error: \(message)", source: source, offset: offset)
    }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return c >= "0" && c <= "9"
    }

    private static func isHex(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F")
    }

    private static func isIdentStart(_ c: Unicode.Scalar?) -> Bool {
        guard let c else { return false }
        return c == "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")
    }

    private static func isIdentPart(_ c: Unicode.Scalar?) -> Bool { isIdentStart(c) || isDigit(c) }

    private mutating func skipTrivia() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                pos += 1
            } else if c == "/" && peek(1) == "/" {
                while let d = peek(), d != "\n" { pos += 1 }
            } else {
                return
            }
        }
    }

    mutating func next() throws(CELError) -> CELToken {
        skipTrivia()
        let start = pos
        guard let c = peek() else { return CELToken(kind: .eof, offset: pos, text: "<EOF>") }

        if CELLexer.isDigit(c) || (c == "." && CELLexer.isDigit(peek(1))) {
            return try number()
        }
        // String and bytes literals with r/b prefixes.
        if c == "\"" || c == "'" {
            return try string(raw: false, bytes: false, start: start)
        }
        if CELLexer.isIdentStart(c) {
            // Prefixes: r, R, b, B, rb, br (any case order).
            var prefixLength = 0
            var raw = false
            var bytes = false
            while prefixLength < 2, let p = peek(prefixLength) {
                if (p == "r" || p == "R") && !raw {
                    raw = true
                } else if (p == "b" || p == "B") && !bytes {
                    bytes = true
                } else {
                    break
                }
                prefixLength += 1
            }
            if prefixLength > 0, let q = peek(prefixLength), q == "\"" || q == "'" {
                pos += prefixLength
                return try string(raw: raw, bytes: bytes, start: start)
            }
            while CELLexer.isIdentPart(peek()) { pos += 1 }
            let name = text(from: start)
            return CELToken(kind: .identifier(name), offset: start, text: name)
        }
        if c == "`" {
            pos += 1
            var name = ""
            while let d = peek(), d != "`" {
                // Escaped identifiers may hold letters, digits, '_', '.', '-', '/' and space.
                guard CELLexer.isIdentPart(d) || d == "." || d == "-" || d == "/" || d == " " else {
                    throw error("token recognition error at: '`\(name)\(Character(d))'", at: start)
                }
                name.unicodeScalars.append(d)
                pos += 1
            }
            guard peek() == "`", !name.isEmpty else {
                throw error("token recognition error at: '`\(name)'", at: start)
            }
            pos += 1
            return CELToken(kind: .quotedIdentifier(name), offset: start, text: text(from: start))
        }

        let two = peek(1).map { String(Character(c)) + String(Character($0)) } ?? ""
        for op in ["==", "!=", "<=", ">=", "&&", "||"] where two == op {
            pos += 2
            return CELToken(kind: .punct(op), offset: start, text: op)
        }
        let single: Set<Unicode.Scalar> = ["<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"]
        if single.contains(c) {
            pos += 1
            return CELToken(kind: .punct(String(Character(c))), offset: start, text: String(Character(c)))
        }
        throw error("token recognition error at: '\(Character(c))'", at: start)
    }

    private mutating func number() throws(CELError) -> CELToken {
        let start = pos
        // Hex integers.
        if peek() == "0", let x = peek(1), x == "x" || x == "X", CELLexer.isHex(peek(2)) {
            pos += 2
            let digitsStart = pos
            while CELLexer.isHex(peek()) { pos += 1 }
            let digits = text(from: digitsStart)
            var isUint = false
            if let u = peek(), u == "u" || u == "U" {
                isUint = true
                pos += 1
            }
            guard let value = UInt64(digits, radix: 16) else {
                throw CELSyntax.error("invalid \(isUint ? "uint" : "int") literal", source: source, offset: start)
            }
            return CELToken(kind: isUint ? .uint(value) : .int(value), offset: start, text: text(from: start))
        }
        while CELLexer.isDigit(peek()) { pos += 1 }
        var isFloat = false
        if peek() == ".", CELLexer.isDigit(peek(1)) {
            isFloat = true
            pos += 1
            while CELLexer.isDigit(peek()) { pos += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var ahead = 1
            if let s = peek(1), s == "+" || s == "-" { ahead = 2 }
            if CELLexer.isDigit(peek(ahead)) {
                isFloat = true
                pos += ahead
                while CELLexer.isDigit(peek()) { pos += 1 }
            }
        }
        let literal = text(from: start)
        if isFloat {
            guard let d = Double(literal.hasPrefix(".") ? "0" + literal : literal) else {
                throw CELSyntax.error("invalid double literal", source: source, offset: start)
            }
            return CELToken(kind: .double(d), offset: start, text: literal)
        }
        if let u = peek(), u == "u" || u == "U" {
            pos += 1
            guard let value = UInt64(literal) else {
                throw CELSyntax.error("invalid uint literal", source: source, offset: start)
            }
            return CELToken(kind: .uint(value), offset: start, text: text(from: start))
        }
        guard let value = UInt64(literal), value <= UInt64(Int64.max) + 1 else {
            throw CELSyntax.error("invalid int literal", source: source, offset: start)
        }
        return CELToken(kind: .int(value), offset: start, text: literal)
    }

    private mutating func string(raw: Bool, bytes: Bool, start: Int) throws(CELError) -> CELToken {
        guard let quote = peek() else { throw error("token recognition error at: '\(text(from: start))'", at: start) }
        let triple = peek(1) == quote && peek(2) == quote
        pos += triple ? 3 : 1
        var out: [UInt8] = []  // UTF-8 for strings, raw octets for bytes
        func appendScalar(_ s: Unicode.Scalar) { out.append(contentsOf: Array(String(Character(s)).utf8)) }
        while true {
            guard let c = peek() else {
                throw error("token recognition error at: '\(text(from: start))'", at: start)
            }
            if triple {
                if c == quote && peek(1) == quote && peek(2) == quote {
                    pos += 3
                    break
                }
            } else {
                if c == quote {
                    pos += 1
                    break
                }
                if c == "\n" || c == "\r" {
                    throw error("token recognition error at: '\(text(from: start))'", at: start)
                }
            }
            if c == "\\" && !raw {
                try escape(into: &out, bytes: bytes, start: start)
                continue
            }
            if c == "\\" && raw, let q = peek(1), q == quote || q == "\\" {
                // Raw strings still cannot contain their own quote unescaped; keep both characters.
                appendScalar(c)
                appendScalar(q)
                pos += 2
                continue
            }
            appendScalar(c)
            pos += 1
        }
        let tokenText = text(from: start)
        if bytes { return CELToken(kind: .bytes(out), offset: start, text: tokenText) }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw CELSyntax.error("Syntax error: invalid UTF-8 in string literal", source: source, offset: start)
        }
        return CELToken(kind: .string(s), offset: start, text: tokenText)
    }

    private mutating func escape(into out: inout [UInt8], bytes: Bool, start: Int) throws(CELError) {
        let escapeStart = pos
        pos += 1  // backslash
        guard let c = peek() else { throw error("token recognition error at: '\(text(from: start))'", at: start) }
        pos += 1
        func appendScalar(_ s: Unicode.Scalar) { out.append(contentsOf: Array(String(Character(s)).utf8)) }
        func hex(_ count: Int) throws(CELError) -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<count {
                guard let h = peek(), CELLexer.isHex(h), let d = UInt32(String(Character(h)), radix: 16) else {
                    throw error("token recognition error at: '\(text(from: escapeStart))'", at: escapeStart)
                }
                v = v * 16 + d
                pos += 1
            }
            return v
        }
        switch c {
        case "a": out.append(7)
        case "b": out.append(8)
        case "f": out.append(12)
        case "n": out.append(10)
        case "r": out.append(13)
        case "t": out.append(9)
        case "v": out.append(11)
        case "\\", "'", "\"", "`", "?": appendScalar(c)
        case "x", "X":
            let v = try hex(2)
            if bytes { out.append(UInt8(v)) } else if let s = Unicode.Scalar(v) { appendScalar(s) }
        case "u", "U":
            guard !bytes else { throw error("token recognition error at: '\(text(from: escapeStart))'", at: escapeStart) }
            let v = try hex(c == "u" ? 4 : 8)
            guard let s = Unicode.Scalar(v) else {
                throw error("token recognition error at: '\(text(from: escapeStart))'", at: escapeStart)
            }
            appendScalar(s)
        case "0"..."3":
            var v = UInt32(c.value - 48)
            for _ in 0..<2 {
                guard let o = peek(), o >= "0" && o <= "7" else {
                    throw error("token recognition error at: '\(text(from: escapeStart))'", at: escapeStart)
                }
                v = v * 8 + (o.value - 48)
                pos += 1
            }
            if bytes { out.append(UInt8(v)) } else if let s = Unicode.Scalar(v) { appendScalar(s) }
        default:
            throw error("token recognition error at: '\(text(from: escapeStart))'", at: escapeStart)
        }
    }
}
