import KubeCore
import Testing

@testable import KubeTestServerCore

@Suite("CEL expression API and parse errors")
struct CELExpressionTests {
    @Test func exposesSourceAndVariables() throws {
        let e = try CELExpression("self.steps.all(s, s.weight > 0) && size(oldSelf) > 0")
        #expect(e.source == "self.steps.all(s, s.weight > 0) && size(oldSelf) > 0")
        #expect(e.variables == ["self", "oldSelf"])
        #expect(e.referencesOldSelf)
        #expect(try !CELExpression("self.x == 1").referencesOldSelf)
        // Macro variables are not free variables, and type names are not variables either.
        #expect(try CELExpression("[1].map(oldSelf, oldSelf + 1) == [2] && type(self) == map").variables == ["self"])
        #expect(try CELExpression("cel.bind(oldSelf, 1, oldSelf)").referencesOldSelf == false)
    }

    @Test func evaluatesManyTimes() throws {
        let e = try CELExpression("self.replicas >= 2")
        for n in 0..<5 {
            #expect(try e.evaluate(["self": ["replicas": .int(Int64(n))]]) == .bool(n >= 2))
        }
        #expect(try e.evaluateBool(["self": ["replicas": 3]]))
        #expect(throws: CELError("rule did not evaluate to a bool")) {
            try CELExpression("1").evaluateBool([:])
        }
    }

    @Test func isUsableAcrossTasks() async throws {
        let e = try CELExpression("self.all(x, x % 2 == 0)")
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<8 {
                group.addTask { (try? e.evaluateBool(["self": [.int(Int64(i * 2)), .int(Int64(i))]])) ?? false }
            }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.filter { $0 }.count == 4)  // even i: [2i, i] is all even
    }

    static let parseErrors: [(String, String)] = [
        ("1 +", "ERROR: <input>:1:4: Syntax error: mismatched input '<EOF>'"),
        ("self.", "ERROR: <input>:1:6: Syntax error: mismatched input '<EOF>' expecting {IDENTIFIER, ESC_IDENTIFIER}"),
        ("(1 + 2", "ERROR: <input>:1:7: Syntax error: mismatched input '<EOF>' expecting ')'"),
        ("1 2", "ERROR: <input>:1:3: Syntax error: extraneous input '2' expecting <EOF>"),
        ("a = b", "ERROR: <input>:1:3: Syntax error: token recognition error at: '='"),
        ("'unterminated", "ERROR: <input>:1:1: Syntax error: token recognition error at: ''unterminated'"),
        ("self.x #", "ERROR: <input>:1:8: Syntax error: token recognition error at: '#'"),
        ("x\n && ", "ERROR: <input>:2:5: Syntax error: mismatched input '<EOF>'"),
        ("if", "ERROR: <input>:1:1: reserved identifier: if"),
        ("self.matches('[')", "ERROR: <input>:1:6: error parsing regexp"),
        ("99999999999999999999", "ERROR: <input>:1:1: invalid int literal"),
        ("has(1)", "invalid argument to has() macro"),
        ("'\\q'", "token recognition error"),
    ]

    @Test(arguments: parseErrors) func parseError(_ source: String, _ expected: String) {
        do {
            _ = try CELExpression(source)
            Issue.record("\(source) parsed")
        } catch {
            #expect(error.message.hasPrefix(expected) || error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func parseErrorShowsSnippet() {
        #expect(throws: CELError("ERROR: <input>:1:4: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | 1 +\n | ...^")) {
            try CELExpression("1 +")
        }
    }

    @Test func deepNestingIsRejectedNotCrashing() throws {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: CELError.self) { try CELExpression(deep) }
        let longChain = Array(repeating: "1", count: 2000).joined(separator: " + ")
        #expect(throws: CELError.self) { try CELExpression(longChain) }
        let members = "self" + String(repeating: ".a", count: 2000)
        #expect(throws: CELError.self) { try CELExpression(members) }
        // Long && chains are balanced, so they stay legal.
        let conjunction = Array(repeating: "true", count: 1000).joined(separator: " && ")
        #expect(try CELExpression(conjunction).evaluate([:]) == true)
    }

    /// The deepest expression the parser accepts must evaluate without exhausting a task's stack.
    @Test func deepestAcceptedExpressionEvaluatesOffTheMainThread() async throws {
        let source = String(repeating: "-(", count: 240) + "1" + String(repeating: ")", count: 240)
        let result = try await Task.detached { try CELExpression(source).evaluate([:]) }.value
        #expect(result == 1)
        let lists = String(repeating: "[", count: 120) + "1" + String(repeating: "]", count: 120)
        let size = try await Task.detached { try CELExpression(lists + " == " + lists).evaluate([:]) }.value
        #expect(size == true)
    }

    @Test func runawayEvaluationIsCutOff() throws {
        // A small budget keeps the test fast; the default allows a million macro iterations.
        let twenty = JSON.array((0..<20).map { .int(Int64($0)) })
        let cubic = try CELExpression("self.map(a, self.map(b, self.map(c, 0)))")
        #expect(throws: CELError("operation cancelled: actual cost limit exceeded")) {
            try cubic.evaluateValue(["self": twenty], budget: CELBudget(limit: 5_000))
        }
        // Exhaustion is not absorbed by && / all, even where an error otherwise would be.
        let absorbing = try CELExpression("self.all(a, self.map(b, self.map(c, 0)).size() != 0) || true")
        #expect(throws: CELError("operation cancelled: actual cost limit exceeded")) {
            try absorbing.evaluateValue(["self": twenty], budget: CELBudget(limit: 5_000))
        }
        let quadratic = try CELExpression("self.all(a, self.exists(b, b == a))")
        #expect(try quadratic.evaluateValue(["self": twenty], budget: CELBudget(limit: 5_000)).toJSON() == true)
    }

    @Test func rejectsOversizedSource() {
        let huge = "'" + String(repeating: "a", count: 100_001) + "'"
        #expect(throws: CELError("expression code point size exceeds limit: size: 100003, limit 100000")) {
            try CELExpression(huge)
        }
    }
}
