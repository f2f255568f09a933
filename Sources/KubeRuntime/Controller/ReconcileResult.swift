/// What a reconcile asks for next, as controller-runtime's `Result`.
public enum ReconcileResult: Sendable, Equatable {
    /// Converged: nothing to do until something changes.
    case done
    /// Run again soon, with the key's backoff (as `Result{Requeue: true}`).
    case requeue
    /// Run again after this long (pauses, analysis intervals, cron); the key's backoff is reset.
    case requeueAfter(Duration)
}
