import KubeCore

/// One node of a CustomResourceDefinition version's `openAPIV3Schema`, parsed once and checked
/// to be *structural* (every field has a type, value validations only restrict), as
/// apiextensions-apiserver requires before it serves a version.
///
/// The same type also holds the nested schemas of `allOf`/`anyOf`/`oneOf`/`not`: those only
/// restrict values (they may not add fields or types), so they carry no structure of their own.
///
/// The server uses it for the four things the real one does with a schema: pruning unknown
/// fields (``prune(_:)``), defaulting (``applyDefaults(_:)``), validation including CEL rules
/// (``validate(_:old:cel:)``), and telling patch / server-side-apply code how lists merge
/// (``listType(at:)``).
public struct StructuralSchema: Sendable {
    /// `object`, `array`, `string`, `integer`, `number`, `boolean`; nil for
    /// `x-kubernetes-int-or-string` and bare `x-kubernetes-preserve-unknown-fields` nodes.
    public var type: String?
    /// The format as written (`date-time`, `int32`, …). Only the formats the real server
    /// validates are checked (see ``validatedFormat``).
    public var format: String?
    public var title: String?
    public var description: String?
    public var nullable: Bool = false
    /// `default`, applied by ``applyDefaults(_:)``.
    public var defaultValue: JSON?
    public var example: JSON?

    public var properties: [String: StructuralSchema] = [:]
    /// Held in an array so that the struct can contain itself (zero or one element).
    private var itemsStorage: [StructuralSchema] = []
    public var items: StructuralSchema? {
        get { itemsStorage.first }
        set { itemsStorage = newValue.map { [$0] } ?? [] }
    }
    public var additionalProperties: AdditionalProperties?
    public var required: [String] = []

    public var enumValues: [JSON]?
    public var maximum: Double?
    public var exclusiveMaximum: Bool = false
    public var minimum: Double?
    public var exclusiveMinimum: Bool = false
    public var multipleOf: Double?
    public var maxLength: Int64?
    public var minLength: Int64?
    public var pattern: String?
    var compiledPattern: CompiledPattern?
    public var maxItems: Int64?
    public var minItems: Int64?
    public var uniqueItems: Bool = false
    public var maxProperties: Int64?
    public var minProperties: Int64?

    public var allOf: [StructuralSchema] = []
    public var anyOf: [StructuralSchema] = []
    public var oneOf: [StructuralSchema] = []
    private var notStorage: [StructuralSchema] = []
    public var not: StructuralSchema? {
        get { notStorage.first }
        set { notStorage = newValue.map { [$0] } ?? [] }
    }

    public var preserveUnknownFields: Bool = false
    public var intOrString: Bool = false
    public var embeddedResource: Bool = false
    /// `x-kubernetes-list-type`: `atomic`, `set` or `map`; nil means atomic for CRDs.
    public var listType: String?
    public var listMapKeys: [String] = []
    /// `x-kubernetes-map-type`: `granular` or `atomic`.
    public var mapType: String?
    public var validations: [ValidationRule] = []

    /// An empty schema; ``init(_:)`` is the way to read one from a CRD.
    public init() {}

    /// `additionalProperties` as OpenAPI allows it: a schema for every value, or a boolean.
    public indirect enum AdditionalProperties: Sendable {
        case allows(Bool)
        case schema(StructuralSchema)

        /// The schema for the values, if any (`true` allows anything and prunes nothing below).
        public var schema: StructuralSchema? {
            if case let .schema(s) = self { return s }
            return nil
        }
    }

    /// The schema of a property or, for maps, of every value: what a key's value must follow.
    public func schema(forKey key: String) -> StructuralSchema? {
        if let property = properties[key] { return property }
        return additionalProperties?.schema
    }

    /// Whether this node or anything below it carries `x-kubernetes-validations`; the real
    /// server builds a CEL validator (and adds its "rules were not checked" note) only then.
    public var hasValidationRules: Bool {
        if !validations.isEmpty { return true }
        if items?.hasValidationRules == true { return true }
        if additionalProperties?.schema?.hasValidationRules == true { return true }
        return properties.values.contains { $0.hasValidationRules }
    }
}

/// A compiled `pattern`. Swift's `Regex` is not declared `Sendable`, but a compiled regex is
/// never mutated after creation, so sharing it between threads is safe.
final class CompiledPattern: @unchecked Sendable {
    let source: String
    let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// Go's `regexp.MatchString`: a match anywhere in the string, not the whole string.
    func matches(_ s: String) -> Bool {
        (try? regex.firstMatch(in: s)) != nil
    }
}

/// One `x-kubernetes-validations` entry.
public struct ValidationRule: Sendable, Equatable {
    public var rule: String
    public var message: String?
    public var messageExpression: String?
    /// A JSON path relative to the rule's node (`.replicas`, `['a.b']`) where failures are reported.
    public var fieldPath: String?
    /// `FieldValueInvalid` (default), `FieldValueForbidden`, `FieldValueRequired`, `FieldValueDuplicate`.
    public var reason: String?
    /// Lets a transition rule run on create too, with `oldSelf` absent.
    public var optionalOldSelf: Bool = false
    /// Whether the CRD wrote `optionalOldSelf` at all (errors show an unset one as `null`).
    public var optionalOldSelfIsSet: Bool = false

    public init(rule: String, message: String? = nil, messageExpression: String? = nil,
                fieldPath: String? = nil, reason: String? = nil, optionalOldSelf: Bool = false) {
        self.rule = rule
        self.message = message
        self.messageExpression = messageExpression
        self.fieldPath = fieldPath
        self.reason = reason
        self.optionalOldSelf = optionalOldSelf
    }

    /// Whether the rule reads `oldSelf`, which makes it a transition rule: it runs only where
    /// an old value correlates, and its failures are never ratcheted away.
    public var usesOldSelf: Bool {
        StructuralSchema.mentionsIdentifier("oldSelf", in: rule)
    }
}

extension StructuralSchema {
    /// Whether `identifier` appears in a CEL expression as a whole word outside string literals.
    static func mentionsIdentifier(_ identifier: String, in expression: String) -> Bool {
        let chars = Array(expression.unicodeScalars)
        let target = Array(identifier.unicodeScalars)
        var i = 0
        var quote: Unicode.Scalar? = nil
        func isIdent(_ c: Unicode.Scalar) -> Bool {
            c == "_" || (c.value < 128 && (c.properties.isAlphabetic || ("0"..."9").contains(c)))
        }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
                i += 1
                continue
            }
            if c == "'" || c == "\"" { quote = c; i += 1; continue }
            if i + target.count <= chars.count, Array(chars[i..<(i + target.count)]) == target,
               i == 0 || !isIdent(chars[i - 1]),
               i + target.count == chars.count || !isIdent(chars[i + target.count]) {
                return true
            }
            i += 1
        }
        return false
    }
}
