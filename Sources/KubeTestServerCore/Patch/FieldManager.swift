import KubeCore

/// Field ownership as kube-apiserver's field manager keeps it in `metadata.managedFields`.
///
/// Every write records who set what: a plain write (create, update, patch) gives its manager an
/// `Update` entry for the fields it added or changed and takes them away from everyone else;
/// a server-side apply gives its manager an `Apply` entry for exactly the fields in its
/// configuration, merges that configuration into the object, removes what the manager applied
/// before and dropped since (unless another applier still claims it), and refuses to change a
/// field someone else owns unless forced. Controllers written against a real cluster depend on
/// all of this: a conflict they never see in tests is a 409 loop in production.
///
/// Callers pass the object they are about to persist (after the strategy has reset what the
/// endpoint may not change, e.g. spec on `/status`), so the comparison sees only real changes.
public enum FieldManager {
    /// Metadata the field manager never tracks (its `stripMeta` set).
    static let untrackedMetadata = ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName",
                                    "generation", "managedFields", "resourceVersion"]

    public static func update(old: JSON?, new: JSON, managedFields: [ManagedFieldsEntry], manager: String,
                              apiVersion: String, subresource: String?, time: String, schema: MergeSchema,
                              statusIsSubresource: Bool) -> [ManagedFieldsEntry] {
        let scope = Scope(subresource: subresource, statusIsSubresource: statusIsSubresource)
        let before = scope.tracked(old ?? schema.emptyObject)
        let after = scope.tracked(new)
        let diff = StructuredMerge.compare(before, after, schema.root)
        let taken = clean(diff.modified.union(diff.added))
        let removed = clean(diff.removed)

        var owners = Owners(managedFields)
        for i in owners.items.indices {
            owners.items[i].set = owners.items[i].set.subtracting(taken).subtracting(removed)
        }
        if !taken.isEmpty {
            let me = ManagedFieldsEntry(manager: manager, operation: "Update", apiVersion: apiVersion, time: time,
                                        fieldsV1: [:], subresource: subresource)
            if let i = owners.index(of: me.identity) {
                owners.items[i].set = owners.items[i].set.union(taken)
                owners.items[i].entry.time = time
            } else {
                owners.items.append(Owners.Item(entry: me, set: taken, original: nil))
            }
        }
        return owners.encoded()
    }

    public static func apply(live: JSON?, config: JSON, managedFields: [ManagedFieldsEntry], manager: String,
                             apiVersion: String, force: Bool, subresource: String?, time: String, schema: MergeSchema,
                             statusIsSubresource: Bool) throws(ApplyConflict) -> (object: JSON, managedFields: [ManagedFieldsEntry]) {
        let scope = Scope(subresource: subresource, statusIsSubresource: statusIsSubresource)
        let current = live ?? .object([:])
        let merged = StructuredMerge.merge(current, scope.inScope(config), schema.root) ?? current

        var owners = Owners(managedFields)
        let me = ManagedFieldsEntry(manager: manager, operation: "Apply", apiVersion: apiVersion, time: nil,
                                    fieldsV1: [:], subresource: subresource)
        let applied = clean(StructuredMerge.fieldSet(of: scope.tracked(config), schema.root))
        let mine: Int
        var lastSet: FieldSet?
        if let i = owners.index(of: me.identity) {
            lastSet = owners.items[i].set
            owners.items[i].set = applied
            owners.items[i].entry.apiVersion = apiVersion
            mine = i
        } else {
            owners.items.append(Owners.Item(entry: me, set: applied, original: nil))
            mine = owners.items.count - 1
        }

        let object = prune(merged, owners: owners, lastSet: lastSet, schema: schema)

        let diff = StructuredMerge.compare(scope.tracked(current), scope.tracked(object), schema.root)
        let changed = clean(diff.modified.union(diff.added))
        let removed = clean(diff.removed)
        var conflicts: [(manager: String, fields: [String])] = []
        var lost: [Int: FieldSet] = [:]
        for i in owners.items.indices where i != mine {
            let clash = owners.items[i].set.intersection(changed)
            if !clash.isEmpty {
                lost[i] = clash
                conflicts.append((owners.items[i].entry.conflictName, clash.paths.map(\.display)))
            }
        }
        if !force, !conflicts.isEmpty {
            // One group per manager, its paths in field-set order. The real server emits the groups
            // in Go map order (random); ordering them by their first path reproduces both recorded
            // answers (153: team-a's .data.a before team-c's .data.b; 155: team-b's .data.a before
            // golden2-editor's .data.c).
            let ordered = conflicts.sorted { ($0.fields.first ?? "", $0.manager) < ($1.fields.first ?? "", $1.manager) }
            throw ApplyConflict(conflicts: ordered.flatMap { c in
                c.fields.map { ApplyConflict.Conflict(manager: c.manager, field: $0) }
            })
        }
        for i in owners.items.indices where i != mine {
            owners.items[i].set = owners.items[i].set.subtracting(lost[i] ?? FieldSet()).subtracting(removed)
        }
        // The applier's timestamp moves only when the apply changed the object (the real
        // managedFieldsUpdater): a repeated identical apply leaves managedFields (and so the
        // resourceVersion) untouched, and a new manager applying values already there gets an
        // entry without a time (golden 152).
        if live == nil || object != current {
            owners.items[mine].entry.time = time
        }

        let entries = owners.encoded()
        var result = object
        if var metadata = result["metadata"]?.objectValue {
            metadata["managedFields"] = entries.isEmpty ? nil : .array(entries.map(\.json))
            result["metadata"] = .object(metadata)
        }
        return (result, entries)
    }

    /// Removes what the applier applied last time and no longer does, unless an applier (this
    /// one's new configuration included) still claims it (structured-merge-diff's `prune`,
    /// `addBackOwnedItems`, `addBackDanglingItems`).
    private static func prune(_ merged: JSON, owners: Owners, lastSet: FieldSet?, schema: MergeSchema) -> JSON {
        guard let lastSet, !lastSet.isEmpty else { return merged }
        let root = schema.root
        var pruned = StructuredMerge.removing(lastSet, from: merged, root)
        let claimed = owners.items.filter(\.entry.isApply).reduce(FieldSet()) { $0.union($1.set) }
        let mergedSet = StructuredMerge.fieldSet(of: merged, root)
        var prunedSet = StructuredMerge.fieldSet(of: pruned, root)
        pruned = StructuredMerge.removing(mergedSet.subtracting(prunedSet.union(claimed)), from: merged, root)
        prunedSet = StructuredMerge.fieldSet(of: pruned, root)
        return StructuredMerge.removing(mergedSet.subtracting(prunedSet).intersection(lastSet), from: merged, root)
    }

    /// Drops the nodes the field manager strips: the root's `metadata`, `apiVersion` and `kind` members.
    private static func clean(_ set: FieldSet) -> FieldSet {
        var out = set
        for name in ["metadata", "apiVersion", "kind"] { out.members.remove(.field(name)) }
        return out
    }

    /// Which part of the object an endpoint owns: `/status` only the status (and metadata the
    /// strategy let through); the main resource everything but a status that has its own endpoint.
    struct Scope {
        var subresource: String?
        var statusIsSubresource: Bool

        func inScope(_ object: JSON) -> JSON {
            guard var members = object.objectValue else { return object }
            if subresource == "status" {
                members = members.filter { ["apiVersion", "kind", "metadata", "status"].contains($0.key) }
            } else if statusIsSubresource {
                members["status"] = nil
            }
            return .object(members)
        }

        func tracked(_ object: JSON) -> JSON {
            guard var members = inScope(object).objectValue else { return object }
            members["apiVersion"] = nil
            members["kind"] = nil
            if var metadata = members["metadata"]?.objectValue {
                for key in FieldManager.untrackedMetadata { metadata[key] = nil }
                members["metadata"] = .object(metadata)
            }
            return .object(members)
        }
    }

}
