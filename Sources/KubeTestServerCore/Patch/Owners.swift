import KubeCore

/// The decoded managedFields being rewritten, keeping each entry's original form so an entry
/// whose set did not change is written back byte for byte.
struct Owners {
    struct Item {
        var entry: ManagedFieldsEntry
        var set: FieldSet
        var original: FieldSet?
    }

    var items: [Item]

    init(_ entries: [ManagedFieldsEntry]) {
        var items: [Item] = []
        var seen: [ManagedFieldsEntry.Identity: Int] = [:]
        for entry in entries {
            let set = FieldSet(fieldsV1: entry.fieldsV1)
            if let i = seen[entry.identity] {
                items[i].set = items[i].set.union(set)
                items[i].original = nil
            } else {
                seen[entry.identity] = items.count
                items.append(Item(entry: entry, set: set, original: set))
            }
        }
        self.items = items
    }

    func index(of identity: ManagedFieldsEntry.Identity) -> Int? {
        items.firstIndex { $0.entry.identity == identity }
    }

    /// Non-empty entries, sorted as apimachinery sorts them: Apply before Update, then by time,
    /// manager, apiVersion, subresource.
    func encoded() -> [ManagedFieldsEntry] {
        var out: [ManagedFieldsEntry] = []
        for item in items where !item.set.isEmpty {
            var entry = item.entry
            if item.original != item.set { entry.fieldsV1 = item.set.fieldsV1 }
            entry.fieldsType = "FieldsV1"
            out.append(entry)
        }
        return out.sorted { p, q in
            if p.operation != q.operation { return p.operation < q.operation }
            let pt = p.time ?? "", qt = q.time ?? ""
            if pt != qt { return pt < qt }
            if p.manager != q.manager { return p.manager < q.manager }
            if p.apiVersion != q.apiVersion { return p.apiVersion < q.apiVersion }
            return (p.subresource ?? "") < (q.subresource ?? "")
        }
    }
}
