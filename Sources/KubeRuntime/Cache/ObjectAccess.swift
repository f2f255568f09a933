import KubeCore

/// How the cache reads the few metadata fields it needs from an object, for typed kinds and for
/// `JSON` alike, without asking every kind to conform to a cache protocol.
///
/// `prepare` runs once on every object before it is stored: it removes what a controller never
/// reads (`metadata.managedFields`, often half an object's bytes), since a cache of thousands of
/// objects lives for the whole life of the operator.
public struct ObjectAccess<Object: Sendable>: Sendable {
    public var ref: @Sendable (Object) -> ObjectRef
    public var resourceVersion: @Sendable (Object) -> String
    /// `metadata.uid`, which owner references point at.
    public var uid: @Sendable (Object) -> String?
    /// `metadata.ownerReferences[controller=true].uid`.
    public var controllerUID: @Sendable (Object) -> String?
    public var prepare: @Sendable (Object) -> Object
    /// How the cache packs an object between reads; nil keeps the decoded value.
    public var packing: ObjectPacking<Object>?

    public init(ref: @escaping @Sendable (Object) -> ObjectRef,
                resourceVersion: @escaping @Sendable (Object) -> String,
                uid: @escaping @Sendable (Object) -> String? = { _ in nil },
                controllerUID: @escaping @Sendable (Object) -> String?,
                prepare: @escaping @Sendable (Object) -> Object = { $0 },
                packing: ObjectPacking<Object>? = nil) {
        self.ref = ref
        self.resourceVersion = resourceVersion
        self.uid = uid
        self.controllerUID = controllerUID
        self.prepare = prepare
        self.packing = packing
    }

    /// The same access, holding objects as they are (no packing).
    public var unpacked: ObjectAccess {
        var access = self
        access.packing = nil
        return access
    }
}

extension ObjectAccess where Object: KubeResource {
    /// Typed kinds: `ObjectMeta` already drops managedFields when it decodes.
    public static var typed: ObjectAccess {
        ObjectAccess(
            ref: { ObjectRef(namespace: $0.metadata.namespace, name: $0.metadata.name ?? "") },
            resourceVersion: { $0.metadata.resourceVersion ?? "" },
            uid: { $0.metadata.uid },
            controllerUID: { $0.metadata.controllerReference?.uid },
            packing: .codable)
    }
}

extension ObjectAccess where Object == JSON {
    /// Dynamic objects: metadata read from the JSON tree; `metadata.managedFields` removed.
    public static var json: ObjectAccess { json(keeping: nil) }

    /// Dynamic objects of which the cache keeps only what `keep` returns, after managedFields
    /// are removed: client-go's informer transform (`SetTransform`). For kinds with thousands of
    /// objects of which a controller reads a few fields: what it does not keep costs no memory
    /// for the operator's whole life. `keep` must leave `metadata` whole (refs, indexes and
    /// owner lookups read it).
    public static func json(keeping keep: (@Sendable (JSON) -> JSON)?) -> ObjectAccess {
        ObjectAccess(
            ref: { ObjectRef(namespace: $0[path: ["metadata", "namespace"]]?.stringValue,
                             name: $0[path: ["metadata", "name"]]?.stringValue ?? "") },
            resourceVersion: { $0[path: ["metadata", "resourceVersion"]]?.stringValue ?? "" },
            uid: { $0[path: ["metadata", "uid"]]?.stringValue },
            controllerUID: { object in
                object[path: ["metadata", "ownerReferences"]]?.arrayValue?
                    .first { $0["controller"]?.boolValue == true }?["uid"]?.stringValue
            },
            prepare: { object in
                var stripped = object
                if object[path: ["metadata", "managedFields"]] != nil {
                    stripped[path: ["metadata", "managedFields"]] = nil
                }
                return keep.map { $0(stripped) } ?? stripped
            },
            packing: .compactJSON)
    }

    /// Only `apiVersion`, `kind` and `metadata` are cached: controller-runtime's metadata-only
    /// watches, for children a controller compares by an annotation and never reads the spec
    /// or status of.
    public static var metadataOnly: ObjectAccess {
        json { object in object.keeping(["apiVersion", "kind", "metadata"]) }
    }
}
