import KubeCore
import Synchronization

/// Per object of one kind, its current state as `classify` names it (nil: none worth naming) and
/// the first instant it was seen in each state. Fed from a watch handler.
final class StateTracker: Sendable {
    private struct Object {
        var state: String?
        var firstSeen: [String: ContinuousClock.Instant] = [:]
    }

    private let classify: @Sendable (JSON) -> String?
    private let objects = Mutex<[String: Object]>([:])

    init(_ classify: @escaping @Sendable (JSON) -> String?) {
        self.classify = classify
    }

    func observe(_ json: JSON) {
        let now = ContinuousClock.now
        guard let name = json[path: ["metadata", "name"]]?.stringValue else { return }
        let state = classify(json)
        objects.withLock { objects in
            var object = objects[name] ?? Object()
            object.state = state
            if let state, object.firstSeen[state] == nil { object.firstSeen[state] = now }
            objects[name] = object
        }
    }

    /// Objects now in `state`.
    func count(_ state: String) -> Int {
        objects.withLock { $0.values.reduce(0) { $0 + ($1.state == state ? 1 : 0) } }
    }

    /// Objects seen at all.
    var seen: Int { objects.withLock { $0.count } }

    /// When each object was first seen in `state`, by name.
    func firstSeen(_ state: String) -> [String: ContinuousClock.Instant] {
        objects.withLock { objects in objects.compactMapValues { $0.firstSeen[state] } }
    }
}

extension StateTracker {
    /// TrainingJobs by status.phase.
    static func trainingJobs() -> StateTracker {
        StateTracker { $0[path: ["status", "phase"]]?.stringValue }
    }

    /// RetrainPolicies "Scheduled" once their status describes their generation and names the next slot.
    static func retrainPolicies() -> StateTracker {
        StateTracker { json in
            let generation = json[path: ["metadata", "generation"]]?.intValue
            let status = json["status"]
            guard status?["observedGeneration"]?.intValue == generation, status?["nextScheduleTime"]?.stringValue != nil else { return nil }
            return "Scheduled"
        }
    }
}
