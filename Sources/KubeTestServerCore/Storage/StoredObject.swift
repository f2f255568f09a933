import KubeCore

/// An object as stored: the decoded value and its serialization, made once per write so that
/// lists and watches of thousands of objects only copy bytes.
public final class StoredObject: Sendable {
    public let object: JSON
    /// The object's JSON as a GET or a watch event carries it: `kind` and `apiVersion` first (the
    /// real server's order for built-in kinds), then the other members, sorted.
    public let bytes: [UInt8]
    /// Where the members after `kind` and `apiVersion` start in `bytes` (1 when it has neither).
    /// Lists of built-in kinds leave the type out of their items, and splice it off here: one
    /// serialization serves both forms, at no memory cost beyond this offset.
    let bodyStart: Int
    public let resourceVersion: Int64
    /// `metadata.labels`, read once per write: a label-selected list tests every object of its
    /// kind, and rebuilding this dictionary each time made such lists the server's hot spot.
    public let labels: [String: String]

    init(_ object: JSON, resourceVersion: Int64) {
        self.object = object
        (bytes, bodyStart) = Self.serialize(object)
        self.resourceVersion = resourceVersion
        self.labels = object[path: ["metadata", "labels"]]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    }

    public var name: String { object[path: ["metadata", "name"]]?.stringValue ?? "" }
    public var namespace: String { object[path: ["metadata", "namespace"]]?.stringValue ?? "" }
    public var uid: String { object[path: ["metadata", "uid"]]?.stringValue ?? "" }

    /// Appends the object without `kind` and `apiVersion`: an item of a built-in kind's list
    /// (goldens 118–125), where the list alone says the type.
    func appendWithoutTypeMeta(to out: inout [UInt8]) {
        guard bodyStart > 1 else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "{"))
        let rest = bytes[bodyStart] == UInt8(ascii: ",") ? bodyStart + 1 : bodyStart
        out.append(contentsOf: bytes[rest...])
    }

    static let typeMetaKeys = ["kind", "apiVersion"]

    static func serialize(_ object: JSON) -> (bytes: [UInt8], bodyStart: Int) {
        guard case let .object(members) = object else { return (object.serialized(), 1) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        func append(_ key: String, _ value: JSON) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            JSON.string(key).write(into: &out)
            out.append(UInt8(ascii: ":"))
            value.write(into: &out)
        }
        for key in typeMetaKeys { if let value = members[key] { append(key, value) } }
        let bodyStart = out.count
        for key in members.keys.sorted() where !typeMetaKeys.contains(key) { append(key, members[key]!) }
        out.append(UInt8(ascii: "}"))
        return (out, bodyStart)
    }
}

/// Where an object lives: its namespace ("" for cluster-scoped kinds) and name. Sorted the way
/// etcd sorts keys: by the bytes of `namespace/name`, the key under the resource's prefix.
public struct ObjectKey: Hashable, Sendable, Comparable {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// etcd's order. A namespace is compared with the `/` that follows it in the key, so `team-a`
    /// lists before `team` (`-` is 0x2D, `/` 0x2F), where comparing the names alone would not.
    public static func < (a: ObjectKey, b: ObjectKey) -> Bool {
        if a.namespace == b.namespace { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
        return namespacePrecedes(a.namespace, b.namespace)
    }

    /// Whether `namespace/…` sorts before `other/…`.
    static func namespacePrecedes(_ namespace: String, _ other: String) -> Bool {
        let slash = UInt8(ascii: "/")
        var mine = namespace.utf8.makeIterator()
        var theirs = other.utf8.makeIterator()
        while true {
            switch (mine.next(), theirs.next()) {
            case let (x?, y?): if x != y { return x < y }
            case let (nil, y?): return slash <= y
            case let (x?, nil): return x < slash
            case (nil, nil): return false
            }
        }
    }

    /// The key under the resource's prefix as etcd holds it: `namespace/name`, or `name` for a
    /// cluster-scoped kind.
    var storageBytes: [UInt8] { namespace.isEmpty ? Array(name.utf8) : Array("\(namespace)/\(name)".utf8) }

    /// The key as a continue token names it: after the list's own prefix, so `/name` in a list
    /// of one namespace (golden 054) and `/namespace/name` in a list across namespaces.
    func continueKey(inNamespaceList: Bool) -> String {
        inNamespaceList || namespace.isEmpty ? "/\(name)" : "/\(namespace)/\(name)"
    }
}
