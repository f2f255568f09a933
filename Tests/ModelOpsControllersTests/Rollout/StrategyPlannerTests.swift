import Foundation
import KubeCore
import ModelOpsAPI
@testable import ModelOpsControllers
import Testing

/// `ModelDeploymentPlanner` as a pure function, one row per step transition of each strategy:
/// observed state in (the rollout's status, the candidate's pods, the time since the step began,
/// an analysis verdict, a manual action), plan out (phase, weight, step, stable version, events,
/// candidate pods, when to look again). Replicas routing; the Gateway API rows are in
/// `GatewayRoutingPlannerTests`.
@Suite("ModelDeployment planner: every strategy transition")
struct StrategyPlannerTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)
    static let total = 4

    /// A rollout of v2 over stable v1 at `step`/`weight`, `elapsed` seconds into the step.
    struct Row: CustomTestStringConvertible, Sendable {
        var name: String
        var strategy: DeploymentStrategy
        /// nil: v2 was just named in spec, no rollout yet.
        var step: Int?
        var weight = 0
        /// Available (and desired) pods of v2's Deployment; nil: none exists.
        var candidatePods: Int?
        var elapsed: TimeInterval = 0
        /// An analysis run of v2 by name, in this phase.
        var analysis: (name: String, phase: AnalysisPhase)?
        var action: ManualAction.Kind?
        var paused = false
        var progressDeadlineSeconds: Int?

        // What the plan must say.
        var phase: ModelDeploymentStatus.Phase
        var expectWeight: Int?
        var expectStep: Int?
        var stable = "v1"
        var events: [String] = []
        var expectCandidatePods: Int?
        var requeue: Duration?
        var rejected: String?
        var message: String?

        var testDescription: String { name }
    }

    static let steps = [CanaryStep(setWeight: 25), CanaryStep(pause: .init(duration: "1m")), CanaryStep(analysis: StepAnalysis()),
                        CanaryStep(pause: .init())]
    static let canary = DeploymentStrategy(type: .canary, canary: CanaryStrategy(steps: steps))
    static let baked = DeploymentStrategy(type: .canary, canary: CanaryStrategy(steps: [CanaryStep(setWeight: 50)], bakeSeconds: 120))
    static let blueGreen = DeploymentStrategy(type: .blueGreen, blueGreen: BlueGreenStrategy(prePromotionAnalysis: StepAnalysis()))
    static let autoBlueGreen = DeploymentStrategy(type: .blueGreen, blueGreen: BlueGreenStrategy(autoPromotionSeconds: 60))
    static let shadow = DeploymentStrategy(type: .shadow, shadow: ShadowStrategy(mirrorPercent: 20, duration: "5m",
                                                                                 analysis: StepAnalysis()))
    static let manualShadow = DeploymentStrategy(type: .shadow, shadow: ShadowStrategy(mirrorPercent: 20))

    static func observation(_ row: Row) -> ModelDeploymentObservation {
        var spec = ModelDeploymentSpec(model: ModelSource(name: "churn", version: "v2", uri: "s3://m/v2"), template: [:],
                                       replicas: total)
        spec.strategy = row.strategy
        spec.paused = row.paused ? true : nil
        spec.progressDeadlineSeconds = row.progressDeadlineSeconds
        spec.analysis = AnalysisSpec(provider: MetricProvider(prometheus: .init(address: "http://prometheus:9090")), interval: "1m",
                                     count: 2, metrics: [AnalysisMetric(name: "error-rate", query: "q", successCondition: "result < 0.05")])
        let stepStart = start.addingTimeInterval(-row.elapsed)
        var status = ModelDeploymentStatus(phase: .progressing, stable: StableStatus(name: "churn", version: "v1", uri: "s3://m/v1",
                                                                                     since: KubeTime(start.addingTimeInterval(-3600))))
        status.history = [RevisionHistoryEntry(revision: 1, name: "churn", version: "v1", uri: "s3://m/v1",
                                               promotedAt: KubeTime(start.addingTimeInterval(-3600)))]
        if let step = row.step {
            status.canary = CanaryStatus(name: "churn", version: "v2", uri: "s3://m/v2", weight: row.weight, step: step,
                                         stepStartedAt: KubeTime(stepStart), startedAt: KubeTime(stepStart))
        }
        if let analysis = row.analysis {
            status.analysisRuns = [AnalysisRunStatus(name: analysis.name, version: "v2", phase: analysis.phase,
                                                     startedAt: KubeTime(stepStart), message: "error-rate: \(analysis.phase.rawValue)")]
        }
        var deployments = ["v1": ObservedDeployment(name: "churn-v1", version: "v1", specReplicas: total, availableReplicas: total,
                                                    readyReplicas: total, updatedReplicas: total)]
        if let pods = row.candidatePods {
            deployments["v2"] = ObservedDeployment(name: "churn-v2", version: "v2", specReplicas: pods, availableReplicas: pods,
                                                   readyReplicas: pods, updatedReplicas: pods)
        }
        let action = row.action.flatMap { ManualAction(annotation: "\($0.rawValue)/1") }
        return ModelDeploymentObservation(name: "churn", namespace: "ml", generation: 2, spec: spec, status: status,
                                          desired: ModelVersion(name: "churn", version: "v2", uri: "s3://m/v2"),
                                          deployments: deployments, action: action, now: start)
    }

    static func check(_ row: Row) {
        let plan = ModelDeploymentPlanner().plan(observation(row))
        let status = plan.status
        #expect(status.phase == row.phase, "phase: \(status.message ?? "")")
        #expect(status.canary?.weight == row.expectWeight, "weight")
        #expect(status.canary?.step == row.expectStep, "step")
        #expect(status.stable?.version == row.stable, "stable")
        #expect(plan.events.map(\.reason) == row.events, "events: \(plan.events.map(\.note))")
        let candidate = plan.deployments.first { $0.role == .candidate }
        #expect(candidate?.replicas == row.expectCandidatePods, "candidate pods")
        #expect(plan.requeueAfter == row.requeue, "requeue")
        #expect(status.rejectedVersions?.last?.reason == row.rejected, "rejected")
        if let message = row.message { #expect(status.message?.contains(message) == true, "message: \(status.message ?? "")") }
        if let action = row.action {
            // An action is consumed once it acted, or when there is no rollout left to act on.
            let consumed = status.lastAction == "\(action.rawValue)/1"
            #expect(consumed || status.canary != nil, "an action on a finished rollout is consumed")
        }
    }

    // MARK: Canary

    @Test("canary", arguments: [
        Row(name: "a new version starts the rollout and waits for its first pod", strategy: canary, step: nil, candidatePods: nil,
            phase: .progressing, expectWeight: 0, expectStep: 0, events: ["RolloutStarted"], expectCandidatePods: 1,
            requeue: .seconds(600), message: "waiting for v2: 0/1 pods available"),
        Row(name: "setWeight moves once the candidate runs the pods the weight needs, then times the pause",
            strategy: canary, step: 0, candidatePods: 1,
            phase: .progressing, expectWeight: 25, expectStep: 1, events: ["WeightChanged"], expectCandidatePods: 1,
            requeue: .seconds(60), message: "pausing for 1m at 25%"),
        Row(name: "a timed pause holds until its duration", strategy: canary, step: 1, weight: 25, candidatePods: 1, elapsed: 30,
            phase: .progressing, expectWeight: 25, expectStep: 1, expectCandidatePods: 1, requeue: .seconds(30)),
        Row(name: "a timed pause ends at its duration and starts the analysis", strategy: canary, step: 1, weight: 25,
            candidatePods: 1, elapsed: 60,
            phase: .progressing, expectWeight: 25, expectStep: 2, events: ["AnalysisStarted"], expectCandidatePods: 1,
            requeue: .milliseconds(1), message: "analysis step-2 started"),
        Row(name: "promote ends a timed pause early", strategy: canary, step: 1, weight: 25, candidatePods: 1, elapsed: 5,
            action: .promote,
            phase: .progressing, expectWeight: 25, expectStep: 2, events: ["AnalysisStarted"], expectCandidatePods: 1,
            requeue: .milliseconds(1)),
        Row(name: "a running analysis holds the step", strategy: canary, step: 2, weight: 25, candidatePods: 1,
            analysis: ("step-2", .running),
            phase: .progressing, expectWeight: 25, expectStep: 2, expectCandidatePods: 1, message: "analysis step-2 running"),
        Row(name: "a successful analysis moves on to the indefinite pause", strategy: canary, step: 2, weight: 25, candidatePods: 1,
            analysis: ("step-2", .successful),
            phase: .paused, expectWeight: 25, expectStep: 3, expectCandidatePods: 1, message: "paused at 25% until promoted"),
        Row(name: "a failed analysis rolls back and rejects the version", strategy: canary, step: 2, weight: 25, candidatePods: 1,
            analysis: ("step-2", .failed),
            phase: .rolledBack, events: ["RolledBack"], expectCandidatePods: nil, rejected: "AnalysisFailed"),
        Row(name: "an inconclusive analysis pauses for a person", strategy: canary, step: 2, weight: 25, candidatePods: 1,
            analysis: ("step-2", .inconclusive),
            phase: .paused, expectWeight: 25, expectStep: 2, expectCandidatePods: 1, message: "promote to continue or abort to roll back"),
        Row(name: "promote past an inconclusive analysis", strategy: canary, step: 2, weight: 25, candidatePods: 1,
            analysis: ("step-2", .inconclusive), action: .promote,
            phase: .paused, expectWeight: 25, expectStep: 3, expectCandidatePods: 1),
        Row(name: "an indefinite pause waits for promote", strategy: canary, step: 3, weight: 25, candidatePods: 1, elapsed: 86_400,
            phase: .paused, expectWeight: 25, expectStep: 3, expectCandidatePods: 1),
        Row(name: "after the last step the candidate scales to full size before taking all traffic", strategy: canary, step: 3,
            weight: 25, candidatePods: 1, action: .promote,
            phase: .progressing, expectWeight: 25, expectStep: 4, expectCandidatePods: 4, requeue: .seconds(600),
            message: "waiting for v2: 1/4 pods available"),
        Row(name: "at full size: 100% and promotion", strategy: canary, step: 4, weight: 25, candidatePods: 4,
            phase: .healthy, stable: "v2", events: ["WeightChanged", "Promoted"], expectCandidatePods: nil),
        Row(name: "promote --full skips every remaining step", strategy: canary, step: 0, candidatePods: 4, action: .promoteFull,
            phase: .healthy, stable: "v2", events: ["PromotedFull", "WeightChanged", "Promoted"], expectCandidatePods: nil),
        Row(name: "abort rolls back at any step", strategy: canary, step: 1, weight: 25, candidatePods: 1, action: .abort,
            phase: .rolledBack, events: ["RolledBack"], expectCandidatePods: nil, rejected: "Aborted"),
        Row(name: "spec.paused holds the rollout where it is", strategy: canary, step: 0, candidatePods: 1, elapsed: 3600, paused: true,
            phase: .paused, expectWeight: 0, expectStep: 0, expectCandidatePods: 1, message: "paused by spec.paused"),
        Row(name: "a candidate not available by the progress deadline is rolled back", strategy: canary, step: 0, candidatePods: 0,
            elapsed: 120, progressDeadlineSeconds: 120,
            phase: .rolledBack, events: ["RolledBack"], expectCandidatePods: nil, rejected: "ProgressDeadlineExceeded"),
        Row(name: "bake window: the previous version stays warm at 100% until it ends", strategy: baked, step: 1, weight: 100,
            candidatePods: 4, elapsed: 60, analysis: ("bake", .running),
            phase: .progressing, expectWeight: 100, expectStep: 1, expectCandidatePods: 4, requeue: .seconds(60),
            message: "baking v2 at 100% for 120s; v1 kept warm"),
        Row(name: "a failing bake analysis rolls back to the warm version", strategy: baked, step: 1, weight: 100, candidatePods: 4,
            elapsed: 60, analysis: ("bake", .failed),
            phase: .rolledBack, events: ["RolledBack"], expectCandidatePods: nil, rejected: "BakeFailed"),
        Row(name: "the bake window ends in promotion", strategy: baked, step: 1, weight: 100, candidatePods: 4, elapsed: 120,
            analysis: ("bake", .running),
            phase: .healthy, stable: "v2", events: ["Promoted"], expectCandidatePods: nil),
    ])
    func canaryTransitions(_ row: Row) {
        Self.check(row)
    }

    // MARK: BlueGreen

    @Test("blue-green", arguments: [
        Row(name: "the candidate starts at full size behind the preview Service", strategy: blueGreen, step: nil, candidatePods: nil,
            phase: .progressing, expectWeight: 0, expectStep: 0, events: ["RolloutStarted"], expectCandidatePods: 4,
            requeue: .seconds(600)),
        Row(name: "ready behind the preview: the pre-promotion analysis starts", strategy: blueGreen, step: 0, candidatePods: 4,
            phase: .progressing, expectWeight: 0, expectStep: 1, events: ["PreviewReady", "AnalysisStarted"], expectCandidatePods: 4,
            requeue: .milliseconds(1)),
        Row(name: "a failing pre-promotion analysis rolls back before the candidate ever served", strategy: blueGreen, step: 1,
            candidatePods: 4, analysis: ("prePromotion", .failed),
            phase: .rolledBack, events: ["RolledBack"], expectCandidatePods: nil, requeue: .seconds(30), rejected: "AnalysisFailed"),
        Row(name: "a passing one waits for promote", strategy: blueGreen, step: 1, candidatePods: 4,
            analysis: ("prePromotion", .successful),
            phase: .paused, expectWeight: 0, expectStep: 2, expectCandidatePods: 4, message: "promote to switch"),
        Row(name: "promote switches; the previous version drains for scaleDownDelaySeconds", strategy: blueGreen, step: 2,
            candidatePods: 4, analysis: ("prePromotion", .successful), action: .promote,
            phase: .healthy, stable: "v2", events: ["Promoted"], expectCandidatePods: nil, requeue: .seconds(30)),
        Row(name: "autoPromotionSeconds counts down", strategy: autoBlueGreen, step: 2, candidatePods: 4, elapsed: 20,
            phase: .progressing, expectWeight: 0, expectStep: 2, expectCandidatePods: 4, requeue: .seconds(40),
            message: "switching in 40s"),
        Row(name: "and switches when it is over", strategy: autoBlueGreen, step: 2, candidatePods: 4, elapsed: 60,
            phase: .healthy, stable: "v2", events: ["Promoted"], expectCandidatePods: nil, requeue: .seconds(30)),
        Row(name: "abort before the switch", strategy: autoBlueGreen, step: 2, candidatePods: 4, action: .abort,
            phase: .rolledBack, events: ["RolledBack"], expectCandidatePods: nil, requeue: .seconds(30), rejected: "Aborted"),
    ])
    func blueGreenTransitions(_ row: Row) {
        Self.check(row)
    }

    // MARK: Shadow

    @Test("shadow", arguments: [
        Row(name: "mirroring starts once the candidate's pods run", strategy: shadow, step: 0, candidatePods: 1,
            phase: .progressing, expectWeight: 20, expectStep: 1, events: ["MirroringStarted", "AnalysisStarted"],
            expectCandidatePods: 1, requeue: .milliseconds(1)),
        Row(name: "while the analysis runs the mirror holds", strategy: shadow, step: 1, weight: 20, candidatePods: 1, elapsed: 30,
            analysis: ("shadow", .running),
            phase: .progressing, expectWeight: 20, expectStep: 1, expectCandidatePods: 1, requeue: .seconds(270),
            message: "mirroring 20% to v2"),
        Row(name: "a failing shadow analysis rolls back", strategy: shadow, step: 1, weight: 20, candidatePods: 1, elapsed: 30,
            analysis: ("shadow", .failed),
            phase: .rolledBack, events: ["RolledBack"], expectCandidatePods: nil, rejected: "AnalysisFailed"),
        Row(name: "analysis passed and the duration is over: scale to full size", strategy: shadow, step: 1, weight: 20,
            candidatePods: 1, elapsed: 300, analysis: ("shadow", .successful),
            phase: .progressing, expectWeight: 20, expectStep: 2, expectCandidatePods: 4, requeue: .seconds(600)),
        Row(name: "at full size: promotion", strategy: shadow, step: 2, weight: 20, candidatePods: 4,
            phase: .healthy, stable: "v2", events: ["Promoted"], expectCandidatePods: nil),
        Row(name: "without a duration the mirror waits for promote", strategy: manualShadow, step: 1, weight: 20, candidatePods: 1,
            elapsed: 3600,
            phase: .paused, expectWeight: 20, expectStep: 1, expectCandidatePods: 1, message: "promote to switch"),
        Row(name: "promote ends mirroring", strategy: manualShadow, step: 1, weight: 20, candidatePods: 1, action: .promote,
            phase: .progressing, expectWeight: 20, expectStep: 2, expectCandidatePods: 4, requeue: .seconds(600)),
    ])
    func shadowTransitions(_ row: Row) {
        Self.check(row)
    }
}
