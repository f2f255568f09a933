import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import Logging
import ModelOpsControllers
import ServiceLifecycle

/// The operator process: connect (failing in one line when the cluster cannot be reached), log
/// what it is and what it watches, then run the controllers in a `Manager` (probes, metrics,
/// leader election) inside a swift-service-lifecycle `ServiceGroup` that turns SIGTERM and
/// SIGINT into a graceful shutdown (in-flight reconciles finish, the Lease is released).
struct OperatorCommand {
    let settings: RunSettings

    /// A start-up failure, printed as `modelops: <description>`.
    struct StartupError: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws {
        JSONLogHandler.bootstrap(format: settings.logFormat.rawValue, level: settings.logLevel)
        let logger = Logger(label: "modelops")
        let metrics = RuntimeMetrics.shared
        metrics.bootstrapMetricsSystem()

        let configuration: ClientConfiguration
        do {
            configuration = try ConfigLoader.load(kubeconfig: settings.kubeconfig, context: settings.context)
        } catch {
            throw StartupError(description: "cannot load the cluster configuration: \(error)")
        }
        var clientOptions = KubeClient.Options()
        clientOptions.userAgent = "modelops/\(ModelOpsVersion.current)"
        clientOptions.qps = settings.kubeAPIQPS ?? -1
        clientOptions.burst = settings.kubeAPIBurst ?? 1
        clientOptions.requestObserver = { status, method, host in
            metrics.restClientRequest(status: status, method: method, host: host)
        }
        let client = try KubeClient(configuration: configuration, options: clientOptions)
        defer { client.shutdown() }

        let server = try await ClusterIdentity.check(client)

        var context = OperatorContext(
            client: client,
            events: EventRecorder(client: client, options: EventRecorderOptions(
                reportingController: "modelops.io/operator", reportingInstance: settings.identity)),
            namespace: settings.namespace, workers: settings.maxConcurrentReconciles,
            metrics: metrics, logger: logger)
        let failures = InformerFailureLog(logger: logger)
        context.informerOptions.onError = { failures.report($0) }
        context.informerOptions.streamingList = settings.streamingLists
        context.mlflowTrackingURI = settings.mlflowTrackingURI
        let op = ModelOpsOperator(context: context)

        var options = Manager.Options(
            probeBindAddress: settings.healthProbeBindAddress, metricsBindAddress: settings.metricsBindAddress)
        options.metricsSecure = settings.metricsSecure
        if let directory = settings.metricsCertPath {
            _ = try ServingCertificate.load(directory: directory)  // a bad pair fails at start, naming the file
            options.metricsCertificateDirectory = directory
        }
        if settings.leaderElect {
            var election = LeaderElectionConfig(namespace: settings.leaderElectionNamespace,
                                                leaseName: settings.leaderElectionID, identity: settings.identity)
            election.leaseDuration = settings.leaseDuration
            election.renewDeadline = settings.renewDeadline
            election.retryPeriod = settings.retryPeriod
            options.leaderElection = election
        }
        let manager = Manager(client: client, options: options, metrics: metrics, logger: logger)
        op.register(on: manager)
        let permissions = PermissionWatch(
            check: PermissionCheck(client: client, namespace: settings.namespace,
                                   leaseNamespace: settings.leaderElect ? settings.leaderElectionNamespace : nil,
                                   metricsAuthorization: settings.metricsSecure && settings.metricsBindAddress != "0"),
            logger: logger)
        manager.addReadinessCheck("permissions") { permissions.readiness }

        logger.info("starting the ModelOps operator", metadata: [
            "version": "\(ModelOpsVersion.current)",
            "apiServer": "\(configuration.server)",
            "serverVersion": "\(server.version)",
            "user": "\(server.user)",
            "identity": "\(settings.identity)",
            "watching": "\(settings.namespace.map { "namespace \($0)" } ?? "all namespaces")",
            "leaderElection": "\(settings.leaderElect ? "Lease \(settings.leaderElectionNamespace)/\(settings.leaderElectionID)" : "off")",
            "controllers": .array(op.controllerNames.map { .string($0) }),
            "maxConcurrentReconciles": "\(settings.maxConcurrentReconciles)",
            "lists": "\(settings.streamingLists ? "streaming (paged where the server does not stream)" : "paged")",
            "clientLimit": "\(settings.kubeAPIQPS.map { "\($0) qps, burst \(settings.kubeAPIBurst ?? 1)" } ?? "none (API Priority and Fairness)")",
            "metrics": "\(settings.metricsBindAddress == "0" ? "off" : settings.metricsBindAddress + (settings.metricsSecure ? " (https, authorized by the API server)" : " (http)"))",
            "healthProbes": "\(settings.healthProbeBindAddress)",
        ])

        logger.debug("settings", metadata: [
            "kubeconfig": "\(settings.kubeconfig ?? "(default)")", "context": "\(settings.context ?? "(current)")",
            "leaseDuration": "\(settings.leaseDuration)", "renewDeadline": "\(settings.renewDeadline)",
            "retryPeriod": "\(settings.retryPeriod)", "logLevel": "\(settings.logLevel)",
        ])
        let permissionTask = Task { await permissions.run() }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: manager, successTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            permissionTask.cancel()
            await context.events.shutdown()
            throw StartupError(description: Self.describe(error))
        }
        permissionTask.cancel()
        await context.events.shutdown()
        logger.info("the ModelOps operator stopped")
    }

    /// ServiceGroup wraps a service's error; the one line names the cause.
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("leader election lost") { return "leader election lost; exiting so that a fresh process starts over" }
        if text.contains("Address already in use") || text.contains("bind") {
            return "cannot listen for metrics or health probes: \(text)"
        }
        return text
    }
}
