import ArgumentParser
import Foundation
import KubeCore

/// `firstdeploy`: issue 16's workload with the operator in its own process and the API server in
/// another, so that the figures are the operator's alone. N ModelDeployments pinned to a first
/// version are created at once; measured: the time from the first create until every one is
/// Healthy on it (status of its generation), each object's create → Healthy latency, the operator
/// process's CPU seconds and memory (from /proc), its requests per object (counted by the
/// server, by client, and for ModelOps also by its own client's `rest_client_requests_total`),
/// the writes that trail the last Healthy (the last objects' Events), and its writes in the
/// `--rest-seconds` after it stopped writing (zero expected).
///
/// The server is a fresh `modelops-playground --no-operator` (simulator on: Deployments become
/// available), or any cluster through `--kubeconfig`. The operator is `modelops run`, or any
/// program through `--operator-command` (a peer, bench/peers/), so the same scenario measures both.
struct FirstDeployBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "firstdeploy",
        abstract: "N first versions at once, the operator in its own process: create → all Healthy, its CPU, memory and requests per object.")

    @Option(help: "ModelDeployments to create at once.")
    var objects = 1_000

    @Option(help: "Run against this cluster (ModelOps CRDs installed; the run uses a namespace of its own and deletes it) instead of a fresh `modelops-playground --no-operator`.")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use with --kubeconfig.")
    var context: String?

    @Option(help: "The modelops binary that runs the operator (default: the one next to modelops-bench).")
    var modelops: String?

    @Option(help: "The modelops-playground binary that serves the API (default: the one next to modelops-bench).")
    var playground: String?

    @Option(name: .customLong("operator-arg"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("An argument added to `modelops run` (repeatable), e.g. --operator-arg=--max-concurrent-reconciles=4.",
                               valueName: "argument"))
    var operatorArguments: [String] = []

    @Option(help: ArgumentHelp("Measure this command as the operator instead of `modelops run` (a peer). /bin/sh execs it, so it must be one simple command (its process is the one measured); KUBECONFIG is set, {kubeconfig} and {port} (a free port, e.g. for a health endpoint) are replaced.",
                               valueName: "command"))
    var operatorCommand: String?

    @Option(help: ArgumentHelp("With --operator-command: an http://127.0.0.1 URL ({port} replaced) that answers 200 once the peer runs. Without it the bench waits until the peer watches ModelDeployments, which needs a server that counts requests by client (the playground).",
                               valueName: "url"))
    var operatorReadyURL: String?

    @Option(help: "The operator's name in the report (default: modelops, or the command's program).")
    var operatorName: String?

    @Option(help: "Seconds to leave the operator after every object is Healthy, counting its writes.")
    var restSeconds: Double = 5

    @Option(help: "Creates in flight at once.")
    var createConcurrency = 100

    @Option(help: "Give up waiting for the objects after this many seconds.")
    var timeout: Double = 1_800

    @Flag(help: "Keep the run's directory (logs, kubeconfig) also when it succeeds.")
    var keepLogs = false

    @Flag(help: "Print the JSON result only (no progress lines on standard error).")
    var json = false

    func validate() throws {
        guard objects > 0 else { throw ValidationError("--objects must be at least 1") }
        guard restSeconds >= 0 else { throw ValidationError("--rest-seconds must be 0 or more") }
        guard createConcurrency > 0 else { throw ValidationError("--create-concurrency must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if operatorCommand != nil, !operatorArguments.isEmpty {
            throw ValidationError("--operator-arg adds to `modelops run`; put a peer's arguments in --operator-command")
        }
        if let operatorReadyURL {
            guard operatorCommand != nil else { throw ValidationError("--operator-ready-url goes with --operator-command (modelops run is ready at /readyz)") }
            guard LoopbackHTTP.parse(operatorReadyURL.replacingOccurrences(of: "{port}", with: "1")) != nil else {
                throw ValidationError("--operator-ready-url must be an http://127.0.0.1:<port>/… URL, got \(operatorReadyURL)")
            }
        } else if operatorCommand != nil, kubeconfig != nil {
            throw ValidationError("a peer on another cluster needs --operator-ready-url (only the playground counts requests by client)")
        }
    }

    func run() async throws {
        let progress = Progress(quiet: json)
        let report = try await SeparateProcesses.run("firstdeploy", keepLogs: keepLogs, progress: progress) { dir, teardown in
            try await measure(dir: dir, teardown: teardown, progress: progress)
        }
        report.print()
    }

    // MARK: The run

    private func measure(dir: URL, teardown: Teardown, progress: Progress) async throws -> BenchReport {
        let n = objects
        let loadBefore = MachineInfo.loadAverage
        let modelops = try modelopsBinary()

        // The server: a fresh playground (serving its request counts by client), or the given cluster.
        let (kubeconfigPath, counts) = try await SeparateProcesses.server(kubeconfig: kubeconfig, playground: playground,
                                                                          dir: dir, teardown: teardown, progress: progress)
        let cluster = try await BenchCluster.connect(kubeconfig: kubeconfigPath, context: context)
        let removeNamespace = kubeconfig != nil
        teardown.add { await cluster.stop(removingNamespace: removeNamespace) }

        // The operator.
        let launch = try operatorLaunch(modelops: modelops, kubeconfig: kubeconfigPath)
        progress.say("starting \(launch.name)")
        let op = try ChildProcess(name: launch.name, executable: launch.executable, arguments: launch.arguments,
                                  environment: ["KUBECONFIG": kubeconfigPath], logURL: dir.appendingPathComponent("operator.log"))
        teardown.add { await op.stop() }
        if let readyURL = launch.readyURL {
            try await waitUntil("\(launch.name) to answer 200 at \(readyURL)", timeout: 300, every: .milliseconds(50)) {
                try op.checkRunning()
                return LoopbackHTTP.get(readyURL, timeout: 2)?.status == 200
            }
        }
        if let counts {
            // Watching ModelDeployments, so what is created next reaches it, and watching every
            // kind it listed: an informer watches right after its list (readiness can come in
            // between), and a watch started after the counts below would count as the objects' work.
            try await waitUntil("\(launch.name) to watch ModelDeployments and every kind it listed", timeout: 300,
                                every: .milliseconds(50)) {
                try op.checkRunning()
                let requests = try counts.operatorRequests()
                return requests["watch modeldeployments", default: 0] > 0
                    && requests.keys.filter { $0.hasPrefix("list ") }.allSatisfy { requests["watch " + $0.dropFirst("list ".count), default: 0] > 0 }
            }
        }
        let tracker = ModelDeploymentTracker()
        let watch = try await cluster.watch(Kinds.modelDeployments) { tracker.observe($0) }
        teardown.add { watch.stop() }

        // Create N at once; wait until every one is Healthy.
        let countsBefore = try counts?.operatorRequests()
        let metricsBefore = launch.metricsPort.map(Self.restClientRequests)
        guard let cpuBefore = op.cpuSeconds else { try op.checkRunning(); throw ValidationError("no /proc entry for \(launch.name)") }
        progress.say("creating \(n) ModelDeployments, \(min(createConcurrency, n)) at a time")
        let sentAt = Locked<[String: ContinuousClock.Instant]>([:])
        let lanes = min(createConcurrency, n)
        let t0 = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    for i in stride(from: lane, to: n, by: lanes) {
                        let name = BenchObjects.name("first", i)
                        sentAt.withLock { $0[name] = .now }
                        try await cluster.create(Kinds.modelDeployments, BenchObjects.firstVersion(name))
                    }
                }
            }
            try await group.waitForAll()
        }
        let createdAt = ContinuousClock.now
        var cpuAtHealthy = cpuBefore
        var rssAtHealthy: Double?
        try await waitUntil("\(n) ModelDeployments Healthy", timeout: timeout, every: .milliseconds(10), progress: progress,
                            status: { "(\(tracker.settled(on: "v1")) Healthy)" }) {
            try op.checkRunning()
            guard tracker.settled(on: "v1") == n else { return false }
            cpuAtHealthy = op.cpuSeconds ?? cpuAtHealthy
            rssAtHealthy = op.rssMB
            return true
        }
        let countsAtHealthy = try counts?.operatorRequests()
        var metricsAtHealthy = launch.metricsPort.map(Self.restClientRequests)
        if let port = launch.metricsPort, let countsBefore, let countsAtHealthy, let metricsBefore {
            // The server counts a request when it arrives, the client when its answer does: the
            // answers to the last status writes can arrive after the watch showed them. The
            // client's snapshot is the one that has counted every write the server had.
            let serverWrites = Self.serverWrites(ServerRequestCounts.delta(countsBefore, countsAtHealthy))
            try await waitUntil("the operator's client to count the \(serverWrites) writes the server counted", timeout: 30) {
                metricsAtHealthy = Self.restClientRequests(port: port)
                return Self.clientWrites(ServerRequestCounts.delta(metricsBefore, metricsAtHealthy ?? [:])) >= serverWrites
            }
        }
        var latencies: [Double] = []
        var t1 = t0
        for (name, sent) in sentAt.value {
            guard let healthy = tracker.settledAt(name, version: "v1") else { continue }
            latencies.append((healthy - sent).milliseconds)
            t1 = max(t1, healthy)
        }
        progress.say("all \(n) Healthy after \(String(format: "%.1f", (t1 - t0).seconds)) s")

        // The burst's tail: an object's Event is posted beside its status write, so the last few
        // can land just after every object shows Healthy. They are counted apart (writes after
        // Healthy), and the rest starts once the operator has written nothing for a second.
        let writesSoFar: () throws -> Int? = {
            if let counts { return Self.serverWrites(try counts.operatorRequests()) }
            if let port = launch.metricsPort { return Self.clientWrites(Self.restClientRequests(port: port)) }
            return nil
        }
        var lastWrites = try writesSoFar()
        var quietSince = ContinuousClock.now
        let settleStarted = quietSince
        var settled = true
        if lastWrites != nil {
            // An operator that never stops writing is what the rest window is there to show:
            // after 60 s the rest starts anyway, and the report says it never settled.
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now - quietSince < .seconds(1) {
                guard ContinuousClock.now < deadline else {
                    settled = false
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
                try op.checkRunning()
                let now = try writesSoFar()
                if now != lastWrites {
                    lastWrites = now
                    quietSince = .now
                }
            }
        }
        let settleSeconds = (quietSince - settleStarted).seconds
        let countsSettled = try counts?.operatorRequests()
        let metricsSettled = launch.metricsPort.map(Self.restClientRequests)
        let cpuSettled = op.cpuSeconds ?? cpuAtHealthy
        progress.say(settled ? "writes stopped \(String(format: "%.1f", settleSeconds)) s after that; \(restSeconds) s at rest"
                             : "still writing 60 s after that; \(restSeconds) s at rest anyway")

        // At rest: nothing should be written.
        try await Task.sleep(for: .milliseconds(Int64(restSeconds * 1000)))
        try op.checkRunning()
        let countsAfter = try counts?.operatorRequests()
        let metricsAfter = launch.metricsPort.map(Self.restClientRequests)
        let reconciles = launch.metricsPort.map { Self.counter("controller_runtime_reconcile_total", by: "controller", port: $0) }
        let cpuAfter = op.cpuSeconds ?? cpuSettled
        // VmHWM is kept from per-thread counters that the kernel folds in now and then, so it can
        // trail a VmRSS read earlier: the peak is the largest of what was seen.
        let peakRSS = [op.peakRSSMB, op.rssMB, rssAtHealthy].compactMap { $0 }.max()
        let exitStatus = await op.stop()

        var report = BenchReport(scenario: "firstdeploy", objects: n, cluster: cluster)
        report["cluster"] = .string(kubeconfig == nil ? "modelops-playground --no-operator" : "kubeconfig")
        report["operator"] = [
            "name": .string(launch.name),
            "command": .array(([launch.executable] + launch.arguments).map { .string($0) }),
            "exitStatus": exitStatus.map { .int(Int64($0)) } ?? .null,
        ]
        report["seconds"] = BenchReport.round((t1 - t0).seconds)
        report["createSeconds"] = BenchReport.round((createdAt - t0).seconds)
        report["healthy"] = .int(Int64(latencies.count))
        report["createToHealthyMs"] = BenchReport.percentiles(latencies)
        report["cpuSeconds"] = BenchReport.round(cpuAtHealthy - cpuBefore, 100)
        report["cpuSecondsAtRest"] = BenchReport.round(cpuAfter - cpuSettled, 100)
        report["writesStoppedSecondsAfterHealthy"] = settled ? BenchReport.round(settleSeconds) : .null
        report["cpuSecondsAfterHealthy"] = BenchReport.round(cpuSettled - cpuAtHealthy, 100)
        report["rssAtHealthyMB"] = rssAtHealthy.map { .double($0) } ?? .null
        report["peakRSSMB"] = peakRSS.map { .double($0) } ?? .null
        report["restSeconds"] = .double(restSeconds)
        if let countsBefore, let countsAtHealthy, let countsSettled, let countsAfter {
            // Counted by the server: every request of the operator's clients from the first create
            // to the end of the rest (events sent after the last status included).
            let perObject = ServerRequestCounts.delta(countsBefore, countsAfter)
            report["requestsPerObject"] = Self.perObject(Self.byVerb(perObject), n)
            report["requestsPerObjectByResource"] = Self.perObject(perObject, n)
            let tail = ServerRequestCounts.delta(countsAtHealthy, countsSettled)
            report["writesAfterHealthy"] = .int(Int64(Self.serverWrites(tail)))
            report["writesAfterHealthyByResource"] = .object(tail.filter { $0.value > 0 && BenchReport.writeVerbs.contains(String($0.key.split(separator: " ").first ?? "")) }
                .mapValues { .int(Int64($0)) })
            report["writesAtRest"] = .int(Int64(Self.serverWrites(ServerRequestCounts.delta(countsSettled, countsAfter))))
        } else {
            report["requestsPerObject"] = .null
            report["writesAtRest"] = .null
        }
        if let metricsBefore, let metricsAtHealthy, let metricsSettled, let metricsAfter {
            // Counted by ModelOps' own client, by HTTP method.
            report["clientRequestsPerObject"] = Self.perObject(ServerRequestCounts.delta(metricsBefore, metricsAfter), n)
            // Reconciles per ModelDeployment, by controller (every controller since the operator
            // started: the ones at rest are its first reconciles of nothing).
            if let reconciles {
                report["reconcilesPerObject"] = .object(reconciles.mapValues { BenchReport.round(Double($0) / Double(n), 100) })
            }
            report["clientWritesAfterHealthy"] = .int(Int64(Self.clientWrites(ServerRequestCounts.delta(metricsAtHealthy, metricsSettled))))
            let restWrites = Self.clientWrites(ServerRequestCounts.delta(metricsSettled, metricsAfter))
            report["clientWritesAtRest"] = .int(Int64(restWrites))
            if counts == nil { report["writesAtRest"] = .int(Int64(restWrites)) }
        }
        report["machine"] = MachineInfo.describe(loadBefore: loadBefore)
        return report
    }

    // MARK: The operator

    /// How the operator under test is started and told ready.
    struct Launch {
        var name: String
        var executable: String
        var arguments: [String]
        var readyURL: String?
        /// Where `rest_client_requests_total` is served (ModelOps only).
        var metricsPort: Int?
    }

    func operatorLaunch(modelops: String, kubeconfig: String) throws -> Launch {
        if let operatorCommand {
            let port = try LoopbackHTTP.freePort()
            let command = operatorCommand.replacingOccurrences(of: "{port}", with: String(port))
                .replacingOccurrences(of: "{kubeconfig}", with: kubeconfig)
            let program = command.split(separator: " ").first { !$0.contains("=") }.map { String($0.split(separator: "/").last ?? $0) }
            return Launch(name: operatorName ?? program ?? "peer", executable: "/bin/sh", arguments: ["-c", "exec " + command],
                          readyURL: operatorReadyURL?.replacingOccurrences(of: "{port}", with: String(port)))
        }
        let run = try SeparateProcesses.ModelopsRun(kubeconfig: kubeconfig, context: context, extra: operatorArguments)
        return Launch(name: operatorName ?? "modelops", executable: modelops, arguments: run.arguments,
                      readyURL: run.readyURL, metricsPort: run.metricsPort)
    }

    /// `--modelops`, else the `modelops` beside this binary (SwiftPM builds both into one directory).
    func modelopsBinary() throws -> String {
        try SeparateProcesses.siblingBinary("modelops", given: modelops, flag: "--modelops")
    }

    // MARK: Counting

    /// `rest_client_requests_total` of ModelOps' /metrics, summed by method.
    static func restClientRequests(port: Int) -> [String: Int] {
        counter("rest_client_requests_total", by: "method", port: port)
    }

    /// A counter of ModelOps' /metrics, summed by the value of one of its labels.
    static func counter(_ name: String, by label: String, port: Int) -> [String: Int] {
        guard let response = LoopbackHTTP.get(port: port, path: "/metrics"), response.status == 200 else { return [:] }
        var sums: [String: Int] = [:]
        for line in response.text.split(separator: "\n") where line.hasPrefix(name + "{") {
            guard let start = line.range(of: label + "=\""), let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            let key = line[start.upperBound...].prefix { $0 != "\"" }
            sums[String(key), default: 0] += Int(value)
        }
        return sums
    }

    /// Writes among "verb resource" counts (create, update, patch, delete, deletecollection).
    static func serverWrites(_ counts: [String: Int]) -> Int {
        byVerb(counts).filter { BenchReport.writeVerbs.contains($0.key) }.values.reduce(0, +)
    }

    /// Writes among counts by HTTP method.
    static func clientWrites(_ counts: [String: Int]) -> Int {
        counts.filter { ["POST", "PUT", "PATCH", "DELETE"].contains($0.key) }.values.reduce(0, +)
    }

    /// "verb resource" counts summed by verb.
    static func byVerb(_ counts: [String: Int]) -> [String: Int] {
        counts.reduce(into: [:]) { result, entry in result[String(entry.key.split(separator: " ").first ?? ""), default: 0] += entry.value }
    }

    static func perObject(_ counts: [String: Int], _ n: Int) -> JSON {
        var object = counts.mapValues { BenchReport.round(Double($0) / Double(n), 100) }
        object["total"] = BenchReport.round(Double(counts.values.reduce(0, +)) / Double(n), 100)
        return .object(object)
    }
}
