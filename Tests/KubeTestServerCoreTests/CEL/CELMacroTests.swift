import KubeCore
import Testing

@testable import KubeTestServerCore

@Suite("CEL macros")
struct CELMacroTests {
    static let cases: [CELCase] = [
        CELCase("[1, 2, 3].all(x, x > 0)", true),
        CELCase("[1, 2, 3].all(x, x > 1)", false),
        CELCase("[].all(x, x > 1)", true),
        CELCase("[1, 2, 3].exists(x, x == 2)", true),
        CELCase("[1, 2, 3].exists(x, x == 5)", false),
        CELCase("[].exists(x, true)", false),
        CELCase("[1, 2, 3].exists_one(x, x > 2)", true),
        CELCase("[1, 2, 3].exists_one(x, x > 1)", false),
        CELCase("[1, 2, 3].filter(x, x % 2 == 1)", [1, 3]),
        CELCase("[1, 2, 3].map(x, x * 10)", [10, 20, 30]),
        CELCase("[1, 2, 3].map(x, x > 1, x * 10)", [20, 30]),
        CELCase("[[1, 2], [3]].map(l, l.map(x, x + 1))", [[2, 3], [4]]),
        CELCase("[1, 2].map(x, [3, 4].map(y, x * y))", [[3, 4], [6, 8]]),
        // Maps iterate over their keys.
        CELCase("{'xa': 1, 'xb': 2}.all(k, k.startsWith('x'))", true),
        CELCase("{'xa': 1, 'b': 2}.all(k, k.startsWith('x'))", false),
        CELCase("{'a': 1, 'b': 2}.exists(k, k == 'b')", true),
        CELCase("{'a': 1, 'b': 2}.map(k, k + k)", ["aa", "bb"]),
        CELCase("{'a': 1, 'b': 2}.filter(k, k != 'a')", ["b"]),
        // all/exists absorb errors like && and ||; the other macros are strict.
        CELCase("[0, 1].all(x, 1 / x > 5)", false),
        CELCase("[1, 0].exists(x, 1 / x == 1)", true),
        CELCase("[0, 1].all(x, 1 / x > 0)", error: "division by zero"),
        CELCase("[1, 0].exists(x, 1 / x == 5)", error: "division by zero"),
        CELCase("[1, 0].exists_one(x, 1 / x == 1)", error: "division by zero"),
        CELCase("[1, 0].map(x, 1 / x)", error: "division by zero"),
        CELCase("[1, 2].all(x, x)", error: "no such overload"),
        CELCase("1.all(x, true)", error: "no such overload"),
        CELCase("[1].all(x.y, true)", errorContaining: "argument must be a simple name"),
        CELCase("has(self)", errorContaining: "invalid argument to has() macro"),
        // Two-variable forms.
        CELCase("[10, 20].all(i, v, v == (i + 1) * 10)", true),
        CELCase("{'a': 'a', 'b': 'c'}.exists(k, v, k != v)", true),
        CELCase("[1, 2].transformList(i, v, i + v)", [1, 3]),
        CELCase("{'a': 1}.transformMap(k, v, v + 1)", ["a": 2]),
        // Iteration variables shadow and then restore outer bindings.
        CELCase("[1, 2].map(self, self * 2) + [self]", [2, 4, 7], ["self": 7]),
        CELCase("cel.bind(x, 3, x * x)", 9),
        CELCase("cel.bind(a, [1, 2], a.map(v, v + size(a)))", [3, 4]),
    ]

    @Test(arguments: cases) func macro(_ c: CELCase) { check(c) }
}
