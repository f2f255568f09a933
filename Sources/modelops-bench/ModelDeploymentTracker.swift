import KubeCore
import Synchronization

/// What the ModelDeployment watch saw, per object: the first instant each observedGeneration
/// appeared in a status write, and the first instant the object was settled (Healthy, no
/// canary, status of the current generation) on each version. Fed from the watch handler, so it
/// only copies a few fields under its lock.
final class ModelDeploymentTracker: Sendable {
    struct Object {
        var generation: Int64 = 0
        var observedGeneration: Int64 = 0
        /// The stable version while settled, else nil.
        var settledOn: String?
        var observedAt: [Int64: ContinuousClock.Instant] = [:]
        var settledAt: [String: ContinuousClock.Instant] = [:]
    }

    private let objects = Mutex<[String: Object]>([:])

    func observe(_ json: JSON) {
        let now = ContinuousClock.now
        guard let name = json[path: ["metadata", "name"]]?.stringValue else { return }
        let generation = json[path: ["metadata", "generation"]]?.intValue ?? 0
        let status = json["status"]
        let observed = status?["observedGeneration"]?.intValue ?? 0
        let settled = observed == generation && status?["phase"]?.stringValue == "Healthy"
            && (status?["canary"] ?? .null).isNull
        let stable = settled ? status?[path: ["stable", "version"]]?.stringValue : nil
        objects.withLock { objects in
            var object = objects[name] ?? Object()
            object.generation = generation
            object.observedGeneration = observed
            object.settledOn = stable
            if object.observedAt[observed] == nil { object.observedAt[observed] = now }
            if let stable, object.settledAt[stable] == nil { object.settledAt[stable] = now }
            objects[name] = object
        }
    }

    /// Objects settled on `version`.
    func settled(on version: String) -> Int {
        objects.withLock { $0.values.reduce(0) { $0 + ($1.settledOn == version ? 1 : 0) } }
    }

    /// When the object's status first said observedGeneration `generation`.
    func observedAt(_ name: String, generation: Int64) -> ContinuousClock.Instant? {
        objects.withLock { $0[name]?.observedAt[generation] }
    }

    /// When the object first settled on `version`.
    func settledAt(_ name: String, version: String) -> ContinuousClock.Instant? {
        objects.withLock { $0[name]?.settledAt[version] }
    }
}
