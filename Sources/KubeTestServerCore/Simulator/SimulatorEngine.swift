import Foundation
import KubeCore

/// The simulator's state and steps, owned by its single work-loop task (so it needs no locks):
/// reads come from the store, writes go through `APIServer.handle`, delays are timer tasks that
/// put an item back on the loop.
final class SimulatorEngine {
    let api: APIServer
    let options: WorkloadSimulator.Options
    let enqueue: @Sendable (SimulatorWork) -> Void
    let reportFailure: @Sendable (String) -> Void
    let clock = ContinuousClock()

    /// Pending wake-ups, one per object: the earliest wins.
    var timers: [TimerKey: (deadline: ContinuousClock.Instant, task: Task<Void, Never>)] = [:]
    /// Items handled so far (for `settle()`).
    var handled = 0

    var rollouts: [ObjectKey: DeploymentRollout] = [:]
    var jobRuns: [ObjectKey: JobRun] = [:]
    var podRuns: [ObjectKey: PodRun] = [:]
    /// Attempt numbers of pods this simulator's job controller created, by pod uid: the kubelet
    /// reads them to decide how an attempt ends (`fail-attempts`).
    var podAttempts: [String: Int] = [:]

    static let controllerUser = UserInfo(name: "system:kube-controller-manager", groups: ["system:masters", "system:authenticated"])

    init(api: APIServer, options: WorkloadSimulator.Options, enqueue: @escaping @Sendable (SimulatorWork) -> Void,
         reportFailure: @escaping @Sendable (String) -> Void) {
        self.api = api
        self.options = options
        self.enqueue = enqueue
        self.reportFailure = reportFailure
    }

    func handle(_ work: SimulatorWork) async {
        switch work {
        case let .barrier(marker):
            marker.release(handled)
            return
        case .rewatch:
            return
        default:
            handled += 1
        }
        switch work {
        case let .deployment(key):
            if options.deployments { await reconcileDeployment(key) }
        case let .forceDeadline(key):
            if options.deployments {
                forcedDeadlines.insert(key)
                await reconcileDeployment(key)
            }
        case let .job(key):
            if options.jobs { await reconcileJob(key) }
        case let .pod(key):
            if options.pods { await reconcilePod(key) } else if podRuns[key] != nil { podRuns[key] = nil }
        case let .httpRoute(key):
            if options.httpRoutes { await reconcileHTTPRoute(key) }
        case .rewatch, .barrier:
            break
        }
    }

    /// Deployments whose current rollout a test declared past its deadline, until the rollout is seen.
    var forcedDeadlines: Set<ObjectKey> = []

    // MARK: - Time

    var now: ContinuousClock.Instant { clock.now }

    /// The server's wall clock as the API writes it.
    var timestamp: String { Timestamp.seconds(api.configuration.now()) }

    /// Looks at `key` again at `deadline` (or earlier if already due sooner).
    func wake(_ key: TimerKey, at deadline: ContinuousClock.Instant) {
        if let existing = timers[key], existing.deadline <= deadline, existing.deadline > now { return }
        timers[key]?.task.cancel()
        let enqueue = self.enqueue
        let work = key.work
        let task = Task {
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return
            }
            enqueue(work)
        }
        timers[key] = (deadline, task)
    }

    func cancelTimer(_ key: TimerKey) {
        timers.removeValue(forKey: key)?.task.cancel()
    }

    func cancelTimers() {
        for (_, timer) in timers { timer.task.cancel() }
        timers = [:]
    }

    // MARK: - Reading

    func stored(_ storageKey: String, _ key: ObjectKey) -> JSON? {
        api.store.withState { $0.get(storageKey, key)?.object }
    }

    /// Pods in `namespace` whose controlling owner has `uid`.
    func pods(ownedBy uid: String, namespace: String) -> [JSON] {
        api.store.withState { state in
            state.dependents(of: uid, in: WorkloadSimulator.podsKey).compactMap { key, stored -> JSON? in
                guard key.namespace == namespace, SimulatorWork.controllerOwner(stored.object)?.uid == uid else { return nil }
                return stored.object
            }
        }
        .sorted { ($0[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", $0[path: ["metadata", "name"]]?.stringValue ?? "")
            < ($1[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "", $1[path: ["metadata", "name"]]?.stringValue ?? "") }
    }

    // MARK: - Writing

    enum WriteResult {
        case written(JSON)
        case conflict
        case gone
        case failed
    }

    /// Sends one request as the controller manager. `agent` names the field manager
    /// (`kube-controller-manager`, `kubelet`, …) as a User-Agent does.
    func send(_ method: String, _ path: String, body: JSON? = nil, agent: String = "kube-controller-manager") async -> WriteResult {
        var headers = ["user-agent": "\(agent)/\(api.configuration.gitVersion) (linux/amd64) modelops-simulator"]
        if body != nil { headers["content-type"] = "application/json" }
        let response = await api.handle(APIRequest(method: method, path: path, headers: headers,
                                                   body: body?.serialized() ?? [], user: Self.controllerUser))
        switch response.status {
        case 200..<300:
            return .written((try? JSON.parse(response.body)) ?? .null)
        case 409:
            return .conflict
        case 404:
            return .gone
        default:
            let text = String(decoding: response.body.prefix(500), as: UTF8.self)
            reportFailure("\(method) \(path): \(response.status) \(text)")
            return .failed
        }
    }

    /// Replaces the status of `object` (read at its current resourceVersion) through `/status`,
    /// the way controllers call UpdateStatus. A conflict means someone wrote in between: look again.
    @discardableResult
    func updateStatus(_ object: JSON, basePath: String, name: String, retry: SimulatorWork, agent: String = "kube-controller-manager") async -> Bool {
        switch await send("PUT", "\(basePath)/\(name)/status", body: object, agent: agent) {
        case .written: return true
        case .conflict:
            enqueue(retry)
            return false
        case .gone, .failed:
            return false
        }
    }
}
