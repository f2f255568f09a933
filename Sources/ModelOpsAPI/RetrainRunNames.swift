import Foundation
import KubeCore

/// Names, labels and annotations of the TrainingJobs a RetrainPolicy creates, and of the manual
/// actions it reads.
///
/// A run's name is derived from what started it (the schedule slot, the manual request's token, the
/// dataset version, the time a metric fired), never random: creating it twice (after a crash between
/// the create and the status write, or on a new leader) hits AlreadyExists instead of training twice.
/// Names stay within 63 characters because the TrainingJob's batch/v1 Job carries its name in a label.
public enum RetrainRunNames {
    /// Label on every TrainingJob a policy created: the policy's name.
    public static let policyLabel = TrainingJobLabels.retrainPolicy
    /// Label on every TrainingJob a policy created: what started it (a `RunTrigger` raw value).
    public static let triggerLabel = TrainingJobLabels.trigger
    /// Annotation: the human-readable cause ("schedule 0 2 * * * (UTC)", "dataset version v42").
    public static let reasonAnnotation = WireContract.Annotations.triggerReason
    /// Annotation: when the policy started the run (RFC 3339), for cooldowns that survive restarts.
    public static let triggeredAtAnnotation = WireContract.Annotations.triggeredAt
    /// Annotation: the schedule slot a scheduled run belongs to (RFC 3339).
    public static let scheduledTimeAnnotation = WireContract.Annotations.scheduledTime

    /// Manual action on a RetrainPolicy: any new value starts one run now.
    public static let retrainAnnotation = WireContract.Annotations.retrain
    /// Manual action on a RetrainPolicy: the name of a TrainingJob whose model to promote.
    public static let promoteAnnotation = WireContract.Annotations.promote

    static let maxLength = 63

    /// The `policyLabel` value for a policy: its name when that fits a label value (at most 63
    /// characters: a policy's name may have up to 253, which a real API server refuses in a
    /// label), else its first 54 characters and a hash of the whole name. The controller
    /// reference carries the full name; lineage reads it from there.
    public static func policyLabelValue(_ policy: String) -> String {
        guard policy.count > maxLength else { return policy }
        return join(policy, shortHash(policy))
    }

    /// `<policy>-<yyyyMMddHHmm>` of the slot in UTC.
    public static func scheduled(policy: String, slot: Date) -> String {
        join(policy, String(digits(slot).prefix(12)))
    }

    /// `<policy>-manual-<hash of the token>`.
    public static func manual(policy: String, token: String) -> String {
        join(policy, "manual-" + shortHash(token))
    }

    /// `<policy>-data-<hash of trigger index and version>`.
    public static func dataVersion(policy: String, index: Int, version: String) -> String {
        join(policy, "data-" + shortHash("\(index)/\(version)"))
    }

    /// `<policy>-metric-<yyyyMMddHHmmss>` of the time the trigger fired, in UTC.
    public static func metric(policy: String, time: Date) -> String {
        join(policy, "metric-" + digits(time))
    }

    /// "2026-11-19T02:00:00Z" → "20261119020000".
    static func digits(_ date: Date) -> String {
        KubeTime(date).rfc3339.filter(\.isNumber)
    }

    static func shortHash(_ text: String) -> String {
        String(SpecHash.of(.string(text)).prefix(8))
    }

    /// `prefix-suffix`, the prefix cut so the whole fits in 63 characters and still ends in an
    /// alphanumeric character.
    static func join(_ prefix: String, _ suffix: String) -> String {
        var head = String(prefix.prefix(max(1, maxLength - suffix.count - 1)))
        while let last = head.last, !(last.isLetter || last.isNumber) { head.removeLast() }
        return head + "-" + suffix
    }
}
