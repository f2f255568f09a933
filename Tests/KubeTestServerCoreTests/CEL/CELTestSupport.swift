import KubeCore
import Testing

@testable import KubeTestServerCore

/// One row of a CEL table test: an expression, optional variables, and what it must give.
struct CELCase: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable {
        case value(JSON)
        /// The exact error message.
        case error(String)
        /// An error whose message contains this text (parse errors carry positions and snippets).
        case errorContaining(String)
    }

    var expression: String
    var bindings: [String: JSON]
    var expected: Expected

    init(_ expression: String, _ expected: JSON, _ bindings: [String: JSON] = [:]) {
        self.expression = expression
        self.bindings = bindings
        self.expected = .value(expected)
    }

    init(_ expression: String, error: String, _ bindings: [String: JSON] = [:]) {
        self.expression = expression
        self.bindings = bindings
        self.expected = .error(error)
    }

    init(_ expression: String, errorContaining: String, _ bindings: [String: JSON] = [:]) {
        self.expression = expression
        self.bindings = bindings
        self.expected = .errorContaining(errorContaining)
    }

    var testDescription: String { expression }
}

/// JSON equality that also tells integers from doubles (`JSON ==` deliberately does not), so
/// that `1 + 1` giving `2.0` would fail.
func strictlyEqual(_ a: JSON, _ b: JSON) -> Bool {
    switch (a, b) {
    case let (.int(x), .int(y)): return x == y
    case let (.double(x), .double(y)): return x == y || (x.isNaN && y.isNaN)
    case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy(strictlyEqual)
    case let (.object(x), .object(y)):
        return x.count == y.count && x.allSatisfy { k, v in y[k].map { strictlyEqual(v, $0) } ?? false }
    case (.int, _), (.double, _), (.array, _), (.object, _): return false
    default: return a == b
    }
}

func check(_ c: CELCase, sourceLocation: SourceLocation = #_sourceLocation) {
    let result: Result<JSON, CELError>
    do {
        let expression = try CELExpression(c.expression)
        result = .success(try expression.evaluate(c.bindings))
    } catch {
        result = .failure(error)
    }
    switch (c.expected, result) {
    case let (.value(want), .success(got)):
        #expect(strictlyEqual(got, want), "\(c.expression) = \(got), want \(want)", sourceLocation: sourceLocation)
    case let (.error(want), .failure(got)):
        #expect(got.message == want, "\(c.expression)", sourceLocation: sourceLocation)
    case let (.errorContaining(want), .failure(got)):
        #expect(got.message.contains(want), "\(c.expression): \(got.message)", sourceLocation: sourceLocation)
    case let (_, .success(got)):
        Issue.record("\(c.expression) = \(got), expected an error", sourceLocation: sourceLocation)
    case let (_, .failure(got)):
        Issue.record("\(c.expression) failed: \(got.message)", sourceLocation: sourceLocation)
    }
}
