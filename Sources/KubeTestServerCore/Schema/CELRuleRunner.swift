import KubeCore

/// Runs a schema's `x-kubernetes-validations` the way apiextensions-apiserver's CEL validator
/// does: rules run on every node that has a value (never on null), failures are reported at the
/// node or at the rule's `fieldPath`, transition rules (`oldSelf`) run only where an old value
/// correlates (same property, same map key, same list-map key; never inside atomic lists or
/// sets), and on update a failure on a value the client did not change is only a warning.
struct CELRuleRunner {
    let evaluate: CELRuleEvaluator
    let evaluateMessage: CELMessageEvaluator?
    var errors: [FieldError] = []
    var warnings: [String] = []
    /// Whether failures on unchanged values become warnings (updates of custom resources); the
    /// real server does not ratchet when it checks a CRD's defaults.
    var ratchets = true

    /// `old` is the correlated old value (nil when there is none); `unchangedAncestor` says a
    /// correlated ancestor equals its old value (then every failure below is ratcheted).
    mutating func run(_ value: JSON, _ s: StructuralSchema, path: String, old: JSON?, correlated: Bool, unchangedAncestor: Bool) {
        if value.isNull { return }
        let unchanged = correlated ? (old.map { $0 == value } ?? false) : unchangedAncestor
        for rule in s.validations {
            check(rule, value, s, path: path, old: old, ratchet: unchanged)
        }
        switch value {
        case let .array(items):
            guard let itemSchema = s.items else { return }
            // Only list-type map items correlate for oldSelf.
            let correlator = ListCorrelator(schema: s, old: old, includeSets: false)
            let itemsCorrelate = s.listType == "map" && !s.listMapKeys.isEmpty
            for (i, item) in items.enumerated() {
                let oldItem = correlator.old(for: item)
                run(item, itemSchema, path: SchemaFieldPath.index(path, i), old: oldItem,
                    correlated: itemsCorrelate && oldItem != nil, unchangedAncestor: unchanged)
            }
        case let .object(o):
            let oldObject = old?.objectValue
            let keys = o.keys.sorted()
            if let additional = s.additionalProperties?.schema {
                for key in keys where s.properties[key] == nil {
                    let oldValue = oldObject?[key]
                    run(o[key] ?? .null, additional, path: SchemaFieldPath.key(path, key), old: oldValue,
                        correlated: oldValue != nil, unchangedAncestor: unchanged)
                }
            }
            for key in keys {
                guard let property = s.properties[key], let child = o[key] else { continue }
                let oldValue = oldObject?[key]
                run(child, property, path: SchemaFieldPath.child(path, key), old: oldValue,
                    correlated: oldValue != nil, unchangedAncestor: unchanged)
            }
        default:
            return
        }
    }

    private mutating func check(_ rule: ValidationRule, _ value: JSON, _ s: StructuralSchema, path: String, old: JSON?, ratchet: Bool) {
        let usesOldSelf = rule.usesOldSelf
        if usesOldSelf && old == nil && !rule.optionalOldSelf { return }
        let typeValue = JSON.string(s.type ?? "")
        switch evaluate(rule.rule, value, usesOldSelf ? old : Optional<JSON>.none, s) {
        case .success(true):
            return
        case let .failure(failure):
            let detail: String
            if failure.message.hasPrefix("no such overload") {
                detail = "'\(failure.message)': call arguments did not match a supported operator, function or macro signature for rule: \(Self.ruleErrorString(rule))"
            } else {
                detail = "\(failure.message) evaluating rule: \(Self.ruleErrorString(rule))"
            }
            errors.append(.invalid(SchemaFieldPath.display(path), typeValue, detail))
        case .success(false):
            var target = path
            if let fieldPath = rule.fieldPath, let normalized = Self.normalizedFieldPath(fieldPath, schema: s) {
                target = SchemaFieldPath.child(path, normalized)
            }
            var detail = Self.messageOrDefault(rule)
            if let expression = rule.messageExpression, let evaluateMessage,
               case let .success(text) = evaluateMessage(expression, value, usesOldSelf ? old : Optional<JSON>.none) {
                let trimmed = text.trimmingSpaces
                if !trimmed.isEmpty && !trimmed.contains("\n") { detail = trimmed }
            }
            let shown: JSON? = (s.type == "object" || s.type == "array") ? Optional<JSON>.none : .some(value)
            let error = Self.fieldError(SchemaFieldPath.display(target), shown, detail, reason: rule.reason)
            if !usesOldSelf && ratchet && ratchets {
                warnings.append(error.summary)
            } else {
                errors.append(error)
            }
        }
    }

    /// `fieldErrorForReason`: the rule's `reason` picks the error type; nil value means the
    /// value is omitted (objects and lists).
    static func fieldError(_ field: String, _ value: JSON?, _ detail: String, reason: String?) -> FieldError {
        switch reason {
        case "FieldValueForbidden": return .forbidden(field, detail)
        case "FieldValueRequired": return .required(field, detail)
        case "FieldValueDuplicate":
            return FieldError(reason: .duplicate, field: field,
                              message: value.map { "Duplicate value: \(ValueRendering.render($0))" } ?? "Duplicate value")
        default:
            let body = value.map { "Invalid value: \(ValueRendering.render($0)): \(detail)" } ?? "Invalid value: \(detail)"
            return FieldError(reason: .invalid, field: field, message: body)
        }
    }

    static func messageOrDefault(_ rule: ValidationRule) -> String {
        if let message = rule.message, !message.isEmpty { return message.trimmingSpaces }
        return "failed rule: \(ruleErrorString(rule))"
    }

    static func ruleErrorString(_ rule: ValidationRule) -> String {
        if let message = rule.message, !message.isEmpty { return message.trimmingSpaces }
        return rule.rule.trimmingSpaces
    }

    /// A rule's `fieldPath` (`.replicas`, `.labels['app']`, `['x.y'].z`) in `field.Path`
    /// spelling relative to the rule's node (`replicas`, `labels[app]`); nil if it does not
    /// name a field of the schema (the real server refuses such a CRD).
    static func normalizedFieldPath(_ jsonPath: String, schema: StructuralSchema) -> String? {
        var out = ""
        var s: StructuralSchema? = schema
        var chars = Substring(jsonPath)
        func append(_ name: String) -> Bool {
            guard let current = s else { return false }
            if let property = current.properties[name] {
                out = SchemaFieldPath.child(out, name)
                s = property
                return true
            }
            if let additional = current.additionalProperties?.schema, current.properties.isEmpty {
                out = SchemaFieldPath.key(out, name)
                s = additional
                return true
            }
            return false
        }
        while let c = chars.first {
            if c == "." {
                chars = chars.dropFirst()
                var name = ""
                while let n = chars.first, n != ".", n != "[" { name.append(n); chars = chars.dropFirst() }
                guard !name.isEmpty, append(name) else { return nil }
            } else if c == "[" {
                chars = chars.dropFirst()
                guard chars.first == "'" else { return nil }
                chars = chars.dropFirst()
                var name = ""
                while let n = chars.first, n != "'" {
                    if n == "\\", let escaped = chars.dropFirst().first {
                        name.append(escaped)
                        chars = chars.dropFirst(2)
                        continue
                    }
                    name.append(n)
                    chars = chars.dropFirst()
                }
                guard chars.first == "'" else { return nil }
                chars = chars.dropFirst()
                guard chars.first == "]" else { return nil }
                chars = chars.dropFirst()
                guard append(name) else { return nil }
            } else {
                return nil
            }
        }
        return out.isEmpty ? nil : out
    }
}
