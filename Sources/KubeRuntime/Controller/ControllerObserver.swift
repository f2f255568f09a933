/// Hooks for the controller's metrics, kept as closures so the controller does not depend on a
/// metrics backend; `RuntimeMetrics.controllerObserver(name:)` wires them to
/// controller_runtime_reconcile_total{controller,result}, …_errors_total and …_time_seconds.
public struct ControllerObserver: Sendable {
    public var reconciled: @Sendable (_ result: ReconcileResultLabel, _ duration: Duration) -> Void
    /// A reconcile ended with a `TerminalError` (also reported to `reconciled` as an error).
    public var terminal: @Sendable () -> Void

    public init(reconciled: @escaping @Sendable (_ result: ReconcileResultLabel, _ duration: Duration) -> Void = { _, _ in },
                terminal: @escaping @Sendable () -> Void = {}) {
        self.reconciled = reconciled
        self.terminal = terminal
    }

    public static let none = ControllerObserver()
}

extension RuntimeMetrics {
    /// The controller's hooks, recording into this registry under `name`.
    public func controllerObserver(name: String) -> ControllerObserver {
        let metrics = controller(name)
        return ControllerObserver(reconciled: { result, duration in metrics.reconciled(result, duration: duration) },
                                  terminal: { metrics.terminalError() })
    }
}

extension RuntimeMetrics {
    /// For `KubeClient.Options.requestObserver`: counts every request by code, method and host.
    public var requestObserver: @Sendable (_ status: Int?, _ method: String, _ host: String) -> Void {
        { [self] status, method, host in restClientRequest(status: status, method: method, host: host) }
    }
}
