extension StructuralSchema {
    /// apiextensions' `SchemaDeclType`: the CEL type a rule sees for a value of this schema, or
    /// nil when the schema is not exposed to CEL (no type, e.g. a bare
    /// `x-kubernetes-preserve-unknown-fields`; a list or map of such).
    ///
    /// Strings with `format: byte`, `duration`, `date`, `date-time` are bytes, durations and
    /// timestamps; int-or-string is `dyn`. At the root of a resource (and of an embedded one)
    /// `apiVersion`, `kind` and `metadata.name`/`generateName` are always there — and nothing
    /// else of `metadata`. Sizes follow the schema's maxItems/maxProperties/maxLength (a string's
    /// maxLength counts runes, so it allows 4 bytes each), or else what fits in a 3 MiB request.
    func celDeclType(isResourceRoot: Bool) -> CELDeclType? {
        if intOrString {
            return .scalar("dyn", .dyn, minSize: 1, maxElements: CELSizes.maxRequestSizeBytes - 2)
        }
        let s = isResourceRoot ? withTypeAndObjectMeta() : self
        switch s.type {
        case "array":
            guard let items = s.items, let element = items.celDeclType(isResourceRoot: items.embeddedResource) else { return nil }
            let maxItems = s.maxItems.map { max(0, $0) } ?? (CELSizes.maxRequestSizeBytes - 2) / (element.minSerializedSize + 1)
            return .list(element, maxItems: maxItems)
        case "object":
            if let additional = s.additionalProperties?.schema {
                guard let value = additional.celDeclType(isResourceRoot: additional.embeddedResource) else { return nil }
                // Key, quotes, colon and comma around the smallest value.
                let maxProperties = s.maxProperties.map { max(0, $0) }
                    ?? (CELSizes.maxRequestSizeBytes - 2) / (value.minSerializedSize + 6)
                return .map(value, maxProperties: maxProperties)
            }
            var fields: [String: CELDeclType] = [:]
            var minSize: Int64 = 2
            for (name, property) in s.properties {
                guard let type = property.celDeclType(isResourceRoot: property.embeddedResource) else { continue }
                if let escaped = CELEscaping.escape(name) { fields[escaped] = type }
                // Required properties without a default are always serialized.
                if s.required.contains(name), property.defaultValue == nil {
                    minSize += Int64(name.utf8.count) + type.minSerializedSize + 4
                }
            }
            return .object(fields, minSerializedSize: minSize)
        case "string":
            return stringDeclType(s)
        case "boolean":
            return .scalar("bool", .bool, minSize: CELSizes.minBoolSize)
        case "number":
            return .scalar("double", .double, minSize: CELSizes.minNumberSize)
        case "integer":
            return .scalar("int", .int, minSize: CELSizes.minNumberSize)
        default:
            return nil
        }
    }

    private func stringDeclType(_ s: StructuralSchema) -> CELDeclType {
        let unbounded = CELSizes.maxRequestSizeBytes - 2
        switch s.format {
        case "byte":
            return .scalar("bytes", .bytes, minSize: CELSizes.minStringSize, maxElements: s.maxLength.map { max(0, $0) } ?? unbounded)
        case "duration":
            return .scalar("duration", .duration, minSize: CELSizes.minDurationSizeJSON, maxElements: CELSizes.maxDurationSizeJSON)
        case "date":
            return .scalar("timestamp", .timestamp, minSize: CELSizes.jsonDateSize, maxElements: CELSizes.jsonDateSize)
        case "date-time":
            return .scalar("timestamp", .timestamp, minSize: CELSizes.minDatetimeSizeJSON, maxElements: CELSizes.maxDatetimeSizeJSON)
        default:
            return .scalar("string", .string, minSize: CELSizes.minStringSize, maxElements: s.maxLength.map { max(0, $0) * 4 } ?? unbounded)
        }
    }

    /// `WithTypeAndObjectMeta`: `kind`, `apiVersion` and a `metadata` of just `name` and
    /// `generateName`, unless the schema already declares all four as strings.
    private func withTypeAndObjectMeta() -> StructuralSchema {
        let metadata = properties["metadata"]
        if properties["kind"]?.type == "string", properties["apiVersion"]?.type == "string", metadata?.type == "object",
           metadata?.properties["name"]?.type == "string", metadata?.properties["generateName"]?.type == "string" {
            return self
        }
        var string = StructuralSchema()
        string.type = "string"
        var meta = StructuralSchema()
        meta.type = "object"
        meta.properties = ["name": string, "generateName": string]
        var result = self
        result.properties["kind"] = string
        result.properties["apiVersion"] = string
        result.properties["metadata"] = meta
        return result
    }
}
