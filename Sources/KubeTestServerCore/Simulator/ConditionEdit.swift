import KubeCore

/// Condition list edits the way each real controller makes them, so condition order and
/// timestamps look like a cluster's and an unchanged condition is never rewritten.
enum ConditionEdit {
    /// `deploymentutil.SetDeploymentCondition`: nothing changes when status and reason are the
    /// same; otherwise the condition moves to the end of the list, keeping its
    /// lastTransitionTime when only the reason changed.
    static func setDeployment(_ conditions: inout [JSON], type: String, status: String, reason: String, message: String, now: String) {
        let existing = conditions.first { $0["type"]?.stringValue == type }
        if let existing, existing["status"]?.stringValue == status, existing["reason"]?.stringValue == reason { return }
        var transition = JSON.string(now)
        if let existing, existing["status"]?.stringValue == status, let kept = existing["lastTransitionTime"] { transition = kept }
        conditions.removeAll { $0["type"]?.stringValue == type }
        conditions.append(["type": .string(type), "status": .string(status), "lastUpdateTime": .string(now),
                           "lastTransitionTime": transition, "reason": .string(reason), "message": .string(message)])
    }

    /// The job controller's edit: a new condition is appended; a changed one is replaced in
    /// place (lastTransitionTime kept while the status is the same).
    static func setJob(_ conditions: inout [JSON], type: String, status: String, reason: String, message: String, now: String) {
        let wanted: JSON = ["type": .string(type), "status": .string(status), "lastProbeTime": .string(now),
                            "lastTransitionTime": .string(now), "reason": .string(reason), "message": .string(message)]
        guard let index = conditions.firstIndex(where: { $0["type"]?.stringValue == type }) else {
            conditions.append(wanted)
            return
        }
        let existing = conditions[index]
        if existing["status"]?.stringValue == status, existing["reason"]?.stringValue == reason,
           existing["message"]?.stringValue == message { return }
        var updated = wanted
        if existing["status"]?.stringValue == status, let kept = existing["lastTransitionTime"] { updated["lastTransitionTime"] = kept }
        conditions[index] = updated
    }

    struct PodCondition {
        var type: String
        var status: Bool
        var reason: String? = nil
        var message: String? = nil
    }

    /// Pod conditions in the kubelet's order, each keeping its lastTransitionTime while its
    /// status stays the same (lastProbeTime is always null, as the kubelet writes it).
    static func pod(_ wanted: [PodCondition], existing: [JSON], now: String) -> [JSON] {
        wanted.map { condition in
            let status = condition.status ? "True" : "False"
            var transition = JSON.string(now)
            if let old = existing.first(where: { $0["type"]?.stringValue == condition.type }),
               old["status"]?.stringValue == status, let kept = old["lastTransitionTime"] {
                transition = kept
            }
            var json: JSON = ["type": .string(condition.type), "status": .string(status), "lastProbeTime": nil,
                              "lastTransitionTime": transition]
            if let reason = condition.reason { json["reason"] = .string(reason) }
            if let message = condition.message { json["message"] = .string(message) }
            return json
        }
    }

    static func isTrue(_ conditions: [JSON], _ type: String) -> Bool {
        conditions.contains { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }
    }
}
