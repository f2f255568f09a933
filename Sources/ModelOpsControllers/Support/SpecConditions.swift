import Foundation
import KubeCore

/// The condition every ModelOps kind carries for a spec the schema accepted but the controller
/// cannot act on (bad cron, unknown time zone, unparsable duration, empty query): `Ready=False`,
/// reason `InvalidSpec`, the message naming each field. The reconcile records one Warning event
/// and ends with a `TerminalError`: no retry until the object changes.
public enum SpecConditions {
    public static let ready = "Ready"
    public static let invalidSpecReason = "InvalidSpec"

    public static func invalidSpec(_ problems: [SpecProblem], generation: Int64?, now: Date) -> Condition {
        Condition(type: ready, status: .false, observedGeneration: generation, lastTransitionTime: KubeTime(now),
                  reason: invalidSpecReason, message: SpecValidation.message(problems))
    }
}
