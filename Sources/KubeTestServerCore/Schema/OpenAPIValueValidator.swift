import KubeCore

/// One failure as kube-openapi's validator reports it, before apiextensions-apiserver turns it
/// into a `field.Error` (``OpenAPIResult/fieldErrors``).
struct OpenAPIFailure: Sendable {
    enum Code { case invalidType, required, tooLong, enumFail, maxItems, tooManyProperties, other, composite }
    var code: Code
    /// kube-openapi's `Name`: the dotted path the message starts with (`spec.steps[0].weight`).
    var name: String
    /// kube-openapi's `Value`; nil is shown as `""`.
    var value: JSON?
    var message: String
    /// The limit for tooLong / maxItems / tooManyProperties.
    var limit: Int64 = -1
    var enumValues: [JSON] = []
}

/// kube-openapi's `Result`: errors kept unique by message, and the match count that decides
/// which branch of an `anyOf`/`oneOf` explains a failure.
struct OpenAPIResult: Sendable {
    var failures: [OpenAPIFailure] = []
    var matchCount = 0

    var isValid: Bool { failures.isEmpty }

    mutating func add(_ failure: OpenAPIFailure) {
        if !failures.contains(where: { $0.message == failure.message }) { failures.append(failure) }
    }

    mutating func merge(_ other: OpenAPIResult?) {
        guard let other else { return }
        for f in other.failures { add(f) }
        matchCount += other.matchCount
    }

    static func error(_ failure: OpenAPIFailure) -> OpenAPIResult {
        OpenAPIResult(failures: [failure], matchCount: 0)
    }

    /// apiextensions-apiserver's `kubeOpenAPIResultToFieldErrors`.
    var fieldErrors: [FieldError] {
        failures.map { f in
            var path = ""
            if !f.name.isEmpty && f.name != "." {
                path = f.name.hasPrefix(".") ? String(f.name.dropFirst()) : f.name
            }
            let field = SchemaFieldPath.display(path)
            let shown = ValueRendering.render(f.value ?? .string(""))
            switch f.code {
            case .required:
                return FieldError.required(field)
            case .enumFail:
                let supported = f.enumValues.map { value -> JSON in
                    if case .string = value { return value }
                    return .string(value.serializedString())
                }
                return FieldError(reason: .notSupported, field: field,
                                  message: "Unsupported value: \(ValueRendering.render(f.value ?? .null))"
                                      + (supported.isEmpty ? "" : ": supported values: " + supported.map(ValueRendering.render).joined(separator: ", ")))
            case .tooLong:
                return FieldError.tooLong(field, max: Int(f.limit))
            case .maxItems, .tooManyProperties:
                let actual = f.value?.intValue ?? -1
                return FieldError(reason: .tooMany, field: field,
                                  message: (actual >= 0 ? "Too many: \(actual)" : "Too many")
                                      + (f.limit >= 0 ? ": must have at most \(f.limit) items" : ": has too many items"))
            case .invalidType:
                return FieldError(reason: .typeInvalid, field: field, message: "Invalid value: \(shown): \(f.message)")
            case .other:
                return FieldError(reason: .invalid, field: field, message: "Invalid value: \(shown): \(f.message)")
            case .composite:
                return FieldError(reason: .invalid, field: "<nil>", message: "Invalid value: \"\": \(f.message)")
            }
        }
    }
}

/// How `field.Error` shows a bad value (`ErrorBody`): strings `%q`, numbers and booleans
/// `%v`, null as `null`, maps and lists as Go's `json.Marshal` writes them (`["proto"]`,
/// golden 111; `{"Rule":…}`, golden 094).
enum ValueRendering {
    static func render(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case let .string(s): return GoFormat.quote(s)
        case .bool, .int, .double: return GoFormat.value(value)
        case .array, .object: return value.serializedString()
        }
    }
}

/// kube-openapi's `SchemaValidator`, as the real server configures it for a CRD: body
/// validation with the formats CRDs support, and ratcheting on update (an unchanged value is
/// not failed again for rules that were tightened after it was stored).
struct OpenAPIValueValidator {
    /// `old` is the correlated old value when ratcheting (update), nil otherwise.
    func validate(_ data: JSON, _ s: StructuralSchema, path: String, old: JSON?) -> OpenAPIResult {
        var result = validateNode(data, s, path: path, old: old)
        if let old, !result.isValid, old == data {
            result.failures = []  // ratcheted: the client did not change this value
        }
        return result
    }

    private func validateNode(_ data: JSON, _ s: StructuralSchema, path: String, old: JSON?) -> OpenAPIResult {
        var result = OpenAPIResult()
        if data.isNull {
            result.merge(typeCheck(data, s, path: path))
            result.merge(enumCheck(data, s, path: path))
            return result
        }
        let types = Self.types(s)
        let format = FormatChecker.validatedFormat(s.format)
        var steps: [() -> OpenAPIResult?] = []
        if !types.isEmpty || format != nil { steps.append { typeCheck(data, s, path: path) } }
        steps.append { schemaProps(data, s, path: path, old: old) }
        if case let .string(str) = data {
            steps.append { stringCheck(str, s, path: path) }
            if let format { steps.append { formatCheck(str, format: format, path: path) } }
        }
        if data.isNumber { steps.append { numberCheck(data, s, path: path) } }
        if case let .array(a) = data { steps.append { sliceCheck(a, s, path: path, old: old) } }
        steps.append { enumCheck(data, s, path: path) }
        if case let .object(o) = data { steps.append { objectCheck(o, s, path: path, old: old) } }
        for step in steps {
            result.merge(step())
            result.matchCount += 1
        }
        result.matchCount += 1
        return result
    }

    /// The OpenAPI type list the real server gives kube-openapi.
    static func types(_ s: StructuralSchema) -> [String] {
        if s.intOrString { return ["integer", "string"] }
        return s.type.map { [$0] } ?? []
    }

    // MARK: type

    private func typeCheck(_ data: JSON, _ s: StructuralSchema, path: String) -> OpenAPIResult {
        let types = Self.types(s)
        let format = FormatChecker.validatedFormat(s.format) ?? ""
        func fail(_ expected: String, _ got: String) -> OpenAPIResult {
            .error(OpenAPIFailure(code: .invalidType, name: path, value: .string(got),
                                  message: "\(path) in body must be of type \(expected): \(GoFormat.quote(got))"))
        }
        if data.isNull {
            if !types.isEmpty && !types.contains("null") && !s.nullable {
                return fail(types.joined(separator: ","), "null")
            }
            return OpenAPIResult(matchCount: 1)
        }
        let (schType, dataFormat): (String, String) = {
            switch data {
            case .bool: return ("boolean", "")
            case .string: return ("string", "")
            case .int: return ("integer", "int64")
            case .double: return ("number", "float64")
            case .array: return ("array", "")
            case .object, .null: return ("object", "")
            }
        }()
        let isFloatInt = schType == "number" && Self.isJSONInteger(data.doubleValue ?? 0.5) && types.contains("integer")
        let isIntFloat = schType == "integer" && types.contains("number")
        let isStringOrSlice: Bool = { if case .string = data { return true }; if case .array = data { return true }; return false }()
        if !isStringOrSlice && !format.isEmpty
            && !(types.contains(schType) || dataFormat == format || isFloatInt || isIntFloat) {
            return fail(format, dataFormat)
        }
        if !(types.contains("number") || types.contains("integer")) && !format.isEmpty && isStringOrSlice {
            return OpenAPIResult(matchCount: 1)
        }
        if !(types.contains(schType) || isFloatInt || isIntFloat) {
            return fail(types.joined(separator: ","), schType)
        }
        return OpenAPIResult(matchCount: 1)
    }

    /// go-openapi's `swag.IsFloat64AJSONInteger`.
    static func isJSONInteger(_ f: Double) -> Bool {
        guard f.isFinite, abs(f) <= 9007199254740991 else { return false }
        if f == f.rounded(.towardZero) { return true }
        let g = f.rounded(.towardZero)
        let diff = abs(f - g)
        return diff / min(abs(f) + abs(g), Double.greatestFiniteMagnitude) < 1e-9
    }

    // MARK: allOf / anyOf / oneOf / not

    private func schemaProps(_ data: JSON, _ s: StructuralSchema, path: String, old: JSON?) -> OpenAPIResult {
        var main = OpenAPIResult()
        if !s.anyOf.isEmpty {
            var best: OpenAPIResult?
            var firstSuccess: OpenAPIResult?
            var succeeded = false
            for branch in s.anyOf {
                let r = validate(data, branch, path: path, old: old)
                if r.isValid {
                    best = nil
                    succeeded = true
                    if firstSuccess == nil { firstSuccess = r }
                    break
                }
                if best == nil || r.matchCount > best!.matchCount { best = r }
            }
            if !succeeded {
                main.add(OpenAPIFailure(code: .composite, name: path, message: "\(GoFormat.quote(path)) must validate at least one schema (anyOf)"))
            }
            if let best { main.merge(best) } else if let firstSuccess { main.merge(firstSuccess) }
        }
        if !s.oneOf.isEmpty {
            var best: OpenAPIResult?
            var firstSuccess: OpenAPIResult?
            var validated = 0
            for branch in s.oneOf {
                let r = validate(data, branch, path: path, old: old)
                if r.isValid {
                    validated += 1
                    best = nil
                    if firstSuccess == nil { firstSuccess = r }
                    continue
                }
                if validated == 0 && (best == nil || r.matchCount > best!.matchCount) { best = r }
            }
            if validated != 1 {
                let detail = validated == 0 ? "Found none valid" : "Found \(validated) valid alternatives"
                main.add(OpenAPIFailure(code: .composite, name: path, message: "\(GoFormat.quote(path)) must validate one and only one schema (oneOf). \(detail)"))
                if let best { main.merge(best) }
            } else if let firstSuccess {
                main.merge(firstSuccess)
            }
        }
        if !s.allOf.isEmpty {
            var validated = 0
            for branch in s.allOf {
                let r = validate(data, branch, path: path, old: old)
                if r.isValid { validated += 1 }
                main.merge(r)
            }
            if validated != s.allOf.count {
                let detail = validated == 0 ? ". None validated" : ""
                main.add(OpenAPIFailure(code: .composite, name: path, message: "\(GoFormat.quote(path)) must validate all the schemas (allOf)\(detail)"))
            }
        }
        if let not = s.not, validate(data, not, path: path, old: old).isValid {
            main.add(OpenAPIFailure(code: .composite, name: path, message: "\(GoFormat.quote(path)) must not validate the schema (not)"))
        }
        main.matchCount += 1
        return main
    }

    // MARK: string, format

    private func stringCheck(_ str: String, _ s: StructuralSchema, path: String) -> OpenAPIResult? {
        let length = Int64(str.unicodeScalars.count)
        if let max = s.maxLength, length > max {
            return .error(OpenAPIFailure(code: .tooLong, name: path, value: .string(str),
                                         message: "\(path) in body should be at most \(max) chars long", limit: max))
        }
        if let min = s.minLength, length < min {
            return .error(OpenAPIFailure(code: .other, name: path, value: .string(str),
                                         message: "\(path) in body should be at least \(min) chars long"))
        }
        if let pattern = s.compiledPattern, !pattern.matches(str) {
            return .error(OpenAPIFailure(code: .other, name: path, value: .string(str),
                                         message: "\(path) in body should match '\(pattern.source)'"))
        }
        return nil
    }

    private func formatCheck(_ str: String, format: String, path: String) -> OpenAPIResult? {
        if FormatChecker.validates(format, str) { return nil }
        return .error(OpenAPIFailure(code: .invalidType, name: path, value: .string(str),
                                     message: "\(path) in body must be of type \(format): \(GoFormat.quote(str))"))
    }

    // MARK: numbers

    private func numberCheck(_ data: JSON, _ s: StructuralSchema, path: String) -> OpenAPIResult {
        var res = OpenAPIResult()
        var multiple = OpenAPIResult()
        var minimum = OpenAPIResult()
        var maximum = OpenAPIResult()
        let asDouble = data.doubleValue ?? 0
        if let factor = s.multipleOf {
            if factor < 0 {
                multiple.add(OpenAPIFailure(code: .other, name: path, value: .double(factor),
                                            message: "factor MultipleOf declared for \(path) must be positive: \(GoFormat.float(factor))"))
            } else if case let .int(i) = data, Int64(exactly: factor.rounded(.towardZero)).map({ $0 != 0 }) == true {
                let f = Int64(factor.rounded(.towardZero))
                if i % f != 0 {
                    multiple.add(OpenAPIFailure(code: .other, name: path, value: data,
                                                message: "\(path) in body should be a multiple of \(f)"))
                }
            } else {
                let mult = factor < 1 ? 1 / factor * asDouble : asDouble / factor
                if !Self.isJSONInteger(mult) {
                    multiple.add(OpenAPIFailure(code: .other, name: path, value: data,
                                                message: "\(path) in body should be a multiple of \(GoFormat.float(factor))"))
                }
            }
        }
        if let max = s.maximum {
            let exclusive = s.exclusiveMaximum
            let word = exclusive ? "less than" : "less than or equal to"
            if case let .int(i) = data {
                let m = Self.truncatedInt(max)
                if (!exclusive && i > m) || (exclusive && i >= m) {
                    maximum.add(OpenAPIFailure(code: .other, name: path, value: data, message: "\(path) in body should be \(word) \(m)"))
                }
            } else if (!exclusive && asDouble > max) || (exclusive && asDouble >= max) {
                maximum.add(OpenAPIFailure(code: .other, name: path, value: data, message: "\(path) in body should be \(word) \(GoFormat.float(max))"))
            }
        }
        if let min = s.minimum {
            let exclusive = s.exclusiveMinimum
            let word = exclusive ? "greater than" : "greater than or equal to"
            if case let .int(i) = data {
                let m = Self.truncatedInt(min)
                if (!exclusive && i < m) || (exclusive && i <= m) {
                    minimum.add(OpenAPIFailure(code: .other, name: path, value: data, message: "\(path) in body should be \(word) \(m)"))
                }
            } else if (!exclusive && asDouble < min) || (exclusive && asDouble <= min) {
                minimum.add(OpenAPIFailure(code: .other, name: path, value: data, message: "\(path) in body should be \(word) \(GoFormat.float(min))"))
            }
        }
        res.merge(multiple)
        res.merge(minimum)
        res.merge(maximum)
        res.matchCount += 1
        return res
    }

    /// Go's `int64(f)` for a bound compared with an integer value.
    private static func truncatedInt(_ d: Double) -> Int64 {
        if d >= 9.223372036854775807e18 { return .max }
        if d <= -9.223372036854775808e18 { return .min }
        return Int64(d.rounded(.towardZero))
    }

    // MARK: arrays

    private func sliceCheck(_ a: [JSON], _ s: StructuralSchema, path: String, old: JSON?) -> OpenAPIResult {
        var result = OpenAPIResult()
        if let items = s.items {
            let correlator = ListCorrelator(schema: s, old: old)
            for (i, item) in a.enumerated() {
                result.merge(validate(item, items, path: "\(path)[\(i)]", old: correlator.old(for: item)))
            }
        }
        let size = Int64(a.count)
        if let min = s.minItems, size < min {
            result.add(OpenAPIFailure(code: .other, name: path, value: .int(size), message: "\(path) in body should have at least \(min) items"))
        }
        if let max = s.maxItems, size > max {
            result.add(OpenAPIFailure(code: .maxItems, name: path, value: .int(size), message: "\(path) in body should have at most \(max) items", limit: max))
        }
        if s.uniqueItems {
            var seen: [JSON] = []
            for item in a {
                if seen.contains(item) {
                    result.add(OpenAPIFailure(code: .other, name: path, message: "\(path) in body shouldn't contain duplicates"))
                    break
                }
                seen.append(item)
            }
        }
        result.matchCount += 1
        return result
    }

    // MARK: enum

    private func enumCheck(_ data: JSON, _ s: StructuralSchema, path: String) -> OpenAPIResult? {
        guard let values = s.enumValues, !values.isEmpty else { return nil }
        if values.contains(where: { Self.enumMatches(data, $0) }) { return nil }
        return .error(OpenAPIFailure(code: .enumFail, name: path, value: data,
                                     message: "\(path) in body should be one of \(values.map { $0.serializedString() })",
                                     enumValues: values))
    }

    /// Go compares after converting the value to the enum member's type (`reflect.Convert`),
    /// which even turns an integer into the one-character string of that code point.
    static func enumMatches(_ data: JSON, _ member: JSON) -> Bool {
        switch (data, member) {
        case (.null, _), (_, .null): return false
        case let (.int(i), .string(s)):
            let scalar = UInt32(exactly: i).flatMap(Unicode.Scalar.init) ?? "\u{FFFD}"
            return String(Character(scalar)) == s
        default:
            return data == member
        }
    }

    // MARK: objects

    private func objectCheck(_ o: [String: JSON], _ s: StructuralSchema, path: String, old: JSON?) -> OpenAPIResult {
        let count = Int64(o.count)
        if let min = s.minProperties, count < min {
            return .error(OpenAPIFailure(code: .other, name: path, value: .int(count), message: "\(path) in body should have at least \(min) properties"))
        }
        if let max = s.maxProperties, count > max {
            return .error(OpenAPIFailure(code: .tooManyProperties, name: path, value: .int(count),
                                         message: "\(path) in body should have at most \(max) properties", limit: max))
        }
        var result = OpenAPIResult()
        let keys = o.keys.sorted()
        let oldObject = old?.objectValue
        if case .allows(false)? = s.additionalProperties {
            for key in keys where s.properties[key] == nil {
                result.add(OpenAPIFailure(code: .other, name: path, value: .string(key), message: "\(path).\(key) in body is a forbidden property"))
            }
        } else if let additional = s.additionalProperties?.schema {
            for key in keys where s.properties[key] == nil {
                result.merge(validate(o[key] ?? .null, additional, path: path + "." + key, old: oldObject?[key]))
            }
        }
        for key in keys {
            guard let property = s.properties[key], let value = o[key] else { continue }
            let childPath = path.isEmpty ? key : path + "." + key
            result.merge(validate(value, property, path: childPath, old: oldObject?[key]))
        }
        for key in s.required where o[key] == nil {
            result.add(OpenAPIFailure(code: .required, name: path + "." + key, message: "\(path).\(key) in body is required"))
        }
        return result
    }
}

/// Finds the old item a new list item corresponds to: by key for `x-kubernetes-list-type: map`,
/// by value for `set`; other lists do not correlate (their items have no identity).
struct ListCorrelator {
    private let keys: [String]
    private let oldItems: [JSON]
    private let mode: Mode
    private enum Mode { case none, map, set }

    init(schema: StructuralSchema, old: JSON?, includeSets: Bool = true) {
        keys = schema.listMapKeys
        oldItems = old?.arrayValue ?? []
        switch schema.listType {
        case "map" where !schema.listMapKeys.isEmpty: mode = old == nil ? .none : .map
        case "set" where includeSets: mode = old == nil ? .none : .set
        default: mode = .none
        }
    }

    func old(for item: JSON) -> JSON? {
        switch mode {
        case .none: return nil
        case .set: return oldItems.first { $0 == item }
        case .map:
            guard case let .object(o) = item else { return nil }
            return oldItems.first { candidate in
                guard case let .object(c) = candidate else { return false }
                return keys.allSatisfy { c[$0] == o[$0] }
            }
        }
    }
}
