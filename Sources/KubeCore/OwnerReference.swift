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
}
