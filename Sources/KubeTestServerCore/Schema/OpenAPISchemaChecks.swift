import KubeCore

/// The per-node checks apiextensions-apiserver makes on a CRD schema besides structurality
/// (`ValidateCustomResourceDefinitionOpenAPISchema`): list and map types, list-map keys, the
/// shape of `x-kubernetes-validations` rules and where their `fieldPath` points, and
/// transition rules (`oldSelf`) on parts of the schema that cannot be correlated.
///
/// Like the real walk it keeps two lists: schema errors, and errors about rules as CEL, which
/// are looked for only when the schema is structural, its defaults valid (``celReady``), and
/// nothing else is wrong at or below the rule's node; all schema errors come first.
struct OpenAPISchemaChecks {
    private(set) var schemaErrors: [FieldError] = []
    private(set) var celErrors: [FieldError] = []
    private let celReady: Bool
    /// The rules compiled so far and their cost (``CRDRuleCompilation``).
    private var compilation = CRDRuleCompilation()

    /// Checks `root`, found at `path` (`spec.validation.openAPIV3Schema`).
    static func check(_ root: StructuralSchema, path: String, celReady: Bool) -> OpenAPISchemaChecks {
        var checks = OpenAPISchemaChecks(celReady: celReady)
        checks.walk(root, path: path, uncorrelatable: nil, cardinality: 1, isResourceRoot: true)
        return checks
    }

    /// The rules' cost over the whole schema's budget, reported after everything else.
    func totalCostErrors(schemaPath: String) -> [FieldError] {
        compilation.totalCostErrors(schemaPath: schemaPath)
    }

    /// The validation rule `reason`s a CRD may use, in the order the real server lists them.
    static let ruleReasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"]

    /// `uncorrelatable` is the highest ancestor below which old and new values no longer
    /// correlate (the items of a list that is not a list-type map), or nil. `cardinality` is how
    /// often the node can occur (nil when unbounded), for the cost of its rules.
    private mutating func walk(_ s: StructuralSchema, path: String, uncorrelatable: String?, cardinality: UInt64?,
                               isResourceRoot: Bool = false) {
        let errorsBefore = schemaErrors.count
        let children = CRDRuleCompilation.childCardinality(s, cardinality)
        if let additional = s.additionalProperties?.schema {
            walk(additional, path: SchemaFieldPath.child(path, "additionalProperties"), uncorrelatable: uncorrelatable,
                 cardinality: children)
        }
        for name in s.properties.keys.sorted() {
            if let property = s.properties[name] {
                walk(property, path: SchemaFieldPath.key(SchemaFieldPath.child(path, "properties"), name), uncorrelatable: uncorrelatable,
                     cardinality: children)
            }
        }
        if let items = s.items {
            walk(items, path: SchemaFieldPath.child(path, "items"),
                 uncorrelatable: uncorrelatable ?? (s.listType == "map" ? nil : path), cardinality: children)
        }
        mapAndListTypes(s, path: path)
        listMapKeysAndSetItems(s, path: path)
        rules(s, path: path, uncorrelatable: uncorrelatable, schemaErrorsBefore: errorsBefore, cardinality: cardinality,
              isResourceRoot: isResourceRoot)
    }

    private mutating func mapAndListTypes(_ s: StructuralSchema, path: String) {
        let typePath = SchemaFieldPath.child(path, "type")
        func wrongType(_ expected: String, _ keyword: String) {
            let detail = "must be \(expected) if \(keyword) is specified"
            if let type = s.type { schemaErrors.append(.invalid(typePath, .string(type), detail)) }
            else { schemaErrors.append(.required(typePath, detail)) }
        }
        if let mapType = s.mapType {
            if s.type != "object" { wrongType("object", "x-kubernetes-map-type") }
            if mapType != "atomic" && mapType != "granular" {
                schemaErrors.append(.notSupported(SchemaFieldPath.child(path, "x-kubernetes-map-type"), .string(mapType), supported: ["atomic", "granular"]))
            }
        }
        if let listType = s.listType {
            if s.type != "array" {
                wrongType("array", "x-kubernetes-list-type")
            } else if listType == "set", let items = s.items {
                let itemsPath = SchemaFieldPath.child(path, "items")
                let detail = "must be atomic as item of a list with x-kubernetes-list-type=set"
                if items.type == "array", let itemListType = items.listType, itemListType != "atomic" {
                    schemaErrors.append(.invalid(SchemaFieldPath.child(itemsPath, "x-kubernetes-list-type"), .string(itemListType), detail))
                } else if items.type == "object", items.mapType != "atomic" {
                    // The real server shows the items' list type here, not their map type.
                    schemaErrors.append(.invalid(SchemaFieldPath.child(itemsPath, "x-kubernetes-map-type"),
                                                 items.listType.map { .string($0) } ?? .null, detail))
                }
            }
            if !["atomic", "set", "map"].contains(listType) {
                schemaErrors.append(.notSupported(SchemaFieldPath.child(path, "x-kubernetes-list-type"), .string(listType), supported: ["atomic", "set", "map"]))
            }
        }
        if !s.listMapKeys.isEmpty {
            let detail = "must be map if x-kubernetes-list-map-keys is non-empty"
            let listTypePath = SchemaFieldPath.child(path, "x-kubernetes-list-type")
            if let listType = s.listType {
                if listType != "map" { schemaErrors.append(.invalid(listTypePath, .string(listType), detail)) }
            } else {
                schemaErrors.append(.required(listTypePath, detail))
            }
        }
    }

    /// A list-type map needs object items whose key properties are scalars that every item has
    /// (required or defaulted); items of a set or map list cannot be null (golden 110, 111).
    private mutating func listMapKeysAndSetItems(_ s: StructuralSchema, path: String) {
        let itemsPath = SchemaFieldPath.child(path, "items")
        let keysPath = SchemaFieldPath.child(path, "x-kubernetes-list-map-keys")
        let itemPropertiesPath = SchemaFieldPath.child(itemsPath, "properties")
        if s.listType == "map" {
            if s.listMapKeys.isEmpty {
                schemaErrors.append(.required(keysPath, "must not be empty if x-kubernetes-list-type is map"))
            }
            if let items = s.items {
                if items.type != "object" {
                    schemaErrors.append(.invalid(SchemaFieldPath.child(itemsPath, "type"), .string(items.type ?? ""),
                                                 "must be object if parent array's x-kubernetes-list-type is map"))
                } else {
                    let keys = JSON.array(s.listMapKeys.map { .string($0) })
                    var seen: Set<String> = []
                    for key in s.listMapKeys {
                        if let property = items.properties[key] {
                            if property.type == "array" || property.type == "object" {
                                // The real server shows the items' type here, not the key's.
                                schemaErrors.append(.invalid(SchemaFieldPath.child(SchemaFieldPath.key(itemPropertiesPath, key), "type"), .string(items.type ?? ""),
                                                             "must be a scalar type if parent array's x-kubernetes-list-type is map"))
                            }
                        } else {
                            schemaErrors.append(.invalid(keysPath, keys, "entries must all be names of item properties"))
                        }
                        if !seen.insert(key).inserted {
                            schemaErrors.append(.invalid(keysPath, keys, "must not contain duplicate entries"))
                        }
                    }
                }
            } else {
                schemaErrors.append(.required(itemsPath, "must have a schema if x-kubernetes-list-type is map"))
            }
        }
        guard let items = s.items, let listType = s.listType, listType == "set" || listType == "map" else { return }
        if items.nullable {
            schemaErrors.append(.forbidden(SchemaFieldPath.child(itemsPath, "nullable"), "cannot be nullable when x-kubernetes-list-type is \(listType)"))
        }
        guard listType == "map" else { return }
        for key in s.listMapKeys {
            guard let property = items.properties[key] else { continue }
            let keyPath = SchemaFieldPath.key(itemPropertiesPath, key)
            if !items.required.contains(key) && property.defaultValue == nil {
                schemaErrors.append(.required(SchemaFieldPath.child(keyPath, "default"),
                                              "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"))
            }
            if property.nullable {
                schemaErrors.append(.forbidden(SchemaFieldPath.child(keyPath, "nullable"), "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"))
            }
        }
    }

    /// The shape of each rule (schema errors), then, when the real server would compile the
    /// rules, what compiling reveals: type errors and cost (golden 094-096, 099-101), `oldSelf`
    /// (golden 097, 098).
    private mutating func rules(_ s: StructuralSchema, path: String, uncorrelatable: String?, schemaErrorsBefore: Int,
                                cardinality: UInt64?, isResourceRoot: Bool) {
        let rulesPath = SchemaFieldPath.child(path, "x-kubernetes-validations")
        for (i, rule) in s.validations.enumerated() {
            let p = SchemaFieldPath.index(rulesPath, i)
            let trimmedRule = rule.rule.trimmingSpaces
            let message = rule.message ?? ""
            let trimmedMessage = message.trimmingSpaces
            let messagePath = SchemaFieldPath.child(p, "message")
            if trimmedRule.isEmpty {
                schemaErrors.append(.required(SchemaFieldPath.child(p, "rule"), "rule is not specified"))
            } else if !message.isEmpty && trimmedMessage.isEmpty {
                schemaErrors.append(.invalid(messagePath, .string(message), "message must be non-empty if specified"))
            } else if Self.hasLineBreaks(trimmedMessage) {
                schemaErrors.append(.invalid(messagePath, .string(message), "message must not contain line breaks"))
            } else if Self.hasLineBreaks(trimmedRule) && trimmedMessage.isEmpty {
                schemaErrors.append(.required(messagePath, "message must be specified if rule contains line breaks"))
            }
            if let expression = rule.messageExpression, !expression.isEmpty, expression.trimmingSpaces.isEmpty {
                schemaErrors.append(.required(SchemaFieldPath.child(p, "messageExpression"), "messageExpression must be non-empty if specified"))
            }
            if let reason = rule.reason, !Self.ruleReasons.contains(reason) {
                schemaErrors.append(.notSupported(SchemaFieldPath.child(p, "reason"), .string(reason), supported: Self.ruleReasons.map { .string($0) }))
            }
            if let fieldPath = rule.fieldPath, !fieldPath.isEmpty {
                let fieldPathPath = SchemaFieldPath.child(p, "fieldPath")
                if fieldPath.trimmingSpaces.isEmpty {
                    schemaErrors.append(.invalid(fieldPathPath, .string(fieldPath), "fieldPath must be non-empty if specified"))
                }
                if Self.hasLineBreaks(fieldPath) {
                    schemaErrors.append(.invalid(fieldPathPath, .string(fieldPath), "fieldPath must not contain line breaks"))
                }
                if CELRuleRunner.normalizedFieldPath(fieldPath, schema: s) == nil {
                    schemaErrors.append(.invalid(fieldPathPath, .string(fieldPath), "must be a valid path"))
                }
            }
        }
        // Nothing wrong at or below this node, this one's rules included.
        guard celReady, schemaErrors.count == schemaErrorsBefore, !s.validations.isEmpty else { return }
        let compiled: [[FieldError]]
        switch compilation.compileRules(of: s, path: path, cardinality: cardinality, isResourceRoot: isResourceRoot) {
        case let .success(errors): compiled = errors
        case let .failure(error):
            celErrors.append(error)
            return
        }
        for (i, rule) in s.validations.enumerated() {
            let p = SchemaFieldPath.index(rulesPath, i)
            celErrors += compiled[i]
            if rule.usesOldSelf {
                if let uncorrelatable {
                    celErrors.append(.invalid(SchemaFieldPath.child(p, "rule"), .string(rule.rule),
                                              "oldSelf cannot be used on the uncorrelatable portion of the schema within \(uncorrelatable)"))
                }
            } else if rule.optionalOldSelf {
                celErrors.append(.invalid(SchemaFieldPath.child(p, "optionalOldSelf"), .bool(true), "may not be set if oldSelf is not used in rule"))
            }
        }
    }

    /// The line breaks the CEL grammar knows (by scalar: "\r\n" is one Character in Swift).
    static func hasLineBreaks(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0 == "\n" || $0 == "\r" }
    }
}
