import Testing

/// `@Suite(.e2eCluster)`: one `E2ECluster` for the whole suite (a test server started once, or
/// manifests/ applied once to the existing cluster), stopped after its last test. Each test then
/// works in a namespace of its own (`E2EScenario`), as tests share a real cluster.
struct E2EClusterTrait: SuiteTrait, TestScoping {
    @TaskLocal static var current: E2ECluster?

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let cluster = try await E2ECluster.start()
        do {
            try await Self.$current.withValue(cluster) { try await function() }
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}

extension Trait where Self == E2EClusterTrait {
    static var e2eCluster: Self { E2EClusterTrait() }
}
