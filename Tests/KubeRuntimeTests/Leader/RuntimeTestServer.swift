import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import Synchronization

/// An API test server without the workload simulator, and clients for it.
final class RuntimeTestServer: Sendable {
    let server: TestAPIServer
    private let clients = Mutex<[KubeClient]>([])

    init(server: TestAPIServer) { self.server = server }

    static func start() async throws -> RuntimeTestServer {
        var options = TestAPIServer.Options()
        options.simulator = nil
        options.gatewayAPI = false
        return RuntimeTestServer(server: try await TestAPIServer.start(options))
    }

    func client(options: KubeClient.Options = KubeClient.Options()) throws -> KubeClient {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kr-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("config").path
        try server.writeKubeconfig(to: path)
        defer { try? FileManager.default.removeItem(at: dir) }
        let client = try KubeClient(configuration: ConfigLoader.load(kubeconfig: path, environment: [:]), options: options)
        clients.withLock { $0.append(client) }
        return client
    }

    /// Closes the clients first: the server's graceful shutdown would otherwise wait seconds
    /// for their idle keep-alive connections.
    func stop() async {
        for client in clients.withLock({ $0 }) { client.shutdown() }
        server.api.faults.clear()
        await server.stop()
    }
}

/// A monotonic clock a test moves by hand (unlike the queue tests' ManualTime, sleeping never returns on its own) (tests that
/// use it drive single rounds, not loops).
final class HandMovedTime: Sendable {
    private let current = Mutex<Duration>(.seconds(1000))

    func advance(_ duration: Duration) { current.withLock { $0 += duration } }

    var source: TimeSource {
        TimeSource(now: { [self] in current.withLock { $0 } },
                   sleep: { _ in try await Task.sleep(for: .seconds(3600)) })
    }
}

/// A flag shared with callbacks.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set(_ v: Bool) { value.withLock { $0 = v } }
    var isSet: Bool { value.withLock { $0 } }
}
