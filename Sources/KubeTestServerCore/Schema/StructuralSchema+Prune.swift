import KubeCore

extension StructuralSchema {
    /// Removes fields the schema does not specify, as the real server does on every write of a
    /// custom resource, and returns their paths (`spec.colour`, `spec.steps[0].x`,
    /// `spec.labels.team.extra`) so the server can warn (`fieldValidation=Warn`) or refuse
    /// (`Strict`).
    ///
    /// Nothing is removed under `x-kubernetes-preserve-unknown-fields` (but known properties
    /// below it are pruned as usual). At the root and in `x-kubernetes-embedded-resource`
    /// objects, `apiVersion`, `kind` and `metadata` are kept: metadata is the server's business.
    /// Paths are listed in key order.
    public func prune(_ object: inout JSON) -> [String] {
        prune(&object, isResourceRoot: true)
    }

    /// Same for a value of this node that may not be a resource (a `default`, which the real
    /// server prunes as a resource only where `x-kubernetes-embedded-resource` is set).
    func prune(_ object: inout JSON, isResourceRoot: Bool) -> [String] {
        var root = self
        root.embeddedResource = isResourceRoot
        var pruned: [String] = []
        Self.prune(&object, schema: root, path: "", pruned: &pruned)
        return pruned
    }

    private static let metaFields: Set<String> = ["apiVersion", "kind", "metadata"]

    /// Go's `pruning.prune`: a nil schema means "nothing is specified here".
    private static func prune(_ x: inout JSON, schema s: StructuralSchema?, path: String, pruned: inout [String]) {
        if let s, s.preserveUnknownFields {
            skipPrune(&x, schema: s, path: path, pruned: &pruned)
            return
        }
        switch x {
        case var .object(o):
            x = .null  // let the dictionary be mutated in place
            for key in o.keys.sorted() {
                let childPath = path.isEmpty ? key : path + "." + key
                if let s, s.embeddedResource && metaFields.contains(key) { continue }
                if let s, let property = s.properties[key] {
                    prune(&o[key]!, schema: property, path: childPath, pruned: &pruned)
                } else if let s, let additional = s.additionalProperties {
                    prune(&o[key]!, schema: additional.schema, path: childPath, pruned: &pruned)
                } else {
                    pruned.append(childPath)
                    o[key] = nil
                }
            }
            x = .object(o)
        case var .array(a):
            x = .null
            for i in a.indices {
                prune(&a[i], schema: s?.items, path: path + "[\(i)]", pruned: &pruned)
            }
            x = .array(a)
        default:
            return
        }
    }

    /// Below `x-kubernetes-preserve-unknown-fields`: unknown keys stay, known ones are pruned
    /// by their own schema.
    private static func skipPrune(_ x: inout JSON, schema s: StructuralSchema, path: String, pruned: inout [String]) {
        switch x {
        case var .object(o):
            x = .null
            for key in o.keys.sorted() {
                if s.embeddedResource && metaFields.contains(key) { continue }
                let childPath = path.isEmpty ? key : path + "." + key
                if let property = s.properties[key] {
                    prune(&o[key]!, schema: property, path: childPath, pruned: &pruned)
                } else if let additional = s.additionalProperties?.schema {
                    prune(&o[key]!, schema: additional, path: childPath, pruned: &pruned)
                }
            }
            x = .object(o)
        case var .array(a):
            guard let items = s.items else { return }
            x = .null
            for i in a.indices {
                skipPrune(&a[i], schema: items, path: path + "[\(i)]", pruned: &pruned)
            }
            x = .array(a)
        default:
            return
        }
    }
}
