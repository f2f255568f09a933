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

/// `modelops playground`: an in-process Kubernetes API test server, its workload simulator and
/// the operator, for trying ModelOps without a cluster. It is a simulation, not a cluster.
struct Playground: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulated Kubernetes API server (and the operator) on loopback, for trying ModelOps without a cluster.")

    @Option(help: "Where to write the admin kubeconfig.")
    var kubeconfig: String = "./playground.kubeconfig"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 0

    @Flag(help: "Do not start the operator (serve the API only).")
    var noOperator = false

    @Flag(help: "Do not simulate kubelet and the built-in controllers.")
    var noSimulator = false

    @Flag(help: "Enforce RBAC for service-account identities.")
    var rbac = false

    func run() async throws {
        var options = TestAPIServer.Options()
        options.port = port
        options.api.rbac = rbac
        if noSimulator { options.simulator = nil }
        let server = try await TestAPIServer.start(options)
        try await server.apply(yaml: CRDManifests.combinedYAML)
        try server.writeKubeconfig(to: kubeconfig)
        say("ModelOps playground (a simulation for trying ModelOps, not a cluster)")
        say("API server: \(server.url)")
        say("kubeconfig: \(kubeconfig)")
        var operatorTask: Task<Void, Never>?
        var client: KubeClient?
        var events: EventRecorder?
        if !noOperator {
            let operatorClient = try KubeClient(configuration: ConfigLoader.load(kubeconfig: kubeconfig))
            let recorder = EventRecorder(client: operatorClient, options: EventRecorderOptions(
                reportingController: "modelops.io/operator", reportingInstance: "playground"))
            let op = ModelOpsOperator(context: OperatorContext(client: operatorClient, events: recorder))
            operatorTask = Task { await op.run() }
            client = operatorClient
            events = recorder
            say("operator: running in-process (\(op.controllerNames.count) controller(s): \(op.controllerNames.joined(separator: ", ")))")
        } else {
            say("operator: not started (--no-operator)")
        }
        say("try: kubectl --kubeconfig \(kubeconfig) get modelops -A")
        await waitForTermination()
        say("shutting down")
        operatorTask?.cancel()
        await operatorTask?.value
        await events?.shutdown()
        client?.shutdown()
        await server.stop()
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
