import Foundation
import KubeCore
import Testing
import TestSupport

/// README.md's quick start, run as written by the built `modelops` binary and the real `kubectl`
/// in a directory laid out like a fresh clone (`manifests/` linked in): the playground, the
/// examples applied, the nightly retrain they schedule, and a canary of fraud-detector v8 to
/// 100%, all within a real minute at the playground's default speed.
@Suite("README quick start on the playground")
struct PlaygroundQuickStartTests {
    /// The quick start's blocks: the playground, the tests, the examples, the canary.
    static func blocks() throws -> [String] {
        let blocks = try Readme.blocks(from: Readme.quickStart, to: Readme.install)
        try #require(blocks.count == 4, "a new quick-start block needs a test here: \(blocks)")
        return blocks
    }

    /// The lines of a block, without comments and blank lines.
    static func lines(_ block: String) -> [String] {
        block.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    @Test("the quick start as written: a scheduled retrain trains, is promoted and deployed, and a canary with analysis and pauses reaches 100% within a minute; SIGTERM exits 0")
    func quickStart() async throws {
        let blocks = try Self.blocks()
        let work = try Repository.temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: work.appendingPathComponent("manifests").path,
                                                   withDestinationPath: Repository.path("manifests"))
        let environment = ["HOME": work.path]
        // 1. The playground, word for word; `swift run modelops-playground` is the binary `swift build` made.
        var playgroundArgs = blocks[0].split(separator: " ").map(String.init)
        try #require(Array(playgroundArgs.prefix(3)) == ["swift", "run", "modelops-playground"], "\(blocks[0])")
        playgroundArgs.removeFirst(3)
        let playground = try OperatorProcess(executable: #require(Repository.playground), arguments: playgroundArgs,
                                             environment: environment, directory: work)
        var watch: OperatorProcess?
        do {
            try await playground.waitForLine("try: kubectl")
            #expect(playground.log.contains("a simulation for trying ModelOps, not a cluster"))
            #expect(playground.log.contains("simulated Prometheus: http://127.0.0.1:"))
            let kubeconfig = work.appendingPathComponent("playground.kubeconfig").path
            #expect(FileManager.default.fileExists(atPath: kubeconfig))

            func sh(_ script: String) async throws -> CommandResult {
                try await Command.run("/bin/sh", ["-ec", "cd '\(work.path)'\n" + script], environment: environment)
            }
            func json(_ resource: String) async throws -> JSON {
                let out = try await sh("kubectl --kubeconfig playground.kubeconfig -n ml-serving get \(resource) -o json")
                return out.status == 0 ? out.stdout.json : .null
            }

            // 3. The examples, applied; from here the demo has one real minute.
            let applied = ContinuousClock.now
            let apply = try await sh(blocks[2])
            #expect(apply.status == 0, "\(apply)")
            for created in ["retrainpolicy.modelops.io/recommender", "modeldeployment.modelops.io/fraud-detector",
                            "retrainpolicy.modelops.io/fraud-detector-nightly", "trainingjob.modelops.io/fraud-detector-v8"] {
                #expect(apply.stdout.contains("\(created) created"), "\(apply)")
            }
            #expect(apply.stdout.contains("fraud-detector"), "the get lists the objects: \(apply)")
            try await playground.waitForLine("clock: started")
            let deadline = applied + .seconds(60)
            func remaining() -> Duration { max(.seconds(1), deadline - .now) }

            // The nightly retrain of end-to-end.yaml (01:30 UTC): a TrainingJob the schedule created,
            // Succeeded and Validated, promoted, and served by the recommender ModelDeployment.
            var trained = JSON.null
            try await eventually(timeout: remaining(), "the recommender's scheduled TrainingJob Succeeded") {
                let scheduled = try await json("trainingjobs").arrayItems.filter {
                    $0[path: ["metadata", "labels", "modelops.io/retrain-policy"]] == "recommender"
                        && $0[path: ["metadata", "labels", "modelops.io/trigger"]] == "Schedule"
                }
                trained = scheduled.first { $0[path: ["status", "phase"]] == "Succeeded" } ?? .null
                return trained != .null
            }
            let trainedAt = ContinuousClock.now - applied
            let version = try #require(trained[path: ["status", "model", "version"]]?.stringValue)
            #expect(trained[path: ["status", "metrics", "ndcg_at_10"]]?.doubleValue.map { $0 >= 0.3 } == true, "\(trained)")
            #expect(Self.condition(trained, "Validated") == "True", "\(trained)")
            try await eventually(timeout: remaining(), "the recommender serves the retrained \(version)") {
                let recommender = try await json("modeldeployment recommender")
                return recommender[path: ["status", "stable", "version"]]?.stringValue == version
                    && recommender[path: ["status", "phase"]] == "Healthy"
            }
            let policy = try await json("retrainpolicy recommender")
            #expect(policy[path: ["status", "promoted", "version"]]?.stringValue == version, "\(policy)")
            try #require(policy[path: ["status", "lastScheduleTime"]]?.stringValue?.hasSuffix("T01:30:00Z") == true, "\(policy)")

            // fraud-detector serves v7, its first version, directly.
            try await eventually(timeout: remaining(), "fraud-detector v7 Healthy") {
                let fraud = try await json("modeldeployment fraud-detector")
                return fraud[path: ["status", "stable", "version"]] == "v7" && fraud[path: ["status", "phase"]] == "Healthy"
            }

            // 4. The canary: the patch, then `get --watch` read as it prints.
            let canaryLines = Self.lines(blocks[3])
            let watchLine = try #require(canaryLines.last, "\(blocks[3])")
            try #require(watchLine.hasPrefix("kubectl ") && watchLine.hasSuffix(" --watch"), "\(watchLine)")
            let patched = ContinuousClock.now
            for line in canaryLines.dropLast() {
                let out = try await sh("export KUBECONFIG=$PWD/playground.kubeconfig\n" + line)
                #expect(out.status == 0 && out.stdout.contains("modeldeployment.modelops.io/fraud-detector patched"), "\(out)")
            }
            let watching = try OperatorProcess(executable: TestCluster.kubectlPath,
                                               arguments: Array(watchLine.split(separator: " ").dropFirst().map(String.init)),
                                               environment: environment.merging(["KUBECONFIG": kubeconfig]) { _, new in new },
                                               directory: work)
            watch = watching
            func rows() -> [[String]] { watching.lines.map { $0.split(separator: " ").map(String.init) } }
            try await eventually(timeout: remaining(), "a watched row with v8 stable and Healthy") {
                rows().contains { $0.count > 4 && $0[0] == "fraud-detector" && $0[1] == "v8" && $0.contains("Healthy") }
            }
            let canaryTook = ContinuousClock.now - patched
            let rows = rows()
            #expect(rows.first == ["NAME", "STABLE", "CANARY", "WEIGHT", "PHASE", "READY", "AGE"], "\(watching.log)")
            #expect(rows.contains { $0.contains("v7") && $0.contains("v8") && $0.contains("Progressing") }, "the canary is seen progressing: \(watching.log)")
            #expect(rows.contains { $0.contains("v8") && $0.contains("50") }, "the 50% step is seen: \(watching.log)")
            watching.kill()

            // Its status: v8 stable after both steps' evidence (the analysis of error rate and p99
            // latency answered by the simulated Prometheus, successful), v7 in the history.
            let fraud = try await json("modeldeployment fraud-detector")
            #expect(fraud[path: ["status", "stable", "version"]] == "v8")
            #expect(fraud[path: ["status", "canary"]] == nil)
            #expect(fraud[path: ["status", "history"]]?.arrayValue?.compactMap { $0["version"]?.stringValue } == ["v7", "v8"], "\(fraud)")
            let runs = fraud[path: ["status", "analysisRuns"]]?.arrayValue ?? []
            let step = try #require(runs.first { $0["name"] == "step-1" && $0["version"] == "v8" }, "\(fraud)")
            #expect(step["phase"] == "Successful", "\(step)")
            let measured = Set(step["metrics"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
            #expect(measured == ["error-rate", "p99-latency"], "\(step)")
            #expect(ContinuousClock.now < deadline, "the quick start takes more than a minute")
            print("quick start: scheduled TrainingJob Succeeded \(trainedAt) after kubectl apply; canary v7 → v8 at 100% \(canaryTook) after the patch")

            #expect(try await playground.terminate() == 0, "\(playground.log)")
        } catch {
            watch?.kill()
            playground.kill()
            throw error
        }
        try? FileManager.default.removeItem(at: work)
    }

    static func condition(_ object: JSON, _ type: String) -> String? {
        object[path: ["status", "conditions"]]?.arrayValue?.first { $0["type"]?.stringValue == type }?["status"]?.stringValue
    }
}

extension JSON {
    /// `items` of a list.
    var arrayItems: [JSON] { self["items"]?.arrayValue ?? [] }
}
