import ArgumentParser
import Foundation
import KubeCore
import KubeTestServerCore

/// `rollout`: N canary ModelDeployments (setWeight 50, setWeight 100, no pauses) settled on v1,
/// then each one's version changed to v2. For every change: the time from the update's
/// response to the watch event of the first status write that reflects the new generation
/// (spec-change→status), and to the object settled on v2 at 100%. The first `--paced` changes
/// come one at a time at `--rate` per second (the operator's reaction with N objects held); the
/// rest all at once, as fast as the bench can send them (its capacity: queueing included, and
/// the client's rate limit, which `--qps` sets).
struct RolloutBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Canary rollouts of N ModelDeployments: spec-change→status latency, time to 100%, writes.")

    @OptionGroup var options: OperatorBenchOptions

    @Option(help: "Changes made one at a time before the burst.")
    var paced = 100

    @Option(help: "Changes per second while paced.")
    var rate: Double = 2

    func validate() throws {
        guard paced >= 0 else { throw ValidationError("--paced must be 0 or more") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
    }

    func run() async throws {
        let progress = Progress(quiet: options.json)
        let n = options.objects
        let started = ContinuousClock.now
        let cluster = try await BenchCluster.start(options, simulator: WorkloadSimulator.Options())
        let tracker = ModelDeploymentTracker()
        let watch = try await cluster.watch(Kinds.modelDeployments) { tracker.observe($0) }
        let rssBefore = ProcessStats.trimmedRSSMB()
        let op = try OperatorUnderTest(cluster: cluster, options: options)
        var report = BenchReport(scenario: "rollout", objects: n, cluster: cluster)
        do {
            op.start()
            progress.say("creating \(n) ModelDeployments on v1")
            let createStart = ContinuousClock.now
            try await cluster.createAll(Kinds.modelDeployments, count: n) {
                BenchObjects.modelDeployment(BenchObjects.name("mdep", $0), version: "v1")
            }
            try await waitUntil("\(n) ModelDeployments settled on v1", timeout: options.timeout, every: .milliseconds(50),
                                progress: progress, status: { "(\(tracker.settled(on: "v1")) settled)" }) {
                tracker.settled(on: "v1") == n
            }
            try await op.waitQuiet(timeout: options.timeout)
            report["settleSeconds"] = BenchReport.round((ContinuousClock.now - createStart).seconds)
            report["rssSettledMB"] = .double(ProcessStats.rssMB())
            report["rssGrowthSettledMB"] = BenchReport.round(ProcessStats.trimmedRSSMB() - rssBefore, 10)

            let countsBefore = cluster.requestCounts()
            let opBefore = op.requestsByMethod
            let opWritesBefore = op.writes
            let pacedCount = min(paced, n)
            progress.say("changing \(pacedCount) versions one at a time (\(rate)/s), then \(n - pacedCount) at once")
            var sent: [(name: String, generation: Int64, at: ContinuousClock.Instant)] = []
            var patchMs: [Double] = []
            let interval = Duration.milliseconds(Int64(1000 / rate))
            var next = ContinuousClock.now
            for i in 0..<n {
                if i < pacedCount {
                    try await Task.sleep(until: next)
                    next += interval
                } else if i == pacedCount {
                    // The paced rollouts end before the burst begins, so that neither disturbs the other's figures.
                    try await waitUntil("the paced ModelDeployments settled on v2", timeout: options.timeout) {
                        tracker.settled(on: "v2") == pacedCount
                    }
                    try await op.waitQuiet(timeout: options.timeout)
                }
                let name = BenchObjects.name("mdep", i)
                let start = ContinuousClock.now
                let written = try await cluster.mergePatch(Kinds.modelDeployments, name, ["spec": ["model": BenchObjects.model(name, "v2")]])
                let now = ContinuousClock.now
                if i < pacedCount { patchMs.append((now - start).milliseconds) }
                sent.append((name, written[path: ["metadata", "generation"]]?.intValue ?? 0, now))
            }
            let burstStart = sent.count > pacedCount ? sent[pacedCount].at : nil
            try await waitUntil("\(n) ModelDeployments settled on v2", timeout: options.timeout, every: .milliseconds(20),
                                progress: progress, status: { "(\(tracker.settled(on: "v2")) settled)" }) {
                tracker.settled(on: "v2") == n
            }
            try await op.waitQuiet(timeout: options.timeout)
            let countsAfter = cluster.requestCounts()

            // Latencies from each update's response to the first status of its generation, and
            // to the object settled on v2 (a status seen before the response counts as 0).
            var toStatus: [[Double]] = [[], []], toSettled: [[Double]] = [[], []]
            var lastSettled = ContinuousClock.now - .seconds(3600)
            var early = 0
            for (i, change) in sent.enumerated() {
                let phase = i < pacedCount ? 0 : 1
                if let seen = tracker.observedAt(change.name, generation: change.generation) {
                    if seen < change.at { early += 1 }
                    toStatus[phase].append(max(0, (seen - change.at).milliseconds))
                }
                if let settled = tracker.settledAt(change.name, version: "v2") {
                    toSettled[phase].append(max(0, (settled - change.at).milliseconds))
                    lastSettled = max(lastSettled, settled)
                }
            }
            report["specToStatusMs"] = BenchReport.percentiles(toStatus[0])
            // What one write of a ModelDeployment costs the API server itself (for scale: the
            // operator's path to a status is two rounds of writes, children then status).
            report["benchPatchMs"] = BenchReport.percentiles(patchMs)
            report["specToSettledMs"] = BenchReport.percentiles(toSettled[0])
            report["paced"] = ["changes": .int(Int64(pacedCount)), "perSecond": .double(rate)]
            if let burstStart {
                report["burst"] = [
                    "changes": .int(Int64(n - pacedCount)),
                    "sendSeconds": BenchReport.round((sent.last!.at - burstStart).seconds),
                    "specToStatusMs": BenchReport.percentiles(toStatus[1]),
                    "specToSettledMs": BenchReport.percentiles(toSettled[1]),
                    "secondsToAllSettled": BenchReport.round((lastSettled - burstStart).seconds),
                    "settledPerSecond": BenchReport.round(Double(n - pacedCount) / max(0.001, (lastSettled - burstStart).seconds), 10),
                ]
            } else {
                report["burst"] = .null
            }
            report["statusBeforeResponse"] = .int(Int64(early))
            report["secondsToAllSettled"] = BenchReport.round((lastSettled - sent[0].at).seconds)
            if let writes = BenchReport.writes(from: countsBefore, to: countsAfter) {
                // Everything but the bench's own version changes: the operator's and the simulated
                // deployment controller's writes.
                report["clusterWritesPerObject"] = BenchReport.round(Double(writes - n) / Double(n), 100)
            }
            report["operatorWritesPerObject"] = BenchReport.round(Double(op.writes - opWritesBefore) / Double(n), 100)
            report.apiRequests(from: countsBefore, to: countsAfter)
            report.operatorRequests(op, since: opBefore)
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
