import KubeRuntime
import ModelOpsControllers
import Testing
import TestSupport

@Suite("The operator's controllers together")
struct ModelOpsOperatorTests {
    /// Three controllers read ModelDeployments and two read RetrainPolicies: one cache and one
    /// watch of each, not one per controller (memory and API load grow with objects × caches).
    @Test("all three controllers share one list and one watch per kind they all read")
    func oneWatchPerKind() async throws {
        try await OperatorHarness.with { harness in
            let counter = harness.api.counter
            func count(_ key: String) -> Int { counter.snapshot[key] ?? 0 }
            // Each informer lists, then watches.
            try await eventually("every informer watches") {
                ["watch modeldeployments", "watch retrainpolicies", "watch trainingjobs", "watch configmaps", "watch deployments",
                 "watch services", "watch jobs", "watch pods"].allSatisfy { count($0) >= 1 }
            }
            #expect(count("list modeldeployments") == 1)
            #expect(count("watch modeldeployments") == 1)
            #expect(count("list retrainpolicies") == 1)
            #expect(count("watch retrainpolicies") == 1)
            // TrainingJobs: one cache for the TrainingJob controller and the RetrainPolicy controller (its runs).
            #expect(count("list trainingjobs") == 1)
            #expect(count("watch trainingjobs") == 1)
        }
    }

    @Test("a controller left out of --controllers is not built: it neither lists nor watches")
    func leftOutControllerIsNotBuilt() async throws {
        try await OperatorHarness.with(configure: { $0.controllers = [ModelDeploymentController.name] }) { harness in
            let counter = harness.api.counter
            func count(_ key: String) -> Int { counter.snapshot[key] ?? 0 }
            try await eventually("the ModelDeployment controller watches its kinds") {
                ["watch modeldeployments", "watch retrainpolicies", "watch deployments", "watch services"].allSatisfy { count($0) >= 1 }
            }
            #expect(count("list trainingjobs") == 0)
            #expect(count("list pods") == 0)
            #expect(count("list configmaps") == 0)
        }
    }
}
