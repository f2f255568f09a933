/// The `result` label of `controller_runtime_reconcile_total`, as controller-runtime sets it:
/// an error wins over everything, then an explicit requeue-after, then a plain requeue.
public enum ReconcileResultLabel: String, Sendable, CaseIterable {
    case success
    case error
    case requeue
    case requeueAfter = "requeue_after"
}
