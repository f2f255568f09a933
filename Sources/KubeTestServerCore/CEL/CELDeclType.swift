/// apiserver's `DeclType`: the CEL view of one structural-schema node, with the two numbers the
/// cost estimator needs — the most elements (list items, map entries, string bytes) a value can
/// have, and the smallest JSON it can serialize to (which bounds how often it can repeat in a
/// 3 MiB request).
final class CELDeclType: Sendable {
    enum Shape: Sendable {
        case scalar
        case list(CELDeclType)
        case map(key: CELDeclType, value: CELDeclType)
        /// Fields by escaped CEL name (`foo__dash__bar`, `__namespace__`).
        case object([String: CELDeclType])
    }

    /// `object` until named; objects are then named after their place (`selfType1.spec`).
    let name: String
    let shape: Shape
    let celType: CELType
    let maxElements: Int64
    let minSerializedSize: Int64

    init(name: String, shape: Shape, celType: CELType, maxElements: Int64 = 0, minSerializedSize: Int64) {
        self.name = name
        self.shape = shape
        self.celType = celType
        self.maxElements = maxElements
        self.minSerializedSize = minSerializedSize
    }

    static func scalar(_ name: String, _ type: CELType, minSize: Int64, maxElements: Int64 = 0) -> CELDeclType {
        CELDeclType(name: name, shape: .scalar, celType: type, maxElements: maxElements, minSerializedSize: minSize)
    }

    /// A list can always be written as `[]`, a map as `{}`: both have a minimum size of 2.
    static func list(_ element: CELDeclType, maxItems: Int64) -> CELDeclType {
        CELDeclType(name: "list", shape: .list(element), celType: .list(element.celType), maxElements: maxItems, minSerializedSize: 2)
    }

    static func map(_ value: CELDeclType, maxProperties: Int64) -> CELDeclType {
        let key = CELDeclType.scalar("string", .string, minSize: CELSizes.minStringSize)
        return CELDeclType(name: "map", shape: .map(key: key, value: value), celType: .map(.string, value.celType),
                           maxElements: maxProperties, minSerializedSize: 2)
    }

    static func object(_ fields: [String: CELDeclType], minSerializedSize: Int64, name: String = "object") -> CELDeclType {
        CELDeclType(name: name, shape: .object(fields), celType: .object(name), minSerializedSize: minSerializedSize)
    }

    var elementType: CELDeclType? {
        switch shape {
        case let .list(e): return e
        case let .map(_, v): return v
        default: return nil
        }
    }

    var keyType: CELDeclType? {
        if case let .map(k, _) = shape { return k }
        return nil
    }

    var fields: [String: CELDeclType]? {
        if case let .object(f) = shape { return f }
        return nil
    }

    /// `MaybeAssignTypeName`: unnamed objects take `name`, their fields `name.field`, list items
    /// `name.@idx`, map values `name.@elem`.
    func named(_ name: String) -> CELDeclType {
        switch shape {
        case let .object(fields):
            let own = self.name == "object" ? name : self.name
            var renamed: [String: CELDeclType] = [:]
            for (field, type) in fields { renamed[field] = type.named("\(own).\(field)") }
            return .object(renamed, minSerializedSize: minSerializedSize, name: own)
        case let .list(element):
            return .list(element.named("\(name).@idx"), maxItems: maxElements)
        case let .map(_, value):
            return .map(value.named("\(name).@elem"), maxProperties: maxElements)
        case .scalar:
            return self
        }
    }

    /// Every named object type below (and including) this one, for field lookups by type name.
    func objectTypes(into registry: inout [String: CELDeclType]) {
        switch shape {
        case let .object(fields):
            registry[name] = self
            for type in fields.values { type.objectTypes(into: &registry) }
        case let .list(e): e.objectTypes(into: &registry)
        case let .map(_, v): v.objectTypes(into: &registry)
        case .scalar: break
        }
    }
}

/// The size constants of k8s.io/apiserver/pkg/cel (JSON sizes, the 3 MiB request limit).
enum CELSizes {
    static let maxRequestSizeBytes: Int64 = 3 * 1024 * 1024
    static let maxDurationSizeJSON: Int64 = 32
    static let maxDatetimeSizeJSON: Int64 = 32
    static let minDurationSizeJSON: Int64 = 3
    static let jsonDateSize: Int64 = 12
    static let minDatetimeSizeJSON: Int64 = 21
    static let minStringSize: Int64 = 2
    static let minBoolSize: Int64 = 4
    static let minNumberSize: Int64 = 1
}
