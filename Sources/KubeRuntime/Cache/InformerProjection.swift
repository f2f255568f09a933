import Synchronization

/// One small value derived from each object of an informer's cache, for a reader that needs
/// that value from many objects on every reconcile: reading it from the store unpacks and
/// decodes each object whole. Objects whose value is nil take no space.
///
/// Kept as the store is written, under the store's lock (`IndexedStore.observeWrites`), and
/// made from what the store already holds: the projection is never behind the cache, so a
/// reader that saw an object in the store (or a handler told of its change) finds its value.
public final class InformerProjection<Object: Sendable, Value: Sendable>: Sendable {
    private let values = Mutex<[ObjectRef: Value]>([:])

    public convenience init(_ informer: Informer<Object>, _ project: @escaping @Sendable (Object) -> Value?) {
        self.init(informer.store, project)
    }

    public init(_ store: IndexedStore<Object>, _ project: @escaping @Sendable (Object) -> Value?) {
        store.observeWrites { [self] ref, object in
            let value = object.flatMap(project)
            values.withLock { $0[ref] = value }
        }
    }

    /// The value of the object at `ref`; nil when the cache has no such object or its value is nil.
    public subscript(ref: ObjectRef) -> Value? {
        values.withLock { $0[ref] }
    }

    /// Objects with a value.
    public var count: Int { values.withLock { $0.count } }
}
