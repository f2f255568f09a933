/// One lexical token of a CEL expression, with the offset (in Unicode scalars) where it starts
/// so that syntax errors can point at it.
struct CELToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// The magnitude only: `-9223372036854775808` is legal, so the parser checks the range
        /// once it knows whether a minus sign precedes the literal.
        case int(UInt64)
        case uint(UInt64)
        case double(Double)
        case string(String)
        case bytes([UInt8])
        case identifier(String)
        /// A backtick-quoted field name: ``self.`foo-bar` ``.
        case quotedIdentifier(String)
        /// An operator or punctuation: `&&`, `.?`, `(`, ...
        case punct(String)
        case eof
    }

    var kind: Kind
    var offset: Int
    /// The source text of the token, for error messages (`mismatched input 'x'`).
    var text: String

    var isEOF: Bool { kind == .eof }

    func isPunct(_ p: String) -> Bool { kind == .punct(p) }

    func isIdentifier(_ name: String) -> Bool { kind == .identifier(name) }
}
