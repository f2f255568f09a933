import Foundation
import KubeClient
import KubeCore
import KubeTestServer
import Synchronization

/// Records the delays the client asks for and returns at once, so retry tests need no waiting.
final class RecordingSleeper: Sendable {
    let delays = Mutex<[Duration]>([])
    var time: TimeSource {
        TimeSource(now: { .zero }, sleep: { [self] d in delays.withLock { $0.append(d) } })
    }
    var recorded: [Duration] { delays.withLock { $0 } }
}

extension TestAPIServer {
    /// A client as the admin, from the kubeconfig the server writes.
    func client(identity: Identity = .admin, options: KubeClient.Options = KubeClient.Options()) throws -> KubeClient {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID().uuidString)")
        let path = dir.appendingPathComponent("config").path
        try writeKubeconfig(to: path, for: identity)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try KubeClient(configuration: ConfigLoader.load(kubeconfig: path, environment: [:]), options: options)
    }
}
