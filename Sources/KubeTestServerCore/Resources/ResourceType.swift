import KubeCore

/// One served resource: its names, scope, subresources and how objects of it are processed.
/// Built-in kinds come from `BuiltinResources`; custom ones are derived from a stored
/// CustomResourceDefinition the moment it is created, as the real server does.
public struct ResourceType: Sendable {
    public var group: String
    public var version: String
    public var kind: String
    public var plural: String
    public var singular: String
    public var shortNames: [String] = []
    public var categories: [String] = []
    public var namespaced: Bool
    /// Whether `/status` is a subresource (then the main endpoint ignores status and `/status` only takes status).
    public var hasStatus: Bool = false
    public var scale: ScaleSubresource? = nil
    /// Objects of resources that share a storage key are one set of objects seen through several
    /// APIs (core/v1 Event and events.k8s.io/v1 Event).
    public var storageKey: String
    public var verbs: [String] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    /// For custom resources: the CRD's schema and printer columns.
    public var custom: CustomResource? = nil
    /// Whether the kind is a Kubernetes built-in (strategic merge patch allowed; missing
    /// resourceVersion on update is an unconditional update).
    public var isBuiltin: Bool { custom == nil }

    public init(group: String, version: String, kind: String, plural: String, singular: String? = nil,
                namespaced: Bool, hasStatus: Bool = false, shortNames: [String] = [], categories: [String] = [],
                storageKey: String? = nil, verbs: [String]? = nil) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.singular = singular ?? kind.lowercased()
        self.namespaced = namespaced
        self.hasStatus = hasStatus
        self.shortNames = shortNames
        self.categories = categories
        self.storageKey = storageKey ?? (group.isEmpty ? plural : "\(plural).\(group)")
        if let verbs { self.verbs = verbs }
    }

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var groupVersion: String { apiVersion }
    /// `deployments.apps`, `configmaps`: how messages name the resource.
    public var qualifiedResource: String { group.isEmpty ? plural : "\(plural).\(group)" }
    public var listKind: String { "\(kind)List" }
}

/// The scale subresource of a CRD: where replicas live in spec and status.
public struct ScaleSubresource: Sendable, Equatable {
    public var specReplicasPath: String
    public var statusReplicasPath: String
    public var labelSelectorPath: String?
}

/// What a CustomResourceDefinition version adds to a resource.
public struct CustomResource: Sendable {
    public var crdName: String
    public var schema: JSON?
    public var processor: CustomResourceProcessor?
    public var printerColumns: [PrinterColumn]
    public var preserveUnknownFields: Bool
}

/// An additionalPrinterColumn of a CRD.
public struct PrinterColumn: Sendable, Equatable {
    public var name: String
    public var type: String
    public var format: String
    public var description: String
    public var priority: Int
    public var jsonPath: String
}
