import KubeCore
import Testing

@testable import KubeTestServerCore

@Suite("CEL operators")
struct CELOperatorTests {
    static let arithmetic: [CELCase] = [
        CELCase("1 + 2 * 3", 7),
        CELCase("(1 + 2) * 3", 9),
        CELCase("10 - 4 - 3", 3),
        CELCase("7 / 2", 3),
        CELCase("-7 / 2", -3),
        CELCase("7 % 3", 1),
        CELCase("-7 % 3", -1),
        CELCase("7u / 2u", 3),
        CELCase("1.5 * 2.0", 3.0),
        CELCase("1.0 / 0.0 > 1e308", true),
        CELCase("1 / 0", error: "division by zero"),
        CELCase("1 % 0", error: "modulus by zero"),
        CELCase("1u / 0u", error: "division by zero"),
        CELCase("9223372036854775807 + 1", error: "integer overflow"),
        CELCase("-9223372036854775808 - 1", error: "integer overflow"),
        CELCase("9223372036854775807 * 2", error: "integer overflow"),
        CELCase("-9223372036854775808 / -1", error: "integer overflow"),
        CELCase("-(-9223372036854775808)", error: "integer overflow"),
        CELCase("0u - 1u", error: "unsigned integer overflow"),
        CELCase("18446744073709551615u + 1u", error: "unsigned integer overflow"),
        CELCase("1 + 1.0", error: "no such overload"),
        CELCase("1 + 1u", error: "no such overload"),
        CELCase("'a' + 1", error: "no such overload"),
        CELCase("1.5 % 1.0", error: "no such overload"),
        CELCase("'ab' + 'cd'", "abcd"),
        CELCase("[1] + [2, 3]", [1, 2, 3]),
        CELCase("b'a' + b'b' == b'ab'", true),
        CELCase("--5", 5),
        CELCase("-(2 + 3)", -5),
        CELCase("-'a'", error: "no such overload"),
    ]

    static let comparison: [CELCase] = [
        CELCase("1 == 1", true),
        CELCase("1 == 1.0", true),  // heterogeneous numeric equality, as Kubernetes' cel-go
        CELCase("1u == 1", true),
        CELCase("1 == 2", false),
        CELCase("1 != 1.5", true),
        CELCase("'a' == 'a'", true),
        CELCase("1 == 'a'", false),
        CELCase("null == null", true),
        CELCase("[1, 2] == [1, 2.0]", true),
        CELCase("[1, 2] == [2, 1]", false),
        CELCase("{'a': 1, 'b': 2} == {'b': 2, 'a': 1}", true),
        CELCase("{'a': 1} == {'a': 2}", false),
        CELCase("1 < 2", true),
        CELCase("2 <= 2", true),
        CELCase("3 > 2.5", true),  // cross-type numeric ordering
        CELCase("1u < 2", true),
        CELCase("-1 < 0u", true),
        CELCase("2 >= 3", false),
        CELCase("'abc' < 'abd'", true),
        CELCase("'Z' < 'a'", true),
        CELCase("'a' < 'é'", true),
        CELCase("false < true", true),
        CELCase("'a' < 1", error: "no such overload"),
        CELCase("[1] < [2]", error: "no such overload"),
        CELCase("1 < 2 == true", true),
    ]

    static let logic: [CELCase] = [
        CELCase("true && true", true),
        CELCase("true && false", false),
        CELCase("false || true", true),
        CELCase("false || false", false),
        CELCase("!true", false),
        CELCase("!!true", true),
        CELCase("!1", error: "no such overload"),
        // Errors are absorbed by the deciding value on either side.
        CELCase("false && 1 / 0 == 0", false),
        CELCase("1 / 0 == 0 && false", false),
        CELCase("true || 1 / 0 == 0", true),
        CELCase("1 / 0 == 0 || true", true),
        CELCase("true && 1 / 0 == 0", error: "division by zero"),
        CELCase("1 / 0 == 0 || false", error: "division by zero"),
        CELCase("{}.a == 1 && [][0] == 1", error: "no such key: a"),
        CELCase("1 && true", error: "no such overload"),
        CELCase("1 && false", false),
        CELCase("true ? 1 : 2", 1),
        CELCase("false ? 1 : 2", 2),
        CELCase("true ? 1 : 1 / 0", 1),
        CELCase("false ? 1 / 0 : 'ok'", "ok"),
        CELCase("1 ? 1 : 2", error: "no such overload"),
        CELCase("true ? (false ? 1 : 2) : 3", 2),
        CELCase("false ? 1 : true ? 2 : 3", 2),  // only the else branch nests without parentheses
        CELCase("true ? false ? 1 : 2 : 3", errorContaining: "Syntax error: mismatched input '?' expecting ':'"),
        CELCase("false || true ? 'yes' : 'no'", "yes"),
        CELCase("true && false || true", true),
        CELCase("true || false && false", true),
    ]

    static let membership: [CELCase] = [
        CELCase("2 in [1, 2, 3]", true),
        CELCase("2.0 in [1, 2, 3]", true),
        CELCase("4 in [1, 2, 3]", false),
        CELCase("'a' in {'a': 1}", true),
        CELCase("'b' in {'a': 1}", false),
        CELCase("'a' in 'abc'", error: "no such overload"),
        CELCase("'Always' in ['Always', 'Never']", true),
    ]

    @Test(arguments: arithmetic) func arithmeticTable(_ c: CELCase) { check(c) }
    @Test(arguments: comparison) func comparisonTable(_ c: CELCase) { check(c) }
    @Test(arguments: logic) func logicTable(_ c: CELCase) { check(c) }
    @Test(arguments: membership) func membershipTable(_ c: CELCase) { check(c) }
}
