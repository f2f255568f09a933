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

    /// Read straight from a tree when every field is what it should be (`TreeFields`), as every
    /// object read from a cache starts with its metadata; anything else takes the Codable path,
    /// which names the error.
    public init(from decoder: any Decoder) throws {
        if let fields = TreeFields(decoder), let meta = try? Self(fields) {
            self = meta
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        generateName = try container.decodeIfPresent(String.self, forKey: .generateName)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        uid = try container.decodeIfPresent(String.self, forKey: .uid)
        resourceVersion = try container.decodeIfPresent(String.self, forKey: .resourceVersion)
        generation = try container.decodeIfPresent(Int64.self, forKey: .generation)
        creationTimestamp = try container.decodeIfPresent(KubeTime.self, forKey: .creationTimestamp)
        deletionTimestamp = try container.decodeIfPresent(KubeTime.self, forKey: .deletionTimestamp)
        deletionGracePeriodSeconds = try container.decodeIfPresent(Int64.self, forKey: .deletionGracePeriodSeconds)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
        ownerReferences = try container.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences)
        finalizers = try container.decodeIfPresent([String].self, forKey: .finalizers)
    }

    init(_ fields: TreeFields) throws(TreeFields.Unreadable) {
        name = try fields.string("name")
        generateName = try fields.string("generateName")
        namespace = try fields.string("namespace")
        uid = try fields.string("uid")
        resourceVersion = try fields.string("resourceVersion")
        generation = try fields.int64("generation")
        creationTimestamp = try fields.time("creationTimestamp")
        deletionTimestamp = try fields.time("deletionTimestamp")
        deletionGracePeriodSeconds = try fields.int64("deletionGracePeriodSeconds")
        labels = try fields.stringMap("labels")
        annotations = try fields.stringMap("annotations")
        ownerReferences = try fields.objects("ownerReferences") { (reference: TreeFields) throws(TreeFields.Unreadable) in
            OwnerReference(apiVersion: try reference.requiredString("apiVersion"), kind: try reference.requiredString("kind"),
                           name: try reference.requiredString("name"), uid: try reference.requiredString("uid"),
                           controller: try reference.bool("controller"), blockOwnerDeletion: try reference.bool("blockOwnerDeletion"))
        }
        finalizers = try fields.strings("finalizers")
    }

    /// The owner reference with `controller: true`, if any.
    public var controllerReference: OwnerReference? {
        ownerReferences?.first { $0.controller == true }
    }
}
