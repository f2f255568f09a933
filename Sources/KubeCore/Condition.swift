/// One aspect of an object's state (metav1.Condition), kept in `status.conditions` as a list
/// keyed by `type`.
///
/// `lastTransitionTime` changes only when `status` changes, so a controller that re-derives the
/// same condition every reconcile must keep the old time (see `setting(_:in:)`), or it would
/// write status on every pass.
public struct Condition: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    /// CamelCase, e.g. `Ready`, `Available`, `Validated`.
    public var type: String
    public var status: Status
    /// The generation the condition was computed from.
    public var observedGeneration: Int64?
    public var lastTransitionTime: KubeTime
    /// CamelCase machine-readable cause, e.g. `AnalysisFailed`; never empty.
    public var reason: String
    /// Human-readable detail; may be empty.
    public var message: String

    public init(
        type: String, status: Status, observedGeneration: Int64? = nil,
        lastTransitionTime: KubeTime, reason: String, message: String = ""
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    /// Read straight from a tree when every field is what it should be (`TreeFields`): conditions
    /// are in every status, and through Codable they were a twentieth of what an operator spent
    /// syncing 90,000 objects. Anything else takes the Codable path, which names the error.
    public init(from decoder: any Decoder) throws {
        if let fields = TreeFields(decoder), let condition = try? Self(fields) {
            self = condition
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        status = try container.decode(Status.self, forKey: .status)
        observedGeneration = try container.decodeIfPresent(Int64.self, forKey: .observedGeneration)
        lastTransitionTime = try container.decode(KubeTime.self, forKey: .lastTransitionTime)
        reason = try container.decode(String.self, forKey: .reason)
        message = try container.decode(String.self, forKey: .message)
    }

    init(_ fields: TreeFields) throws(TreeFields.Unreadable) {
        type = try fields.requiredString("type")
        guard let status = try fields.raw("status", as: Status.self) else { throw TreeFields.Unreadable() }
        self.status = status
        observedGeneration = try fields.int64("observedGeneration")
        lastTransitionTime = try fields.requiredTime("lastTransitionTime")
        reason = try fields.requiredString("reason")
        message = try fields.requiredString("message")
    }

    /// `conditions` with `condition` put in place of the one of its type (or appended), keeping
    /// the old `lastTransitionTime` when the status did not change.
    public static func setting(_ condition: Condition, in conditions: [Condition]) -> [Condition] {
        var result = conditions
        if let index = result.firstIndex(where: { $0.type == condition.type }) {
            var updated = condition
            if result[index].status == condition.status {
                updated.lastTransitionTime = result[index].lastTransitionTime
            }
            result[index] = updated
        } else {
            result.append(condition)
        }
        return result
    }
}

extension Array where Element == Condition {
    /// The condition of the given type.
    public subscript(type type: String) -> Condition? {
        first { $0.type == type }
    }

    /// True when the condition of the given type exists with status True.
    public func isTrue(_ type: String) -> Bool {
        self[type: type]?.status == .true
    }
}
