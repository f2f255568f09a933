import KubeCore

/// The merge-relevant shape of one position in an object: what server-side apply and strategic
/// merge patch need to know, and nothing about validation.
public indirect enum SchemaNode: Sendable {
    /// A leaf: strings, numbers, booleans, int-or-string.
    case scalar
    /// An object: a struct with declared fields, a map with elements, or both.
    case map(MapSchema)
    case list(ListSchema)
    /// `x-kubernetes-preserve-unknown-fields` without a schema below: the value decides. Objects
    /// are granular maps whose keys are map elements, lists are atomic (structured-merge-diff's
    /// "deduced" type).
    case deduced
    /// A built-in field our table does not describe: objects are structs (their keys are declared
    /// fields, so server-side apply does not list them in an applier's set unless they are leaves),
    /// lists are atomic, as the Go types' unmarked lists are.
    case loose
}

public struct MapSchema: Sendable {
    public var fields: [String: SchemaNode]
    /// The type of keys not in `fields`.
    public var elements: SchemaNode
    /// Whether keys not in `fields` count as declared struct fields (built-ins we describe only
    /// partially) rather than map elements (`additionalProperties`, preserved unknown fields).
    public var elementsAreFields: Bool
    /// `x-kubernetes-map-type: atomic` / `+structType=atomic`: replaced and owned as a whole.
    public var atomic: Bool

    public init(fields: [String: SchemaNode] = [:], elements: SchemaNode = .loose, elementsAreFields: Bool = true,
                atomic: Bool = false) {
        self.fields = fields
        self.elements = elements
        self.elementsAreFields = elementsAreFields
        self.atomic = atomic
    }

    func child(_ key: String) -> (node: SchemaNode, declared: Bool) {
        if let node = fields[key] { return (node, true) }
        return (elements, elementsAreFields)
    }
}

public struct ListSchema: Sendable {
    public enum Kind: Sendable, Equatable {
        case atomic
        /// Scalars compared by value (`x-kubernetes-list-type: set`, `+listType=set`).
        case set
        /// Objects identified by the values of these fields (`x-kubernetes-list-map-keys`).
        case map(keys: [String])
    }

    public var kind: Kind
    public var element: SchemaNode
    /// Values used for a list-map key an item leaves out (`protocol` defaults to `TCP` on ports),
    /// so an applied `{containerPort: 80}` finds the stored `{containerPort: 80, protocol: TCP}`.
    public var keyDefaults: [String: JSON]
    /// Strategic merge patch: the `patchMergeKey` of the Go type; nil means the list is replaced.
    public var patchMergeKey: String?
    /// Strategic merge patch: a scalar list with `patchStrategy:"merge"` (finalizers), merged as a union.
    public var patchMergesScalars: Bool

    public init(kind: Kind, element: SchemaNode = .loose, keyDefaults: [String: JSON] = [:],
                patchMergeKey: String? = nil, patchMergesScalars: Bool = false) {
        self.kind = kind
        self.element = element
        self.keyDefaults = keyDefaults
        self.patchMergeKey = patchMergeKey
        self.patchMergesScalars = patchMergesScalars
    }
}

/// What a node means for one concrete value: structured-merge-diff resolves the schema against
/// the value, and a value of the wrong JSON type is treated as an opaque leaf.
enum ResolvedShape {
    case leaf
    case map(MapSchema)
    case list(ListSchema)
}

extension SchemaNode {
    /// The shape for a pair of values (either may be missing); `null` fits any shape.
    func resolve(_ lhs: JSON?, _ rhs: JSON?) -> ResolvedShape {
        let sample = [lhs, rhs].compactMap { $0 }.first { !$0.isNull }
        let others = [lhs, rhs].compactMap { $0 }.filter { !$0.isNull }
        switch self {
        case .scalar:
            return .leaf
        case let .map(m):
            guard others.allSatisfy({ $0.objectValue != nil }) else { return .leaf }
            return m.atomic ? .leaf : .map(m)
        case let .list(l):
            guard others.allSatisfy({ $0.arrayValue != nil }) else { return .leaf }
            return l.kind == .atomic ? .leaf : .list(l)
        case .deduced:
            guard sample?.objectValue != nil, others.allSatisfy({ $0.objectValue != nil }) else { return .leaf }
            return .map(MapSchema(elements: .deduced, elementsAreFields: false))
        case .loose:
            guard sample?.objectValue != nil, others.allSatisfy({ $0.objectValue != nil }) else { return .leaf }
            return .map(MapSchema(elements: .loose, elementsAreFields: true))
        }
    }

    /// The list schema when this node is a list, for strategic merge patch.
    var listSchema: ListSchema? {
        if case let .list(l) = self { return l }
        return nil
    }
}
