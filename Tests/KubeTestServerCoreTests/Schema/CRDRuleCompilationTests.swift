import KubeCore
import KubeTestServerCore
import Testing

/// A CRD whose `x-kubernetes-validations` do not compile, or cost more than the budget, is
/// refused when it is written, with the real server's messages (golden 094-101).
@Suite struct CRDRuleCompilationTests {
    private func replay(_ number: String) async throws -> (golden: GoldenExchange, status: Int, body: JSON) {
        let golden = try GoldenExchange(number)
        let api = APIServer()
        defer { api.shutdown() }
        let (status, body) = await golden.replay(on: api)
        return (golden, status, body)
    }

    @Test func golden094NoMatchingOverload() async throws {
        let (golden, status, body) = try await replay("094")
        #expect(status == golden.status)
        #expect(body == golden.body)
    }

    @Test func golden095UndeclaredFunctionAndUndefinedField() async throws {
        let (golden, status, body) = try await replay("095")
        #expect(status == golden.status)
        #expect(body == golden.body)
    }

    @Test func golden096MessageExpressionDoesNotCompile() async throws {
        let (golden, status, body) = try await replay("096")
        #expect(status == golden.status)
        #expect(body == golden.body)
    }

    @Test func golden099UnboundedListOfUnboundedStringsIsOverBothBudgets() async throws {
        let (golden, status, body) = try await replay("099")
        #expect(status == golden.status)
        #expect(body == golden.body)
    }

    @Test func golden100BoundedButStillOverBy1Point6() async throws {
        let (golden, status, body) = try await replay("100")
        #expect(status == golden.status)
        #expect(body == golden.body)
    }

    @Test func golden101WithinBudgetIsAccepted() async throws {
        let (golden, status, body) = try await replay("101")
        #expect(status == golden.status)
        // (The recorded answer also carries the defaulted `conversion: {strategy: None}`, which is
        // CRD defaulting, not rule compilation.)
        #expect(body[path: ["spec", "versions"]] == golden.body[path: ["spec", "versions"]])
    }
}
