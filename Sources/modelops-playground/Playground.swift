import ArgumentParser
import Dispatch
import Foundation
import KubeClient
import KubeRuntime
import KubeTestServer
import KubeTestServerCore
import ModelOpsControllers
import ModelOpsCRDs
import Synchronization

/// `modelops-playground`: an in-process Kubernetes API test server, its workload simulator, the
/// operator and a simulated Prometheus, on one fast clock, for trying ModelOps without a
/// cluster: `kubectl apply -f manifests/examples/` shows a nightly retrain and a canary with
/// analysis and pauses within a minute. It is a simulation, not a cluster.
struct Playground: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modelops-playground",
        abstract: "Run a simulated Kubernetes API server, the operator and a simulated Prometheus on loopback, for trying ModelOps without a cluster.")

    @Option(help: "Where to write the admin kubeconfig.")
    var kubeconfig: String = "./playground.kubeconfig"

    @Option(help: "Port of the API server (0 picks a free one).")
    var port: Int = 0

    @Option(help: "Port of the simulated Prometheus (0 picks a free one).")
    var prometheusPort: Int = 0

    @Option(help: "How much faster than real time the simulated clock runs (60: a real second is a simulated minute; 1: real time).")
    var speed: Double = 60

    @Option(help: ArgumentHelp("The simulated time (RFC 3339) the clock shows until the first ModelOps object is created (default: 01:29 UTC of today, a minute before the examples' nightly retrain).",
                               valueName: "time"))
    var startTime: String?

    @Flag(help: "Do not start the operator (serve the API only).")
    var noOperator = false

    @Flag(help: "Do not simulate kubelet and the built-in controllers.")
    var noSimulator = false

    @Flag(help: "Enforce RBAC for service-account identities.")
    var rbac = false

    @Option(help: ArgumentHelp("Serve the API server's request counts, by client (User-Agent), as JSON at http://127.0.0.1:<port>/requests (0 picks a free port): for benchmarks of operators in other processes (modelops-bench firstdeploy).",
                               valueName: "port"))
    var requestCountsPort: Int?

    /// The namespace manifests/examples/ use, created so that applying them is the first step.
    static let examplesNamespace = "ml-serving"

    func validate() throws {
        guard speed.isFinite, speed > 0, speed <= 10_000 else {
            throw ValidationError("--speed must be a number above 0 and at most 10000 (1 is real time), got \(speed)")
        }
        if let requestCountsPort, !(0...65535).contains(requestCountsPort) {
            throw ValidationError("--request-counts-port must be a port number (0 picks a free one), got \(requestCountsPort)")
        }
        if let startTime, Self.parseTime(startTime) == nil {
            throw ValidationError("--start-time must be an RFC 3339 time such as 2026-01-15T01:29:00Z, got \"\(startTime)\"")
        }
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    func run() async throws {
        let clock = PlaygroundClock(speed: speed, start: startTime.flatMap(Self.parseTime) ?? PlaygroundClock.defaultStart(now: Date()))
        var options = TestAPIServer.Options()
        options.port = port
        options.api.rbac = rbac
        options.api.now = { clock.now() }
        options.simulator = noSimulator ? nil : Self.simulatorOptions(speed: speed)
        let server = try await TestAPIServer.start(options)
        try await server.apply(yaml: CRDManifests.combinedYAML)
        try await server.apply(yaml: """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: \(Self.examplesNamespace)
            """)
        let watches = Self.startClockOnFirstObject(server.api, clock: clock)
        let prometheus = try await SimulatedPrometheus.start(port: prometheusPort, now: { clock.now() })
        say("ModelOps playground: a simulation for trying ModelOps, not a cluster")
        say("API server: \(server.url) (simulated: \(noSimulator ? "no simulator, nothing runs" : "a simulator plays kubelet and the built-in controllers; no containers run"))")
        say("simulated Prometheus: \(prometheus.url) (made-up metrics of healthy model servers; the playground's operator sends every analysis query here, whatever address the manifests name)")
        say("clock: simulated, \(SimulatedMetrics.format(speed))x real time\(speed == 60 ? " (a real second is a simulated minute)" : ""); "
            + "it shows \(Self.rfc3339(clock.start)) until the first ModelOps object is created, then runs")
        say("namespace: \(Self.examplesNamespace) (for manifests/examples/)")
        var requestCounts: LoopbackHTTPServer?
        if let requestCountsPort {
            let counts = try await PlaygroundRequestCounts.start(port: requestCountsPort, counter: server.api.counter)
            say("request counts: \(counts.url)\(PlaygroundRequestCounts.path) (by client, as JSON)")
            requestCounts = counts
        }
        try server.writeKubeconfig(to: kubeconfig)
        say("kubeconfig: \(kubeconfig)")
        var operatorTask: Task<Void, Never>?
        var client: KubeClient?
        var events: EventRecorder?
        if !noOperator {
            let operatorClient = try KubeClient(configuration: ConfigLoader.load(kubeconfig: kubeconfig))
            var eventOptions = EventRecorderOptions(reportingController: "modelops.io/operator", reportingInstance: "playground")
            eventOptions.wallClock = { clock.now() }
            let recorder = EventRecorder(client: operatorClient, options: eventOptions)
            let op = ModelOpsOperator(context: OperatorContext(client: operatorClient, clock: clock.operatorClock, events: recorder,
                                                               measurer: PlaygroundMeasurer(address: prometheus.url)))
            operatorTask = Task { await op.run() }
            client = operatorClient
            events = recorder
            say("operator: running in-process (\(op.controllerNames.count) controller(s): \(op.controllerNames.joined(separator: ", ")))")
        } else {
            say("operator: not started (--no-operator)")
        }
        say("try: kubectl --kubeconfig \(kubeconfig) apply -f manifests/examples/")
        await waitForTermination()
        say("shutting down")
        for id in watches { server.api.store.cancelWatch(id) }
        operatorTask?.cancel()
        await operatorTask?.value
        await events?.shutdown()
        client?.shutdown()
        await prometheus.stop()
        await requestCounts?.stop()
        await server.stop()
    }

    /// The simulator on the playground's clock: every delay divided by `speed`, and durations a
    /// person finds plausible in simulated time (pods ready 30 s after a rollout, a training run
    /// of 3 minutes), with `SimulatedTrainer` reporting the trainers' results.
    static func simulatorOptions(speed: Double) -> WorkloadSimulator.Options {
        var options = WorkloadSimulator.Options()
        options.speed = speed
        options.deploymentReadyDelay = .seconds(30)
        options.podStartDelay = .seconds(5)
        options.podRunDuration = .seconds(180)
        options.terminationMessage = { pod, api in SimulatedTrainer.terminationMessage(pod: pod, api: api) }
        return options
    }

    /// Starts `clock` when the first ModelDeployment, TrainingJob or RetrainPolicy is stored;
    /// returns the store watches (to cancel at shutdown).
    static func startClockOnFirstObject(_ api: APIServer, clock: PlaygroundClock) -> [Int] {
        ["modeldeployments", "trainingjobs", "retrainpolicies"].compactMap { plural in
            let watcher = ObjectStore.Watcher(
                storageKey: "\(plural).modelops.io", filter: ObjectFilter(),
                deliver: { kind, stored in
                    guard kind == .added, clock.begin() else { return }
                    let what = "\(stored.object["kind"]?.stringValue ?? plural) \(stored.namespace)/\(stored.name)"
                    say("clock: started at \(rfc3339(clock.start)) by \(what)")
                },
                close: {})
            return try? api.store.watch(watcher, from: .currentState)
        }
    }

    static func rfc3339(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }

    /// Returns on SIGINT or SIGTERM.
    private func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = ManagedAtomicFlag()
            var sources: [DispatchSourceSignal] = []
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
                source.setEventHandler {
                    if resumed.set() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) static var retained: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { retained.append(contentsOf: sources) }
}

/// Set-once flag: `set()` is true only for the first caller.
final class ManagedAtomicFlag: Sendable {
    private let value = Mutex(false)
    func set() -> Bool {
        value.withLock { value in
            defer { value = true }
            return !value
        }
    }
}

/// Writes a line to standard output at once (stdout is block-buffered when piped).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
