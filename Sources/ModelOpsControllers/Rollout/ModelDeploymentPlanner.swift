import Foundation
import KubeCore
import ModelOpsAPI

/// The rollout state machine of a ModelDeployment, without I/O: observed spec, status, child
/// Deployments, the resolved model and the time in; children, status and events out.
///
/// One pass is a `RolloutRun`; each strategy is an extension of it in its own file
/// (`RolloutRun+Canary`, `+BlueGreen`, `+Shadow`), analysis steps in `+Analysis`, promotion and
/// rollback in `+Endings`, the children and routing in `+Children`, conditions in
/// `RolloutConditions`. How traffic is split is a `TrafficRouter` (TrafficRouting/).
///
/// All progress lives in `status` (`canary.step`, `canary.weight`, `stepStartedAt`, analysis runs),
/// so a restarted operator resumes at the same step without repeating it. A step completes only on
/// evidence: a weight moves when the candidate Deployment is available at the replica count it
/// needs; an analysis step when its run is Successful. Inconclusive is never success: it pauses.
public struct ModelDeploymentPlanner: Sendable {
    public init() {}

    public func plan(_ input: ModelDeploymentObservation) -> ModelDeploymentPlan {
        var run = RolloutRun(input: input)
        run.decide()
        return run.finish()
    }
}
