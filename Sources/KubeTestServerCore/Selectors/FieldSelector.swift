import KubeCore

/// A field selector (`spec.nodeName=node-1,status.phase!=Running`), parsed as apimachinery's
/// `fields.ParseSelector` parses it and checked against the kind's selectable fields.
public struct FieldSelector: Sendable, Equatable {
    public struct Requirement: Sendable, Equatable {
        /// The field the object is read at (after the kind's label conversion).
        public var field: String
        public var value: String
        public var negated: Bool
    }

    public var requirements: [Requirement]
    public static let everything = FieldSelector(requirements: [])

    public init(requirements: [Requirement]) { self.requirements = requirements }

    /// Parses `text` and converts its labels for the kind. Terms are split at unescaped commas
    /// and sorted, each at the first operator (`!=`, `==`, `=`) it holds; a term without one is
    /// the parser's 400 (golden 148), checked for every term before any label is converted, so
    /// a malformed term wins over an unsupported field. Then the first term (in sorted order)
    /// whose label the kind does not accept is the conversion's 400 (146, 147).
    static func parse(_ text: String, fields: SelectableFields) throws(APIError) -> FieldSelector {
        var parsed: [(label: String, value: String, negated: Bool)] = []
        for term in splitTerms(text).sorted() where !term.isEmpty {
            guard let (label, op, raw) = splitTerm(term) else {
                throw APIError.badRequest("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            parsed.append((label, try unescape(raw), op == "!="))
        }
        var requirements: [Requirement] = []
        for term in parsed {
            requirements.append(Requirement(field: try fields.field(for: term.label), value: term.value, negated: term.negated))
        }
        return FieldSelector(requirements: requirements)
    }

    public func matches(_ object: JSON) -> Bool {
        requirements.allSatisfy { requirement in
            (SelectableFields.value(of: requirement.field, in: object) == requirement.value) != requirement.negated
        }
    }

    /// Terms at commas not escaped by a backslash (the backslash stays, for `unescape`).
    static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                terms.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        terms.append(current)
        return terms
    }

    /// Splits at the first position where an operator starts, `!=` before `==` before `=`.
    static func splitTerm(_ term: String) -> (String, String, String)? {
        var index = term.startIndex
        while index < term.endIndex {
            let rest = term[index...]
            for op in ["!=", "==", "="] where rest.hasPrefix(op) {
                return (String(term[..<index]), op, String(rest.dropFirst(op.count)))
            }
            index = term.index(after: index)
        }
        return nil
    }

    /// `\\`, `\,` and `\=` stand for themselves; any other escape, or an unescaped `,` or `=`, is refused.
    static func unescape(_ value: String) throws(APIError) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "," || $0 == "=" }) else { return value }
        var out = ""
        var escaped = false
        for character in value {
            if escaped {
                guard character == "\\" || character == "," || character == "=" else {
                    throw APIError.badRequest("invalid field selector: invalid escape sequence: \\\(character)")
                }
                out.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," || character == "=" {
                // Go formats the rune with %v: its code point.
                throw APIError.badRequest("invalid field selector: unescaped character in value: \(character.unicodeScalars.first!.value)")
            } else {
                out.append(character)
            }
        }
        if escaped { throw APIError.badRequest("invalid field selector: invalid escape sequence: \\") }
        return out
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}

/// What a list or watch selects: a namespace, labels and fields.
public struct ObjectFilter: Sendable {
    public var namespace: String?
    public var labels: LabelSelector
    public var fields: FieldSelector

    public init(namespace: String? = nil, labels: LabelSelector = .everything, fields: FieldSelector = .everything) {
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
    }

    public func matches(_ object: StoredObject) -> Bool {
        if let namespace, object.namespace != namespace { return false }
        if !labels.requirements.isEmpty, !labels.matches(object.labels) { return false }
        if !fields.requirements.isEmpty, !fields.matches(object.object) { return false }
        return true
    }
}
