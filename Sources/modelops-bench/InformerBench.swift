import ArgumentParser
import Foundation
import KubeClient
import KubeCore
import KubeTestServerCore

/// `informer`: the operator starting over N settled objects of each kind (ModelDeployments with
/// their Deployments and Services, TrainingJobs with their Jobs and pods, RetrainPolicies): the
/// time from its start until every informer of every controller has synced, the time until
/// its first reconcile of every object is done, and its memory (the process's RSS less the RSS
/// before it started, both after malloc_trim; the in-process server's share is not counted).
/// Then, with the operator stopped, one cache of each kind it keeps is measured alone
/// (`cacheByKind`), to say where that memory goes. `--own-process` measures the operator in a
/// process of its own instead (see below): the in-process RSS difference mixes in what the
/// allocator keeps for the server.
struct InformerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "informer", abstract: "Operator start over N objects per kind: informer sync time and memory.")

    @OptionGroup var options: OperatorBenchOptions

    @Flag(help: "Run the operator as `modelops run` in a process of its own, against a fresh `modelops-playground --no-operator` (or --kubeconfig's cluster) in another, so that its time, CPU and memory are the operator's alone.")
    var ownProcess = false

    @Option(help: "With --own-process: the modelops binary (default: the one next to modelops-bench).")
    var modelops: String?

    @Option(help: "With --own-process: the modelops-playground binary (default: the one next to modelops-bench).")
    var playground: String?

    func validate() throws {
        if !ownProcess, modelops != nil || playground != nil {
            throw ValidationError("--modelops and --playground go with --own-process")
        }
    }

    func run() async throws {
        let progress = Progress(quiet: options.json)
        if ownProcess {
            try await runOwnProcess(progress: progress)
            return
        }
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

/// `informer --own-process`: the same world and the same figures, with the operator in a process
/// of its own. Synced is `/readyz` answering 200 (every cache of every controller synced); the
/// first reconcile of every object is `controller_runtime_reconcile_total` reaching 3N with every
/// `workqueue_depth` at 0 on its /metrics; CPU and memory are the process's own (/proc). Times
/// count from the spawn of `modelops run`, so they include its start-up.
extension InformerBench {
    func runOwnProcess(progress: Progress) async throws {
        let report = try await SeparateProcesses.run("informer", keepLogs: false, progress: progress) { dir, teardown in
            try await measureOwnProcess(dir: dir, teardown: teardown, progress: progress)
        }
        report.print()
    }

    private func measureOwnProcess(dir: URL, teardown: Teardown, progress: Progress) async throws -> BenchReport {
        let n = options.objects
        let started = ContinuousClock.now
        let loadBefore = MachineInfo.loadAverage
        let modelopsBinary = try SeparateProcesses.siblingBinary("modelops", given: modelops, flag: "--modelops")
        let (kubeconfig, counts) = try await SeparateProcesses.server(kubeconfig: options.kubeconfig, playground: playground,
                                                                      dir: dir, teardown: teardown, progress: progress)
        let cluster = try await BenchCluster.connect(kubeconfig: kubeconfig, context: options.context)
        let removeNamespace = options.kubeconfig != nil
        teardown.add { await cluster.stop(removingNamespace: removeNamespace) }
        var report = BenchReport(scenario: "informer", objects: n, cluster: cluster)
        try await SettledWorld.build(cluster, options: options, progress: progress)
        report["settleSeconds"] = BenchReport.round((ContinuousClock.now - started).seconds)

        var extra: [String] = []
        // Always said: modelops run's own default is not the bench's to assume.
        extra += ["--max-concurrent-reconciles", String(options.workers)]
        if options.streamingLists { extra.append("--streaming-lists") }
        if options.qps != KubeClient.Options().qps {
            extra += ["--kube-api-qps", String(options.qps), "--kube-api-burst", String(options.burst)]
        }
        let run = try SeparateProcesses.ModelopsRun(kubeconfig: kubeconfig, context: options.context, extra: extra)
        let countsBefore = try counts?.operatorRequests()
        progress.say("starting modelops run in its own process")
        let start = ContinuousClock.now
        let op = try ChildProcess(name: "modelops", executable: modelopsBinary, arguments: run.arguments,
                                  environment: ["KUBECONFIG": kubeconfig], logURL: dir.appendingPathComponent("operator.log"))
        teardown.add { _ = await op.stop() }
        try await waitUntil("modelops run ready (every cache synced)", timeout: options.timeout, every: .milliseconds(5)) {
            try op.checkRunning()
            return LoopbackHTTP.get(run.readyURL, timeout: 2)?.status == 200
        }
        let syncSeconds = (ContinuousClock.now - start).seconds
        let cpuAtSync = op.cpuSeconds
        let rssAtSync = op.rssMB
        progress.say("synced in \(syncSeconds) s; waiting for the first reconcile of every object")
        var peakRSS = rssAtSync ?? 0
        try await waitUntil("the first reconcile of \(3 * n) objects", timeout: options.timeout, every: .milliseconds(20),
                            progress: progress, status: { "(\(Int(run.metricSum("controller_runtime_reconcile_total") ?? 0)) done)" }) {
            try op.checkRunning()
            peakRSS = max(peakRSS, op.rssMB ?? 0)
            guard let done = run.metricSum("controller_runtime_reconcile_total"), done >= Double(3 * n) else { return false }
            return run.metricSum("workqueue_depth") == 0
        }
        let reconciledSeconds = (ContinuousClock.now - start).seconds
        let cpuReconciled = op.cpuSeconds
        let rssReconciled = op.rssMB
        peakRSS = [peakRSS, op.peakRSSMB ?? 0, rssReconciled ?? 0].max() ?? peakRSS
        if let counts {
            // Lists and watches counted whole: an informer watches right after its list (streaming: right
            // after the watch that was its list).
            let streaming = options.streamingLists
            try await waitUntil("every kind listed also watched", timeout: options.timeout, every: .milliseconds(5)) {
                let requests = try counts.operatorRequests()
                if streaming {
                    return requests.filter { $0.key.hasPrefix("watch ") }.values.allSatisfy { $0 >= 2 }
                }
                return requests.keys.filter { $0.hasPrefix("list ") }.allSatisfy { requests["watch " + $0.dropFirst("list ".count), default: 0] > 0 }
            }
        }
        let countsAfter = try counts?.operatorRequests()
        let clientRequests = run.metricSum("rest_client_requests_total")
        let exitStatus = await op.stop()

        report["cluster"] = .string(options.kubeconfig == nil ? "modelops-playground --no-operator" : "kubeconfig")
        report["operatorProcess"] = [
            "command": .array(([modelopsBinary] + run.arguments).map { .string($0) }),
            "exitStatus": exitStatus.map { .int(Int64($0)) } ?? .null,
        ]
        report["syncSeconds"] = BenchReport.round(syncSeconds)
        report["firstReconcilesDoneSeconds"] = BenchReport.round(reconciledSeconds)
        report["cpuSecondsToSync"] = cpuAtSync.map { BenchReport.round($0) } ?? .null
        report["cpuSecondsToReconciled"] = cpuReconciled.map { BenchReport.round($0) } ?? .null
        report["operatorRSSAtSyncMB"] = rssAtSync.map { .double($0) } ?? .null
        report["operatorRSSMB"] = rssReconciled.map { .double($0) } ?? .null
        report["operatorPeakRSSMB"] = .double(peakRSS)
        report["operatorClientRequests"] = clientRequests.map { .int(Int64($0)) } ?? .null
        report.apiRequests(from: countsBefore, to: countsAfter)
        report.settings(options)
        report["machine"] = MachineInfo.describe(loadBefore: loadBefore)
        report["seconds"] = BenchReport.round((ContinuousClock.now - started).seconds)
        return report
    }
}
