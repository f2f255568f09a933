import ArgumentParser
import Foundation
import KubeCore
import KubeTestServerCore

/// `informer`: the operator starting over N settled objects of each kind (ModelDeployments with
/// their Deployments and Services, TrainingJobs with their Jobs and pods, RetrainPolicies): the
/// time from its start until every informer of every controller has synced, the time until
/// its first reconcile of every object is done, and its memory (the process's RSS less the RSS
/// before it started, both after malloc_trim; the in-process server's share is not counted).
/// Then, with the operator stopped, one cache of each kind it keeps is measured alone
/// (`cacheByKind`), to say where that memory goes.
struct InformerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "informer", abstract: "Operator start over N objects per kind: informer sync time and memory.")

    @OptionGroup var options: OperatorBenchOptions

    func run() async throws {
        let progress = Progress(quiet: options.json)
        let n = options.objects
        let started = ContinuousClock.now
        let cluster = try await BenchCluster.start(options, simulator: WorkloadSimulator.Options())
        var report = BenchReport(scenario: "informer", objects: n, cluster: cluster)
        do {
            try await SettledWorld.build(cluster, options: options, progress: progress)
            report["settleSeconds"] = BenchReport.round((ContinuousClock.now - started).seconds)
        } catch {
            await cluster.stop()
            throw error
        }
        let countsBefore = cluster.requestCounts()
        let rssBefore = ProcessStats.trimmedRSSMB()
        let cpuBefore = ProcessStats.cpuSeconds()
        let op = try OperatorUnderTest(cluster: cluster, options: options)
        do {
            progress.say("starting the operator")
            let start = ContinuousClock.now
            op.start()
            try await waitUntil("every informer synced", timeout: options.timeout, every: .milliseconds(1)) { op.hasSynced }
            let syncSeconds = (ContinuousClock.now - start).seconds
            let cpuAtSync = ProcessStats.cpuSeconds()
            let rssAtSync = ProcessStats.trimmedRSSMB()
            progress.say("synced in \(syncSeconds) s; waiting for the first reconcile of every object")
            try await waitUntil("the first reconcile of \(3 * n) objects", timeout: options.timeout, every: .milliseconds(20),
                                progress: progress, status: { "(\(op.reconciles) done)" }) {
                op.reconciles >= 3 * n && op.queueDepth == 0
            }
            let reconciledSeconds = (ContinuousClock.now - start).seconds
            let cpuReconciled = ProcessStats.cpuSeconds()
            let rssReconciled = ProcessStats.trimmedRSSMB()
            // An informer watches right after its list; on a loaded machine the last watches can
            // still be on their way, and the request counts would say some kind was never
            // watched. (Lists are paged, 500 a page, so their count is not the informers'.)
            if cluster.requestCounts() != nil {
                try await waitUntil("every kind listed also watched", timeout: options.timeout, every: .milliseconds(5)) {
                    let counts = cluster.requestCounts() ?? [:]
                    func since(_ key: String) -> Int { counts[key, default: 0] - (countsBefore?[key] ?? 0) }
                    return counts.keys.filter { $0.hasPrefix("list ") && since($0) > 0 }
                        .allSatisfy { since("watch " + $0.dropFirst("list ".count)) > 0 }
                }
            }
            report["syncSeconds"] = BenchReport.round(syncSeconds)
            report["firstReconcilesDoneSeconds"] = BenchReport.round(reconciledSeconds)
            report["reconciles"] = .int(Int64(op.reconciles))
            report["cpuSecondsToSync"] = BenchReport.round(cpuAtSync - cpuBefore)
            report["cpuSecondsToReconciled"] = BenchReport.round(cpuReconciled - cpuBefore)
            report["rssBeforeOperatorMB"] = .double(rssBefore)
            report["operatorRSSAtSyncMB"] = BenchReport.round(rssAtSync - rssBefore, 10)
            report["operatorRSSMB"] = BenchReport.round(rssReconciled - rssBefore, 10)
            report["rssMB"] = .double(rssReconciled)
            report["operatorWrites"] = .int(Int64(op.writes))
            report["informerFailures"] = .int(Int64(op.informerFailures))
            report.apiRequests(from: countsBefore, to: cluster.requestCounts())
            report.operatorRequests(op)
        } catch {
            await op.stop()
            await cluster.stop()
            throw error
        }
        await op.stop()
        // Where the operator's memory goes: one cache of each kind, measured alone.
        report["cacheByKind"] = await CacheBreakdown.measure(client: cluster.client)
        await cluster.stop()
        report.settings(options)
        report["seconds"] = BenchReport.round((ContinuousClock.now - started).seconds)
        report.print()
    }
}
