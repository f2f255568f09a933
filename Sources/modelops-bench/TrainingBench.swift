import ArgumentParser
import Foundation
import KubeCore
import KubeTestServerCore
import Synchronization

/// `training`: N TrainingJobs created at once and run through the simulator (each trainer pod
/// runs `--run-seconds` and reports its metrics in its termination message): the time from each
/// create's response to the watch event of the status that says Succeeded, and the time until
/// all have.
struct TrainingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training", abstract: "N TrainingJobs through the simulator: creation→Succeeded latency.")

    @OptionGroup var options: OperatorBenchOptions

    @Option(help: "How long each trainer runs.")
    var runSeconds = 0.1

    func validate() throws {
        guard runSeconds >= 0 else { throw ValidationError("--run-seconds must be 0 or more") }
    }

    func run() async throws {
        let progress = Progress(quiet: options.json)
        let n = options.objects
        let started = ContinuousClock.now
        let cluster = try await BenchCluster.start(options, simulator: WorkloadSimulator.Options())
        let jobs = StateTracker.trainingJobs()
        let watch = try await cluster.watch(Kinds.trainingJobs) { jobs.observe($0) }
        let rssBefore = ProcessStats.trimmedRSSMB()
        let op = try OperatorUnderTest(cluster: cluster, options: options)
        var report = BenchReport(scenario: "training", objects: n, cluster: cluster)
        do {
            op.start()
            try await waitUntil("every informer synced", timeout: options.timeout, every: .milliseconds(5)) { op.hasSynced }
            let countsBefore = cluster.requestCounts()
            progress.say("creating \(n) TrainingJobs (trainers run \(runSeconds) s)")
            let created = Locked<[String: ContinuousClock.Instant]>([:])
            let runSeconds = self.runSeconds
            let firstCreate = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                let lanes = min(8, n)
                for lane in 0..<lanes {
                    group.addTask {
                        for i in stride(from: lane, to: n, by: lanes) {
                            let name = BenchObjects.name("train", i)
                            try await cluster.create(Kinds.trainingJobs, BenchObjects.trainingJob(name, runSeconds: runSeconds))
                            let now = ContinuousClock.now
                            created.withLock { $0[name] = now }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let createSeconds = (ContinuousClock.now - firstCreate).seconds
            try await waitUntil("\(n) TrainingJobs Succeeded", timeout: options.timeout, every: .milliseconds(20), progress: progress,
                                status: { "(\(jobs.count("Succeeded")) Succeeded, \(jobs.count("Failed")) Failed)" }) {
                if jobs.count("Failed") > 0 { throw ValidationError("\(jobs.count("Failed")) TrainingJobs failed") }
                return jobs.count("Succeeded") == n
            }
            try await op.waitQuiet(timeout: options.timeout)
            let countsAfter = cluster.requestCounts()
            let succeeded = jobs.firstSeen("Succeeded")
            let running = jobs.firstSeen("Running")
            var toSucceeded: [Double] = [], toRunning: [Double] = []
            var last = firstCreate
            for (name, at) in created.value {
                if let done = succeeded[name] {
                    toSucceeded.append(max(0, (done - at).milliseconds))
                    last = max(last, done)
                }
                if let run = running[name] { toRunning.append(max(0, (run - at).milliseconds)) }
            }
            report["runSeconds"] = .double(runSeconds)
            report["createSeconds"] = BenchReport.round(createSeconds)
            report["creationToSucceededMs"] = BenchReport.percentiles(toSucceeded)
            report["creationToRunningMs"] = BenchReport.percentiles(toRunning)
            report["secondsToAllSucceeded"] = BenchReport.round((last - firstCreate).seconds)
            report["succeededPerSecond"] = BenchReport.round(Double(n) / max(0.001, (last - firstCreate).seconds), 10)
            if let writes = BenchReport.writes(from: countsBefore, to: countsAfter) {
                report["clusterWritesPerJob"] = BenchReport.round(Double(writes - n) / Double(n), 100)
            }
            report["operatorWritesPerJob"] = BenchReport.round(Double(op.writes) / Double(n), 100)
            report.apiRequests(from: countsBefore, to: countsAfter)
            report.operatorRequests(op)
            report["rssMB"] = .double(ProcessStats.rssMB())
            report["rssGrowthMB"] = BenchReport.round(ProcessStats.trimmedRSSMB() - rssBefore, 10)
        } catch {
            watch.stop()
            await op.stop()
            await cluster.stop()
            throw error
        }
        watch.stop()
        await op.stop()
        await cluster.stop()
        report.settings(options)
        report["seconds"] = BenchReport.round((ContinuousClock.now - started).seconds)
        report.print()
    }
}
