import Foundation
import KubeClient
import KubeCore
import KubeRuntime
import KubeTestServer
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// Two operator replicas with leader election: only the leader's controllers run; a graceful
/// shutdown (what SIGTERM triggers) drains and releases the lease, and the standby takes over.
@Suite("Manager: leader election, readiness, graceful shutdown")
struct ManagerTests {
    /// A replica whose controller stamps `handled-by: <identity>` on ConfigMaps labelled `stamp=yes`.
    final class Replica: Sendable {
        let identity: String
        let client: KubeClient
        let manager: Manager
        let group: ServiceGroup
        let task = Mutex<Task<Void, any Error>?>(nil)

        init(_ server: TestAPIServer, identity: String) throws {
            self.identity = identity
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("mgr-\(UUID().uuidString)").path
            try server.writeKubeconfig(to: path)
            client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: path, environment: [:]))
            var informerOptions = InformerOptions()
            informerOptions.labelSelector = "stamp=yes"
            let configMaps = client.resource(ConfigMap.self, namespace: "default")
            let informer = Informer(configMaps, options: informerOptions)
            let controller = Controller(name: "stamper", for: informer) { [identity] key, _ in
                guard let object = informer.store.get(key), object.metadata.annotations?["handled-by"] != identity else { return .done }
                _ = try await configMaps.patch(key.name, .merge(Array(#"{"metadata":{"annotations":{"handled-by":"\#(identity)"}}}"#.utf8)))
                return .done
            }
            var election = LeaderElectionConfig(namespace: "default", leaseName: "modelops-test", identity: identity)
            election.leaseDuration = .seconds(15)
            election.renewDeadline = .seconds(10)
            election.retryPeriod = .milliseconds(300)
            var options = Manager.Options(leaderElection: election, probeBindAddress: "127.0.0.1:0")
            options.drainTimeout = .seconds(5)
            manager = Manager(client: client, options: options, metrics: RuntimeMetrics())
            manager.add(controller)
            group = ServiceGroup(configuration: .init(services: [.init(service: manager)], logger: Logger(label: "test")))
        }

        func start() { task.withLock { $0 = Task { try await group.run() } } }

        func gracefulShutdown() async throws {
            await group.triggerGracefulShutdown()
            try await task.withLock { $0 }?.value
            client.shutdown()
        }
    }

    func stamp(_ client: KubeClient, _ name: String) async throws {
        _ = try await client.resource(ConfigMap.self, namespace: "default").create(ConfigMap(name: name, labels: ["stamp": "yes"]))
    }

    func handledBy(_ client: KubeClient, _ name: String) async -> String? {
        try? await client.resource(ConfigMap.self, namespace: "default").get(name).metadata.annotations?["handled-by"]
    }

    @Test("one replica leads and reconciles; after its graceful shutdown the standby leads within a retry period or two")
    func handover() async throws {
        var serverOptions = TestAPIServer.Options()
        serverOptions.simulator = nil
        let server = try await TestAPIServer.start(serverOptions)
        let a = try Replica(server, identity: "replica-a")
        let b = try Replica(server, identity: "replica-b")
        a.start()
        try await eventually(timeout: .seconds(30), "a leads") { a.manager.isLeading && a.manager.probePort != nil }
        b.start()
        try await stamp(a.client, "first")
        try await eventually(timeout: .seconds(15), "first handled") { await handledBy(a.client, "first") != nil }
        let leader = await handledBy(a.client, "first")
        #expect(leader == "replica-a", "the replica started first holds the lease")

        // Readiness over HTTP on the probe server.
        let port = try #require(a.manager.probePort)
        let ready = try await Command.run(TestCluster.curlPath, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/readyz"])
        #expect(ready.stdout == "200")

        #expect(!b.manager.isLeading)
        let shutdownStarted = ContinuousClock.now
        try await a.gracefulShutdown()
        try await stamp(b.client, "second")
        try await eventually(timeout: .seconds(20), "b takes over") { await handledBy(b.client, "second") == "replica-b" }
        // Released on shutdown: no waiting out the 15 s lease.
        #expect(ContinuousClock.now - shutdownStarted < .seconds(10))
        try await b.gracefulShutdown()
        await server.stop()
    }
}
