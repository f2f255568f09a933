import KubeCore

/// The object an Event is about (`regarding`) or that it also involves (`related`): the
/// fields of a core/v1 ObjectReference that `kubectl describe` matches events by.
public struct EventReference: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    /// Empty for cluster-scoped objects (their Events go to the `default` namespace).
    public var namespace: String
    public var uid: String
    public var resourceVersion: String?
    public var fieldPath: String?

    public init(apiVersion: String, kind: String, name: String, namespace: String = "", uid: String = "",
                resourceVersion: String? = nil, fieldPath: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to a typed object.
    public init<K: KubeResource>(_ object: K) {
        self.init(apiVersion: object.apiVersion.isEmpty ? K.apiVersion : object.apiVersion,
                  kind: object.kind.isEmpty ? K.kind : object.kind,
                  name: object.metadata.name ?? "", namespace: object.metadata.namespace ?? "",
                  uid: object.metadata.uid ?? "", resourceVersion: object.metadata.resourceVersion)
    }

    /// A reference to a dynamic object (nil without apiVersion, kind and metadata.name).
    public init?(_ object: JSON) {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue,
              let name = object[path: ["metadata", "name"]]?.stringValue else { return nil }
        self.init(apiVersion: apiVersion, kind: kind, name: name,
                  namespace: object[path: ["metadata", "namespace"]]?.stringValue ?? "",
                  uid: object[path: ["metadata", "uid"]]?.stringValue ?? "",
                  resourceVersion: object[path: ["metadata", "resourceVersion"]]?.stringValue)
    }

    var json: JSON {
        var o: JSON = ["apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name)]
        if !namespace.isEmpty { o["namespace"] = .string(namespace) }
        if !uid.isEmpty { o["uid"] = .string(uid) }
        if let resourceVersion, !resourceVersion.isEmpty { o["resourceVersion"] = .string(resourceVersion) }
        if let fieldPath, !fieldPath.isEmpty { o["fieldPath"] = .string(fieldPath) }
        return o
    }
}

/// An Event's `type`: the API accepts only these two.
public enum EventType: String, Sendable, Hashable {
    case normal = "Normal"
    case warning = "Warning"
}
