import Foundation
import KubeCore
import ModelOpsAPI

/// The rollout state machine of a ModelDeployment, without I/O: observed spec, status, child
/// Deployments, the resolved model and the time in; children, status and events out.
///
/// All progress lives in `status` (`canary.step`, `canary.weight`, `stepStartedAt`, analysis runs),
/// so a restarted operator resumes at the same step without repeating it. A step completes only on
/// evidence: a weight moves when the candidate Deployment is available at the replica count it
/// needs; an analysis step when its run is Successful. Inconclusive is never success: it pauses.
public struct RolloutPlanner: Sendable {
    /// What the planner looks at.
    public struct Input: Sendable {
        public var name: String
        public var namespace: String
        public var generation: Int64
        public var spec: ModelDeploymentSpec
        public var status: ModelDeploymentStatus
        /// The model the spec asks for (pinned, or resolved from a policy); nil when there is none yet.
        public var desired: ModelVersion?
        /// Why `desired` is nil (e.g. the policy has promoted nothing yet).
        public var desiredMessage: String?
        /// Child Deployments by model version.
        public var deployments: [String: ObservedDeployment]
        /// An action not yet consumed.
        public var action: ManualAction?
        public var now: Date

        public init(name: String, namespace: String, generation: Int64, spec: ModelDeploymentSpec,
                    status: ModelDeploymentStatus, desired: ModelVersion?, desiredMessage: String? = nil,
                    deployments: [String: ObservedDeployment], action: ManualAction? = nil, now: Date) {
            self.name = name
            self.namespace = namespace
            self.generation = generation
            self.spec = spec
            self.status = status
            self.desired = desired
            self.desiredMessage = desiredMessage
            self.deployments = deployments
            self.action = action
            self.now = now
        }
    }

    /// How long a rolled-back candidate keeps its pods behind a Gateway API route (weight already
    /// 0) before it is removed, so in-flight requests finish (Argo Rollouts' abortScaleDownDelay).
    public static let scaleDownDelay: Int64 = 30

    public init() {}

    public func plan(_ input: Input) -> RolloutPlan {
        var run = Run(input: input)
        run.decide()
        return run.finish()
    }
}

/// One planning pass: mutable working state over an input.
private struct Run {
    let input: Input
    var status: ModelDeploymentStatus
    var events: [RolloutPlan.PlannedEvent] = []
    var requeue: Duration?
    var candidateReplicas = 0
    var actionUsed = false

    typealias Input = RolloutPlanner.Input

    init(input: Input) {
        self.input = input
        status = input.status
        status.observedGeneration = input.generation
    }

    var spec: ModelDeploymentSpec { input.spec }
    var now: Date { input.now }
    var kubeNow: KubeTime { KubeTime(now) }
    var total: Int { max(0, spec.replicas ?? 1) }
    var strategy: DeploymentStrategy.StrategyType { spec.strategy?.type ?? .canary }
    var gatewayAPI: Bool { spec.trafficRouting?.type == .gatewayAPI }
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
        if observed?.isAvailable(replicas: total) == true || (total == 0 && observed != nil) {
            setPhase(.healthy, message ?? "\(stable.version) serves all traffic")
        } else if status.history?.count ?? 0 <= 1 && status.phase != .healthy && status.phase != .degraded {
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

    // MARK: Canary

    func candidateCount(weight: Int) -> Int {
        if weight <= 0 { return gatewayAPI ? min(1, total) : 0 }
        if weight >= 100 { return total }
        let share = Int((Double(total) * Double(weight) / 100).rounded(.up))
        return min(max(1, share), total)
    }

    mutating func advanceCanary() {
        if take(.promoteFull), var canary = status.canary {
            // Past every step and past the bake window: straight to full weight and promotion.
            canary.step = steps.count + 1
            canary.stepStartedAt = kubeNow
            status.canary = canary
            event("PromotedFull", "\(canary.version) promoted to full weight by request, skipping remaining steps")
        }
        for _ in 0...(steps.count + 2) {
            guard var canary = status.canary else { return }
            let index = canary.step ?? 0
            if index < steps.count {
                let step = steps[index]
                if let weight = step.setWeight {
                    candidateReplicas = candidateCount(weight: weight)
                    guard candidateReady(candidateReplicas) else { waitForCandidate(); return }
                    if canary.weight != weight { event("WeightChanged", "\(canary.version) receives \(weight)% of traffic") }
                    canary.weight = weight
                    next(&canary)
                    continue
                }
                candidateReplicas = candidateCount(weight: canary.weight ?? 0)
                if let pause = step.pause {
                    if let text = pause.duration, let duration = try? GoDuration.parse(text) {
                        let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(seconds(duration))
                        if now >= end || take(.promote) { next(&canary); continue }
                        setPhase(.progressing, "step \(index + 1)/\(steps.count): pausing for \(text) at \(canary.weight ?? 0)%")
                        wait(.seconds(end.timeIntervalSince(now)))
                        return
                    }
                    if take(.promote) { next(&canary); continue }
                    setPhase(.paused, "step \(index + 1)/\(steps.count): paused at \(canary.weight ?? 0)% until promoted")
                    return
                }
                if let analysis = step.analysis {
                    switch analysisVerdict(name: "step-\(index)", metrics: analysis.metrics) {
                    case .successful: next(&canary); continue
                    case .pending(let message):
                        if take(.promote) { next(&canary); continue }
                        setPhase(.progressing, "step \(index + 1)/\(steps.count): \(message)")
                        return
                    case .stopped(let message):
                        if take(.promote) { next(&canary); continue }
                        setPhase(.paused, "step \(index + 1)/\(steps.count): \(message); promote to continue or abort to roll back")
                        return
                    case .failed(let message):
                        rollBack(reason: "AnalysisFailed", message: message)
                        return
                    }
                }
                next(&canary)
                continue
            }
            // All steps done: full weight, then the bake window, then promotion.
            candidateReplicas = total
            guard candidateReady(total) else { waitForCandidate(); return }
            if canary.weight != 100 {
                canary.weight = 100
                canary.stepStartedAt = kubeNow
                status.canary = canary
                event("WeightChanged", "\(canary.version) receives 100% of traffic")
            }
            let bake = spec.strategy?.canary?.bakeSeconds ?? 0
            if index == steps.count, bake > 0 {
                if spec.analysis != nil {
                    switch analysisVerdict(name: "bake", metrics: nil) {
                    case .failed(let message):
                        rollBack(reason: "BakeFailed", message: "bake window: \(message)")
                        return
                    case .pending, .successful, .stopped: break
                    }
                }
                let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(TimeInterval(bake))
                if now < end && !take(.promote) {
                    setPhase(.progressing, "baking \(canary.version) at 100% for \(bake)s; \(status.stable?.version ?? "") kept warm")
                    wait(.seconds(end.timeIntervalSince(now)))
                    return
                }
            }
            promote()
            return
        }
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

    // MARK: Blue-green

    mutating func advanceBlueGreen() {
        let settings = spec.strategy?.blueGreen
        candidateReplicas = total
        for _ in 0..<4 {
            guard var canary = status.canary else { return }
            switch canary.step ?? 0 {
            case 0:
                guard candidateReady(total) else { waitForCandidate(); return }
                event("PreviewReady", "\(canary.version) is available behind the preview Service")
                next(&canary)
            case 1:
                if let analysis = settings?.prePromotionAnalysis {
                    switch analysisVerdict(name: "prePromotion", metrics: analysis.metrics) {
                    case .successful: break
                    case .pending(let message): setPhase(.progressing, "pre-promotion analysis: \(message)"); return
                    case .stopped(let message):
                        if !take(.promote) {
                            setPhase(.paused, "pre-promotion analysis: \(message); promote to continue or abort to roll back")
                            return
                        }
                    case .failed(let message): rollBack(reason: "AnalysisFailed", message: message); return
                    }
                }
                next(&canary)
            default:
                if take(.promote) || take(.promoteFull) { promote(); return }
                guard let seconds = settings?.autoPromotionSeconds else {
                    setPhase(.paused, "\(canary.version) is ready behind the preview Service; promote to switch")
                    return
                }
                let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(TimeInterval(seconds))
                if now >= end { promote(); return }
                setPhase(.progressing, "\(canary.version) ready behind the preview Service; switching in \(Int(end.timeIntervalSince(now).rounded(.up)))s")
                wait(.seconds(end.timeIntervalSince(now)))
                return
            }
        }
    }

    // MARK: Shadow

    mutating func advanceShadow() {
        let settings = spec.strategy?.shadow
        let mirror = settings?.mirrorPercent ?? 0
        for _ in 0..<4 {
            guard var canary = status.canary else { return }
            switch canary.step ?? 0 {
            case 0:
                candidateReplicas = max(1, candidateCount(weight: mirror))
                guard candidateReady(candidateReplicas) else { waitForCandidate(); return }
                canary.weight = mirror
                event("MirroringStarted", "\(mirror)% of requests mirrored to \(canary.version)")
                next(&canary)
            case 1:
                candidateReplicas = max(1, candidateCount(weight: mirror))
                if take(.promoteFull) { next(&canary); continue }
                var analysed = true
                if let analysis = settings?.analysis {
                    switch analysisVerdict(name: "shadow", metrics: analysis.metrics) {
                    case .successful: break
                    case .pending(let message):
                        analysed = false
                        setPhase(.progressing, "mirroring \(mirror)% to \(canary.version): \(message)")
                    case .stopped(let message):
                        if !take(.promote) {
                            setPhase(.paused, "shadow analysis: \(message); promote to continue or abort to roll back")
                            return
                        }
                    case .failed(let message): rollBack(reason: "AnalysisFailed", message: message); return
                    }
                }
                if let text = settings?.duration, let duration = try? GoDuration.parse(text) {
                    let end = (canary.stepStartedAt ?? kubeNow).date.addingTimeInterval(seconds(duration))
                    if now < end && !take(.promote) {
                        if analysed { setPhase(.progressing, "mirroring \(mirror)% to \(canary.version) for \(text)") }
                        wait(.seconds(end.timeIntervalSince(now)))
                        return
                    }
                    if !analysed { return }
                } else if !take(.promote) {
                    if analysed { setPhase(.paused, "mirroring \(mirror)% to \(canary.version); promote to switch") }
                    return
                }
                next(&canary)
            default:
                candidateReplicas = total
                guard candidateReady(total) else { waitForCandidate(); return }
                canary.weight = 100
                status.canary = canary
                promote()
                return
            }
        }
    }

    // MARK: Analysis

    enum Verdict {
        case successful
        case pending(String)
        /// Inconclusive or error: a person decides.
        case stopped(String)
        case failed(String)
    }

    /// The verdict of the named run of the current candidate, starting the run when it does not exist.
    mutating func analysisVerdict(name: String, metrics: [String]?) -> Verdict {
        guard let canary = status.canary else { return .pending("no candidate") }
        guard let spec = spec.analysis else {
            return .stopped("no spec.analysis to run (\(name))")
        }
        var runs = status.analysisRuns ?? []
        guard let run = runs.first(where: { $0.name == name && $0.version == canary.version }) else {
            runs.append(AnalysisRunner.start(name: name, version: canary.version, metrics: metrics, spec: spec, now: now))
            status.analysisRuns = runs
            event("AnalysisStarted", "analysis \(name) of \(canary.version) started")
            wait(.zero)
            return .pending("analysis \(name) started")
        }
        switch run.phase {
        case .running: return .pending("analysis \(name) running")
        case .successful: return .successful
        case .failed: return .failed(run.message ?? "analysis \(name) failed")
        case .inconclusive, .error: return .stopped("analysis \(name) \(run.phase.rawValue.lowercased()): \(run.message ?? "")")
        }
    }

    // MARK: Endings

    mutating func promote() {
        guard let canary = status.canary else { return }
        let model = ModelVersion(name: canary.name ?? status.stable?.name ?? "", version: canary.version, uri: canary.uri ?? "")
        let previous = status.stable?.version ?? ""
        status.stable = StableStatus(name: model.name, version: model.version, uri: model.uri, since: kubeNow)
        status.canary = nil
        appendHistory(model)
        event("Promoted", "\(model.version) is stable (was \(previous))")
        setPhase(.healthy, "\(model.version) serves all traffic")
        candidateReplicas = 0
    }

    mutating func rollBack(reason: String, message: String) {
        guard let canary = status.canary else { return }
        var rejected = status.rejectedVersions ?? []
        rejected.removeAll { $0.version == canary.version }
        rejected.append(RejectedVersion(version: canary.version, uri: canary.uri, reason: reason, time: kubeNow))
        status.rejectedVersions = Array(rejected.suffix(20))
        status.canary = nil
        candidateReplicas = 0
        event("RolledBack", "\(canary.version) rolled back (\(reason)): \(message)", warning: true)
        setPhase(.rolledBack, "\(canary.version) rolled back (\(reason)): \(message); \(status.stable?.version ?? "") serves all traffic")
        if gatewayAPI { wait(.seconds(RolloutPlanner.scaleDownDelay)) }
    }

    mutating func appendHistory(_ model: ModelVersion) {
        var history = status.history ?? []
        let revision = (history.last?.revision ?? 0) + 1
        history.append(RevisionHistoryEntry(revision: revision, name: model.name, version: model.version, uri: model.uri,
                                            promotedAt: kubeNow))
        let limit = max(1, spec.revisionHistoryLimit ?? 10)
        status.history = Array(history.suffix(limit))
    }

    func seconds(_ duration: Duration) -> TimeInterval {
        let (s, atto) = duration.components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }

    // MARK: Children and conditions

    func finish() -> RolloutPlan {
        var status = self.status
        // An action is consumed when it acted, or when there is no rollout for it to act on; a
        // promote that arrives while the candidate is still scaling waits for the step it can end.
        if let action = input.action, actionUsed || status.canary == nil { status.lastAction = action.value }
        var deployments: [RolloutPlan.ServingDeployment] = []
        let stable = status.stable
        let canary = status.canary
        var routing = RolloutPlan.Routing(mainVersion: stable?.version, stableVersion: stable?.version,
                                          canaryVersion: canary?.version ?? stable?.version,
                                          stableWeight: 100, canaryWeight: 0, mirrorPercent: nil)
        if let stable {
            let model = ModelVersion(name: stable.name ?? "", version: stable.version, uri: stable.uri ?? "")
            var replicas = total
            // During a rollout the stable pods keep the template they run (a new template ships with the candidate).
            let template = canary == nil ? nil : input.deployments[stable.version]?.template
            if let canary, strategy == .canary, !gatewayAPI {
                let weight = canary.weight ?? 0
                if weight > 0 && weight < 100 {
                    replicas = max(1, total - candidateCount(weight: weight))
                    routing.mainVersion = nil
                } else if weight >= 100 {
                    routing.mainVersion = canary.version
                }
            }
            if let canary, strategy == .canary, gatewayAPI {
                let weight = canary.weight ?? 0
                routing.stableWeight = 100 - weight
                routing.canaryWeight = weight
                if weight >= 100 { routing.mainVersion = canary.version }
            }
            if let canary, strategy == .shadow, (canary.weight ?? 0) > 0, (canary.step ?? 0) >= 1 {
                routing.mirrorPercent = spec.strategy?.shadow?.mirrorPercent
            }
            deployments.append(.init(model: model, replicas: replicas, role: .stable, template: template))
        }
        if let canary {
            let model = ModelVersion(name: canary.name ?? stable?.name ?? "", version: canary.version, uri: canary.uri ?? "")
            deployments.append(.init(model: model, replicas: candidateReplicas, role: .candidate, template: nil))
        }
        // A rolled-back candidate behind a Gateway API route keeps its pods (at weight 0) for a short delay.
        if gatewayAPI, let last = status.rejectedVersions?.last, last.version != stable?.version, last.version != canary?.version,
           let observed = input.deployments[last.version], let time = last.time,
           now.timeIntervalSince(time.date) < TimeInterval(RolloutPlanner.scaleDownDelay) {
            let model = ModelVersion(name: stable?.name ?? "", version: last.version, uri: last.uri ?? "")
            deployments.append(.init(model: model, replicas: observed.specReplicas, role: .previous, template: observed.template))
        }
        status.conditions = conditions(status)
        return RolloutPlan(status: status, deployments: deployments, routing: routing, events: events, requeueAfter: requeue)
    }

    func conditions(_ status: ModelDeploymentStatus) -> [Condition] {
        var conditions = status.conditions ?? []
        let generation = input.generation
        func set(_ type: String, _ value: Bool, _ reason: String, _ message: String) {
            conditions = Condition.setting(Condition(type: type, status: value ? .true : .false, observedGeneration: generation,
                                                     lastTransitionTime: kubeNow, reason: reason, message: message),
                                           in: conditions)
        }
        let stableObserved = status.stable.flatMap { input.deployments[$0.version] }
        let available = (stableObserved?.availableReplicas ?? 0) > 0
        let stableReady = stableObserved?.readyReplicas ?? 0
        let stableWanted = status.stable == nil ? 0 : (status.canary == nil ? total : (stableObserved?.specReplicas ?? total))
        if let stable = status.stable {
            set("Available", available, available ? "MinimumReplicasAvailable" : "NoReplicasAvailable",
                "\(stableObserved?.availableReplicas ?? 0) of \(stableWanted) pods of \(stable.version) available")
        } else {
            set("Available", false, "NothingDeployed", input.desiredMessage ?? "no model version deployed")
        }
        switch status.phase {
        case .progressing: set("Progressing", true, "RolloutInProgress", status.message ?? "")
        case .paused: set("Progressing", true, "RolloutPaused", status.message ?? "")
        case .rolledBack: set("Progressing", false, "RolledBack", status.message ?? "")
        case .pending: set("Progressing", true, "Deploying", status.message ?? "")
        default: set("Progressing", false, "RolloutComplete", status.message ?? "")
        }
        let degraded = status.stable != nil && !available && status.phase != .pending
        set("Degraded", degraded, degraded ? "StableUnavailable" : "AsExpected",
            degraded ? "stable version \(status.stable?.version ?? "") has no available pods" : "")
        let allReady = status.stable != nil && stableReady >= stableWanted && available && status.phase != .rolledBack
        let readyMessage: String
        if status.stable == nil {
            readyMessage = status.message ?? "nothing deployed"
        } else {
            readyMessage = "\(stableReady)/\(stableWanted) pods of \(status.stable?.version ?? "") ready"
        }
        set("Ready", allReady, allReady ? "AllReplicasReady" : (status.phase == .rolledBack ? "RolledBack" : "ReplicasNotReady"),
            readyMessage)
        return conditions
    }
}
