import KubeClient
import KubeRuntime
import Logging
import Synchronization

/// Logs what the informers recover from. A 401 or 403 is logged once per distinct message at
/// error level — the server's message names the verb, the resource and the identity
/// (`trainingjobs.modelops.io is forbidden: User "…" cannot list resource "trainingjobs" …`),
/// which is the line to act on; the informer keeps retrying with backoff and the caches stay
/// unsynced, so /readyz says not ready. Other failures are logged at warning each time (their
/// retries are spaced by backoff).
final class InformerFailureLog: Sendable {
    private let logger: Logger
    private let reported = Mutex<Set<String>>([])

    init(logger: Logger) {
        self.logger = logger
    }

    func report(_ failure: InformerFailure) {
        if case let .skipObject(object) = failure.recovery {
            // The informer reports each undecodable object version once; the cache goes on without it.
            logger.warning("\(failure.phase.rawValue): skipped \(object.kind) \(object.key): cannot decode it: \(object.reason)",
                           metadata: ["resourceVersion": "\(object.resourceVersion)"])
            return
        }
        if let status = failure.error.status, status.code == 401 || status.code == 403 {
            let message = status.message ?? "\(status)"
            guard reported.withLock({ $0.insert(message).inserted }) else { return }
            logger.error("\(status.code ?? 0) \(status.reason ?? ""): \(message) (the \(failure.phase.rawValue) is retried; grant the permission in the ClusterRole modelops-manager)")
            return
        }
        if case .pagedLists = failure.recovery {
            logger.info("the API server does not stream lists (\(failure.error)); listing in pages")
            return
        }
        if failure.error.isGone { return }  // a routine relist
        logger.warning("\(failure.phase.rawValue) failed: \(failure.error)", metadata: ["recovery": "\(failure.recovery)"])
    }
}
