import Foundation
import KubeCore
import Testing
import TestSupport

/// `modelops status | retrain | promote | lineage | history` on a RetrainPolicy and its
/// TrainingJobs, against the real operator and simulated training runs, and the same commands
/// through `kubectl modelops`.
@Suite("modelops retraining actions", .serialized)
struct RetrainActionTests {
    @Test("status of a policy, retrain, status of the TrainingJob, promote rtp/, lineage, history, kubectl modelops")
    func retraining() async throws {
        try await ActionStack.with { stack in
            try await stack.apply(ActionFixtures.retrainPolicy("fraud-nightly", deployment: "fraud"))
            try await stack.apply(ActionFixtures.following("fraud", policy: "fraud-nightly"))
            try await stack.waitFor("retrainpolicies", "fraud-nightly", "scheduled") { $0[path: ["status", "nextScheduleTime"]] != nil }

            // The policy before any run.
            let before = try await stack.modelopsOK("status", "rtp/fraud-nightly")
            #expect(before.hasPrefix("retrainpolicy/fraud-nightly  namespace ml  Scheduling"), "\(before)")
            #expect(before.contains("schedule \"0 2 * * *\" (Europe/Paris)  next run 20"), "\(before)")
            #expect(before.contains("promotion Manual") && before.contains("last trigger: none yet"), "\(before)")
            #expect(before.contains("past trainingjobs: none") && before.contains("promoted: nothing yet"), "\(before)")
            let policyJSON = try await stack.modelopsJSON("status", "fraud-nightly")
            let next = try #require(policyJSON["nextScheduleTime"]?.stringValue)
            let stored = await stack.object("retrainpolicies", "fraud-nightly")
            #expect(next == stored?[path: ["status", "nextScheduleTime"]]?.stringValue)
            #expect(policyJSON["timeZone"]?.stringValue == "Europe/Paris" && policyJSON["suspend"]?.boolValue == false)

            // A JSON watch of the policy: one document per line, the run appears as it happens.
            let watch = try OperatorProcess(arguments: ["status", "rtp/fraud-nightly", "-w", "-o", "json", "-n", "ml",
                                                        "--kubeconfig", stack.cluster.kubeconfig])
            defer { watch.kill() }
            try await watch.waitForLine("\"kind\":\"RetrainPolicy\"")

            // retrain: one TrainingJob, named in the answer, trained by the simulated pod.
            let request = try await stack.modelopsJSON("retrain", "fraud-nightly")
            let jobName = try #require(request["trainingJob"]?.stringValue)
            #expect(request["annotation"]?.stringValue == "modelops.io/retrain")
            #expect(request["follow"]?.stringValue == "modelops status tj/\(jobName) -n ml --watch")
            let job = try await stack.waitFor("trainingjobs", jobName, "trained and validated") {
                $0[path: ["status", "phase"]]?.stringValue == "Succeeded"
                    && $0[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"]?.stringValue == "Validated" } == true
            }
            let version = try #require(job[path: ["status", "model", "version"]]?.stringValue)
            let hash = try #require(job[path: ["status", "lineage", "hyperparametersHash"]]?.stringValue)

            let jobText = try await stack.modelopsOK("status", "tj/\(jobName)")
            #expect(jobText.hasPrefix("trainingjob/\(jobName)  namespace ml  Succeeded, Validated"), "\(jobText)")
            #expect(jobText.contains("metrics: accuracy=0.94 auc=0.97"), "\(jobText)")
            #expect(jobText.contains("model: fraud \(version)  → s3://models/fraud/trained"), "\(jobText)")
            #expect(jobText.contains("policy: retrainpolicy/fraud-nightly, trigger Manual"), "\(jobText)")
            #expect(jobText.fitsIn100Columns, "\(jobText)")
            let jobJSON = try await stack.modelopsJSON("status", jobName)
            #expect(jobJSON["validated"]?.boolValue == true && jobJSON[path: ["metrics", "auc"]]?.doubleValue == 0.97)

            let waiting = try await stack.waitFor("retrainpolicies", "fraud-nightly", "the run recorded") {
                $0[path: ["status", "lastSuccessful", "trainingJob"]]?.stringValue == jobName
            }
            #expect(waiting[path: ["status", "promoted"]] == nil, "promotion Manual waits")
            let after = try await stack.modelopsOK("status", "fraud-nightly")
            #expect(after.contains("last trigger: Manual") && after.contains("→ trainingjob/\(jobName)"), "\(after)")
            #expect(after.contains("past trainingjobs (newest first)"), "\(after)")
            #expect(after.contains("trainingjob/\(jobName)  Succeeded, Validated  trigger Manual\n"), "\(after)")
            #expect(after.contains("model \(version) → s3://models/fraud/trained") && after.contains("metrics: accuracy=0.94 auc=0.97"),
                    "\(after)")

            try await watch.waitForLine("\"lastSuccessful\":{", "\"trainingJob\":\"\(jobName)\"")
            let documents = watch.lines.map { try? JSON.parse($0) }
            #expect(documents.count >= 2 && documents.allSatisfy { $0?["kind"]?.stringValue == "RetrainPolicy" }, "\(watch.log)")
            #expect(documents.contains { $0?[path: ["lastTrigger", "type"]]?.stringValue == "Manual" }, "\(watch.log)")
            _ = try await watch.terminate()

            // promote rtp/: a version it never trained is refused; the policy promotes, the following ModelDeployment serves it.
            let unknown = try await stack.modelops("promote", "rtp/fraud-nightly", "--version", "v99")
            #expect(unknown.status != 0 && unknown.stderr == "modelops: retrainpolicy \"fraud-nightly\" has no trainingjob that produced "
                    + "version \"v99\" (versions: \(version))\n", "\(unknown)")
            let promoted = try await stack.modelopsOK("promote", "rtp/fraud-nightly")
            #expect(promoted.contains("promote requested: retrainpolicy ml/fraud-nightly promotes fraud \(version) from trainingjob/\(jobName)"),
                    "\(promoted)")
            #expect(promoted.contains("follow it with: modelops status mdep/fraud -n ml --watch"), "\(promoted)")
            try await stack.waitFor("modeldeployments", "fraud", "serving the promoted model") {
                $0[path: ["status", "stable", "version"]]?.stringValue == version
            }
            let again = try await stack.modelops("promote", "rtp/fraud-nightly")
            #expect(again.status != 0 && again.stderr.contains("already promoted \(version) from trainingjob \"\(jobName)\""), "\(again)")

            // lineage: served version → TrainingJob → dataset, image digest, hyperparameters.
            let lineage = try await stack.modelopsOK("lineage", "fraud")
            #expect(lineage.hasPrefix("modeldeployment/fraud  namespace ml"), "\(lineage)")
            #expect(lineage.contains("stable fraud \(version)  s3://models/fraud/trained"), "\(lineage)")
            #expect(lineage.contains("trainingjob/\(jobName)  Succeeded, Validated"), "\(lineage)")
            #expect(lineage.contains("dataset: s3://datasets/transactions/ version 2026-11-17"), "\(lineage)")
            #expect(lineage.contains("trainer image: ghcr.io/example/fraud-trainer:2.1.0\n"), "\(lineage)")
            #expect(lineage.contains("image digest: \(ActionFixtures.digest)\n"), "\(lineage)")
            #expect(lineage.contains("hyperparameters: learning_rate=0.05, max_depth=8\n"), "\(lineage)")
            #expect(lineage.contains("hyperparameters sha256: \(hash)\n"), "\(lineage)")
            #expect(lineage.contains("metrics: accuracy=0.94 auc=0.97"), "\(lineage)")
            #expect(lineage.fitsIn100Columns, "\(lineage)")
            let lineageJSON = try await stack.modelopsJSON("lineage", "mdep/fraud")
            let served = try #require(lineageJSON["versions"]?[0])
            #expect(served["role"]?.stringValue == "stable" && served["version"]?.stringValue == version)
            #expect(served[path: ["lineage", "trainingJob"]]?.stringValue == jobName)
            #expect(served[path: ["lineage", "imageDigest"]]?.stringValue == ActionFixtures.digest)
            #expect(served[path: ["lineage", "hyperparametersHash"]]?.stringValue == hash)
            #expect(served[path: ["lineage", "hyperparameters", "max_depth"]]?.stringValue == "8")
            #expect(served[path: ["lineage", "dataset", "version"]]?.stringValue == "2026-11-17")
            #expect(served[path: ["lineage", "trigger"]]?.stringValue == "Manual")

            // history of the policy: its TrainingJobs, the promoted one marked.
            let history = try await stack.modelopsOK("history", "rtp/fraud-nightly")
            let row = try #require(history.split(separator: "\n").dropFirst().first)
            #expect(row.hasPrefix("\(jobName) *") && row.contains("Manual") && row.contains("Succeeded") && row.contains(" yes "),
                    "\(history)")
            #expect(history.hasSuffix("* promoted\n"), "\(history)")

            // The kubectl plugin: kubectl finds kubectl-modelops on PATH.
            let plugin = try #require(Repository.plugin, "kubectl-modelops not built next to the tests")
            let path = URL(fileURLWithPath: plugin).deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")
            let kubectl = try await Command.run(TestCluster.kubectlPath, ["modelops", "status", "fraud", "-n", "ml"],
                                                environment: ["PATH": path, "KUBECONFIG": stack.cluster.kubeconfig])
            #expect(kubectl.status == 0 && kubectl.stderr.isEmpty, "\(kubectl)")
            #expect(kubectl.stdout.hasPrefix("modeldeployment/fraud  namespace ml  Healthy"), "\(kubectl)")
            #expect(kubectl.stdout.contains("stable \(version)  weight 100%"), "\(kubectl)")
            let viaKubectl = try await Command.run(TestCluster.kubectlPath, ["modelops", "lineage", "tj/\(jobName)", "-n", "ml", "-o", "json"],
                                                   environment: ["PATH": path, "KUBECONFIG": stack.cluster.kubeconfig])
            #expect(viaKubectl.status == 0, "\(viaKubectl)")
            #expect(viaKubectl.stdout.json[path: ["versions"]]?[0]?[path: ["lineage", "imageDigest"]]?.stringValue == ActionFixtures.digest)
            let missing = try await Command.run(TestCluster.kubectlPath, ["modelops", "status", "nothing", "-n", "ml"],
                                                environment: ["PATH": path, "KUBECONFIG": stack.cluster.kubeconfig])
            #expect(missing.status != 0 && missing.stdout.isEmpty, "\(missing)")
            #expect(missing.stderr == "modelops: no modeldeployment, retrainpolicy or trainingjob named \"nothing\" in namespace \"ml\"\n",
                    "\(missing)")
        }
    }
}
