/// A link from a dependent object to its owner (metav1.OwnerReference). Deleting the owner lets
/// the garbage collector delete the dependent; `controller: true` marks the one owner that
/// manages it, which is how a controller finds the children it must reconcile.
public struct OwnerReference: Sendable, Hashable, Codable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    /// True for the managing controller; at most one owner reference may say so.
    public var controller: Bool?
    /// With foreground deletion, the owner waits for this dependent to be gone first.
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String, kind: String, name: String, uid: String,
        controller: Bool? = nil, blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// The controller reference to `owner`, as controller-runtime's `SetControllerReference` makes
    /// it: `controller` and `blockOwnerDeletion` true, so the garbage collector deletes the child
    /// with its owner and foreground deletion waits for it.
    public static func controller<Owner: KubeResource>(of owner: Owner) -> OwnerReference {
        OwnerReference(apiVersion: Owner.apiVersion, kind: Owner.kind, name: owner.metadata.name ?? "",
                       uid: owner.metadata.uid ?? "", controller: true, blockOwnerDeletion: true)
    }

    /// The reference as it sits in an unstructured child's `metadata.ownerReferences`.
    public var json: JSON {
        var out: JSON = ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name), "uid": .string(uid)]
        if let controller { out["controller"] = .bool(controller) }
        if let blockOwnerDeletion { out["blockOwnerDeletion"] = .bool(blockOwnerDeletion) }
        return out
    }
}
