import KubeCore

/// A change to one object, kept in the bounded history that watches replay from.
public struct WatchEvent: Sendable {
    public enum Kind: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
    }

    public var kind: Kind
    public var storageKey: String
    /// The object after the change (for DELETED, its last state at the deletion's resourceVersion).
    public var object: StoredObject
    /// The object before the change, so selector watches can turn a MODIFIED into ADDED or DELETED.
    public var previous: StoredObject?
    public var resourceVersion: Int64 { object.resourceVersion }
}
