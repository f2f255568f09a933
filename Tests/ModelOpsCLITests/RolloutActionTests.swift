import Foundation
import KubeCore
import Testing
import TestSupport

/// `modelops status | promote | abort | retry | history` on a ModelDeployment, against the real
/// operator: a canary judged by a real Prometheus, paused, promoted step by step, then another
/// version aborted and retried. `status --watch` prints the promotion as it happens.
@Suite("modelops rollout actions", .serialized)
struct RolloutActionTests {
    @Test("status mid-canary, promote, promote --full, history, abort, retry, status --watch")
    func rollout() async throws {
        try await PrometheusFixture.with { prometheus in
            prometheus.exporter.set("model_request_error_ratio", labels: ["version": "v2"], 0.01)
            try await prometheus.waitForSample(query: #"model_request_error_ratio{version="v2"}"#)
            try await ActionStack.with { stack in
                try await stack.apply(ActionFixtures.modelDeployment("churn", version: "v1", steps: ActionFixtures.analysedSteps,
                                                                     analysis: ActionFixtures.analysis(prometheus: prometheus.address)))
                try await stack.waitFor("modeldeployments", "churn", "v1 healthy") { $0[path: ["status", "phase"]]?.stringValue == "Healthy" }
                try await stack.patchSpec("modeldeployments", "churn", #"{"spec":{"model":{"version":"v2","uri":"s3://models/churn/v2"}}}"#)
                try await stack.waitFor("modeldeployments", "churn", "paused at step 3 after the analysis") {
                    $0[path: ["status", "phase"]]?.stringValue == "Paused" && $0[path: ["status", "canary", "step"]]?.intValue == 2
                }
                try await midCanary(stack)
                try await promote(stack)
                try await abortAndRetry(stack)
            }
        }
    }

    /// The tree and the JSON say the same: 25% to v2 at step 3/5, 75% to v1, pods, the analysis.
    func midCanary(_ stack: ActionStack) async throws {
        let text = try await stack.modelopsOK("status", "churn")
        #expect(text.hasPrefix("modeldeployment/churn  namespace ml  Paused"), "\(text)")
        #expect(text.contains("stable v1  weight 75%  s3://models/churn/v1"), "\(text)")
        #expect(text.contains("canary v2  weight 25%  step 3/5: pause until promoted  s3://models/churn/v2"), "\(text)")
        #expect(text.contains("deployment/churn-v1  3/3 ready") && text.contains("deployment/churn-v2  1/1 ready"), "\(text)")
        #expect(text.contains("analysis step-1 of v2: Successful"), "\(text)")
        #expect(text.contains("error-rate: Successful, 2 measured (2 successful); last 0.01 Successful"), "\(text)")
        #expect(text.contains("Ready") && text.contains("Progressing  True   RolloutPaused"), "\(text)")
        #expect(text.fitsIn100Columns, "\(text)")

        let json = try await stack.modelopsJSON("status", "mdep/churn")
        #expect(json["kind"]?.stringValue == "ModelDeployment" && json["phase"]?.stringValue == "Paused")
        #expect(json[path: ["canary", "version"]]?.stringValue == "v2")
        #expect(json[path: ["canary", "weight"]]?.intValue == 25)
        #expect(json[path: ["canary", "step"]]?.intValue == 3 && json[path: ["canary", "steps"]]?.intValue == 5)
        #expect(json[path: ["canary", "stepIndex"]]?.intValue == 2)
        #expect(json[path: ["stable", "version"]]?.stringValue == "v1" && json[path: ["stable", "weight"]]?.intValue == 75)
        #expect(json[path: ["canary", "deployments"]]?[0]?["readyReplicas"]?.intValue == 1)
        #expect(json[path: ["stable", "deployments"]]?[0]?["replicas"]?.intValue == 3)
        let run = try #require(json["analysisRuns"]?[0])
        #expect(run["name"]?.stringValue == "step-1" && run["phase"]?.stringValue == "Successful")
        #expect(run["metrics"]?[0]?["successful"]?.intValue == 2)
        #expect(run["metrics"]?[0]?["measurements"]?.arrayValue?.last?["value"]?.doubleValue == 0.01)
    }

    /// promote ends the pause (a running --watch prints 50%), promote --full makes v2 stable.
    func promote(_ stack: ActionStack) async throws {
        let watch = try OperatorProcess(arguments: ["status", "churn", "--watch", "-n", "ml", "--kubeconfig", stack.cluster.kubeconfig])
        do {
            try await watch.waitForLine("canary v2  weight 25%")
            let promoted = try await stack.modelopsOK("promote", "churn")
            #expect(promoted.contains("promote requested: modeldeployment ml/churn moves v2 past step 3/5: pause until promoted"),
                    "\(promoted)")
            #expect(promoted.contains("follow it with: modelops status mdep/churn -n ml --watch"), "\(promoted)")
            try await watch.waitForLine("canary v2  weight 50%  step 5/5: pause until promoted")
            #expect(watch.log.fitsIn100Columns)
            _ = try await watch.terminate()
        } catch {
            watch.kill()
            throw error
        }
        let object = try await stack.waitFor("modeldeployments", "churn", "paused at 50%") {
            $0[path: ["status", "phase"]]?.stringValue == "Paused" && $0[path: ["status", "canary", "weight"]]?.intValue == 50
        }
        #expect(object[path: ["spec", "model", "version"]]?.stringValue == "v2", "the spec is never touched")
        #expect(object[path: ["metadata", "annotations", "modelops.io/action"]]?.stringValue?.hasPrefix("promote/") == true)

        let full = try await stack.modelopsOK("promote", "churn", "--full")
        #expect(full.contains("promote-full requested: modeldeployment ml/churn makes v2 stable now"), "\(full)")
        try await stack.waitFor("modeldeployments", "churn", "v2 stable") { $0[path: ["status", "stable", "version"]]?.stringValue == "v2" }
        let after = try await stack.modelopsOK("status", "churn")
        #expect(after.contains("stable v2  weight 100%") && !after.contains("canary "), "\(after)")

        let history = try await stack.modelopsOK("history", "churn")
        let rows = history.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(2).joined(separator: " ") }
        #expect(rows == ["REVISION VERSION", "1 v1", "2 v2"], "\(history)")
        #expect(history.contains("was stable") && history.contains("stable, serving"), "\(history)")
    }

    /// abort rolls v3 back (status and history say so), retry rolls it out again.
    func abortAndRetry(_ stack: ActionStack) async throws {
        let refused = try await stack.modelops("abort", "churn")
        #expect(refused.status != 0 && refused.stderr == "modelops: modeldeployment \"churn\" has no rollout to abort (phase Healthy)\n",
                "\(refused)")

        try await stack.patchSpec("modeldeployments", "churn", #"{"spec":{"model":{"version":"v3","uri":"s3://models/churn/v3"}}}"#)
        try await stack.waitFor("modeldeployments", "churn", "v3 rolling out") { $0[path: ["status", "canary", "version"]]?.stringValue == "v3" }
        let aborted = try await stack.modelopsOK("abort", "churn")
        #expect(aborted.contains("abort requested: modeldeployment ml/churn rolls v3 back; v2 serves all traffic"), "\(aborted)")
        try await stack.waitFor("modeldeployments", "churn", "rolled back") { $0[path: ["status", "phase"]]?.stringValue == "RolledBack" }
        let status = try await stack.modelopsOK("status", "churn")
        #expect(status.contains("modeldeployment/churn  namespace ml  RolledBack"), "\(status)")
        #expect(status.contains("rolled back") && status.contains("v3  Aborted"), "\(status)")
        let history = try await stack.modelopsJSON("history", "churn")
        let last = try #require(history["entries"]?.arrayValue?.last)
        #expect(last["version"]?.stringValue == "v3" && last["outcome"]?.stringValue == "rolledBack" && last["reason"]?.stringValue == "Aborted",
                "\(history)")

        let retried = try await stack.modelopsOK("retry", "churn")
        #expect(retried.contains("retry requested: modeldeployment ml/churn rolls v3 out again (rolled back: Aborted)"), "\(retried)")
        let again = try await stack.waitFor("modeldeployments", "churn", "v3 rolling out again") {
            $0[path: ["status", "canary", "version"]]?.stringValue == "v3" && $0[path: ["status", "phase"]]?.stringValue != "RolledBack"
        }
        #expect(again[path: ["status", "rejectedVersions"]] == nil)
        #expect(try await stack.modelopsOK("status", "churn").contains("canary v3"))
    }
}
