import KubeClient
import Logging
import ServiceLifecycle
import Synchronization

/// controller-runtime's Manager: runs the probe server (/metrics, /healthz, /readyz), and the
/// controllers — only while holding the leader lease when leader election is on. It is a
/// swift-service-lifecycle `Service`: on SIGTERM (graceful shutdown) it stops taking work, lets
/// in-flight reconciles finish within the drain timeout, and releases the lease so a standby takes
/// over at once. Losing the lease stops the controllers and ends `run` with `LeadershipLost`
/// (the process exits and restarts with fresh caches, as controller-runtime does).
public final class Manager: Service, Sendable {
    public struct Options: Sendable {
        /// nil: no leader election (a single replica).
        public var leaderElection: LeaderElectionConfig?
        /// e.g. ":8081" or "127.0.0.1:0"; nil: no probe server.
        public var probeBindAddress: String?
        public var drainTimeout: Duration = .seconds(30)

        public init(leaderElection: LeaderElectionConfig? = nil, probeBindAddress: String? = nil) {
            self.leaderElection = leaderElection
            self.probeBindAddress = probeBindAddress
        }
    }

    public struct LeadershipLost: Error, CustomStringConvertible {
        public var description: String { "leader election lost" }
    }

    struct Runnable: Sendable {
        var run: @Sendable (_ drainTimeout: Duration) async -> Void
        var hasSynced: @Sendable () -> Bool
    }

    public let client: KubeClient
    public let options: Options
    public let metrics: RuntimeMetrics
    let logger: Logger
    let runnables = Mutex<[Runnable]>([])
    let probes = Mutex<ProbeServer?>(nil)
    let leading = Mutex(false)

    public init(client: KubeClient, options: Options, metrics: RuntimeMetrics = .shared,
                logger: Logger = Logger(label: "modelops.manager")) {
        self.client = client
        self.options = options
        self.metrics = metrics
        self.logger = logger
    }

    public func add<P: Sendable>(_ controller: Controller<P>) {
        runnables.withLock {
            $0.append(Runnable(run: { await controller.run(drainTimeout: $0) }, hasSynced: { controller.hasSynced }))
        }
    }

    /// Ready when every controller's caches have synced; a standby (not leading) is ready too,
    /// so that rolling updates of the operator's Deployment can proceed.
    public var readiness: Readiness {
        if options.leaderElection != nil, !leading.withLock({ $0 }) { return .ready }
        let unsynced = runnables.withLock { $0 }.filter { !$0.hasSynced() }.count
        return unsynced == 0 ? .ready : .notReady("\(unsynced) controller(s) waiting for caches to sync")
    }

    /// Whether this replica's controllers are running (it holds the lease, or election is off).
    public var isLeading: Bool { leading.withLock { $0 } }

    /// The port the probe server listens on (after `run` started it).
    public var probePort: Int? { probes.withLock { $0?.port } }

    public func run() async throws {
        if let address = options.probeBindAddress {
            let server = try await ProbeServer.start(bindAddress: address, metrics: metrics,
                                                     readiness: { [self] in readiness }, logger: logger)
            probes.withLock { $0 = server }
        }
        defer {
            if let server = probes.withLock({ $0 }) { Task { await server.stop() } }
        }
        let runnables = self.runnables.withLock { $0 }
        let drain = options.drainTimeout
        let runControllers: @Sendable () async -> Void = { [self] in
            leading.withLock { $0 = true }
            defer { leading.withLock { $0 = false } }
            await withTaskGroup(of: Void.self) { group in
                for runnable in runnables { group.addTask { await runnable.run(drain) } }
            }
        }
        guard let election = options.leaderElection else {
            await cancelWhenGracefulShutdown(runControllers)
            return
        }
        let elector = try LeaderElector(client: client, config: election, metrics: metrics, logger: logger)
        let lost = await cancelWhenGracefulShutdown {
            await elector.run(onStartedLeading: runControllers)
        }
        if lost == true { throw LeadershipLost() }
    }

    /// Runs `body` until it ends or graceful shutdown begins (then its task is cancelled, which
    /// is how controllers drain and the elector releases).
    @discardableResult
    private func cancelWhenGracefulShutdown<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T? {
        let task = Task { await body() }
        return await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await task.value
            } onGracefulShutdown: {
                task.cancel()
            }
        } onCancel: {
            task.cancel()
        }
    }
}
