import Testing
@testable import ModelOpsControllers

@Suite("Success-condition expressions")
struct ConditionExpressionTests {
    @Test("conditions evaluate over result", arguments: [
        ("result >= 0.95", 0.95, true), ("result >= 0.95", 0.94, false),
        ("result < 0.01 && result >= 0", 0.005, true), ("result < 0.01 && result >= 0", -0.001, false),
        ("result < 0.01 and result >= 0", 0.02, false),
        ("result > 10 || result < 1", 0.5, true), ("result > 10 or result < 1", 5, false),
        ("!(result > 1)", 0.5, true), ("not (result > 1)", 2, false), ("!isNaN(result)", 3, true),
        ("isNaN(result)", .nan, true), ("isInf(result) || result == 0", .infinity, true),
        ("(result + 1) * 2 == 4", 1, true), ("result / 2 - 1 <= -0.5", 1, true), ("result * 100 > 5", 0.06, true),
        ("-result > 0", -3, true), ("abs(result - 1) < 0.1", 0.95, true), ("abs(result - 1) < 0.1", 1.2, false),
        ("result >= 1e-3", 0.001, true), ("result >= .5", 0.4, false), ("result != 2", 2, false),
        ("(result > 1) == false", 0.5, true), ("1 + 2 * 3 == 7", 0, true), ("true", 0, true),
        ("result > 1 && result < 3 || result == 10", 10, true),
    ] as [(String, Double, Bool)])
    func evaluates(_ source: String, _ result: Double, _ expected: Bool) throws {
        #expect(try ConditionExpression(source).evaluate(result: result) == expected)
    }

    @Test("bad conditions are rejected with a message that points at the problem", arguments: [
        ("", "the condition is empty"),
        ("result >= ", "the condition ends too early: expected a value after \">=\""),
        ("result = 1", "\"=\" at column 8 is not an operator; compare with \"==\""),
        ("result > 1 & result < 2", "\"&\" at column 12 is not an operator; use \"&&\""),
        ("resutl > 1", "unknown name \"resutl\" at column 1; the measured value is \"result\""),
        ("max(result) > 1", "unknown function \"max\" at column 1; functions: isNaN, isInf, abs"),
        ("(result > 1", "missing \")\" for the \"(\" of column 1; found the end of the condition"),
        ("result > 1)", "unexpected \")\" at column 11"),
        ("result * 2", "the condition is a number, not true or false; compare it, e.g. \"result >= 0.95\""),
        ("result && true", "\"&&\" at column 8 needs true/false on its left side, not a number"),
        ("result > true", "\">\" at column 8 needs a number on its right side, not true/false"),
        ("!result", "\"!\" at column 1 needs true/false on its right side, not a number"),
        ("result == true", "\"==\" at column 8 compares a number with true/false"),
        ("isNaN(result > 1)", "isNaN at column 1 needs a number as its argument, not true/false"),
        ("0 < result < 1", "\"<\" at column 12 needs a number on its left side, not true/false"),
        ("result > 1 $", "unexpected character \"$\" at column 12"),
        ("result > > 1", "unexpected \">\" at column 10; expected a value"),
    ])
    func rejects(_ source: String, _ message: String) {
        #expect(throws: ConditionExpression.ParseError(message: message)) { try ConditionExpression(source) }
    }
}
