/// A change to the cache, as handlers and event streams see it.
public enum InformerEvent<Object: Sendable>: Sendable {
    case added(Object)
    /// `old` is what the cache held before; `new` has a different resourceVersion.
    case updated(old: Object, new: Object)
    /// The object as the watch last reported it, or, when the deletion was noticed by a relist
    /// (it happened while disconnected), the last state the cache held.
    case deleted(Object)

    /// The object as it is now (for a deletion, its last known state).
    public var object: Object {
        switch self {
        case let .added(o), let .updated(_, o), let .deleted(o): return o
        }
    }
}
