import Foundation
import KubeCore
import ModelOpsAPI

extension ModelDeploymentStatus {
    /// This status with a child refusal shown: phase Degraded with the refusal as the message,
    /// Degraded=True and Progressing=False with reason ChildRefused. Nothing else moves: the
    /// rollout resumes from here once the child is accepted.
    func refusing(_ refusal: ChildRefusal, generation: Int64?, now: Date) -> ModelDeploymentStatus {
        var status = self
        status.observedGeneration = generation
        status.phase = .degraded
        status.message = refusal.summary
        var conditions = status.conditions ?? []
        for (type, value) in [("Degraded", Condition.Status.true), ("Progressing", .false), ("Ready", .false)] {
            conditions = Condition.setting(Condition(type: type, status: value, observedGeneration: generation,
                                                     lastTransitionTime: KubeTime(now), reason: ChildRefusal.reason,
                                                     message: refusal.summary), in: conditions)
        }
        status.conditions = conditions
        return status
    }
}
