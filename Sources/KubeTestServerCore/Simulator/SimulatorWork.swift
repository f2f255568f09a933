import KubeCore

/// One thing for the simulator's work loop to look at. Object items carry only the key: the
/// handler reads the object as it is now, so a burst of events costs one look at the newest state.
enum SimulatorWork: Sendable {
    case deployment(ObjectKey)
    case job(ObjectKey)
    case pod(ObjectKey)
    case httpRoute(ObjectKey)
    case forceDeadline(ObjectKey)
    /// The server closed the watch of this storage key: reopen it.
    case rewatch(String)
    case barrier(Barrier)

    /// What a watch event asks for: the object itself, and for a pod also its controlling Job.
    static func forEvent(storageKey: String, kind: WatchEvent.Kind, object: StoredObject) -> [SimulatorWork] {
        let key = ObjectKey(namespace: object.namespace, name: object.name)
        switch storageKey {
        case WorkloadSimulator.deploymentsKey: return [.deployment(key)]
        case WorkloadSimulator.jobsKey: return [.job(key)]
        case WorkloadSimulator.httpRoutesKey: return [.httpRoute(key)]
        case WorkloadSimulator.podsKey:
            var work: [SimulatorWork] = [.pod(key)]
            if let owner = controllerOwner(object.object), owner.kind == "Job", owner.apiVersion.hasPrefix("batch/") {
                work.append(.job(ObjectKey(namespace: object.namespace, name: owner.name)))
            }
            return work
        default: return []
        }
    }

    static func controllerOwner(_ object: JSON) -> (apiVersion: String, kind: String, name: String, uid: String)? {
        for ref in object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [] where ref["controller"]?.boolValue == true {
            return (ref["apiVersion"]?.stringValue ?? "", ref["kind"]?.stringValue ?? "",
                    ref["name"]?.stringValue ?? "", ref["uid"]?.stringValue ?? "")
        }
        return nil
    }
}

/// Work items that name an object, for timers (one pending timer per item).
enum TimerKey: Hashable, Sendable {
    case deployment(ObjectKey)
    case job(ObjectKey)
    case pod(ObjectKey)

    var work: SimulatorWork {
        switch self {
        case let .deployment(k): return .deployment(k)
        case let .job(k): return .job(k)
        case let .pod(k): return .pod(k)
        }
    }
}
