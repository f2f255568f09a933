/// The refs an index holds under one value. Most values name a single object (the uid of an
/// owner with one child, the TrainingJob a pod belongs to), and a `Set` of one is an allocation
/// of its own for every cached object: one ref is held inline, a set only once there are two.
enum IndexedRefs: Sendable {
    case one(ObjectRef)
    case many(Set<ObjectRef>)

    mutating func insert(_ ref: ObjectRef) {
        switch self {
        case let .one(existing):
            if existing != ref { self = .many([existing, ref]) }
        case var .many(refs):
            // Drop this enum's reference first, so that the set is unique and grows in place
            // (a namespace's set holds every object of the kind).
            self = .one(ref)
            refs.insert(ref)
            self = .many(refs)
        }
    }

    /// Removes `ref`; false when no ref is left under the value.
    mutating func remove(_ ref: ObjectRef) -> Bool {
        switch self {
        case let .one(existing):
            return existing != ref
        case var .many(refs):
            self = .one(ref)
            refs.remove(ref)
            if refs.count == 1, let last = refs.first {
                self = .one(last)
            } else {
                self = .many(refs)
            }
            return !refs.isEmpty
        }
    }

    var refs: [ObjectRef] {
        switch self {
        case let .one(ref): return [ref]
        case let .many(refs): return Array(refs)
        }
    }
}

extension Dictionary where Key == String, Value == IndexedRefs {
    /// Adds `ref` under `value`, in place.
    mutating func insert(_ ref: ObjectRef, under value: String) {
        if let index = index(forKey: value) {
            values[index].insert(ref)
        } else {
            self[value] = .one(ref)
        }
    }

    /// Removes `ref` from under `value`, and the value once nothing is left under it.
    mutating func remove(_ ref: ObjectRef, under value: String) {
        guard let index = index(forKey: value) else { return }
        if !values[index].remove(ref) { remove(at: index) }
    }
}
