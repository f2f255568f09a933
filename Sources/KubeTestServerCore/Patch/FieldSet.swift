import KubeCore

/// A set of field paths as a tree (structured-merge-diff's `fieldpath.Set`): `members` are the
/// paths that end at this level, `children` the subtrees below. A path can be both a member and
/// have children; fieldsV1 writes that as a `"."` entry next to the children.
public struct FieldSet: Sendable, Equatable {
    public var members: Set<PathElement>
    public var children: [PathElement: FieldSet]

    public init(members: Set<PathElement> = [], children: [PathElement: FieldSet] = [:]) {
        self.members = members
        self.children = children
    }

    public var isEmpty: Bool { members.isEmpty && children.isEmpty }

    public mutating func insert(_ path: FieldPath) {
        insert(path[...])
    }

    private mutating func insert(_ path: ArraySlice<PathElement>) {
        guard let first = path.first else { return }
        if path.count == 1 {
            members.insert(first)
        } else {
            var child = children[first] ?? FieldSet()
            child.insert(path.dropFirst())
            children[first] = child
        }
    }

    /// Whether `path` itself is a member (not merely a prefix of one).
    public func contains(_ path: FieldPath) -> Bool {
        guard let first = path.first else { return false }
        if path.count == 1 { return members.contains(first) }
        return children[first]?.contains(Array(path.dropFirst())) ?? false
    }

    /// Member paths, members before children at each level, each level in path-element order.
    public var paths: [FieldPath] {
        var out: [FieldPath] = []
        func walk(_ set: FieldSet, _ prefix: FieldPath) {
            for m in set.members.sorted() { out.append(prefix + [m]) }
            for k in set.children.keys.sorted() { walk(set.children[k] ?? FieldSet(), prefix + [k]) }
        }
        walk(self, [])
        return out
    }

    public func union(_ other: FieldSet) -> FieldSet {
        var out = self
        out.members.formUnion(other.members)
        for (k, c) in other.children {
            out.children[k] = out.children[k].map { $0.union(c) } ?? c
        }
        return out
    }

    public func intersection(_ other: FieldSet) -> FieldSet {
        var out = FieldSet(members: members.intersection(other.members))
        for (k, c) in children {
            if let o = other.children[k] {
                let i = c.intersection(o)
                if !i.isEmpty { out.children[k] = i }
            }
        }
        return out
    }

    /// Members of self not in other, recursively. A member of `other` does not remove the
    /// children below it (structured-merge-diff's `Difference`, not `RecursiveDifference`).
    public func subtracting(_ other: FieldSet) -> FieldSet {
        var out = FieldSet(members: members.subtracting(other.members))
        for (k, c) in children {
            let d = other.children[k].map { c.subtracting($0) } ?? c
            if !d.isEmpty { out.children[k] = d }
        }
        return out
    }

    /// Removes `element` and everything below it at this level.
    public func removingSubtree(_ element: PathElement) -> FieldSet {
        var out = self
        out.members.remove(element)
        out.children[element] = nil
        return out
    }

    /// The subtree under `element` (empty when absent).
    public func child(_ element: PathElement) -> FieldSet { children[element] ?? FieldSet() }

    // MARK: fieldsV1

    /// The fieldsV1 JSON: `{"f:spec": {".": {}, "f:replicas": {}}}`.
    public var fieldsV1: JSON {
        var out: [String: JSON] = [:]
        for m in members where children[m] == nil { out[m.encoded] = .object([:]) }
        for (k, c) in children {
            var sub = c.fieldsV1.objectValue ?? [:]
            if members.contains(k) { sub["."] = .object([:]) }
            out[k.encoded] = .object(sub)
        }
        return .object(out)
    }

    /// Parses fieldsV1; unknown or malformed member names are skipped rather than failing the
    /// request, since a test server must not fall over on a client's odd managedFields.
    public init(fieldsV1: JSON) {
        self.init()
        guard case let .object(entries) = fieldsV1 else { return }
        for (name, value) in entries {
            guard let element = PathElement(encoded: name) else { continue }
            let sub = value.objectValue ?? [:]
            let hasDot = sub["."] != nil
            var rest = sub
            rest["."] = nil
            if rest.isEmpty {
                members.insert(element)
            } else {
                if hasDot { members.insert(element) }
                let child = FieldSet(fieldsV1: .object(rest))
                if !child.isEmpty { children[element] = child }
            }
        }
    }
}
