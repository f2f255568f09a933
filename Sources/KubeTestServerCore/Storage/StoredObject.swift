import KubeCore

/// An object as stored: the decoded value and its serialization, made once per write so that
/// lists and watches of thousands of objects only copy bytes.
public final class StoredObject: Sendable {
    public let object: JSON
    public let bytes: [UInt8]
    public let resourceVersion: Int64
    /// `metadata.labels`, read once per write: a label-selected list tests every object of its
    /// kind, and rebuilding this dictionary each time made such lists the server's hot spot.
    public let labels: [String: String]

    init(_ object: JSON, resourceVersion: Int64) {
        self.object = object
        self.bytes = object.serialized()
        self.resourceVersion = resourceVersion
        self.labels = object[path: ["metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    }

    public var name: String { object[path: ["metadata", "name"]]?.stringValue ?? "" }
    public var namespace: String { object[path: ["metadata", "namespace"]]?.stringValue ?? "" }
    public var uid: String { object[path: ["metadata", "uid"]]?.stringValue ?? "" }
}

/// Where an object lives: its namespace ("" for cluster-scoped kinds) and name. Sorted the way
/// etcd sorts keys, namespace first.
public struct ObjectKey: Hashable, Sendable, Comparable {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        a.namespace == b.namespace ? a.name < b.name : a.namespace < b.namespace
    }

    /// The key as the continue token encodes it (`/namespace/name` or `/name`).
    var tokenKey: String { namespace.isEmpty ? "/\(name)" : "/\(namespace)/\(name)" }
}
