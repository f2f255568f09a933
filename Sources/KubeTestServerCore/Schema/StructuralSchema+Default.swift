import KubeCore

extension StructuralSchema {
    /// Applies `default`s as the real server does when it decodes a request, reads from storage
    /// and after admission: first nulls that are neither nullable nor defaulted are removed
    /// (`{"mode": null}` means "unset"), then every missing property with a default gets it,
    /// recursively, so defaults inside a default value and inside list items apply too.
    /// Only objects that exist are filled: a default never creates its parent.
    public func applyDefaults(_ object: inout JSON) {
        Self.pruneNonNullableNullsWithoutDefaults(&object, schema: self)
        Self.applyDefaults(&object, schema: self)
    }

    private static func isNonNullableNull(_ x: JSON?, _ s: StructuralSchema?) -> Bool {
        guard let x, x.isNull, let s else { return false }
        return !s.nullable
    }

    static func applyDefaults(_ x: inout JSON, schema s: StructuralSchema?) {
        guard let s else { return }
        switch x {
        case var .object(o):
            x = .null
            for key in s.properties.keys.sorted() {
                guard let property = s.properties[key], let defaultValue = property.defaultValue else { continue }
                if o[key] == nil || isNonNullableNull(o[key], property) {
                    o[key] = defaultValue
                }
            }
            for key in o.keys.sorted() {
                if let property = s.properties[key] {
                    applyDefaults(&o[key]!, schema: property)
                } else if let additional = s.additionalProperties?.schema {
                    if isNonNullableNull(o[key], additional), let defaultValue = additional.defaultValue {
                        o[key] = defaultValue
                    }
                    applyDefaults(&o[key]!, schema: additional)
                }
            }
            x = .object(o)
        case var .array(a):
            x = .null
            for i in a.indices {
                if isNonNullableNull(a[i], s.items), let defaultValue = s.items?.defaultValue {
                    a[i] = defaultValue
                }
                applyDefaults(&a[i], schema: s.items)
            }
            x = .array(a)
        default:
            return
        }
    }

    /// Removes `null`s where the schema says neither nullable nor defaulted (those with a
    /// default are left for defaulting to replace). Nulls in list items are kept.
    static func pruneNonNullableNullsWithoutDefaults(_ x: inout JSON, schema s: StructuralSchema?) {
        switch x {
        case var .object(o):
            x = .null
            for key in o.keys.sorted() {
                let child = s?.schema(forKey: key)
                if let value = o[key], value.isNull, let child, !child.nullable, child.defaultValue == nil {
                    o[key] = nil
                } else {
                    pruneNonNullableNullsWithoutDefaults(&o[key]!, schema: child)
                }
            }
            x = .object(o)
        case var .array(a):
            x = .null
            for i in a.indices { pruneNonNullableNullsWithoutDefaults(&a[i], schema: s?.items) }
            x = .array(a)
        default:
            return
        }
    }
}
