import KubeCore

/// The subset of Kubernetes JSONPath that printer columns use: `.a.b`, `.a[0]`, `.a[*].b`,
/// `.a['key.with.dots']`, and filters `[?(@.type=="Ready")]` with `==`/`!=`.
public struct JSONPathExpression: Sendable {
    enum Step: Sendable {
        case field(String)
        case index(Int)
        case wildcard
        case filter(path: [String], negated: Bool, value: JSON)
    }

    let steps: [Step]
    public let source: String

    public init(_ source: String) {
        self.source = source
        var text = Substring(source.trimmingSpaces)
        if text.hasPrefix("{"), text.hasSuffix("}") { text = text.dropFirst().dropLast() }
        var steps: [Step] = []
        while !text.isEmpty {
            if text.hasPrefix(".") {
                text = text.dropFirst()
                let name = text.prefix { $0 != "." && $0 != "[" }
                if !name.isEmpty { steps.append(name == "*" ? .wildcard : .field(String(name))) }
                text = text.dropFirst(name.count)
            } else if text.hasPrefix("[") {
                guard let close = Self.closingBracket(text) else { break }
                let inner = text[text.index(after: text.startIndex)..<close]
                text = text[text.index(after: close)...]
                if inner == "*" {
                    steps.append(.wildcard)
                } else if let i = Int(inner) {
                    steps.append(.index(i))
                } else if inner.hasPrefix("'") || inner.hasPrefix("\"") {
                    steps.append(.field(String(inner.dropFirst().dropLast())))
                } else if inner.hasPrefix("?(") {
                    steps.append(Self.parseFilter(inner.dropFirst(2).dropLast()))
                }
            } else {
                let name = text.prefix { $0 != "." && $0 != "[" }
                steps.append(.field(String(name)))
                text = text.dropFirst(max(1, name.count))
            }
        }
        self.steps = steps
    }

    private static func closingBracket(_ text: Substring) -> Substring.Index? {
        var quote: Character? = nil
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "]" {
                return i
            }
            i = text.index(after: i)
        }
        return nil
    }

    private static func parseFilter(_ body: Substring) -> Step {
        let negated = body.contains("!=")
        let parts = body.components(separatedBy: negated ? "!=" : "==")
        let lhs = parts.first?.trimmingSpaces ?? ""
        let rhs = parts.count > 1 ? parts[1].trimmingSpaces : ""
        let path = lhs.hasPrefix("@.") ? lhs.dropFirst(2).split(separator: ".").map(String.init) : []
        let value: JSON
        if (rhs.hasPrefix("\"") && rhs.hasSuffix("\"")) || (rhs.hasPrefix("'") && rhs.hasSuffix("'")) {
            value = .string(String(rhs.dropFirst().dropLast()))
        } else if let i = Int64(rhs) {
            value = .int(i)
        } else if rhs == "true" || rhs == "false" {
            value = .bool(rhs == "true")
        } else {
            value = .string(rhs)
        }
        return .filter(path: path, negated: negated, value: value)
    }

    /// Every match, in document order.
    public func evaluate(_ root: JSON) -> [JSON] {
        var current = [root]
        for step in steps {
            var next: [JSON] = []
            for value in current {
                switch step {
                case let .field(name):
                    if let v = value[name] { next.append(v) }
                case let .index(i):
                    if let array = value.arrayValue {
                        let index = i < 0 ? array.count + i : i
                        if array.indices.contains(index) { next.append(array[index]) }
                    }
                case .wildcard:
                    if let array = value.arrayValue { next.append(contentsOf: array) }
                    if let object = value.objectValue { next.append(contentsOf: object.keys.sorted().map { object[$0]! }) }
                case let .filter(path, negated, expected):
                    for element in value.arrayValue ?? [] {
                        guard let actual = element[path: path] else { continue }
                        if (actual == expected) != negated { next.append(element) }
                    }
                }
            }
            current = next
        }
        return current
    }
}
