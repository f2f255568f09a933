import ArgumentParser
import Foundation
import KubeCore
import KubeTestServerCore

/// `steady`: the operator started over N settled objects of each kind and left running for
/// `--seconds`: the API writes it makes in that window (a settled object costs none, so it must
/// be 0, its start included), the process's CPU seconds, and its memory at the start of the
/// window and at the end, sampled in between (`--seconds 600` is the soak: RSS must not grow).
struct SteadyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steady", abstract: "N settled objects per kind for a while: writes (must be 0), CPU, RSS drift.")

    @OptionGroup var options: OperatorBenchOptions

    @Option(help: "Seconds the operator runs over the settled objects.")
    var seconds: Double = 60

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    }

    func run() async throws {
        let progress = Progress(quiet: options.json)
        let n = options.objects
        let started = ContinuousClock.now
        let cluster = try await BenchCluster.start(options, simulator: WorkloadSimulator.Options())
        var report = BenchReport(scenario: "steady", objects: n, cluster: cluster)
        do {
            try await SettledWorld.build(cluster, options: options, progress: progress)
            report["settleSeconds"] = BenchReport.round((ContinuousClock.now - started).seconds)
        } catch {
            await cluster.stop()
            throw error
        }
        let countsBefore = cluster.requestCounts()
        let rssBefore = ProcessStats.trimmedRSSMB()
        let op = try OperatorUnderTest(cluster: cluster, options: options)
        do {
            progress.say("running the operator for \(seconds) s over the settled objects")
            let cpuStart = ProcessStats.cpuSeconds()
            let start = ContinuousClock.now
            let end = start + .milliseconds(Int64(seconds * 1000))
            op.start()
            try await waitUntil("every informer synced", timeout: options.timeout, every: .milliseconds(5)) { op.hasSynced }
            try await waitUntil("the first reconcile of \(3 * n) objects", timeout: options.timeout, every: .milliseconds(20)) {
                op.reconciles >= 3 * n && op.queueDepth == 0 || ContinuousClock.now >= end
            }
            let startupSeconds = (ContinuousClock.now - start).seconds
            let cpuStartup = ProcessStats.cpuSeconds()
            let rssStart = ProcessStats.trimmedRSSMB()
            var samples: [JSON] = []
            let sampleEvery = max(1.0, (end - ContinuousClock.now).seconds / 10)
            while ContinuousClock.now < end {
                try await Task.sleep(until: min(end, ContinuousClock.now + .milliseconds(Int64(sampleEvery * 1000))))
                samples.append(BenchReport.round(ProcessStats.trimmedRSSMB(), 10))
            }
            let cpuEnd = ProcessStats.cpuSeconds()
            let rssEnd = ProcessStats.trimmedRSSMB()
            let countsAfter = cluster.requestCounts()
            report["windowSeconds"] = BenchReport.round((ContinuousClock.now - start).seconds)
            report["startupSeconds"] = BenchReport.round(startupSeconds)
            report["operatorWrites"] = .int(Int64(op.writes))
            report["apiWrites"] = BenchReport.writes(from: countsBefore, to: countsAfter).map { .int(Int64($0)) } ?? .null
            report["reconciles"] = .int(Int64(op.reconciles))
            report["cpuSeconds"] = BenchReport.round(cpuEnd - cpuStart)
            report["cpuSecondsStartup"] = BenchReport.round(cpuStartup - cpuStart)
            report["cpuSecondsAfterStartup"] = BenchReport.round(cpuEnd - cpuStartup)
            report["rssBeforeOperatorMB"] = .double(rssBefore)
            report["rssStartMB"] = .double(rssStart)
            report["rssEndMB"] = .double(rssEnd)
            report["rssDriftMB"] = BenchReport.round(rssEnd - rssStart, 10)
            report["rssSamplesMB"] = .array(samples)
            report["operatorRSSMB"] = BenchReport.round(rssEnd - rssBefore, 10)
            report["rssMB"] = .double(rssEnd)
            report["informerFailures"] = .int(Int64(op.informerFailures))
            report.apiRequests(from: countsBefore, to: countsAfter)
            report.operatorRequests(op)
        } catch {
            await op.stop()
            await cluster.stop()
            throw error
        }
        await op.stop()
        await cluster.stop()
        report.settings(options)
        report["seconds"] = BenchReport.round((ContinuousClock.now - started).seconds)
        report.print()
    }
}
