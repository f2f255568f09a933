/// Hooks for the controller's metrics (controller_runtime_reconcile_total{controller,result},
/// …_reconcile_errors_total, …_reconcile_time_seconds), wired to swift-metrics by the runtime's
/// metrics, kept as closures so the controller does not depend on a metrics backend.
public struct ControllerObserver: Sendable {
    /// `result` is success, error, requeue or requeue_after.
    public var reconciled: @Sendable (_ controller: String, _ result: String, _ duration: Duration) -> Void

    public init(reconciled: @escaping @Sendable (_ controller: String, _ result: String, _ duration: Duration) -> Void = { _, _, _ in }) {
        self.reconciled = reconciled
    }

    public static let none = ControllerObserver()
}
