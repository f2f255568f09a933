import Foundation
import KubeCore
import Synchronization

/// Plays kubelet and the built-in controllers an operator relies on (deployment, job,
/// scheduler, a Gateway API implementation) against an `APIServer`, so an operator's tests see
/// Deployments become available, Jobs run pods that finish as the test asked
/// (`SimulationAnnotations`), and HTTPRoutes accepted.
///
/// It observes the store through in-process watches and writes only through
/// `APIServer.handle(_:)` as `system:kube-controller-manager` (group `system:masters`), so
/// resourceVersions, managedFields, watch events and no-op detection are exactly those a real
/// client causes. Work is event-driven on one task, one object at a time; delays are sleeping
/// tasks that enqueue the object again. Every step compares the status it would write with the
/// stored one and writes only differences, so a steady state costs no writes.
public final class WorkloadSimulator: Sendable {
    public struct Options: Sendable {
        /// The deployment controller: status, conditions and the revision annotation.
        public var deployments = true
        /// The job controller: pods per attempt, Job status and conditions.
        public var jobs = true
        /// Scheduler and kubelet: pod status from Pending through Running to termination.
        public var pods = true
        /// Status of HTTPRoutes (the Gateway API CRD, when someone installed it).
        public var httpRoutes = true
        /// How long a Deployment rollout takes to become available.
        public var deploymentReadyDelay: Duration = .milliseconds(50)
        /// How long a pod waits (scheduled, pulling) before its containers run.
        public var podStartDelay: Duration = .milliseconds(10)
        /// How long a run-to-completion pod's attempt runs, unless `run-seconds` says otherwise.
        public var podRunDuration: Duration = .milliseconds(100)
        /// Divides every delay, including annotation seconds, progressDeadlineSeconds and
        /// activeDeadlineSeconds: 10 runs ten times faster.
        public var speed: Double = 1
        /// The node pods run on (in messages and status).
        public var nodeName = "sim-node"
        /// `controllerName` of the HTTPRoute parent statuses this simulator writes.
        public var gatewayControllerName = "modelops.io/simulated-gateway"
        /// What a successful attempt of a run-to-completion pod writes to its termination-message
        /// path when its annotations ask for no message (`sim.modelops.io/termination-message`,
        /// `fail-message`); nil or a nil answer: nothing. It gets the pod and the server (to read
        /// the objects the pod belongs to). `modelops-playground` plays a trainer with it, so the
        /// examples' TrainingJobs report metrics without simulator annotations in their YAML.
        public var terminationMessage: (@Sendable (_ pod: JSON, _ api: APIServer) -> String?)?

        public init() {}

        /// `duration` divided by `speed`.
        func scaled(_ duration: Duration) -> Duration {
            speed > 0 && speed.isFinite && speed != 1 ? duration / speed : duration
        }

        func scaled(seconds: Double) -> Duration {
            let s = speed > 0 && speed.isFinite ? seconds / speed : seconds
            return .nanoseconds(Int64(min(s, 1e9) * 1e9))
        }
    }

    /// Storage keys watched, per switch.
    static let deploymentsKey = "deployments.apps"
    static let jobsKey = "jobs.batch"
    static let podsKey = "pods"
    static let httpRoutesKey = "httproutes.gateway.networking.k8s.io"

    public let api: APIServer
    public let options: Options

    private struct Runtime: Sendable {
        var continuation: AsyncStream<SimulatorWork>.Continuation?
        var loop: Task<Void, Never>?
        var watchIDs: [String: Int] = [:]
        var failures: [String] = []
    }

    private let runtime = Mutex(Runtime())

    public init(api: APIServer, options: Options = Options()) {
        self.api = api
        self.options = options
    }

    deinit { stop() }

    /// Starts watching and reacting. Existing objects are picked up as the watches replay them.
    /// Does nothing when already running.
    public func start() {
        let (stream, continuation) = AsyncStream<SimulatorWork>.makeStream()
        let started = runtime.withLock { runtime -> Bool in
            guard runtime.continuation == nil else { return false }
            runtime.continuation = continuation
            return true
        }
        guard started else { return }
        let engine = SimulatorEngine(api: api, options: options, enqueue: { continuation.yield($0) },
                                     reportFailure: { [weak self] in self?.recordFailure($0) })
        let loop = Task { [weak self] in
            for await work in stream {
                if case let .rewatch(storageKey) = work {
                    self?.openWatch(storageKey)
                    continue
                }
                await engine.handle(work)
            }
            engine.cancelTimers()
        }
        runtime.withLock { $0.loop = loop }
        for key in watchedKeys { openWatch(key) }
    }

    /// Stops watching, cancels pending delays and ends the work loop. Objects keep the state the
    /// simulator last wrote.
    public func stop() {
        let (continuation, ids) = runtime.withLock { runtime -> (AsyncStream<SimulatorWork>.Continuation?, [Int]) in
            defer {
                runtime.continuation = nil
                runtime.watchIDs = [:]
                runtime.loop = nil
            }
            return (runtime.continuation, Array(runtime.watchIDs.values))
        }
        for id in ids { api.store.cancelWatch(id) }
        continuation?.finish()
    }

    /// Returns once the simulator is quiet: everything that happened before the call has been
    /// handled, and so have the events its own writes caused. Delays still pending (a pod
    /// still running, a rollout not yet ready) are not waited for. Lets tests reach a known
    /// point without sleeping.
    public func settle() async {
        var previous: Int? = nil
        for _ in 0..<50 {
            guard let handled = await barrier() else { return }
            if handled == previous { return }
            previous = handled
        }
    }

    /// Waits for the work loop to reach a marker; returns how many items it has handled.
    private func barrier() async -> Int? {
        await withCheckedContinuation { (done: CheckedContinuation<Int?, Never>) in
            let continuation = runtime.withLock { $0.continuation }
            let marker = Barrier(done)
            guard let continuation, case .enqueued = continuation.yield(.barrier(marker)) else {
                marker.release(nil)
                return
            }
        }
    }

    /// Test hook: the current rollout of this Deployment has exceeded its progress deadline
    /// now (Progressing False, ProgressDeadlineExceeded) unless it is already complete. A later
    /// rollout (new generation) starts with a fresh deadline.
    public func forceProgressDeadline(namespace: String, name: String) {
        _ = runtime.withLock { $0.continuation?.yield(.forceDeadline(ObjectKey(namespace: namespace, name: name))) }
    }

    /// Writes the simulator tried and the server refused (other than conflicts, which are
    /// retried): for diagnosing a test, never expected to be non-empty.
    public var failures: [String] { runtime.withLock { $0.failures } }

    private func recordFailure(_ message: String) {
        runtime.withLock { runtime in
            if runtime.failures.count < 100 { runtime.failures.append(message) }
        }
    }

    private var watchedKeys: [String] {
        var keys: [String] = []
        if options.deployments { keys.append(Self.deploymentsKey) }
        if options.jobs || options.pods { keys.append(Self.podsKey) }
        if options.jobs { keys.append(Self.jobsKey) }
        if options.httpRoutes { keys.append(Self.httpRoutesKey) }
        return keys
    }

    /// (Re)opens the watch of one storage key, replaying current objects. A watch the server
    /// closes (restart simulation, dropped watches) is reopened the same way.
    private func openWatch(_ storageKey: String) {
        guard let continuation = runtime.withLock({ $0.continuation }) else { return }
        if let old = runtime.withLock({ $0.watchIDs.removeValue(forKey: storageKey) }) { api.store.cancelWatch(old) }
        let watcher = ObjectStore.Watcher(
            storageKey: storageKey, filter: ObjectFilter(),
            deliver: { kind, object in
                for work in SimulatorWork.forEvent(storageKey: storageKey, kind: kind, object: object) {
                    continuation.yield(work)
                }
            },
            close: { continuation.yield(.rewatch(storageKey)) })
        guard let id = try? api.store.watch(watcher, from: .currentState) else { return }
        let stale = runtime.withLock { runtime -> Int? in
            guard runtime.continuation != nil else { return id }
            runtime.watchIDs[storageKey] = id
            return nil
        }
        if let stale { api.store.cancelWatch(stale) }
    }
}

/// Resumes a `settle()` caller when the work loop reaches it.
final class Barrier: Sendable {
    private let continuation: Mutex<CheckedContinuation<Int?, Never>?>

    init(_ continuation: CheckedContinuation<Int?, Never>) {
        self.continuation = Mutex(continuation)
    }

    func release(_ handled: Int?) {
        continuation.withLock {
            $0?.resume(returning: handled)
            $0 = nil
        }
    }

    deinit { release(nil) }
}
