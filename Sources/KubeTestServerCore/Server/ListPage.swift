/// One page of a list: which objects it holds and what its metadata says about the rest, chosen
/// from keys already in etcd's order. An unselected page costs the objects it returns plus two
/// binary searches, not a sort of the whole resource, so a 30,000-object list read in pages of
/// 500 stays linear; a selected page also passes over the keys its selector skips.
struct ListPage {
    var items: [StoredObject]
    /// The continue key of the last item when the page is full and keys follow it.
    var continueKey: String?
    /// How many objects follow the page, when the list has no selector (the real server leaves
    /// `remainingItemCount` out of selected lists).
    var remaining: Int?

    /// - Parameters:
    ///   - keys: every key of the resource, in `ObjectKey` order.
    ///   - objects: the objects of those keys.
    ///   - startAfter: the continue token's key (`/name` in a namespace's list, `/namespace/name`
    ///     across namespaces); the page starts at the first key after it.
    init(keys: [ObjectKey], objects: [ObjectKey: StoredObject], filter: ObjectFilter, startAfter: String?, limit: Int?) {
        var range = keys.indices
        if let namespace = filter.namespace {
            // One namespace's keys are contiguous in etcd's order.
            let lower = keys.partitioningIndex { !ObjectKey.namespacePrecedes($0.namespace, namespace) }
            let upper = keys[lower...].partitioningIndex { $0.namespace != namespace }
            range = lower..<upper
        }
        if let startAfter {
            let start = Self.storageBytes(ofContinueKey: startAfter, namespace: filter.namespace)
            range = keys[range].partitioningIndex { start.lexicographicallyPrecedes($0.storageBytes) }..<range.upperBound
        }
        let selected = !filter.labels.requirements.isEmpty || !filter.fields.requirements.isEmpty
        let limit = limit ?? Int.max
        var items: [StoredObject] = []
        var index = range.lowerBound
        while index < range.upperBound, items.count < limit {
            if let object = objects[keys[index]], filter.matches(object) { items.append(object) }
            index += 1
        }
        self.items = items
        // A full page has a continue token when any key follows it, matching or not: etcd and the
        // watch cache stop at the limit without looking ahead, so a selected list may end with
        // an empty page. Only an unselected list counts what is left.
        let rest = range.upperBound - index
        continueKey = items.count == limit && rest > 0 ? keys[index - 1].continueKey(inNamespaceList: filter.namespace != nil) : nil
        remaining = continueKey != nil && !selected ? rest : nil
    }

    /// `objects` and their `keys` (in `ObjectKey` order) as they were before `events` (oldest
    /// first): each event undone, newest first. The order is the current one less the keys that
    /// came later, merged with the keys that went, so a page read while objects are written
    /// costs a pass over the keys rather than a sort.
    static func undoing(_ events: [WatchEvent], objects: [ObjectKey: StoredObject], keys: [ObjectKey])
        -> (objects: [ObjectKey: StoredObject], keys: [ObjectKey]) {
        guard !events.isEmpty else { return (objects, keys) }
        var past = objects
        var changed = Set<ObjectKey>()
        for event in events.reversed() {
            let key = ObjectKey(namespace: event.object.namespace, name: event.object.name)
            past[key] = event.kind == .added ? nil : event.previous
            changed.insert(key)
        }
        let came = changed.filter { past[$0] == nil && objects[$0] != nil }
        let went = changed.filter { past[$0] != nil && objects[$0] == nil }.sorted()
        let kept = came.isEmpty ? keys : keys.filter { !came.contains($0) }
        guard !went.isEmpty else { return (past, kept) }
        var merged: [ObjectKey] = []
        merged.reserveCapacity(kept.count + went.count)
        var index = kept.startIndex
        for key in went {
            while index < kept.endIndex, kept[index] < key {
                merged.append(kept[index])
                index += 1
            }
            merged.append(key)
        }
        merged.append(contentsOf: kept[index...])
        return (past, merged)
    }

    /// The etcd key under the resource's prefix that a continue key (which starts with `/`,
    /// `ContinueToken.decode`) names: the list's namespace joined back on in a namespace's list,
    /// the leading `/` dropped otherwise.
    static func storageBytes(ofContinueKey key: String, namespace: String?) -> [UInt8] {
        if let namespace { return Array((namespace + key).utf8) }
        return Array(key.utf8.dropFirst())
    }
}

extension Collection {
    /// The first index whose element satisfies `belongsInSecondPartition`, for a collection
    /// already partitioned by it (binary search).
    func partitioningIndex(where belongsInSecondPartition: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if belongsInSecondPartition(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }
}
