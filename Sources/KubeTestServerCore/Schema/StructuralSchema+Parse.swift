import KubeCore

extension StructuralSchema {
    /// Parses a CRD version's `openAPIV3Schema` and checks that it is structural, as the real
    /// server does before it accepts the CustomResourceDefinition.
    public init(_ openAPIV3Schema: JSON) throws(SchemaError) {
        try self.init(openAPIV3Schema, fieldPath: "openAPIV3Schema")
    }

    /// Same, naming problems relative to `fieldPath` (for a v1 CRD the real server says
    /// `spec.versions[0].schema.openAPIV3Schema`).
    public init(_ openAPIV3Schema: JSON, fieldPath: String) throws(SchemaError) {
        var parser = SchemaParser()
        let root = parser.parse(openAPIV3Schema, path: fieldPath, nested: false)
        var errors = parser.errors
        if errors.isEmpty {
            errors += StructuralChecks.invariants(root, level: .root, path: fieldPath)
            errors += StructuralChecks.completeness(root, path: fieldPath)
            errors += OpenAPISchemaChecks.check(root, path: fieldPath, celReady: false).schemaErrors
        }
        guard errors.isEmpty else {
            // The real server sorts these, since they come out of map iteration otherwise.
            throw SchemaError(causes: errors.sorted { $0.summary < $1.summary })
        }
        self = root
    }
}

/// Reads JSON into ``StructuralSchema`` nodes, noting keywords of the wrong JSON type and the
/// keywords CRDs do not support.
struct SchemaParser {
    var errors: [FieldError] = []

    mutating func parse(_ json: JSON, path: String, nested: Bool) -> StructuralSchema {
        var s = StructuralSchema()
        guard case let .object(o) = json else {
            errors.append(.typeInvalid(path, .string(json.typeName), "must be an object"))
            return s
        }
        for key in o.keys.sorted() {
            let value = o[key] ?? .null
            let p = SchemaFieldPath.child(path, key)
            switch key {
            case "type":
                s.type = string(value, p)
                if let t = s.type, !Self.types.contains(t) {
                    errors.append(.notSupported(p, .string(t), supported: Self.types.map { .string($0) }))
                }
            case "format": s.format = string(value, p)
            case "title": s.title = string(value, p)
            case "description": s.description = string(value, p)
            case "nullable": s.nullable = bool(value, p)
            case "default": s.defaultValue = value
            case "example": s.example = value
            case "properties":
                guard case let .object(props) = value else { invalid(p, value, "must be an object"); continue }
                for name in props.keys.sorted() {
                    s.properties[name] = parse(props[name] ?? .null, path: SchemaFieldPath.key(p, name), nested: nested)
                }
            case "items":
                if case .array = value {
                    errors.append(.forbidden(p, "items must be a schema object and not an array"))
                } else {
                    s.items = parse(value, path: p, nested: nested)
                }
            case "additionalProperties":
                switch value {
                case let .bool(b): s.additionalProperties = .allows(b)
                case .object: s.additionalProperties = .schema(parse(value, path: p, nested: nested))
                default: invalid(p, value, "must be a boolean or an object")
                }
            case "required":
                s.required = strings(value, p)
            case "enum":
                guard case let .array(values) = value else { invalid(p, value, "must be an array"); continue }
                s.enumValues = values
            case "maximum": s.maximum = number(value, p)
            case "minimum": s.minimum = number(value, p)
            case "exclusiveMaximum": s.exclusiveMaximum = bool(value, p)
            case "exclusiveMinimum": s.exclusiveMinimum = bool(value, p)
            case "multipleOf":
                s.multipleOf = number(value, p)
                if let m = s.multipleOf, m <= 0 {
                    invalid(p, value, "must be greater than zero")
                }
            case "maxLength": s.maxLength = count(value, p)
            case "minLength": s.minLength = count(value, p)
            case "maxItems": s.maxItems = count(value, p)
            case "minItems": s.minItems = count(value, p)
            case "maxProperties": s.maxProperties = count(value, p)
            case "minProperties": s.minProperties = count(value, p)
            case "uniqueItems":
                s.uniqueItems = bool(value, p)
                if s.uniqueItems {
                    errors.append(.forbidden(p, "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"))
                }
            case "pattern":
                s.pattern = string(value, p)
                if let pattern = s.pattern {
                    do {
                        s.compiledPattern = try CompiledPattern(pattern)
                    } catch {
                        invalid(p, value, "must be a valid regular expression, but isn't: \(error)")
                    }
                }
            case "allOf", "anyOf", "oneOf":
                guard case let .array(list) = value else { invalid(p, value, "must be an array"); continue }
                let parsed = list.enumerated().map { parse($0.element, path: SchemaFieldPath.index(p, $0.offset), nested: true) }
                switch key {
                case "allOf": s.allOf = parsed
                case "anyOf": s.anyOf = parsed
                default: s.oneOf = parsed
                }
            case "not": s.not = parse(value, path: p, nested: true)
            case "x-kubernetes-preserve-unknown-fields":
                s.preserveUnknownFields = bool(value, p)
                if case .bool(false) = value {
                    invalid(p, value, "must be true or undefined")
                }
            case "x-kubernetes-int-or-string": s.intOrString = bool(value, p)
            case "x-kubernetes-embedded-resource": s.embeddedResource = bool(value, p)
            case "x-kubernetes-list-type": s.listType = string(value, p)
            case "x-kubernetes-list-map-keys": s.listMapKeys = strings(value, p)
            case "x-kubernetes-map-type": s.mapType = string(value, p)
            case "x-kubernetes-validations": s.validations = rules(value, p)
            case "externalDocs", "$schema", "id", "x-kubernetes-selectable-field":
                continue
            case "$ref", "definitions", "patternProperties", "additionalItems", "dependencies":
                errors.append(.forbidden(p, "\(key) is not supported"))
            default:
                // The real server's decoder drops unknown keywords from a CRD schema (they never
                // reach the stored object), so accept and ignore them too.
                continue
            }
        }
        if s.properties.count > 0, let additional = s.additionalProperties, case .schema = additional {
            errors.append(.forbidden(SchemaFieldPath.child(path, "additionalProperties"), "additionalProperties and properties are mutual exclusive"))
        }
        return s
    }

    static let types = ["array", "boolean", "integer", "number", "object", "string"]

    private mutating func invalid(_ path: String, _ value: JSON, _ detail: String) {
        errors.append(.invalid(path, value, detail))
    }

    private mutating func string(_ value: JSON, _ path: String) -> String? {
        if case let .string(s) = value { return s }
        invalid(path, value, "must be a string")
        return nil
    }

    private mutating func bool(_ value: JSON, _ path: String) -> Bool {
        if case let .bool(b) = value { return b }
        invalid(path, value, "must be a boolean")
        return false
    }

    private mutating func number(_ value: JSON, _ path: String) -> Double? {
        if let d = value.doubleValue { return d }
        invalid(path, value, "must be a number")
        return nil
    }

    private mutating func count(_ value: JSON, _ path: String) -> Int64? {
        if let i = value.intValue, i >= 0 { return i }
        invalid(path, value, "must be a non-negative integer")
        return nil
    }

    private mutating func strings(_ value: JSON, _ path: String) -> [String] {
        guard case let .array(list) = value else {
            invalid(path, value, "must be an array of strings")
            return []
        }
        var out: [String] = []
        for (i, element) in list.enumerated() {
            if let s = string(element, SchemaFieldPath.index(path, i)) { out.append(s) }
        }
        return out
    }

    private mutating func rules(_ value: JSON, _ path: String) -> [ValidationRule] {
        guard case let .array(list) = value else {
            invalid(path, value, "must be an array")
            return []
        }
        var out: [ValidationRule] = []
        for (i, element) in list.enumerated() {
            let p = SchemaFieldPath.index(path, i)
            guard case let .object(o) = element else { invalid(p, element, "must be an object"); continue }
            // A missing or blank rule is kept (and refused by OpenAPISchemaChecks) so that the
            // indexes of the rules after it stay right.
            var r = ValidationRule(rule: o["rule"].flatMap { string($0, SchemaFieldPath.child(p, "rule")) } ?? "")
            if let m = o["message"] { r.message = string(m, SchemaFieldPath.child(p, "message")) }
            if let m = o["messageExpression"] { r.messageExpression = string(m, SchemaFieldPath.child(p, "messageExpression")) }
            if let f = o["fieldPath"] { r.fieldPath = string(f, SchemaFieldPath.child(p, "fieldPath")) }
            if let reason = o["reason"] { r.reason = string(reason, SchemaFieldPath.child(p, "reason")) }
            if let opt = o["optionalOldSelf"] {
                r.optionalOldSelf = bool(opt, SchemaFieldPath.child(p, "optionalOldSelf"))
                r.optionalOldSelfIsSet = true
            }
            out.append(r)
        }
        return out
    }
}

/// `field.Path` spelling: `a.b`, `a[key]`, `a[0]`; the empty string is the root.
enum SchemaFieldPath {
    static func child(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }

    static func key(_ parent: String, _ key: String) -> String {
        parent + "[" + key + "]"
    }

    static func index(_ parent: String, _ i: Int) -> String {
        parent + "[" + String(i) + "]"
    }

    /// How errors with no path are shown.
    static func display(_ path: String) -> String { path.isEmpty ? "<nil>" : path }
}
