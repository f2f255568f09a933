import KubeCore

/// Strategic merge patch (`application/strategic-merge-patch+json`) as apimachinery's
/// `strategicpatch` applies it to built-in kinds: maps merge, `null` deletes, lists with a
/// `patchMergeKey` merge item by item, scalar lists with `patchStrategy: merge` are unions,
/// every other list is replaced. Directives: `$patch: replace|delete|merge` (in a map or as a
/// list item), `$retainKeys`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>`.
public enum StrategicMergePatch {
    static let directive = "$patch"
    static let retainKeys = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder/"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    public static func apply(_ patch: JSON, to original: JSON, schema: MergeSchema) throws(PatchError) -> JSON {
        guard case let .object(patchMap) = patch else {
            throw .badRequest("unable to find api field in struct for the patch: the patch must be a JSON object")
        }
        let merged = try mergeMap(original.objectValue ?? [:], patchMap, schema.root)
        return merged.map(JSON.object) ?? .object([:])
    }

    private static func mapSchema(_ node: SchemaNode) -> MapSchema {
        switch node {
        case let .map(m): return m
        case .deduced: return MapSchema(elements: .deduced, elementsAreFields: false)
        default: return MapSchema()
        }
    }

    /// Merges a patch map into an original map; nil means the map is deleted (`$patch: delete`).
    private static func mergeMap(_ original: [String: JSON], _ patch: [String: JSON], _ node: SchemaNode) throws(PatchError) -> [String: JSON]? {
        var patch = patch
        if let d = patch.removeValue(forKey: directive) {
            switch d.stringValue {
            case "replace": return try clean(patch, node)
            case "delete": return nil
            case "merge": break
            default: throw .invalid("Unknown patch type: \(d.serializedString()) in map: \(JSON.object(patch).serializedString())")
            }
        }
        let schema = mapSchema(node)
        var result = original

        if let keep = patch.removeValue(forKey: retainKeys) {
            guard let names = keep.arrayValue?.compactMap(\.stringValue), names.count == keep.arrayValue?.count else {
                throw .badRequest("invalid patch: $retainKeys must be a list of strings")
            }
            for key in patch.keys where !key.hasPrefix("$") && !names.contains(key) {
                throw .invalid("The $retainKeys list does not contain key \"\(key)\" present in the patch")
            }
            result = result.filter { names.contains($0.key) }
        }

        var orders: [String: [JSON]] = [:]
        for (key, value) in patch where key.hasPrefix(setElementOrderPrefix) || key.hasPrefix(deleteFromPrimitiveListPrefix) {
            patch[key] = nil
            guard let items = value.arrayValue else {
                throw .badRequest("invalid patch: \(key) must be a list")
            }
            if key.hasPrefix(setElementOrderPrefix) {
                orders[String(key.dropFirst(setElementOrderPrefix.count))] = items
            } else {
                let field = String(key.dropFirst(deleteFromPrimitiveListPrefix.count))
                if let current = result[field]?.arrayValue {
                    result[field] = .array(current.filter { !items.contains($0) })
                }
            }
        }

        for (key, value) in patch {
            let child = schema.child(key).node
            if value.isNull {
                result[key] = nil
                continue
            }
            switch (result[key], value) {
            case let (.object(o)?, .object(p)):
                if case let .map(m) = child, m.atomic {
                    result[key] = .object(try clean(p, child))
                } else if let merged = try mergeMap(o, p, child) {
                    result[key] = .object(merged)
                } else {
                    result[key] = nil
                }
            case let (.array(o)?, .array(p)):
                result[key] = .array(try mergeList(o, p, child.listSchema, order: orders[key]))
            case (nil, .object(let p)), (.some(.null), .object(let p)):
                if let merged = try mergeMap([:], p, child) { result[key] = .object(merged) } else { result[key] = nil }
            case (nil, .array(let p)), (.some(.null), .array(let p)):
                result[key] = .array(try mergeList([], p, child.listSchema, order: orders[key]))
            default:
                result[key] = value
            }
        }

        // A `$setElementOrder` for a list the patch leaves alone still reorders it.
        for (key, order) in orders where patch[key] == nil {
            if let items = result[key]?.arrayValue {
                result[key] = .array(try reorder(items, order: order, list: schema.child(key).node.listSchema))
            }
        }
        return result
    }

    /// The patch with directives and nulls taken out, for values that have nothing to merge with.
    private static func clean(_ patch: [String: JSON], _ node: SchemaNode) throws(PatchError) -> [String: JSON] {
        try mergeMap([:], patch, node) ?? [:]
    }

    private static func identity(_ item: JSON, _ mergeKey: String?) -> JSON? {
        guard let mergeKey else { return item }
        return item[mergeKey]
    }

    private static func mergeList(_ original: [JSON], _ patch: [JSON], _ list: ListSchema?, order: [JSON]?) throws(PatchError) -> [JSON] {
        guard let list, list.patchMergeKey != nil || list.patchMergesScalars else {
            // No merge strategy: the patch list replaces the original.
            return patch
        }
        guard let mergeKey = list.patchMergeKey else {
            var out = original
            for item in patch where !out.contains(item) { out.append(item) }
            return try reorder(out, order: order ?? patch, list: list)
        }

        var items = original
        var patchItems: [JSON] = []
        for item in patch {
            guard case var .object(fields) = item else {
                throw .badRequest("invalid patch: list items of a merge-key list must be objects")
            }
            if let d = fields[directive] {
                switch d.stringValue {
                case "replace":
                    // `{"$patch": "replace"}` as an item: the rest of the patch list is the new list.
                    var replaced: [JSON] = []
                    for p in patch {
                        guard let o = p.objectValue, o[directive] == nil else { continue }
                        replaced.append(.object(try clean(o, list.element)))
                    }
                    return replaced
                case "delete":
                    guard let key = fields[mergeKey] else {
                        throw .invalid("delete patch type with no merge key defined")
                    }
                    items.removeAll { $0[mergeKey] == key }
                    continue
                case "merge":
                    fields[directive] = nil
                default:
                    throw .invalid("Unknown patch type: \(d.serializedString()) in map: \(item.serializedString())")
                }
            }
            guard fields[mergeKey] != nil else {
                throw .invalid("map: \(item.serializedString()) does not contain declared merge key: \(mergeKey)")
            }
            patchItems.append(.object(fields))
        }

        for p in patchItems {
            let key = p[mergeKey]
            if let i = items.firstIndex(where: { $0[mergeKey] == key }) {
                if let merged = try mergeMap(items[i].objectValue ?? [:], p.objectValue ?? [:], list.element) {
                    items[i] = .object(merged)
                } else {
                    items.remove(at: i)
                }
            } else if let fresh = try mergeMap([:], p.objectValue ?? [:], list.element) {
                items.append(.object(fresh))
            }
        }
        return try normalize(items, patchOrder: order ?? patchItems, serverOrder: original, mergeKey: mergeKey)
    }

    private static func reorder(_ items: [JSON], order: [JSON], list: ListSchema?) throws(PatchError) -> [JSON] {
        try normalize(items, patchOrder: order, serverOrder: items, mergeKey: list?.patchMergeKey)
    }

    /// `normalizeElementOrder`: items named by the patch (or `$setElementOrder`) in that order,
    /// server-only items in their old order, interleaved where the old order allows.
    private static func normalize(_ merged: [JSON], patchOrder: [JSON], serverOrder: [JSON], mergeKey: String?) throws(PatchError) -> [JSON] {
        let patchIDs = patchOrder.map { identity($0, mergeKey) }
        let serverIDs = serverOrder.map { identity($0, mergeKey) }
        func index(_ ids: [JSON?], _ item: JSON) -> Int? {
            let id = identity(item, mergeKey)
            return ids.firstIndex { $0 == id }
        }
        var patched: [JSON] = []
        var serverOnly: [JSON] = []
        for item in merged {
            if index(patchIDs, item) != nil { patched.append(item) } else { serverOnly.append(item) }
        }
        patched = patched.enumerated().sorted { a, b in
            (index(patchIDs, a.element) ?? Int.max, a.offset) < (index(patchIDs, b.element) ?? Int.max, b.offset)
        }.map(\.element)
        serverOnly = serverOnly.enumerated().sorted { a, b in
            (index(serverIDs, a.element) ?? Int.max, a.offset) < (index(serverIDs, b.element) ?? Int.max, b.offset)
        }.map(\.element)

        var out: [JSON] = []
        var i = 0, j = 0
        while i < serverOnly.count || j < patched.count {
            if i >= serverOnly.count {
                out.append(patched[j]); j += 1
            } else if j >= patched.count {
                out.append(serverOnly[i]); i += 1
            } else if let li = index(serverIDs, serverOnly[i]), let ri = index(serverIDs, patched[j]), li < ri {
                out.append(serverOnly[i]); i += 1
            } else {
                out.append(patched[j]); j += 1
            }
        }
        return out
    }
}
