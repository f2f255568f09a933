import KubeCore
import Testing

/// YAML scalars become the JSON types the API server would see (sigs.k8s.io/yaml, YAML 1.1).
@Suite("YAML scalars")
struct YAMLScalarTests {
    @Test(arguments: [
        ("a: 1", JSON.int(1)), ("a: -7", .int(-7)), ("a: 1.5", .double(1.5)), ("a: true", .bool(true)),
        ("a: false", .bool(false)), ("a: null", .null), ("a: ~", .null), ("a:", .null),
        ("a: \"1\"", .string("1")), ("a: '1'", .string("1")), ("a: \"true\"", .string("true")),
        ("a: 2024-05-01", .string("2024-05-01")), ("a: 1h30m", .string("1h30m")), ("a: s3://x", .string("s3://x")),
        ("a: 0 2 * * *", .string("0 2 * * *")),
    ])
    func scalar(_ yaml: String, _ expected: JSON) throws {
        let value = try JSON.parseYAML(yaml)["a"]
        #expect(value == expected)
        #expect(value?.typeName == expected.typeName)
    }
}
