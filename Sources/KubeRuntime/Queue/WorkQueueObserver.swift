/// What a work queue reports for metrics, as closures so the queue itself stays free of any
/// metrics library (the runtime's metrics wiring maps them to controller-runtime's
/// `workqueue_adds_total`, `workqueue_depth`, `workqueue_queue_duration_seconds`,
/// `workqueue_work_duration_seconds` and `workqueue_retries_total`, labelled with the queue's name).
///
/// The closures are called while the queue holds its lock, so that depth updates arrive in the
/// order they happened (a gauge set out of order would show a stale depth). Keep them quick and
/// never call back into the queue from them.
public struct WorkQueueObserver: Sendable {
    /// A key entered the queue (a real add: not one merged into a key already waiting).
    public var added: @Sendable () -> Void
    /// The number of keys waiting (see `WorkQueue.depth`) changed to this value.
    public var depthChanged: @Sendable (Int) -> Void
    /// A worker took a key that had been waiting this long since it was added.
    public var queueDuration: @Sendable (Duration) -> Void
    /// A worker finished a key it had held this long.
    public var workDuration: @Sendable (Duration) -> Void
    /// A delayed or rate-limited re-add (client-go counts every `AddAfter` as a retry).
    public var retried: @Sendable () -> Void

    public init(added: @escaping @Sendable () -> Void = {},
                depthChanged: @escaping @Sendable (Int) -> Void = { _ in },
                queueDuration: @escaping @Sendable (Duration) -> Void = { _ in },
                workDuration: @escaping @Sendable (Duration) -> Void = { _ in },
                retried: @escaping @Sendable () -> Void = {}) {
        self.added = added
        self.depthChanged = depthChanged
        self.queueDuration = queueDuration
        self.workDuration = workDuration
        self.retried = retried
    }

    /// Reports nothing.
    public static let none = WorkQueueObserver()
}
