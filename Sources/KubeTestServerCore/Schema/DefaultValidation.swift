import KubeCore

/// Checks every `default` of a CRD schema against the schema node it sits on, as
/// apiextensions-apiserver's `defaulting.ValidateDefaults` does when the CRD is written: the
/// default must carry no unknown fields, must pass the node's OpenAPI validation (type, enum,
/// bounds, pattern, required…) and then the node's `x-kubernetes-validations` rules.
///
/// The default is checked **as written**: nested defaults are not applied to it first. So
/// `default: {}` on an object whose rule reads `self.type` fails with "no such key: type" even
/// when `type` has a default of its own (golden 085, 086, 113), although a custom resource that
/// receives `{}` does get the nested defaults (golden 091).
enum DefaultValidation {
    /// The errors for every default in `root`, found at `path` (`spec.validation.openAPIV3Schema`).
    static func errors(_ root: StructuralSchema, path: String) -> [FieldError] {
        var resourceRoot = root
        resourceRoot.embeddedResource = true  // the root is a resource: apiVersion, kind, metadata are not unknown
        return walk(resourceRoot, path: path, cel: CELCache().ruleEvaluator())
    }

    /// Defaults are looked for on the node, its items and its properties; never under
    /// `additionalProperties`, where defaults are forbidden.
    private static func walk(_ s: StructuralSchema, path: String, cel: @escaping CELRuleEvaluator) -> [FieldError] {
        var errors: [FieldError] = []
        if let value = s.defaultValue {
            errors += check(value, s, path: SchemaFieldPath.child(path, "default"), cel: cel)
        }
        if let items = s.items {
            errors += walk(items, path: SchemaFieldPath.child(path, "items"), cel: cel)
        }
        for name in s.properties.keys.sorted() {
            if let property = s.properties[name] {
                errors += walk(property, path: SchemaFieldPath.key(SchemaFieldPath.child(path, "properties"), name), cel: cel)
            }
        }
        return errors
    }

    private static func check(_ value: JSON, _ s: StructuralSchema, path: String, cel: @escaping CELRuleEvaluator) -> [FieldError] {
        var errors: [FieldError] = []
        var pruned = value
        _ = s.prune(&pruned, isResourceRoot: s.embeddedResource)
        if pruned != value {
            errors.append(.invalid(path, value, "must not have unknown fields"))
        }
        // kube-openapi names the failures relative to the default (`""` for the default itself,
        // `shadow.mirrorPercent` inside it); the real server puts them under the default's path.
        let openAPI = OpenAPIValueValidator().validate(value, s, path: "", old: nil).fieldErrors.map { error in
            var rebased = error
            rebased.field = error.field == SchemaFieldPath.display("") ? path : SchemaFieldPath.child(path, error.field)
            return rebased
        }
        if !openAPI.isEmpty { return errors + openAPI }
        guard s.hasValidationRules else { return errors }
        // The rules run with the default as both self and oldSelf (so transition rules pass),
        // and without ratcheting: an unchanged value is not excused here.
        var runner = CELRuleRunner(evaluate: cel, evaluateMessage: nil)
        runner.ratchets = false
        runner.run(value, s, path: path, old: value, correlated: true, unchangedAncestor: false)
        return errors + runner.errors
    }
}
