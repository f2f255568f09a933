import KubeCore
import Testing

@testable import KubeTestServerCore

@Suite("CEL literals")
struct CELLiteralTests {
    static let cases: [CELCase] = [
        CELCase("0", 0),
        CELCase("42", 42),
        CELCase("-7", -7),
        CELCase("0x1F", 31),
        CELCase("-9223372036854775808", .int(Int64.min)),
        CELCase("9223372036854775807", .int(Int64.max)),
        CELCase("9223372036854775808", errorContaining: "invalid int literal"),
        CELCase("1u", 1),
        CELCase("0x10u", 16),
        CELCase("18446744073709551615u", .double(18446744073709551615.0)),  // uint beyond int64 → JSON number
        CELCase("1.5", 1.5),
        CELCase(".5", 0.5),
        CELCase("1e3", 1000.0),
        CELCase("2.5e-1", 0.25),
        CELCase("-0.0 == 0.0", true),
        CELCase("'single'", "single"),
        CELCase("\"double\"", "double"),
        CELCase("'''triple 'quoted' '''", "triple 'quoted' "),
        CELCase("\"\"\"multi\nline\"\"\"", "multi\nline"),
        CELCase(#"'a\nb\tc\\d\'e\"f'"#, "a\nb\tc\\d'e\"f"),
        CELCase(#"'\x41\u00e9\U0001F600\101'"#, "Aé😀A"),
        CELCase(#"r'raw\n'"#, "raw\\n"),
        CELCase(#"R"\d+""#, "\\d+"),
        CELCase("'héllo'", "héllo"),
        CELCase("b'abc'", "YWJj"),  // bytes come back to JSON as base64
        CELCase(#"b'\xff' == b'\377'"#, true),
        CELCase("true", true),
        CELCase("false", false),
        CELCase("null", nil),
        CELCase("[]", []),
        CELCase("[1, 'two', 3.0, null, [true]]", [1, "two", 3.0, nil, [true]]),
        CELCase("[1, 2,]", [1, 2]),
        CELCase("{}", [:]),
        CELCase("{'a': 1, 'b': [2]}", ["a": 1, "b": [2]]),
        CELCase("{'a': 1, 'a': 2}", error: "Failed with repeated key: a"),
        CELCase("{1: 'x', true: 'y'}[1]", "x"),
        CELCase("{[1]: 2}", error: "unsupported key type: list"),
        CELCase("// comment\n 1 + // another\n 2", 3),
    ]

    @Test(arguments: cases) func literal(_ c: CELCase) { check(c) }
}
