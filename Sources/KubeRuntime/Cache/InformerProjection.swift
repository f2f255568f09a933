import Synchronization

/// One small value derived from each object of an informer's cache, kept up to date by a
/// handler as the informer delivers changes, for a reader that needs that value from many
/// objects on every reconcile: reading it from the store unpacks and decodes each object
/// whole. Objects whose value is nil take no space.
///
/// The handler is added when the projection is made and sees the cache replayed (as every late
/// handler does), so a projection made after the informer started still covers every object.
/// Handlers run in the order they were added: a controller that is told of an object's change
/// by a handler added after this one reads the projection as of that change or later.
public final class InformerProjection<Object: Sendable, Value: Sendable>: Sendable {
    private let values = Mutex<[ObjectRef: Value]>([:])

    public init(_ informer: Informer<Object>, _ project: @escaping @Sendable (Object) -> Value?) {
        let access = informer.store.access
        informer.addHandler(InformerHandler { [self] event in
            let ref = access.ref(event.object)
            let value: Value?
            if case .deleted = event { value = nil } else { value = project(event.object) }
            values.withLock { $0[ref] = value }
        })
    }

    /// The value of the object at `ref`; nil when the cache has no such object or its value is nil.
    public subscript(ref: ObjectRef) -> Value? {
        values.withLock { $0[ref] }
    }

    /// Objects with a value.
    public var count: Int { values.withLock { $0.count } }
}
