import KubeClient
import Synchronization

/// The queue between watch events and reconcilers, with client-go's workqueue semantics
/// (`queue.go` + `delaying_queue.go` + `rate_limiting_queue.go`):
///
/// - **Dedupe.** A key is either *waiting* (dirty), *being processed*, or both. Adding a key that
///   is already waiting does nothing: many events for one object collapse into one reconcile.
/// - **One worker per key.** A key handed to a worker stays out of reach of every other worker
///   until `done(key)`. Adding it meanwhile marks it dirty, and `done` puts it back exactly once,
///   so the change that arrived during processing is never lost and never handled concurrently.
/// - **Delays.** `addAfter` (requeueAfter) and `addRateLimited` (retry after an error) hold the
///   key until its deadline; a key scheduled twice keeps the earlier deadline. One timer task
///   sleeps until the earliest deadline and is replaced only when an earlier one arrives.
/// - **Rate limits.** `addRateLimited` waits the larger of the key's exponential backoff and the
///   shared token bucket (`QueueRateLimits`); `forget` resets the key's backoff after success.
/// - **Shutdown.** `shutDown` stops accepting keys and hands `nil` to every waiting `get`;
///   `shutDownWithDrain` also waits (with a deadline) for keys in flight to be `done`.
///
/// Unlike client-go, `get` returns `nil` as soon as the queue shuts down even if keys are still
/// waiting: shutting down means "stop taking work" (SIGTERM, lost leadership), and whatever was
/// waiting is recomputed from the informers' caches by whoever runs next.
///
/// A worker's loop (controller-runtime's `reconcileHandler`):
///
///     while let key = await queue.get() {
///         do {
///             let result = try await reconcile(key)
///             queue.forget(key)                                // success resets the backoff
///             if let after = result.requeueAfter { queue.addAfter(key, after) }
///         } catch {
///             queue.addRateLimited(key)                        // 5 ms, 10 ms, 20 ms … 1000 s
///         }
///         queue.done(key)
///     }
///
/// All state sits behind one lock; waiting workers are continuations resumed outside it, so
/// nothing polls and nothing blocks a thread while it waits.
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    /// The `name` label of the queue's metrics (usually the controller's name).
    public let name: String
    public let rateLimits: QueueRateLimits
    private let time: TimeSource
    private let observer: WorkQueueObserver
    private let state: Mutex<State>
    private let ids = Atomic<UInt64>(0)

    public init(name: String, rateLimits: QueueRateLimits = .default, time: TimeSource = .continuous,
                observer: WorkQueueObserver = .none) {
        self.name = name
        self.rateLimits = rateLimits
        self.time = time
        self.observer = observer
        state = Mutex(State(limiter: QueueRateLimiter(rateLimits)))
    }

    deinit {
        state.withLock { $0.timer?.task }?.cancel()
    }

    // MARK: Adding

    /// Makes `key` ready for a worker (once, however often it is added before a worker takes it).
    /// Ignored after shutdown.
    public func add(_ key: Key) {
        let now = time.now()
        var wake = Wakeups()
        state.withLock { insert(key, now: now, into: &$0, wake: &wake) }
        wake.run()
    }

    /// Adds `key` once `delay` has passed (at once when `delay <= 0`). If the key is already
    /// scheduled, the earlier deadline wins. Counted as a retry, as client-go does.
    public func addAfter(_ key: Key, _ delay: Duration) {
        let now = time.now()
        var wake = Wakeups()
        state.withLock { schedule(key, after: delay, now: now, in: &$0, wake: &wake) }
        wake.run()
    }

    /// Adds `key` after its rate-limited delay: `baseDelay · 2^failures` capped at `maxDelay`, or
    /// longer if the shared bucket is empty. Each call counts one more failure of the key.
    public func addRateLimited(_ key: Key) {
        let now = time.now()
        var wake = Wakeups()
        state.withLock { state in
            guard !state.shuttingDown else { return }
            let delay = state.limiter.when(key, now: now)
            schedule(key, after: delay, now: now, in: &state, wake: &wake)
        }
        wake.run()
    }

    /// Resets the key's failure count, so its next rate-limited add starts again at `baseDelay`.
    /// Call after the key was handled successfully. (It does not cancel a pending delayed add.)
    public func forget(_ key: Key) {
        state.withLock { $0.limiter.forget(key) }
    }

    /// Consecutive rate-limited adds of `key` since its last `forget`.
    public func numRequeues(_ key: Key) -> Int {
        state.withLock { $0.limiter.numRequeues(key) }
    }

    // MARK: Working

    /// The next ready key, marked as being processed until `done(key)`. Suspends until a key is
    /// ready; returns `nil` once the queue shuts down or the calling task is cancelled.
    public func get() async -> Key? {
        let id = nextID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Key?, Never>) in
                let now = time.now()
                // .some(result) to resume at once; nil when the continuation was parked.
                let immediate: Key?? = state.withLock { state in
                    if state.shuttingDown || Task.isCancelled { return .some(nil) }
                    if let key = state.ready.popFirst() {
                        startProcessing(key, now: now, in: &state)
                        return .some(key)
                    }
                    state.getters.append(Getter(id: id, continuation: continuation))
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let parked = state.withLock { state in
                state.getters.firstIndex { $0.id == id }.map { state.getters.remove(at: $0).continuation }
            }
            parked?.resume(returning: nil)
        }
    }

    /// Ends the processing of `key`. If it was added meanwhile it becomes ready again now.
    /// Ignored for a key that is not being processed.
    public func done(_ key: Key) {
        let now = time.now()
        var wake = Wakeups()
        state.withLock { state in
            guard let started = state.processing.removeValue(forKey: key) else { return }
            observer.workDuration(now - started)
            if !state.shuttingDown, state.dirty[key] != nil {
                makeReady(key, now: now, in: &state, wake: &wake)
            }
            if state.shuttingDown, state.processing.isEmpty {
                wake.drainers += state.drainers.values.map { ($0, true) }
                state.drainers.removeAll()
            }
        }
        wake.run()
    }

    // MARK: Shutting down

    /// Stops accepting keys, drops waiting and delayed keys, and returns `nil` to every waiting
    /// and future `get`. Workers still holding a key should finish it and call `done`. Also ends
    /// a `shutDownWithDrain` in progress (a second, impatient stop).
    public func shutDown() {
        var wake = Wakeups()
        state.withLock { state in
            beginShutdown(&state, wake: &wake)
            let idle = state.processing.isEmpty
            wake.drainers += state.drainers.values.map { ($0, idle) }
            state.drainers.removeAll()
        }
        wake.run()
    }

    /// Shuts down like `shutDown`, then waits until every key in flight is `done` or `timeout`
    /// has passed (on the queue's `TimeSource`). Returns whether the in-flight work finished.
    public func shutDownWithDrain(timeout: Duration) async -> Bool {
        var wake = Wakeups()
        state.withLock { beginShutdown(&$0, wake: &wake) }
        wake.run()
        let time = self.time
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitUntilIdle() }
            group.addTask {
                try? await time.sleep(timeout)
                return false
            }
            let drained = await group.next() ?? false
            group.cancelAll()
            return drained
        }
    }

    // MARK: Introspection

    /// Keys waiting for a worker, including keys added again while being processed (which wait
    /// for their `done`); not counting delayed keys. This is client-go's `workqueue_depth`.
    public var depth: Int { state.withLock { $0.dirty.count } }

    /// Keys handed to workers and not yet `done`.
    public var inFlight: Int { state.withLock { $0.processing.count } }

    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Time spent so far on keys in flight, summed and the longest single one: client-go's
    /// `workqueue_unfinished_work_seconds` and `workqueue_longest_running_processor_seconds`,
    /// which show a stuck reconcile before it finishes.
    public func unfinishedWork() -> (total: Duration, longest: Duration) {
        let now = time.now()
        return state.withLock { state in
            state.processing.values.reduce(into: (total: Duration.zero, longest: Duration.zero)) { result, started in
                let running = now - started
                result.total += running
                result.longest = max(result.longest, running)
            }
        }
    }

    /// Keys scheduled by `addAfter`/`addRateLimited` and not yet due.
    var delayedCount: Int { state.withLock { $0.delayed.count } }

    /// When a scheduled key becomes due (on the queue's `TimeSource`), for tests.
    func deadline(of key: Key) -> Duration? { state.withLock { $0.delayed.deadline(of: key) } }

    /// Workers suspended in `get`, for tests.
    var waitingWorkers: Int { state.withLock { $0.getters.count } }

    // MARK: Internals (all called with the lock held)

    private struct Getter {
        var id: UInt64
        var continuation: CheckedContinuation<Key?, Never>
    }

    private struct Timer {
        var deadline: Duration
        var generation: UInt64
        var task: Task<Void, Never>
    }

    private struct State {
        /// Waiting keys → when they were added (for the queue duration). Every ready key is here.
        var dirty: [Key: Duration] = [:]
        /// Keys handed to workers → when.
        var processing: [Key: Duration] = [:]
        /// Dirty keys not being processed, in order.
        var ready = KeyFIFO<Key>()
        var delayed = DelayedKeys<Key>()
        var limiter: QueueRateLimiter<Key>
        var shuttingDown = false
        var getters: [Getter] = []
        var drainers: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var timer: Timer?
        var timerGeneration: UInt64 = 0
    }

    /// What to do once the lock is released: resuming continuations or cancelling a task under
    /// the lock could run foreign code (cancellation handlers) while we hold it.
    private struct Wakeups {
        var getters: [(CheckedContinuation<Key?, Never>, Key?)] = []
        var drainers: [(CheckedContinuation<Bool, Never>, Bool)] = []
        var cancelled: [Task<Void, Never>] = []

        func run() {
            for task in cancelled { task.cancel() }
            for (continuation, key) in getters { continuation.resume(returning: key) }
            for (continuation, drained) in drainers { continuation.resume(returning: drained) }
        }
    }

    private func nextID() -> UInt64 {
        ids.add(1, ordering: .relaxed).newValue
    }

    private func insert(_ key: Key, now: Duration, into state: inout State, wake: inout Wakeups) {
        guard !state.shuttingDown, state.dirty[key] == nil else { return }
        state.dirty[key] = now
        observer.added()
        observer.depthChanged(state.dirty.count)
        // Being processed: `done` makes it ready again, so no second worker sees it meanwhile.
        guard state.processing[key] == nil else { return }
        makeReady(key, now: now, in: &state, wake: &wake)
    }

    /// A dirty key no worker holds: straight to the longest-waiting worker, or into the FIFO.
    private func makeReady(_ key: Key, now: Duration, in state: inout State, wake: inout Wakeups) {
        if state.getters.isEmpty {
            state.ready.append(key)
        } else {
            let getter = state.getters.removeFirst()
            startProcessing(key, now: now, in: &state)
            wake.getters.append((getter.continuation, key))
        }
    }

    private func startProcessing(_ key: Key, now: Duration, in state: inout State) {
        let added = state.dirty.removeValue(forKey: key) ?? now
        state.processing[key] = now
        observer.depthChanged(state.dirty.count)
        observer.queueDuration(now - added)
    }

    private func schedule(_ key: Key, after delay: Duration, now: Duration, in state: inout State, wake: inout Wakeups) {
        guard !state.shuttingDown else { return }
        observer.retried()
        guard delay > .zero else {
            insert(key, now: now, into: &state, wake: &wake)
            return
        }
        if state.delayed.insert(key, at: now + delay) {
            rearm(&state, wake: &wake)
        }
    }

    /// Keeps exactly one timer task, sleeping until the earliest deadline. An armed timer that is
    /// due no later than the earliest deadline stays; otherwise it is replaced.
    private func rearm(_ state: inout State, wake: inout Wakeups) {
        guard !state.shuttingDown, let next = state.delayed.nextDeadline() else {
            if let timer = state.timer { wake.cancelled.append(timer.task) }
            state.timer = nil
            return
        }
        if let timer = state.timer {
            if timer.deadline <= next { return }
            wake.cancelled.append(timer.task)
        }
        state.timerGeneration += 1
        let generation = state.timerGeneration
        let time = self.time
        let task = Task { [weak self] in
            do { try await time.sleepUntil(next) } catch { return }
            self?.timerFired(generation)
        }
        state.timer = Timer(deadline: next, generation: generation, task: task)
    }

    private func timerFired(_ generation: UInt64) {
        let now = time.now()
        var wake = Wakeups()
        state.withLock { state in
            guard let timer = state.timer, timer.generation == generation else { return }
            state.timer = nil
            // The sleep ended, so the armed deadline counts as reached even on a clock that did
            // not move (a test's instant sleep): re-arming for it again would spin.
            for key in state.delayed.popDue(now: max(now, timer.deadline)) {
                insert(key, now: now, into: &state, wake: &wake)
            }
            rearm(&state, wake: &wake)
        }
        wake.run()
    }

    private func beginShutdown(_ state: inout State, wake: inout Wakeups) {
        guard !state.shuttingDown else { return }
        state.shuttingDown = true
        wake.getters += state.getters.map { ($0.continuation, nil) }
        state.getters.removeAll()
        state.delayed.removeAll()
        if let timer = state.timer { wake.cancelled.append(timer.task) }
        state.timer = nil
        state.ready.removeAll()
        if !state.dirty.isEmpty {
            state.dirty.removeAll()
            observer.depthChanged(0)
        }
    }

    /// Suspends until no key is in flight (after shutdown, when nothing can start any more).
    private func waitUntilIdle() async -> Bool {
        let id = nextID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate: Bool? = state.withLock { state in
                    if state.processing.isEmpty { return true }
                    if Task.isCancelled { return false }
                    state.drainers[id] = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.drainers.removeValue(forKey: id) }?.resume(returning: false)
        }
    }
}
