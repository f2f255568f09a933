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
        /// Where /metrics is served (`--metrics-bind-address`): nil serves it on the probe
        /// server, one port for all routes; "0" turns metrics off (controller-runtime's
        /// convention); the same address as the probes shares that listener; any other address
        /// gets a listener of its own.
        public var metricsBindAddress: String?
        /// Serve /metrics over HTTPS and let only those a SubjectAccessReview allows `get` on
        /// `/metrics` read it (`--metrics-secure`). The metrics listener is then never shared
        /// with the probes, which the kubelet reads over plain HTTP.
        public var metricsSecure = false
        /// A directory with the secure listener's tls.crt and tls.key, re-read when they change
        /// (a renewed cert-manager Secret); nil: a certificate signed at start.
        public var metricsCertificateDirectory: String?
        public var drainTimeout: Duration = .seconds(30)

        public init(leaderElection: LeaderElectionConfig? = nil, probeBindAddress: String? = nil,
                    metricsBindAddress: String? = nil) {
            self.leaderElection = leaderElection
            self.probeBindAddress = probeBindAddress
            self.metricsBindAddress = metricsBindAddress
        }

        /// The listeners to start: each address with the routes it answers.
        var listeners: [(address: String, routes: ProbeServer.Routes)] {
            switch (probeBindAddress, metricsBindAddress) {
            case (nil, nil), (nil, "0"): return []
            case let (probe?, nil) where metricsSecure: return [(probe, .health), (":8443", .metrics)]
            case let (probe?, nil): return [(probe, .all)]
            case let (probe?, "0"): return [(probe, .health)]
            case let (nil, metrics?): return [(metrics, .metrics)]
            case let (probe?, metrics?):
                // Port 0 asks for a free port per listener, so ":0" twice is two listeners.
                let shared = probe == metrics && !probe.hasSuffix(":0") && !metricsSecure
                return shared ? [(probe, .all)] : [(probe, .health), (metrics, .metrics)]
            }
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
    let probes = Mutex<[ProbeServer]>([])
    let readinessChecks = Mutex<[(name: String, check: @Sendable () -> Readiness)]>([])
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

    /// Adds a readiness check beside the caches' (controller-runtime's `AddReadyzCheck`): /readyz
    /// answers 500 with the check's reason while it is not ready, on leaders and standbys alike.
    public func addReadinessCheck(_ name: String, _ check: @escaping @Sendable () -> Readiness) {
        readinessChecks.withLock { $0.append((name, check)) }
    }

    /// Ready when every added check passes and every controller's caches have synced; a
    /// standby (not leading) has no caches to wait for, so that rolling updates of the
    /// operator's Deployment can proceed.
    public var readiness: Readiness {
        for (name, check) in readinessChecks.withLock({ $0 }) {
            if case let .notReady(reason) = check() { return .notReady("\(name): \(reason)") }
        }
        if options.leaderElection != nil, !leading.withLock({ $0 }) { return .ready }
        let unsynced = runnables.withLock { $0 }.filter { !$0.hasSynced() }.count
        return unsynced == 0 ? .ready : .notReady("\(unsynced) controller(s) waiting for caches to sync")
    }

    /// Whether this replica's controllers are running (it holds the lease, or election is off).
    public var isLeading: Bool { leading.withLock { $0 } }

    /// The port the health probes are served on (after `run` started the listener).
    public var probePort: Int? { probes.withLock { $0.first { $0.routes.contains(.health) }?.port } }

    /// The port /metrics is served on (after `run` started the listener).
    public var metricsPort: Int? { probes.withLock { $0.first { $0.routes.contains(.metrics) }?.port } }

    public func run() async throws {
        defer {
            let servers = probes.withLock { $0 }
            if !servers.isEmpty { Task { for server in servers { await server.stop() } } }
        }
        for (address, routes) in options.listeners {
            let secure = options.metricsSecure && routes.contains(.metrics)
            let server = try await ProbeServer.start(
                bindAddress: address, metrics: metrics, readiness: { [self] in readiness }, routes: routes,
                tls: secure ? try ServingCertificate.Source(directory: options.metricsCertificateDirectory, logger: logger).context : nil,
                authorizer: secure ? DelegatedAuthorizer(client: client, logger: logger) : nil,
                logger: logger)
            probes.withLock { $0.append(server) }
        }
        let runnables = self.runnables.withLock { $0 }
        let drain = options.drainTimeout
        let runControllers: @Sendable () async -> Void = { [self] in
            leading.withLock { $0 = true }
            defer { leading.withLock { $0 = false } }
            await withTaskGroup(of: Void.self) { group in
                for runnable in runnables { group.addTask { await runnable.run(drain) } }
            }
            // Like controller-runtime's manager, run until stopped even when no controller runs
            // (or all ended): the probes and metrics keep serving, and the Lease stays held.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
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
