/// The identity of an object in a cache: namespace (nil for cluster-scoped kinds) and name.
///
/// Keys are by name rather than uid on purpose: a delete-and-recreate under the same name is, to a
/// controller, the same thing to reconcile, and the API addresses objects by name.
public struct ObjectRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String?
    public var name: String

    public init(namespace: String? = nil, name: String) {
        self.namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        self.name = name
    }

    /// `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc).
    public var description: String {
        if let namespace { return "\(namespace)/\(name)" }
        return name
    }

    public static func < (lhs: ObjectRef, rhs: ObjectRef) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}
