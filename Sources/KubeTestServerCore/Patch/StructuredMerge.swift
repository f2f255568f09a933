import KubeCore

/// The schema-aware walks of structured-merge-diff that server-side apply is built from:
/// an object's field set, the comparison of two versions, the merge of an applied
/// configuration into the live object, and the removal of a set of fields.
enum StructuredMerge {
    struct Comparison {
        var added = FieldSet()
        var removed = FieldSet()
        var modified = FieldSet()
    }

    /// The path element naming a list item: its key fields for list-maps (with schema defaults
    /// for missing keys), its value for sets.
    static func pathElement(for item: JSON, index: Int, in list: ListSchema) -> PathElement {
        switch list.kind {
        case .set:
            return .value(PathElement.canonical(item))
        case let .map(keys):
            var fields: [String: JSON] = [:]
            for key in keys {
                if let v = item[key] ?? list.keyDefaults[key] { fields[key] = PathElement.canonical(v) }
            }
            return .key(.object(fields))
        case .atomic:
            return .index(index)
        }
    }

    /// Items by path element; a later duplicate of an element is dropped, as the merge does.
    private static func keyed(_ items: [JSON]?, _ list: ListSchema) -> [(pe: PathElement, item: JSON)] {
        var seen = Set<PathElement>()
        var out: [(PathElement, JSON)] = []
        for (i, item) in (items ?? []).enumerated() {
            let pe = pathElement(for: item, index: i, in: list)
            if seen.insert(pe).inserted { out.append((pe, item)) }
        }
        return out
    }

    private static func isEmptyContainer(_ v: JSON?) -> Bool {
        guard let v else { return true }
        switch v {
        case .null: return true
        case let .object(o): return o.isEmpty
        case let .array(a): return a.isEmpty
        default: return false
        }
    }

    // MARK: - Field set

    /// The fields a value sets (`TypedValue.ToFieldSet`): leaves, list items, map elements,
    /// and empty or null members; non-empty declared struct fields only through their leaves.
    static func fieldSet(of value: JSON, _ node: SchemaNode) -> FieldSet {
        var set = FieldSet()
        fieldSet(value, node, [], &set)
        return set
    }

    private static func fieldSet(_ value: JSON, _ node: SchemaNode, _ path: FieldPath, _ set: inout FieldSet) {
        switch node.resolve(value, nil) {
        case .leaf:
            set.insert(path)
        case let .map(m):
            guard let members = value.objectValue else { return }
            for (key, child) in members {
                let (childNode, declared) = m.child(key)
                let childPath = path + [.field(key)]
                fieldSet(child, childNode, childPath, &set)
                if child.isNull || child.objectValue?.isEmpty == true || !declared { set.insert(childPath) }
            }
        case let .list(l):
            for (pe, item) in keyed(value.arrayValue, l) {
                let childPath = path + [pe]
                fieldSet(item, l.element, childPath, &set)
                set.insert(childPath)
            }
        }
    }

    // MARK: - Compare

    /// What changed from `lhs` to `rhs`: leaves added, removed or modified, and structured nodes
    /// (maps, list items) that appear or disappear as a whole.
    static func compare(_ lhs: JSON, _ rhs: JSON, _ node: SchemaNode) -> Comparison {
        var c = Comparison()
        compare(lhs, rhs, node, [], &c)
        return c
    }

    private static func compare(_ l: JSON?, _ r: JSON?, _ node: SchemaNode, _ path: FieldPath, _ c: inout Comparison) {
        func leaf() {
            if l == nil { c.added.insert(path) } else if r == nil { c.removed.insert(path) } else if l != r { c.modified.insert(path) }
        }
        switch node.resolve(l, r) {
        case .leaf:
            leaf()
            return
        case let .map(m):
            if isEmptyContainer(l), isEmptyContainer(r) { leaf(); return }
            let lm = l?.objectValue ?? [:]
            let rm = r?.objectValue ?? [:]
            for key in Set(lm.keys).union(rm.keys) {
                compare(lm[key], rm[key], m.child(key).node, path + [.field(key)], &c)
            }
        case let .list(list):
            if isEmptyContainer(l), isEmptyContainer(r) { leaf(); return }
            let li = keyed(l?.arrayValue, list)
            let ri = keyed(r?.arrayValue, list)
            let lmap = Dictionary(li, uniquingKeysWith: { a, _ in a })
            let rmap = Dictionary(ri, uniquingKeysWith: { a, _ in a })
            for pe in Set(lmap.keys).union(rmap.keys) {
                compare(lmap[pe], rmap[pe], list.element, path + [pe], &c)
            }
        }
        if l == nil { c.added.insert(path) } else if r == nil { c.removed.insert(path) }
    }

    // MARK: - Merge

    /// Merges an applied configuration into the live object: maps member by member, list-maps
    /// item by key, sets as a union, atomic values and scalars taken from the configuration.
    static func merge(_ lhs: JSON?, _ rhs: JSON?, _ node: SchemaNode) -> JSON? {
        switch node.resolve(lhs, rhs) {
        case .leaf:
            return rhs ?? lhs
        case let .map(m):
            if isEmptyContainer(lhs), isEmptyContainer(rhs) { return rhs ?? lhs }
            let lm = lhs?.objectValue ?? [:]
            let rm = rhs?.objectValue ?? [:]
            var out: [String: JSON] = [:]
            for key in Set(lm.keys).union(rm.keys) {
                out[key] = merge(lm[key], rm[key], m.child(key).node)
            }
            return .object(out)
        case let .list(list):
            if isEmptyContainer(lhs), isEmptyContainer(rhs) { return rhs ?? lhs }
            return .array(mergeItems(keyed(lhs?.arrayValue, list), keyed(rhs?.arrayValue, list), list))
        }
    }

    /// The item order of structured-merge-diff: shared items follow the configuration's order,
    /// live-only items stay where they were relative to them, new items come where the
    /// configuration puts them.
    private static func mergeItems(_ lhs: [(pe: PathElement, item: JSON)], _ rhs: [(pe: PathElement, item: JSON)],
                                   _ list: ListSchema) -> [JSON] {
        let observedLHS = Dictionary(lhs, uniquingKeysWith: { a, _ in a })
        let observedRHS = Dictionary(rhs, uniquingKeysWith: { a, _ in a })
        var sharedOrder = rhs.map(\.pe).filter { observedLHS[$0] != nil }[...]
        var nextShared = sharedOrder.popFirst()
        var mergedRHS = Set<PathElement>()
        var out: [JSON] = []
        var li = 0, ri = 0
        func take(_ pe: PathElement) {
            if let v = merge(observedLHS[pe], observedRHS[pe], list.element) { out.append(v) }
        }
        while li < lhs.count || ri < rhs.count {
            if li < lhs.count, ri < rhs.count {
                let pe = lhs[li].pe
                if pe == rhs[ri].pe {
                    mergedRHS.insert(pe)
                    take(pe)
                    li += 1
                    ri += 1
                    nextShared = sharedOrder.popFirst()
                    continue
                }
                if observedRHS[pe] != nil, let next = nextShared, next != pe {
                    li += 1
                    continue
                }
            }
            if li < lhs.count {
                let pe = lhs[li].pe
                if observedRHS[pe] == nil {
                    if let v = merge(lhs[li].item, nil, list.element) { out.append(v) }
                    li += 1
                    continue
                } else if mergedRHS.contains(pe) {
                    li += 1
                    continue
                }
            }
            if ri < rhs.count {
                let pe = rhs[ri].pe
                mergedRHS.insert(pe)
                take(pe)
                ri += 1
                if nextShared == pe { nextShared = sharedOrder.popFirst() }
            }
        }
        return out
    }

    // MARK: - Remove

    /// The value without the members of `set` (`TypedValue.RemoveItems`). A map or list left
    /// empty by the removal disappears, as it does once the object is decoded into its Go type.
    static func removing(_ set: FieldSet, from value: JSON, _ node: SchemaNode) -> JSON {
        if set.isEmpty { return value }
        switch node.resolve(value, nil) {
        case .leaf:
            return value
        case let .map(m):
            guard var members = value.objectValue else { return value }
            for (key, child) in members {
                let pe = PathElement.field(key)
                if set.members.contains(pe) {
                    members[key] = nil
                } else if let sub = set.children[pe] {
                    let pruned = removing(sub, from: child, m.child(key).node)
                    // `JSON?.none`, not `nil`: JSON is nil-literal convertible, and a bare `nil`
                    // here would store a JSON null instead of removing the member (159: a
                    // container's env emptied by a forced apply must go, not become null).
                    members[key] = isEmptyContainer(pruned) && !isEmptyContainer(child) ? JSON?.none : pruned
                }
            }
            return .object(members)
        case let .list(list):
            guard let items = value.arrayValue else { return value }
            var out: [JSON] = []
            for (i, item) in items.enumerated() {
                let pe = pathElement(for: item, index: i, in: list)
                if set.members.contains(pe) { continue }
                if let sub = set.children[pe] {
                    out.append(removing(sub, from: item, list.element))
                } else {
                    out.append(item)
                }
            }
            return .array(out)
        }
    }
}
