import Foundation
import KubeCore
import ModelOpsAPI
import Testing
import TestSupport

/// RetrainPolicies in real time, run by the operator as its ServiceAccount: a cron schedule, a
/// data-version trigger through a ConfigMap key, the retrain annotation, and automatic promotion
/// into a ModelDeployment that follows the policy.
@Suite("E2E: RetrainPolicies", .serialized, .e2eCluster)
struct E2ERetrainTests {
    static let trainer = E2ETrainer(result: E2EManifests.result(["accuracy": 0.94], uri: "s3://models/fraud/trained"))
    /// A schedule that never comes due during a test (midnight on 1 January).
    static let never = "0 0 1 1 *"

    /// The TrainingJobs `policy` created.
    func runs(_ scenario: E2EScenario, of policy: String) async throws -> [TrainingJob] {
        try await scenario.list(TrainingJob.self, labelSelector: "\(TrainingJobLabels.retrainPolicy)=\(policy)")
    }

    /// Waits until `policy` has created `count` TrainingJobs; returns them oldest first.
    @discardableResult
    func waitForRuns(_ scenario: E2EScenario, of policy: String, count: Int, timeout: Duration = E2EScenario.deadline) async throws -> [TrainingJob] {
        try await scenario.poll(timeout: timeout, "\(count) TrainingJob(s) of \(policy)") {
            try await runs(scenario, of: policy).count >= count
        }
        let all = try await runs(scenario, of: policy)
        #expect(all.count == count, "exactly \(count) run(s): \(all.compactMap(\.metadata.name))")
        return all.sorted { ($0.metadata.creationTimestamp?.date ?? .distantPast) < ($1.metadata.creationTimestamp?.date ?? .distantPast) }
    }

    @Test("a cron schedule of every minute creates the slot's TrainingJob within a minute, and it trains")
    func cronSchedule() async throws {
        try await E2EScenario.run { scenario in
            _ = try await scenario.startOperator()
            try await scenario.apply(E2EManifests.modelDeployment("fraud", version: "v1", steps: [["setWeight": 50]]),
                                     E2EManifests.retrainPolicy("every-minute", deployment: "fraud", schedule: "* * * * *",
                                                                trainer: Self.trainer))
            let policy = try await scenario.waitFor(RetrainPolicy.self, "every-minute", "next run scheduled") {
                $0.status?.nextScheduleTime != nil
            }
            #expect(policy.status?.nextScheduleTime?.date.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0,
                    "the next slot is a whole minute: \(String(describing: policy.status?.nextScheduleTime))")
            // The next minute starts within 60 s; 10 s more for the operator to act on it.
            let run = try #require(try await waitForRuns(scenario, of: "every-minute", count: 1, timeout: .seconds(70)).first)
            let slot = try #require(run.metadata.annotations?["modelops.io/scheduled-time"])
            #expect(slot.hasSuffix(":00Z"), "\(slot)")
            let digits = slot.filter(\.isNumber).prefix(12)
            #expect(run.metadata.name == "every-minute-\(digits)", "named for its slot, so it is created once")
            #expect(run.metadata.labels?[TrainingJobLabels.trigger] == "Schedule")
            #expect(run.metadata.ownerReferences?.first?.kind == "RetrainPolicy")
            let trained = try await scenario.waitFor(TrainingJob.self, run.metadata.name ?? "", "Succeeded") { $0.status?.phase == .succeeded }
            #expect(trained.status?.metrics == ["accuracy": 0.94])
            #expect(trained.status?.lineage?.trigger == .schedule && trained.status?.lineage?.policy == "every-minute")
            let recorded = try await scenario.waitFor(RetrainPolicy.self, "every-minute", "the run recorded") {
                $0.status?.lastSuccessful?.trainingJob == run.metadata.name
            }
            #expect(recorded.status?.lastScheduleTime != nil)
        }
    }

    @Test("a new data version in a ConfigMap key starts one run on that version; the first value is only the baseline")
    func dataVersionTrigger() async throws {
        try await E2EScenario.run { scenario in
            _ = try await scenario.startOperator()
            let configMap: JSON = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "transactions"], "data": ["version": "v41"]]
            let trigger: JSON = ["type": "DataVersion", "dataVersion": ["configMapRef": ["name": "transactions", "key": "version"]]]
            try await scenario.apply(configMap,
                                     E2EManifests.modelDeployment("fraud", version: "v1", steps: [["setWeight": 50]]),
                                     E2EManifests.retrainPolicy("fresh-data", deployment: "fraud", schedule: Self.never,
                                                                triggers: [trigger], trainer: Self.trainer))
            try await scenario.waitFor(RetrainPolicy.self, "fresh-data", "baseline v41 recorded") {
                $0.status?.triggerStatuses?.first?.observedDataVersion == "v41"
            }
            #expect(try await runs(scenario, of: "fresh-data").isEmpty, "the first value starts nothing")

            try await scenario.kubectl("patch", "configmap", "transactions", "--type", "merge", "-p", #"{"data":{"version":"v42"}}"#)
            let run = try #require(try await waitForRuns(scenario, of: "fresh-data", count: 1).first)
            #expect(run.spec.dataset.version == "v42")
            #expect(run.metadata.labels?[TrainingJobLabels.trigger] == "DataVersion")
            let policy = try await scenario.waitFor(RetrainPolicy.self, "fresh-data", "trigger recorded") {
                $0.status?.lastTrigger?.type == .dataVersion
            }
            #expect(policy.status?.lastTrigger?.reason == "dataset version changed from v41 to v42")
            let trained = try await scenario.waitFor(TrainingJob.self, run.metadata.name ?? "", "Succeeded") { $0.status?.phase == .succeeded }
            #expect(trained.status?.lineage?.dataset?.version == "v42")
            #expect(try await runs(scenario, of: "fresh-data").count == 1)
        }
    }

    @Test("each new modelops.io/retrain token starts exactly one run, named for the token")
    func manualRetrain() async throws {
        try await E2EScenario.run { scenario in
            _ = try await scenario.startOperator()
            try await scenario.apply(E2EManifests.modelDeployment("fraud", version: "v1", steps: [["setWeight": 50]]),
                                     E2EManifests.retrainPolicy("on-demand", deployment: "fraud", schedule: Self.never, trainer: Self.trainer))
            var names: [String] = []
            for token in ["first", "second"] {
                try await scenario.kubectl("annotate", "--overwrite", "retrainpolicy", "on-demand", "modelops.io/retrain=\(token)")
                let policy = try await scenario.waitFor(RetrainPolicy.self, "on-demand", "request \(token) acted on") {
                    $0.status?.lastRetrainRequest == token
                }
                #expect(policy.status?.lastTrigger?.type == .manual)
                let name = try #require(policy.status?.lastTrigger?.trainingJob)
                names.append(name)
                try await scenario.waitFor(TrainingJob.self, name, "Succeeded") { $0.status?.phase == .succeeded }
            }
            #expect(Set(names).count == 2)
            let all = try await runs(scenario, of: "on-demand")
            #expect(Set(all.compactMap(\.metadata.name)) == Set(names), "one run per token, nothing else")
            #expect(all.allSatisfy { $0.metadata.labels?[TrainingJobLabels.trigger] == "Manual" })
        }
    }

    @Test("Automatic promotion: a validated run is promoted and the ModelDeployment that follows the policy serves it")
    func automaticPromotion() async throws {
        try await E2EScenario.run { scenario in
            _ = try await scenario.startOperator()
            try await scenario.apply(E2EManifests.modelDeployment("recommender", fromPolicy: "recommender", steps: [["setWeight": 50]]),
                                     E2EManifests.retrainPolicy("recommender", deployment: "recommender", schedule: Self.never,
                                                                promotion: "Automatic", trainer: Self.trainer,
                                                                gates: [E2EManifests.gate("accuracy", min: 0.9)]))
            try await scenario.kubectl("annotate", "retrainpolicy", "recommender", "modelops.io/retrain=now")
            let promoted = try await scenario.waitFor(RetrainPolicy.self, "recommender", "a model promoted") { $0.status?.promoted != nil }
            let model = try #require(promoted.status?.promoted)
            let run = try #require(model.trainingJob)
            #expect(model.uri == "s3://models/fraud/trained")
            let trained = try #require(try await scenario.get(TrainingJob.self, run))
            #expect(trained.status?.conditions?[type: "Validated"]?.status == .true)
            #expect(model.version == trained.status?.model?.version)

            // A first version goes out directly: the ModelDeployment serves the promoted model.
            let serving = try await scenario.waitFor(ModelDeployment.self, "recommender", "the promoted model served") {
                $0.status?.stable?.version == model.version && $0.status?.phase == .healthy
            }
            #expect(serving.status?.stable?.uri == model.uri)
            let lineage = try await scenario.modelops("lineage", "recommender")
            #expect(lineage.contains(run), "lineage names the TrainingJob: \(lineage)")
        }
    }
}
