import KubeCore

extension StructuralSchema {
    /// Validates a custom resource (already pruned and defaulted) as the real server does on
    /// create (`old` nil) and update (`old` is the stored object).
    ///
    /// The errors come in the server's order: OpenAPI schema errors, embedded-resource checks,
    /// list-type map/set uniqueness, then CEL rule failures. CEL runs only when nothing
    /// "blocking" (a type error, a missing required field, an unsupported enum value, a value
    /// too long or a list too long) was found; otherwise the real server adds
    /// `<nil>: Invalid value: null: some validation rules were not checked because the object was invalid; …`
    /// instead. Among sibling properties the real server's order is Go map order (random); ours
    /// is alphabetical, which is one of the orders it produces.
    public func validate(_ object: JSON, old: JSON?, cel: CELRuleEvaluator?) -> [FieldError] {
        validation(of: object, old: old, cel: cel).errors
    }

    /// Like ``validate(_:old:cel:)``, also returning the warnings of ratcheted CEL failures and
    /// evaluating `messageExpression`s when a message evaluator is given.
    public func validation(of object: JSON, old: JSON?, cel: CELRuleEvaluator?,
                           messageExpression: CELMessageEvaluator? = nil) -> SchemaValidationResult {
        var errors = OpenAPIValueValidator().validate(object, self, path: "", old: old).fieldErrors
        errors += EmbeddedResourceChecks.validate(object, self, path: "", isRoot: true)
        if old.map({ listSetAndMapErrors($0).isEmpty }) ?? true {
            errors += listSetAndMapErrors(object)
        }
        var warnings: [String] = []
        if hasValidationRules {
            if errors.contains(where: { Self.blockingReasons.contains($0.reason) }) {
                errors.append(.invalid("<nil>", .null, "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"))
            } else if let cel {
                var runner = CELRuleRunner(evaluate: cel, evaluateMessage: messageExpression)
                runner.run(object, self, path: "", old: old, correlated: old != nil, unchangedAncestor: false)
                errors += runner.errors
                warnings = runner.warnings
            }
        }
        return SchemaValidationResult(errors: errors, warnings: warnings)
    }

    /// The error types after which the real server does not run CEL rules (`hasBlockingErr`).
    static let blockingReasons: Set<FieldError.Reason> = [.notSupported, .required, .tooLong, .tooMany, .typeInvalid]
}

/// The checks the real server makes on `x-kubernetes-embedded-resource` objects: they must say
/// what they are (`apiVersion`, `kind`).
enum EmbeddedResourceChecks {
    static func validate(_ value: JSON, _ s: StructuralSchema?, path: String, isRoot: Bool) -> [FieldError] {
        guard let s else { return [] }
        var errs: [FieldError] = []
        switch value {
        case let .object(o):
            if s.embeddedResource && !isRoot {
                errs += embedded(o, path: path)
            }
            for key in o.keys.sorted() {
                guard let child = o[key] else { continue }
                if let property = s.properties[key] {
                    errs += validate(child, property, path: SchemaFieldPath.child(path, key), isRoot: false)
                } else if let additional = s.additionalProperties?.schema {
                    errs += validate(child, additional, path: SchemaFieldPath.key(path, key), isRoot: false)
                }
            }
        case let .array(items):
            for (i, item) in items.enumerated() {
                errs += validate(item, s.items, path: SchemaFieldPath.index(path, i), isRoot: false)
            }
        default:
            break
        }
        return errs
    }

    private static func embedded(_ o: [String: JSON], path: String) -> [FieldError] {
        var errs: [FieldError] = []
        let apiVersionPath = SchemaFieldPath.child(path, "apiVersion")
        let kindPath = SchemaFieldPath.child(path, "kind")
        if o["apiVersion"] == nil { errs.append(.required(apiVersionPath, "must not be empty")) }
        if o["kind"] == nil { errs.append(.required(kindPath, "must not be empty")) }
        if let v = o["apiVersion"] {
            if case let .string(apiVersion) = v {
                if apiVersion.isEmpty {
                    errs.append(.invalid(apiVersionPath, v, "must not be empty"))
                } else if apiVersion.split(separator: "/", omittingEmptySubsequences: false).count > 2 {
                    errs.append(.invalid(apiVersionPath, v, "unexpected GroupVersion string: \(apiVersion)"))
                }
            } else {
                errs.append(FieldError(reason: .invalid, field: apiVersionPath, message: "Invalid value: \(ValueRendering.render(v)): must be a string"))
            }
        }
        if let v = o["kind"] {
            if case let .string(kind) = v {
                if kind.isEmpty { errs.append(.invalid(kindPath, v, "must not be empty")) }
            } else {
                errs.append(FieldError(reason: .invalid, field: kindPath, message: "Invalid value: \(ValueRendering.render(v)): must be a string"))
            }
        }
        return errs
    }
}
