import Foundation
import KubeCore
import Testing
import TestSupport

/// The commands of README.md's "Command line and kubectl plugin" section, run word for word (plus
/// `--kubeconfig`) against the real operator, in the situation the README describes before each:
/// a Manual RetrainPolicy and a ModelDeployment following it, whose later models roll out as
/// canaries that wait at a pause.
@Suite("README user actions")
struct UserActionReadmeTests {
    static let policy = "fraud-detector-nightly"
    static let deployment = "fraud-detector"

    static func commands() throws -> [String] {
        try Readme.blocks(from: Readme.commandLine, to: Readme.troubleshooting)
            .flatMap { $0.split(separator: "\n").map(String.init) }
    }

    @Test("every command of the section works as documented")
    func commands() async throws {
        let lines = try Self.commands()
        let known = [
            "modelops retrain \(Self.policy) -n ml",
            "modelops status rtp/\(Self.policy) -n ml",
            "modelops promote rtp/\(Self.policy) -n ml",
            "modelops lineage \(Self.deployment) -n ml",
            "modelops status \(Self.deployment) -n ml",
            "modelops promote \(Self.deployment) -n ml",
            "modelops promote \(Self.deployment) -n ml --full",
            "modelops abort \(Self.deployment) -n ml",
            "modelops retry \(Self.deployment) -n ml",
            "modelops history \(Self.deployment) -n ml",
            "kubectl modelops status \(Self.deployment) -n ml --watch",
        ]
        #expect(lines == known, "a new README command needs its situation and check here")
        guard lines == known else { return }

        try await ActionStack.with { stack in
            try await stack.apply(ActionFixtures.retrainPolicy(Self.policy, deployment: Self.deployment))
            try await stack.apply(ActionFixtures.following(Self.deployment, policy: Self.policy,
                                                           steps: "- setWeight: 25\n- pause: {}\n- setWeight: 50\n- pause: {}"))
            let readme = ReadmeRun(stack: stack)

            // Train now, look at the run, promote its model, see where it came from.
            let retrain = try await readme.run(lines[0])
            let first = try #require(retrain.split(separator: "trainingjob/").last?.split(separator: "\n").first.map(String.init))
            try await readme.waitForValidated(first)
            #expect(try await readme.run(lines[1]).contains("trainingjob/\(first)  Succeeded, Validated"))
            #expect(try await readme.run(lines[2]).contains("promote requested"))
            let v1 = try await readme.version(of: first)
            try await stack.waitFor("modeldeployments", Self.deployment, "serving \(v1)") {
                $0[path: ["status", "stable", "version"]]?.stringValue == v1 && $0[path: ["status", "phase"]]?.stringValue == "Healthy"
            }
            #expect(try await readme.run(lines[3]).contains("trainingjob/\(first)  Succeeded, Validated"))

            // A newer model rolls out and waits at 25%: status, promote, promote --full.
            let v2 = try await readme.trainAndPromote()
            try await readme.waitForPause(candidate: v2, weight: 25)
            #expect(try await readme.run(lines[4]).contains("canary \(v2)  weight 25%  step 2/4: pause until promoted"))
            #expect(try await readme.run(lines[5]).contains("promote requested"))
            try await readme.waitForPause(candidate: v2, weight: 50)
            #expect(try await readme.run(lines[6]).contains("promote-full requested"))
            try await stack.waitFor("modeldeployments", Self.deployment, "\(v2) stable") {
                $0[path: ["status", "stable", "version"]]?.stringValue == v2
            }

            // The next candidate: abort, retry, history.
            let v3 = try await readme.trainAndPromote()
            try await readme.waitForPause(candidate: v3, weight: 25)
            #expect(try await readme.run(lines[7]).contains("abort requested"))
            try await stack.waitFor("modeldeployments", Self.deployment, "rolled back") { $0[path: ["status", "phase"]]?.stringValue == "RolledBack" }
            #expect(try await readme.run(lines[8]).contains("retry requested"))
            try await readme.waitForPause(candidate: v3, weight: 25)
            let history = try await readme.run(lines[9])
            #expect(history.contains(v1) && history.contains("was stable") && history.contains("stable, serving")
                    && history.contains("rolling out (25%)"), "\(history)")

            // The plugin, watching until interrupted.
            let watch = try readme.startPlugin(lines[10])
            do {
                try await watch.waitForLine("canary \(v3)  weight 25%")
                _ = try await watch.terminate()
            } catch {
                watch.kill()
                throw error
            }
        }
    }
}

/// Runs README lines against an `ActionStack` and prepares what they need.
struct ReadmeRun {
    let stack: ActionStack

    /// Runs one `modelops …` line with `--kubeconfig`; it must exit 0. Returns standard output.
    @discardableResult
    func run(_ line: String) async throws -> String {
        var words = line.split(separator: " ").map(String.init)
        #expect(words.first == "modelops", "\(line)")
        words.removeFirst()
        let result = try await ActionStack.run(try ActionStack.binary(), words + ["--kubeconfig", stack.cluster.kubeconfig])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(line): \(result)")
        return result.stdout
    }

    /// `kubectl modelops …` with the plugin's directory on PATH, running until terminated.
    func startPlugin(_ line: String) throws -> OperatorProcess {
        let plugin = try #require(Repository.plugin, "kubectl-modelops not built next to the tests")
        var words = line.split(separator: " ").map(String.init)
        #expect(words.first == "kubectl", "\(line)")
        words.removeFirst()
        let dir = URL(fileURLWithPath: plugin).deletingLastPathComponent().path
        // OperatorProcess runs the modelops binary; kubectl is run through env(1) with the same log capture.
        return try OperatorProcess(executable: "/usr/bin/env",
                                   arguments: ["PATH=\(dir):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin")",
                                               "KUBECONFIG=\(stack.cluster.kubeconfig)", TestCluster.kubectlPath] + words)
    }

    func waitForValidated(_ job: String) async throws {
        try await stack.waitFor("trainingjobs", job, "Succeeded and Validated") {
            $0[path: ["status", "phase"]]?.stringValue == "Succeeded"
                && $0[path: ["status", "conditions"]]?.arrayValue?.contains { $0["type"]?.stringValue == "Validated" } == true
        }
        try await stack.waitFor("retrainpolicies", UserActionReadmeTests.policy, "\(job) recorded") {
            $0[path: ["status", "lastSuccessful", "trainingJob"]]?.stringValue == job && $0[path: ["status", "active"]] == nil
        }
    }

    func version(of job: String) async throws -> String {
        try #require(await stack.object("trainingjobs", job)?[path: ["status", "model", "version"]]?.stringValue)
    }

    /// A new run, promoted once validated; returns its model version.
    func trainAndPromote() async throws -> String {
        let request = try await stack.modelopsJSON("retrain", UserActionReadmeTests.policy)
        let job = try #require(request["trainingJob"]?.stringValue)
        try await waitForValidated(job)
        _ = try await stack.modelopsOK("promote", "tj/\(job)")
        return try await version(of: job)
    }

    func waitForPause(candidate version: String, weight: Int64) async throws {
        try await stack.waitFor("modeldeployments", UserActionReadmeTests.deployment, "\(version) paused at \(weight)%") {
            $0[path: ["status", "phase"]]?.stringValue == "Paused" && $0[path: ["status", "canary", "version"]]?.stringValue == version
                && $0[path: ["status", "canary", "weight"]]?.intValue == weight
        }
    }
}
