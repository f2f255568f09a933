import KubeClient
import KubeRuntime
import Logging
import ModelOpsControllers
import Synchronization

/// Runs `PermissionCheck` at start-up and, while something is denied, again every
/// `recheckInterval` (a ClusterRole fixed with kubectl heals the pod without a restart). Each
/// denial is logged once, as one line; /readyz stays not ready while any remains.
final class PermissionWatch: Sendable {
    enum State: Sendable {
        case checking
        case checked([PermissionCheck.Denial])
        case failed(String)
    }

    let check: PermissionCheck
    let logger: Logger
    let recheckInterval: Duration
    private let state = Mutex(State.checking)
    private let logged = Mutex<Set<PermissionCheck.Denial>>([])

    init(check: PermissionCheck, logger: Logger, recheckInterval: Duration = .seconds(30)) {
        self.check = check
        self.logger = logger
        self.recheckInterval = recheckInterval
    }

    var readiness: Readiness {
        switch state.withLock({ $0 }) {
        case .checking: return .notReady("checking RBAC permissions")
        case let .failed(why): return .notReady("cannot check RBAC permissions: \(why)")
        case let .checked(denials) where !denials.isEmpty:
            return .notReady("RBAC denies " + denials.map(\.permission).joined(separator: ", "))
        case .checked: return .ready
        }
    }

    func run() async {
        while !Task.isCancelled {
            do {
                let denials = try await check.run()
                state.withLock { $0 = .checked(denials) }
                for denial in denials where logged.withLock({ $0.insert(denial).inserted }) {
                    logger.error("\(denial)")
                }
                if denials.isEmpty {
                    logger.info("RBAC permissions checked: every permission the operator uses is granted")
                    return
                }
            } catch {
                if Task.isCancelled { return }
                state.withLock { $0 = .failed("\(error)") }
                logger.warning("cannot check RBAC permissions: \(error)")
            }
            try? await Task.sleep(for: recheckInterval)
        }
    }
}
