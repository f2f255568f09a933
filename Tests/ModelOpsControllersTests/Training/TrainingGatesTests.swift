import ModelOpsAPI
import ModelOpsControllers
import Testing

@Suite struct TrainingGatesTests {
    let gates = TrainingValidation(gates: [.init(metric: "accuracy", min: 0.9), .init(metric: "loss", max: 0.3)])

    @Test func allGatesPass() {
        let verdict = TrainingGates.verdict(gates, metrics: ["accuracy": 0.93, "loss": 0.21], baseline: nil)
        #expect(verdict == .init(passed: true, reason: "Passed", message: "passed: accuracy 0.93 >= min 0.9; loss 0.21 <= max 0.3"))
    }

    @Test func failingGateShowsTheNumbers() {
        let verdict = TrainingGates.verdict(gates, metrics: ["accuracy": 0.85, "loss": 0.21], baseline: nil)
        #expect(!verdict.passed)
        #expect(verdict.reason == "GateFailed")
        #expect(verdict.message == "failed: accuracy 0.85 < min 0.9; passed: loss 0.21 <= max 0.3")
    }

    @Test func maxGate() {
        let verdict = TrainingGates.verdict(gates, metrics: ["accuracy": 0.95, "loss": 0.4], baseline: nil)
        #expect(verdict.message == "failed: loss 0.4 > max 0.3; passed: accuracy 0.95 >= min 0.9")
    }

    @Test func unreportedMetricFails() {
        let verdict = TrainingGates.verdict(gates, metrics: ["loss": 0.1], baseline: nil)
        #expect(verdict.reason == "MetricMissing")
        #expect(verdict.message == "failed: accuracy not reported (gate min 0.9); passed: loss 0.1 <= max 0.3")
    }

    @Test func noChecksPass() {
        #expect(TrainingGates.verdict(nil, metrics: [:], baseline: nil) == .init(passed: true, reason: "Passed", message: "no validation checks configured"))
    }

    let comparison = TrainingValidation(compareTo: .init(modelDeployment: "fraud", metric: "accuracy", minImprovement: 0.01))

    @Test func beatsTheServingModel() {
        let verdict = TrainingGates.verdict(comparison, metrics: ["accuracy": 0.93],
                                            baseline: .serving(deployment: "fraud", version: "v6", trainingJob: "fraud-v6", metrics: ["accuracy": 0.91]))
        #expect(verdict.passed)
        #expect(verdict.message == "passed: accuracy 0.93 vs 0.91 of version v6 serving in fraud (TrainingJob fraud-v6): +0.02, at least the required +0.01")
    }

    @Test func exactlyTheRequiredImprovementPassesDespiteRounding() {
        let verdict = TrainingGates.verdict(TrainingValidation(compareTo: .init(modelDeployment: "m", metric: "f1", minImprovement: 0.2)),
                                            metrics: ["f1": 0.3], baseline: .serving(deployment: "m", version: "1", trainingJob: nil, metrics: ["f1": 0.1]))
        #expect(verdict.passed, "0.3 - 0.1 is 0.19999999999999998 in binary")
    }

    @Test func notImprovedEnough() {
        let verdict = TrainingGates.verdict(comparison, metrics: ["accuracy": 0.915],
                                            baseline: .serving(deployment: "fraud", version: "v6", trainingJob: "fraud-v6", metrics: ["accuracy": 0.91]))
        #expect(verdict.reason == "NotImproved")
        #expect(verdict.message == "failed: accuracy 0.915 vs 0.91 of version v6 serving in fraud (TrainingJob fraud-v6): +0.005, less than the required +0.01")
    }

    @Test func nothingServedYetPasses() {
        let verdict = TrainingGates.verdict(comparison, metrics: ["accuracy": 0.5], baseline: .noStableVersion(deployment: "fraud"))
        #expect(verdict == .init(passed: true, reason: "Passed", message: "passed: ModelDeployment fraud serves no model yet: no accuracy to beat"))
    }

    @Test func servingVersionWithoutRecordedMetrics() {
        let verdict = TrainingGates.verdict(comparison, metrics: ["accuracy": 0.99],
                                            baseline: .serving(deployment: "fraud", version: "v6", trainingJob: nil, metrics: nil))
        #expect(verdict.reason == "BaselineUnavailable")
        #expect(verdict.message == "failed: ModelDeployment fraud serves version v6, but no TrainingJob recorded metrics for it")
    }

    @Test func missingDeployment() {
        let verdict = TrainingGates.verdict(comparison, metrics: ["accuracy": 0.99], baseline: .deploymentNotFound(deployment: "fraud"))
        #expect(verdict.reason == "BaselineUnavailable")
        #expect(verdict.message.contains("ModelDeployment fraud not found"))
    }

    @Test func gateAndComparisonTogetherReportTheFirstFailure() {
        let both = TrainingValidation(gates: [.init(metric: "accuracy", min: 0.95)], compareTo: comparison.compareTo)
        let verdict = TrainingGates.verdict(both, metrics: ["accuracy": 0.93],
                                            baseline: .serving(deployment: "fraud", version: "v6", trainingJob: nil, metrics: ["accuracy": 0.95]))
        #expect(verdict.reason == "GateFailed")
        #expect(verdict.message == "failed: accuracy 0.93 < min 0.95; accuracy 0.93 vs 0.95 of version v6 serving in fraud: -0.02, less than the required +0.01")
    }
}
