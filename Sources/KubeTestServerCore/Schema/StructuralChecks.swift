import KubeCore

/// The checks that make a schema *structural* (apiextensions-apiserver's
/// `ValidateStructural`); the rules for the `x-kubernetes-*` extensions are in
/// ``OpenAPISchemaChecks``. Without them pruning, defaulting and list merging would have no
/// single answer for what a field is.
enum StructuralChecks {
    enum Level { case root, item, field }

    static func invariants(_ s: StructuralSchema, level: Level, path: String) -> [FieldError] {
        var errs: [FieldError] = []
        if s.type == "array" && s.items == nil {
            errs.append(.required(SchemaFieldPath.child(path, "items"), "must be specified"))
        }
        if let items = s.items {
            errs += invariants(items, level: .item, path: SchemaFieldPath.child(path, "items"))
        }
        for name in s.properties.keys.sorted() {
            if let property = s.properties[name] {
                errs += invariants(property, level: .field, path: SchemaFieldPath.key(SchemaFieldPath.child(path, "properties"), name))
            }
        }
        if let additional = s.additionalProperties {
            if level == .root {
                errs.append(.forbidden(SchemaFieldPath.child(path, "additionalProperties"), "must not be used at the root"))
            }
            if let schema = additional.schema {
                errs += invariants(schema, level: .field, path: SchemaFieldPath.child(path, "additionalProperties"))
            }
        }
        if s.intOrString && s.preserveUnknownFields {
            errs.append(.invalid(SchemaFieldPath.child(path, "x-kubernetes-preserve-unknown-fields"), .bool(true), "must be false if x-kubernetes-int-or-string is true"))
        }
        if s.intOrString && s.embeddedResource {
            errs.append(.invalid(SchemaFieldPath.child(path, "x-kubernetes-embedded-resource"), .bool(true), "must be false if x-kubernetes-int-or-string is true"))
        }
        errs += valueValidations(s, path: path, skipIntOrStringPatterns: true)

        let typePath = SchemaFieldPath.child(path, "type")
        if s.embeddedResource && s.type != "object" {
            if let t = s.type {
                errs.append(.invalid(typePath, .string(t), "must be object if x-kubernetes-embedded-resource is true"))
            } else {
                errs.append(.required(typePath, "must be object if x-kubernetes-embedded-resource is true"))
            }
        } else if s.type == nil && !s.intOrString && !s.preserveUnknownFields {
            switch level {
            case .root: errs.append(.required(typePath, "must not be empty at the root"))
            case .item: errs.append(.required(typePath, "must not be empty for specified array items"))
            case .field: errs.append(.required(typePath, "must not be empty for specified object fields"))
            }
        }
        if s.embeddedResource && s.additionalProperties != nil {
            errs.append(.forbidden(SchemaFieldPath.child(path, "additionalProperties"), "must not be used if x-kubernetes-embedded-resource is set"))
        }
        if level == .root, let t = s.type, t != "object" {
            errs.append(.invalid(typePath, .string(t), "must be object at the root"))
        }
        let checkMetadata = level == .root || s.embeddedResource
        let propertiesPath = SchemaFieldPath.child(path, "properties")
        for name in ["kind", "apiVersion"] where checkMetadata {
            if let p = s.properties[name], p.type != "string" {
                errs.append(.invalid(SchemaFieldPath.child(SchemaFieldPath.key(propertiesPath, name), "type"), .string(p.type ?? ""), "must be string"))
            }
        }
        if let metadata = s.properties["metadata"] {
            let metadataPath = SchemaFieldPath.key(propertiesPath, "metadata")
            if checkMetadata && metadata.type != "object" {
                errs.append(.invalid(SchemaFieldPath.child(metadataPath, "type"), .string(metadata.type ?? ""), "must be object"))
            }
            if level == .root {
                let extra = Set(metadata.properties.keys).subtracting(["name", "generateName"])
                if !extra.isEmpty || metadata.additionalProperties != nil || metadata.defaultValue != nil {
                    errs.append(.forbidden(metadataPath, "must not specify anything other than name and generateName, but metadata is implicitly specified"))
                }
            }
        }
        if s.embeddedResource && !s.preserveUnknownFields && s.properties.isEmpty {
            errs.append(.required(SchemaFieldPath.child(path, "properties"), "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"))
        }
        return errs
    }

    /// allOf/anyOf/oneOf/not may only restrict values: no types, defaults, descriptions,
    /// nullability or extensions (the int-or-string `anyOf: [integer, string]` idiom excepted).
    private static func valueValidations(_ s: StructuralSchema, path: String, skipIntOrStringPatterns: Bool) -> [FieldError] {
        var errs: [FieldError] = []
        let skipAnyOf = skipIntOrStringPatterns && isIntOrStringAnyOf(s.anyOf)
        let skipFirstAllOfAnyOf = skipIntOrStringPatterns && (s.allOf.first.map { isIntOrStringAnyOf($0.anyOf) } ?? false)
        if !skipAnyOf {
            for (i, n) in s.anyOf.enumerated() { errs += nested(n, path: SchemaFieldPath.index(SchemaFieldPath.child(path, "anyOf"), i), skipAnyOf: false) }
        }
        for (i, n) in s.allOf.enumerated() {
            errs += nested(n, path: SchemaFieldPath.index(SchemaFieldPath.child(path, "allOf"), i), skipAnyOf: skipFirstAllOfAnyOf && i == 0)
        }
        for (i, n) in s.oneOf.enumerated() { errs += nested(n, path: SchemaFieldPath.index(SchemaFieldPath.child(path, "oneOf"), i), skipAnyOf: false) }
        if let n = s.not { errs += nested(n, path: SchemaFieldPath.child(path, "not"), skipAnyOf: false) }
        return errs
    }

    private static func isIntOrStringAnyOf(_ anyOf: [StructuralSchema]) -> Bool {
        anyOf.count == 2 && anyOf[0].type == "integer" && anyOf[1].type == "string"
            && anyOf.allSatisfy { isBareType($0) }
    }

    private static func isBareType(_ s: StructuralSchema) -> Bool {
        var copy = s
        copy.type = nil
        return isEmpty(copy)
    }

    private static func isEmpty(_ s: StructuralSchema) -> Bool {
        s.type == nil && s.format == nil && s.title == nil && s.description == nil && !s.nullable
            && s.defaultValue == nil && s.properties.isEmpty && s.items == nil && s.additionalProperties == nil
            && s.required.isEmpty && s.enumValues == nil && s.maximum == nil && s.minimum == nil
            && s.multipleOf == nil && s.maxLength == nil && s.minLength == nil && s.pattern == nil
            && s.maxItems == nil && s.minItems == nil && s.maxProperties == nil && s.minProperties == nil
            && s.allOf.isEmpty && s.anyOf.isEmpty && s.oneOf.isEmpty && s.not == nil
            && !s.preserveUnknownFields && !s.intOrString && !s.embeddedResource && s.listType == nil
            && s.listMapKeys.isEmpty && s.mapType == nil && s.validations.isEmpty
    }

    private static func nested(_ v: StructuralSchema, path: String, skipAnyOf: Bool) -> [FieldError] {
        var errs: [FieldError] = []
        errs += valueValidations(v, path: path, skipIntOrStringPatterns: skipAnyOf)
        if let items = v.items { errs += nested(items, path: SchemaFieldPath.child(path, "items"), skipAnyOf: false) }
        for name in v.properties.keys.sorted() {
            if let p = v.properties[name] {
                errs += nested(p, path: SchemaFieldPath.key(SchemaFieldPath.child(path, "properties"), name), skipAnyOf: false)
            }
        }
        func forbid(_ key: String, _ detail: String) { errs.append(.forbidden(SchemaFieldPath.child(path, key), detail)) }
        if v.type != nil { forbid("type", "must be empty to be structural") }
        if v.additionalProperties != nil { forbid("additionalProperties", "must be undefined to be structural") }
        if v.defaultValue != nil { forbid("default", "must be undefined to be structural") }
        if v.title != nil { forbid("title", "must be empty to be structural") }
        if v.description != nil { forbid("description", "must be empty to be structural") }
        if v.nullable { forbid("nullable", "must be false to be structural") }
        if v.preserveUnknownFields { forbid("x-kubernetes-preserve-unknown-fields", "must be false to be structural") }
        if v.embeddedResource { forbid("x-kubernetes-embedded-resource", "must be false to be structural") }
        if v.intOrString { forbid("x-kubernetes-int-or-string", "must be false to be structural") }
        if !v.listMapKeys.isEmpty { forbid("x-kubernetes-list-map-keys", "must be empty to be structural") }
        if v.listType != nil { forbid("x-kubernetes-list-type", "must be undefined to be structural") }
        if v.mapType != nil { forbid("x-kubernetes-map-type", "must be undefined to be structural") }
        if !v.validations.isEmpty { forbid("x-kubernetes-validations", "must be empty to be structural") }
        if v.properties["metadata"] != nil {
            errs.append(.forbidden(SchemaFieldPath.key(SchemaFieldPath.child(path, "properties"), "metadata"), "must not be specified in a nested context"))
        }
        return errs
    }

    /// Every field and array a value validation mentions must also exist in the structural
    /// part of the schema; otherwise pruning would remove what the validation talks about.
    static func completeness(_ s: StructuralSchema, path: String) -> [FieldError] {
        var errs: [FieldError] = []
        func check(_ v: StructuralSchema, against spine: StructuralSchema?, vPath: String, spinePath: String) {
            if v.items != nil {
                if let items = spine?.items, let vItems = v.items {
                    check(vItems, against: items, vPath: SchemaFieldPath.child(vPath, "items"), spinePath: SchemaFieldPath.child(spinePath, "items"))
                } else {
                    errs.append(.required(SchemaFieldPath.child(spinePath, "items"), "because it is defined in \(SchemaFieldPath.child(vPath, "items"))"))
                }
            }
            for name in v.properties.keys.sorted() {
                guard let vp = v.properties[name] else { continue }
                let specified = spine?.properties[name] ?? spine?.additionalProperties?.schema
                if let sp = specified {
                    check(vp, against: sp, vPath: SchemaFieldPath.key(SchemaFieldPath.child(vPath, "properties"), name),
                          spinePath: SchemaFieldPath.key(SchemaFieldPath.child(spinePath, "properties"), name))
                } else if spine?.preserveUnknownFields != true {
                    errs.append(.required(SchemaFieldPath.key(SchemaFieldPath.child(spinePath, "properties"), name),
                                          "because it is defined in \(SchemaFieldPath.key(SchemaFieldPath.child(vPath, "properties"), name))"))
                }
            }
            for (key, list) in [("allOf", v.allOf), ("anyOf", v.anyOf), ("oneOf", v.oneOf)] {
                for (i, n) in list.enumerated() {
                    check(n, against: spine, vPath: SchemaFieldPath.index(SchemaFieldPath.child(vPath, key), i), spinePath: spinePath)
                }
            }
            if let n = v.not { check(n, against: spine, vPath: SchemaFieldPath.child(vPath, "not"), spinePath: spinePath) }
        }
        func walk(_ node: StructuralSchema, _ p: String) {
            for (key, list) in [("allOf", node.allOf), ("anyOf", node.anyOf), ("oneOf", node.oneOf)] {
                for (i, n) in list.enumerated() {
                    check(n, against: node, vPath: SchemaFieldPath.index(SchemaFieldPath.child(p, key), i), spinePath: p)
                }
            }
            if let n = node.not { check(n, against: node, vPath: SchemaFieldPath.child(p, "not"), spinePath: p) }
            if let items = node.items { walk(items, SchemaFieldPath.child(p, "items")) }
            for name in node.properties.keys.sorted() {
                if let child = node.properties[name] { walk(child, SchemaFieldPath.key(SchemaFieldPath.child(p, "properties"), name)) }
            }
            if let additional = node.additionalProperties?.schema { walk(additional, SchemaFieldPath.child(p, "additionalProperties")) }
        }
        walk(s, path)
        return errs
    }
}
