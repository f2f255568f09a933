import Foundation
import KubeCore
import ModelOpsAPI

/// One planning pass of `ModelDeploymentPlanner`: mutable working state over an input. The strategies,
/// analysis, endings and children are extensions in the files beside this one.
struct RolloutRun {
    let input: ModelDeploymentObservation
    var status: ModelDeploymentStatus
    var events: [ModelDeploymentPlan.PlannedEvent] = []
    var requeue: Duration?
    var candidateReplicas = 0
    var actionUsed = false
    /// The traffic split changed in this pass: routers that confirm changes cannot have confirmed it.
    var trafficChanged = false

    init(input: ModelDeploymentObservation) {
        self.input = input
        status = input.status
        status.observedGeneration = input.generation
    }

    var spec: ModelDeploymentSpec { input.spec }
    var now: Date { input.now }
    var kubeNow: KubeTime { KubeTime(now) }
    var total: Int { max(0, spec.replicas ?? 1) }
    var strategy: DeploymentStrategy.StrategyType { spec.strategy?.type ?? .canary }
    var router: any TrafficRouter { TrafficRouters.router(for: spec.trafficRouting) }
    /// How long a version that stopped receiving traffic keeps its pods (Argo Rollouts'
    /// scaleDownDelaySeconds / abortScaleDownDelaySeconds, 30 s by default there too).
    var scaleDownDelaySeconds: Int64 { Int64(max(0, spec.strategy?.scaleDownDelaySeconds ?? 30)) }
    /// Whether a version that stops receiving traffic drains for `scaleDownDelaySeconds` first:
    /// where the switch reaches the data plane only after a while (a gateway reprogramming its
    /// endpoints; endpoints following BlueGreen's Service switch).
    var drainsBeforeScaleDown: Bool { router.drainsBeforeScaleDown || strategy == .blueGreen }
    var steps: [CanaryStep] { spec.strategy?.canary?.steps ?? [] }
    var paused: Bool { spec.paused ?? false }

    mutating func wait(_ duration: Duration) {
        let d = max(duration, .milliseconds(1))
        requeue = requeue.map { min($0, d) } ?? d
    }

    mutating func event(_ reason: String, _ note: String, warning: Bool = false) {
        events.append(.init(warning: warning, reason: reason, note: note))
    }

    /// Uses the pending action if it is of `kind` (each action acts once).
    mutating func take(_ kind: ManualAction.Kind) -> Bool {
        guard !actionUsed, let action = input.action, action.kind == kind else { return false }
        actionUsed = true
        return true
    }

    // MARK: Deciding

    mutating func decide() {
        if take(.retry) {
            let version = input.desired?.version ?? status.canary?.version
            let before = status.rejectedVersions?.count ?? 0
            status.rejectedVersions?.removeAll { $0.version == version }
            if (status.rejectedVersions?.count ?? 0) != before {
                event("RetryRequested", "version \(version ?? "") may be rolled out again")
            }
            if status.rejectedVersions?.isEmpty == true { status.rejectedVersions = nil }
        }
        guard let desired = input.desired else {
            if status.stable == nil {
                setPhase(.pending, input.desiredMessage ?? "no model to serve yet")
            } else {
                settle(message: input.desiredMessage)
            }
            return
        }
        guard let stable = status.stable else {
            // Nothing serves yet: the first version is deployed directly, no canary.
            status.stable = StableStatus(name: desired.name, version: desired.version, uri: desired.uri, since: kubeNow)
            appendHistory(desired)
            event("Deploying", "deploying \(desired.name) \(desired.version) as the first version")
            settle(message: nil)
            return
        }
        if desired.version == stable.version {
            if let canary = status.canary {
                status.canary = nil
                event("RolloutAborted", "spec returned to the stable version \(stable.version); candidate \(canary.version) removed")
            }
            // Same version, maybe a new URI or name: follow it without a rollout.
            status.stable?.uri = desired.uri
            status.stable?.name = desired.name
            settle(message: nil)
            return
        }
        if let rejected = status.rejectedVersions?.first(where: { $0.version == desired.version }) {
            if let canary = status.canary, canary.version != desired.version { status.canary = nil }
            setPhase(.rolledBack, "version \(desired.version) was rolled back (\(rejected.reason ?? "rejected")); "
                     + "name another version in spec or run `modelops retry \(input.name)` to roll it out again")
            return
        }
        if status.canary?.version != desired.version {
            if let old = status.canary {
                event("RolloutSuperseded", "candidate \(old.version) superseded by \(desired.version)")
            }
            status.canary = CanaryStatus(name: desired.name, version: desired.version, uri: desired.uri, weight: 0, step: 0,
                                         stepStartedAt: kubeNow, startedAt: kubeNow)
            status.analysisRuns = nil
            event("RolloutStarted", "rolling out \(desired.name) \(desired.version) (stable \(stable.version)) with \(strategy.rawValue)")
        }
        if take(.abort) {
            rollBack(reason: "Aborted", message: "rollout of \(desired.version) aborted by request")
            return
        }
        if paused {
            setPhase(.paused, "paused by spec.paused at step \(status.canary?.step ?? 0)")
            candidateReplicas = input.deployments[desired.version]?.specReplicas ?? 0
            return
        }
        switch strategy {
        case .canary: advanceCanary()
        case .blueGreen: advanceBlueGreen()
        case .shadow: advanceShadow()
        }
    }

    /// No rollout: one version serves everything.
    mutating func settle(message: String?) {
        guard let stable = status.stable else { return }
        let observed = input.deployments[stable.version]
        let firstVersion = status.history?.count ?? 0 <= 1 && status.phase != .healthy && status.phase != .degraded
        if router.confirmsTraffic, firstVersion, case let .pending(why) = routeState {
            // The pods may be up, but a route no gateway accepted carries no traffic yet.
            setPhase(.pending, message ?? "waiting for \(stable.version)'s route: \(why)")
        } else if router.confirmsTraffic, firstVersion, case let .refused(why) = routeState {
            setPhase(.pending, message ?? "\(stable.version) serves no traffic: \(why)")
        } else if observed?.isAvailable(replicas: total) == true || (total == 0 && observed != nil) {
            setPhase(.healthy, message ?? "\(stable.version) serves all traffic")
        } else if firstVersion {
            setPhase(.pending, message ?? "waiting for \(stable.version) to become available")
        } else if (observed?.availableReplicas ?? 0) == 0 {
            setPhase(.degraded, message ?? "stable version \(stable.version) has no available pods")
        } else {
            setPhase(.healthy, message ?? "\(stable.version) serves all traffic (\(observed?.availableReplicas ?? 0)/\(total) pods available)")
        }
    }

    mutating func setPhase(_ phase: ModelDeploymentStatus.Phase, _ message: String) {
        status.phase = phase
        status.message = message
    }

    /// Whether the traffic split last written is in effect, as the router sees it.
    var routeState: TrafficState { router.state(route: input.route, applied: status.httpRoute) }

    /// Candidate pods that `weight` percent of the traffic needs under this routing.
    func candidateCount(weight: Int) -> Int {
        router.candidateReplicas(weight: weight, total: total)
    }

    /// Moves to the next step, timing it from now.
    mutating func next(_ canary: inout CanaryStatus) {
        canary.step = (canary.step ?? 0) + 1
        canary.stepStartedAt = kubeNow
        status.canary = canary
    }

    func candidateReady(_ replicas: Int) -> Bool {
        guard let version = status.canary?.version else { return false }
        if replicas == 0 { return true }
        return input.deployments[version]?.isAvailable(replicas: replicas) == true
    }

    /// Whether the traffic split written so far is in effect, so the next change may follow (a
    /// weight, the start of mirroring, a promotion). While it is not, the rollout waits; past the
    /// progress deadline (counted from the step's start) that is a rollback.
    mutating func trafficInEffect() -> Bool {
        guard router.confirmsTraffic else { return true }
        let state: TrafficState = trafficChanged
            ? .pending("the new split is being applied")
            : routeState
        let message: String
        switch state {
        case .inEffect: return true
        case let .pending(text), let .refused(text): message = text
        }
        guard let canary = status.canary else { return false }
        let deadline = TimeInterval(spec.progressDeadlineSeconds ?? 600)
        let elapsed = now.timeIntervalSince((canary.stepStartedAt ?? kubeNow).date)
        if elapsed >= deadline {
            rollBack(reason: "RouteNotAccepted", message: "traffic for \(canary.version) not in effect within \(Int(deadline))s: \(message)")
            return false
        }
        setPhase(.progressing, "waiting for traffic to \(canary.version) at \(canary.weight ?? 0)% to take effect: \(message)")
        wait(.seconds(deadline - elapsed))
        return false
    }

    /// Waiting for the candidate's pods; past the progress deadline that is a rollback.
    mutating func waitForCandidate() {
        guard let canary = status.canary else { return }
        let deadline = TimeInterval(spec.progressDeadlineSeconds ?? 600)
        let since = (canary.stepStartedAt ?? kubeNow).date
        let elapsed = now.timeIntervalSince(since)
        if elapsed >= deadline {
            rollBack(reason: "ProgressDeadlineExceeded",
                     message: "candidate \(canary.version) did not become available (\(candidateReplicas) pods) within \(Int(deadline))s")
            return
        }
        let available = input.deployments[canary.version]?.availableReplicas ?? 0
        setPhase(.progressing, "waiting for \(canary.version): \(available)/\(candidateReplicas) pods available")
        wait(.seconds(deadline - elapsed))
    }
}
