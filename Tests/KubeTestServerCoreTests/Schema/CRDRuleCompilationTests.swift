import KubeCore
import KubeTestServerCore
import Testing

/// A CRD whose `x-kubernetes-validations` do not compile, or cost more than the budget, is
/// refused when it is written, with the real server's messages (golden 094-101).
@Suite struct CRDRuleCompilationTests {
    /// Replays a recorded CRD create and expects the same answer, body for body.
    private func expectRecordedAnswer(_ number: Int) async throws {
        let golden = try GoldenExchange(number)
        let api = APIServer()
        defer { api.shutdown() }
        let answer = await golden.replay(on: api)
        #expect(answer.status == golden.responseStatus)
        #expect(answer.body == golden.responseBody)
    }

    @Test func golden094NoMatchingOverload() async throws {
        try await expectRecordedAnswer(94)
    }

    @Test func golden095UndeclaredFunctionAndUndefinedField() async throws {
        try await expectRecordedAnswer(95)
    }

    @Test func golden096MessageExpressionDoesNotCompile() async throws {
        try await expectRecordedAnswer(96)
    }

    @Test func golden099UnboundedListOfUnboundedStringsIsOverBothBudgets() async throws {
        try await expectRecordedAnswer(99)
    }

    @Test func golden100BoundedButStillOverBy1Point6() async throws {
        try await expectRecordedAnswer(100)
    }

    @Test func golden101WithinBudgetIsAccepted() async throws {
        let golden = try GoldenExchange(101)
        let api = APIServer()
        defer { api.shutdown() }
        let answer = await golden.replay(on: api)
        answer.expectCreated(as: golden)
        #expect(answer.body[path: ["spec", "versions"]] == golden.responseBody[path: ["spec", "versions"]])
    }

    // MARK: The same algorithm where no recording exists

    /// A Costly CRD whose `spec` schema is `spec`.
    private static func crd(spec: JSON) -> JSON {
        [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "costlies.golden2.example.com"],
            "spec": ["group": "golden2.example.com", "scope": "Namespaced",
                     "names": ["plural": "costlies", "singular": "costlie", "kind": "Costly", "listKind": "CostlyList"],
                     "versions": [["name": "v1", "served": true, "storage": true,
                                   "schema": ["openAPIV3Schema": ["type": "object", "properties": ["spec": spec]]]]]],
        ]
    }

    private func create(_ crd: JSON) async -> (status: Int, body: JSON) {
        let api = APIServer()
        defer { api.shutdown() }
        let response = await api.handle(APIRequest(
            method: "POST", path: "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", query: ["dryRun": "All"],
            headers: ["content-type": "application/json"], body: crd.serialized(), user: UserInfo(name: "t", groups: ["system:masters"])))
        return (response.status, (try? JSON.parse(response.body)) ?? .null)
    }

    private static let advice = "(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)"

    /// 25,000 strings of up to 1,000 runes (4,000 bytes): `contains('a')` costs ceil(400 × 0.1)
    /// + 1 per item, the `all` 2 + 1 more: 3 + 25,000 × 404 = 10,100,003, just over 10,000,000,
    /// where the factor is printed with `%f`.
    @Test func justOverBudgetPrintsTheFactorWithSixDecimals() async {
        let (status, body) = await create(Self.crd(spec: [
            "type": "object",
            "properties": ["items": ["type": "array", "maxItems": 25_000, "items": ["type": "string", "maxLength": 1_000]]],
            "x-kubernetes-validations": [["rule": "self.items.all(x, x.contains('a'))"]],
        ]))
        #expect(status == 422)
        #expect(body[path: ["details", "causes"]] == [[
            "reason": "FieldValueForbidden", "field": "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule",
            "message": .string("Forbidden: estimated rule cost exceeds budget by factor of 1.010000x \(Self.advice)"),
        ]])
    }

    /// A rule on the items of a list without maxItems runs once per item that fits in a 3 MiB
    /// request: an item `{"name":""}` is at least 12 bytes, so 3,145,728 / 13 = 241,979 times.
    /// `self.name.matches('^[a-z]+$')` on a 100-rune name costs 2 + ceil(401 × 0.1) × ceil(8 × 0.25)
    /// = 84, in all 20,326,236: 2.0 times the budget.
    @Test func rulesUnderAnUnboundedListRunOncePerItemThatFitsInARequest() async {
        let (status, body) = await create(Self.crd(spec: [
            "type": "object",
            "properties": ["things": ["type": "array", "items": [
                "type": "object", "required": ["name"],
                "properties": ["name": ["type": "string", "maxLength": 100]],
                "x-kubernetes-validations": [["rule": "self.name.matches('^[a-z]+$')"]],
            ]]],
        ]))
        #expect(status == 422)
        #expect(body[path: ["details", "causes"]] == [[
            "reason": "FieldValueForbidden",
            "field": "spec.validation.openAPIV3Schema.properties[spec].properties[things].items.x-kubernetes-validations[0].rule",
            "message": .string("Forbidden: estimated rule cost exceeds budget by factor of 2.0x \(Self.advice)"),
        ]])
    }

    @Test func ruleThatIsNotABoolAndMessageExpressionThatIsNotAString() async {
        let (status, body) = await create(Self.crd(spec: [
            "type": "object",
            "properties": ["replicas": ["type": "integer"]],
            "x-kubernetes-validations": [
                ["rule": "self.replicas"],
                ["rule": "self.replicas > 0", "messageExpression": "self.replicas", "reason": "FieldValueForbidden"],
            ],
        ]))
        #expect(status == 422)
        let prefix = "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations"
        #expect(body[path: ["details", "causes"]] == [
            ["reason": "FieldValueInvalid", "field": .string(prefix + "[0].rule"),
             "message": #"Invalid value: {"Rule":"self.replicas","Message":"","MessageExpression":"","Reason":null,"FieldPath":"","OptionalOldSelf":null}: cel expression must evaluate to a bool"#],
            ["reason": "FieldValueInvalid", "field": .string(prefix + "[1].messageExpression"),
             "message": #"Invalid value: {"Rule":"self.replicas \u003e 0","Message":"","MessageExpression":"self.replicas","Reason":"FieldValueForbidden","FieldPath":"","OptionalOldSelf":null}: messageExpression must evaluate to a string"#],
        ])
    }
}
