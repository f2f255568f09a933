/// One page of a list: which objects it holds and what its metadata says about the rest, chosen
/// from keys already in etcd's order. A page costs the objects it returns plus two binary
/// searches, not a sort of the whole resource, so a 30,000-object list read in pages of 500
/// stays linear.
struct ListPage {
    var items: [StoredObject]
    /// The continue key of the last item when more matching objects follow.
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
        if selected {
            let more = keys[index..<range.upperBound].contains { objects[$0].map(filter.matches) ?? false }
            continueKey = more ? keys[index - 1].continueKey(inNamespaceList: filter.namespace != nil) : nil
            remaining = nil
        } else {
            // Without a selector every key in the range matches.
            let rest = range.upperBound - index
            continueKey = rest > 0 ? keys[index - 1].continueKey(inNamespaceList: filter.namespace != nil) : nil
            remaining = rest > 0 ? rest : nil
        }
    }

    /// The etcd key under the resource's prefix that a continue key names: the list's namespace
    /// joined back on in a namespace's list, the leading `/` dropped otherwise.
    static func storageBytes(ofContinueKey key: String, namespace: String?) -> [UInt8] {
        if let namespace { return Array((namespace + key).utf8) }
        return Array(key.utf8.dropFirst(key.hasPrefix("/") ? 1 : 0))
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
