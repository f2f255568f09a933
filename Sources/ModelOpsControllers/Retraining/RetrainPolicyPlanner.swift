import Foundation
import KubeCore
import KubeRuntime
import ModelOpsAPI

/// The RetrainPolicy reconciler's decisions, pure: observed policy, its TrainingJobs, the time and
/// what the triggers saw → TrainingJobs to create and delete, status, events, next wake-up.
///
/// Rules (the order is the order of the passes below):
/// - Manual: a new `modelops.io/retrain` annotation value starts one run now (cooldown and suspend
///   do not apply; concurrencyPolicy does: under Forbid with a run active it is refused with a
///   Warning). The value is remembered in `status.lastRetrainRequest`, so it is acted on once.
/// - Schedule: the slots since the schedule was last accounted for (`lastScheduleTime` or
///   `lastMissedScheduleTime`, else the policy's creation) are looked at once. Only the most recent
///   may run, and only if it is within `startingDeadlineSeconds`, not suspended, and not forbidden
///   by an active run; every other slot is counted in `status.missedRuns`.
/// - Triggers (not while suspended): a DataVersion trigger fires when the ConfigMap value differs
///   from the one it last acted on (the first value seen is the baseline); a Metric trigger fires on
///   a fresh evaluation once its condition has held on consecutive evaluations for `for`. Both wait
///   for `cooldown` after the last triggered run and, under Forbid, for active runs to finish.
/// - Promotion: the newest Succeeded and Validated TrainingJob newer than the promoted one, whose
///   version no following ModelDeployment rejected, is promoted (Automatic), or the one named by
///   `modelops.io/promote` (either mode).
/// - History: finished TrainingJobs beyond the limits are deleted, oldest first; the promoted one
///   is kept.
public enum RetrainPolicyPlanner {
    /// Missed slots are counted up to this many per pass, so a long outage of `* * * * *` is cheap.
    public static let missedCountLimit = 10_000
    public static let defaultSuccessfulHistoryLimit = 3
    public static let defaultFailedHistoryLimit = 1

    public static func plan(_ observation: RetrainPolicyObservation) -> RetrainPolicyPlan {
        var pass = RetrainPass(observation)
        pass.manualRetrain()
        pass.scheduledRuns()
        pass.triggers()
        pass.promotion()
        pass.history()
        pass.finish()
        return pass.plan
    }
}
