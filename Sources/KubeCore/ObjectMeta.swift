/// The metadata every stored object carries (metav1.ObjectMeta), typed for the fields a
/// controller reads or writes.
///
/// `managedFields` is dropped on decode, on purpose: it is server-side apply bookkeeping that
/// controllers never read, it is often the largest part of an object, and the API server keeps
/// the stored value when an update omits it (an apply request must not carry it at all). Also
/// dropped: `selfLink` (gone since 1.20). Everything else of metav1.ObjectMeta round-trips.
public struct ObjectMeta: Sendable, Hashable, Codable {
    public var name: String?
    /// A prefix the server completes with five random characters when `name` is empty.
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    /// Opaque version for optimistic concurrency; send it back unchanged on update.
    public var resourceVersion: String?
    /// Incremented by the server on every spec change (not on status or metadata changes).
    public var generation: Int64?
    public var creationTimestamp: KubeTime?
    /// Set when deletion was requested while finalizers remain.
    public var deletionTimestamp: KubeTime?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil, uid: String? = nil,
        resourceVersion: String? = nil, generation: Int64? = nil, creationTimestamp: KubeTime? = nil,
        deletionTimestamp: KubeTime? = nil, deletionGracePeriodSeconds: Int64? = nil,
        labels: [String: String]? = nil, annotations: [String: String]? = nil,
        ownerReferences: [OwnerReference]? = nil, finalizers: [String]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.deletionGracePeriodSeconds = deletionGracePeriodSeconds
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.finalizers = finalizers
    }

    /// The owner reference with `controller: true`, if any.
    public var controllerReference: OwnerReference? {
        ownerReferences?.first { $0.controller == true }
    }
}
